/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for boot/menu.c: pxelinux.cfg, grub.cfg and iPXE scripts for
 * the menu and for a host's profile, checked line by line against the
 * keywords each loader knows; GRUB's own grub-script-check parses ours
 * when it is installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/menu.h"
#include "../common/config_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char conf[] =
	"[tftp]\n"
	"[http]\n"
	"[tree rhel7]\n"
	"path = /tmp\n"
	"[profile rhel7-ks]\n"
	"label = RHEL 7 (kickstart)\n"
	"tree = rhel7\n"
	"kernel = images/pxeboot/vmlinuz\n"
	"initrd = images/pxeboot/initrd.img\n"
	"append = inst.repo=${tree_url} inst.ks=${kickstart_url} ip=dhcp\n"
	"kickstart = /tmp/rhel7.ks\n"
	"[profile rescue]\n"
	"tree = rhel7\n"
	"kernel = /images/pxeboot/vmlinuz\n"
	"initrd = images/pxeboot/initrd.img\n"
	"append = rescue quiet='a b' $HOME\n"
	"[menu]\n"
	"title = Lab installs\n"
	"default = rescue\n"
	"timeout = 7\n";

struct fixture {
	struct config *config;
	struct boot_view view;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->config = test_config_from_text(conf);
	assert_non_null(fx->config);
	fx->view = (struct boot_view){
		.config = fx->config,
		.profiles = fx->config->profiles,
		.n_profiles = fx->config->n_profiles,
		.server = "172.25.254.100",
		.server_url = "http://172.25.254.100",
		.mac = "52:54:00:12:34:56",
		.host = "",
		.has_menu_c32 = true,
	};
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	config_free(fx->config);
	free(fx);
	return 0;
}

static char *render(const struct boot_view *v, enum boot_menu_format fmt)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(boot_menu_render(fmt, v, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

/*
 * Every line is blank, a comment, a label (":name", iPXE only) or starts
 * with one of `words`.
 */
static void assert_keywords(const char *text, const char *const *words,
			    bool labels)
{
	char *copy = strdup(text), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		bool ok = l[0] == '#' || (labels && l[0] == ':');

		while (*l == ' ')
			l++;
		for (size_t i = 0; !ok && words[i]; i++)
			ok = !strncmp(l, words[i], strlen(words[i])) &&
			     (l[strlen(words[i])] == ' ' ||
			      !l[strlen(words[i])]);
		if (!ok)
			fail_msg("line not understood by the loader: '%s'", l);
	}
	free(copy);
}

static const char *const pxelinux_words[] = {
	"DEFAULT", "PROMPT", "TIMEOUT", "UI", "MENU TITLE", "LABEL",
	"MENU LABEL", "KERNEL", "INITRD", "APPEND", "LOCALBOOT", NULL
};

static void test_pxelinux_menu(void **state)
{
	struct fixture *fx = *state;
	char *out = render(&fx->view, BOOT_MENU_PXELINUX);

	assert_keywords(out, pxelinux_words, false);
	assert_non_null(strstr(out, "DEFAULT rescue\nPROMPT 0\nTIMEOUT 70\n"
				    "UI menu.c32\nMENU TITLE Lab installs\n"));
	assert_non_null(strstr(out,
		"\nLABEL rhel7-ks\n  MENU LABEL RHEL 7 (kickstart)\n"
		"  KERNEL /rhel7/images/pxeboot/vmlinuz\n"
		"  INITRD /rhel7/images/pxeboot/initrd.img\n"
		"  APPEND inst.repo=http://172.25.254.100/rhel7/ "
		"inst.ks=http://172.25.254.100/ks/rhel7-ks.ks ip=dhcp\n"));
	assert_non_null(strstr(out, "\nLABEL rescue\n  MENU LABEL rescue\n"
				    "  KERNEL /rhel7/images/pxeboot/vmlinuz\n"));
	assert_non_null(strstr(out, "\nLABEL local\n"));
	assert_non_null(strstr(out, "  LOCALBOOT 0\n"));
	free(out);
}

static void test_pxelinux_host(void **state)
{
	struct fixture *fx = *state;
	struct boot_view v = fx->view;
	char *out;

	v.profile = config_profile_find(fx->config, "rhel7-ks");
	out = render(&v, BOOT_MENU_PXELINUX);
	assert_keywords(out, pxelinux_words, false);
	assert_non_null(strstr(out, "DEFAULT rhel7-ks\nPROMPT 0\n\nLABEL"));
	assert_null(strstr(out, "TIMEOUT"));
	assert_null(strstr(out, "UI "));
	assert_null(strstr(out, "rescue"));
	assert_null(strstr(out, "LOCALBOOT"));
	free(out);
}

static void test_pxelinux_without_menu_c32_and_timeout_zero(void **state)
{
	struct fixture *fx = *state;
	struct boot_view v = fx->view;
	char *out;

	v.has_menu_c32 = false;
	out = render(&v, BOOT_MENU_PXELINUX);
	assert_null(strstr(out, "UI "));
	free(out);
	fx->config->menu.timeout_s = 0;
	out = render(&fx->view, BOOT_MENU_PXELINUX);
	/* 0 would mean "wait forever" to pxelinux. */
	assert_non_null(strstr(out, "TIMEOUT 1\n"));
	free(out);
}

/* grub-script-check, when installed, must accept `text`. */
static void assert_grub_accepts(const char *text)
{
	char path[] = "/tmp/pxed-test-grub-XXXXXX", cmd[128];
	int fd, status;

	if (access("/usr/bin/grub-script-check", X_OK) != 0)
		return;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "/usr/bin/grub-script-check %s", path);
	status = system(cmd);
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_grub_menu(void **state)
{
	static const char hook[] =
		"# generated by pxed\n"
		"if [ -n \"$net_default_mac\" ]; then\n"
		"  source \"$prefix/mac/$net_default_mac\"\n"
		"fi\nset default=rescue\n";
	struct fixture *fx = *state;
	char *out = render(&fx->view, BOOT_MENU_GRUB);

	assert_grub_accepts(out);
	assert_non_null(strstr(out, "set default=rescue\nset timeout=7\n"));
	assert_non_null(strstr(out,
		"\nmenuentry 'RHEL 7 (kickstart)' --id rhel7-ks {\n"
		"  linux /rhel7/images/pxeboot/vmlinuz "
		"inst.repo=http://172.25.254.100/rhel7/ "
		"inst.ks=http://172.25.254.100/ks/rhel7-ks.ks ip=dhcp\n"
		"  initrd /rhel7/images/pxeboot/initrd.img\n}\n"));
	/* GRUB would expand $HOME and eat the quotes: escaped. */
	assert_non_null(strstr(out, "vmlinuz rescue quiet=\\'a b\\' \\$HOME\n"));
	assert_non_null(strstr(out, "--id local {\n  exit\n}\n"));
	/* The menu first asks for the client's host hook by MAC. */
	assert_memory_equal(out, hook, sizeof(hook) - 1);
	free(out);
}

static void test_grub_hook(void **state)
{
	struct fixture *fx = *state;
	char *out;
	size_t len;

	assert_int_equal(boot_grub_hook_render(
		config_profile_find(fx->config, "rescue"), "52-54-00-12-34-56",
		&out, &len), 0);
	assert_string_equal(out,
		"configfile \"$prefix/grub.cfg-01-52-54-00-12-34-56\"\n");
	assert_int_equal(len, strlen(out));
	assert_grub_accepts(out);
	free(out);
	assert_int_equal(boot_grub_hook_render(NULL, "52-54-00-12-34-56", &out,
					       &len), 0);
	/* Only a comment (grub-script-check calls that "no commands"). */
	assert_string_equal(out, "# no host profile for this MAC\n");
	free(out);
}

static void test_grub_host_and_quoted_label(void **state)
{
	struct fixture *fx = *state;
	struct boot_view v = fx->view;
	struct config_profile pr;
	char *out;

	pr = *config_profile_find(fx->config, "rescue");
	pr.label = (char *)"Joe's rescue";
	v.profile = &pr;
	out = render(&v, BOOT_MENU_GRUB);
	assert_grub_accepts(out);
	assert_non_null(strstr(out, "set default=rescue\nset timeout=0\n"));
	assert_non_null(strstr(out, "menuentry 'Joe'\\''s rescue' --id rescue"));
	assert_null(strstr(out, "rhel7-ks"));
	assert_null(strstr(out, "--id local"));
	free(out);
}

static const char *const ipxe_words[] = {
	"menu", "item", "choose", "goto", "kernel", "initrd", "boot", "exit",
	"chain", NULL
};

static void assert_ipxe(const char *out)
{
	assert_memory_equal(out, "#!ipxe\n", 7);
	assert_keywords(out, ipxe_words, true);
}

static void test_ipxe_menu(void **state)
{
	struct fixture *fx = *state;
	char *out = render(&fx->view, BOOT_MENU_IPXE);

	assert_ipxe(out);
	assert_non_null(strstr(out, "menu Lab installs\n"
				    "item rhel7-ks RHEL 7 (kickstart)\n"
				    "item rescue rescue\n"
				    "item local Boot from the local disk\n"
				    "choose --default rescue --timeout 7000 "
				    "target || goto local\ngoto ${target}\n"));
	assert_non_null(strstr(out,
		"\n:rhel7-ks\n"
		"kernel http://172.25.254.100/rhel7/images/pxeboot/vmlinuz "
		"initrd=initrd inst.repo=http://172.25.254.100/rhel7/ "
		"inst.ks=http://172.25.254.100/ks/rhel7-ks.ks ip=dhcp\n"
		"initrd --name initrd "
		"http://172.25.254.100/rhel7/images/pxeboot/initrd.img\n"
		"boot\n"));
	assert_non_null(strstr(out, "\n:local\nexit\n"));
	free(out);
}

static void test_ipxe_host(void **state)
{
	struct fixture *fx = *state;
	struct boot_view v = fx->view;
	char *out;

	v.profile = config_profile_find(fx->config, "rhel7-ks");
	out = render(&v, BOOT_MENU_IPXE);
	assert_ipxe(out);
	assert_non_null(strstr(out, "#!ipxe\ngoto rhel7-ks\n\n:rhel7-ks\n"));
	assert_null(strstr(out, "menu "));
	assert_null(strstr(out, ":local"));
	free(out);
}

static void test_ipxe_entry_script(void **state)
{
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(boot_ipxe_entry_render(&out, &len), 0);
	assert_int_equal(strlen(out), len);
	assert_ipxe(out);
	assert_non_null(strstr(out, "chain ipxe/${mac:hexhyp}.ipxe\n"));
	free(out);
}

static void test_append_variables(void **state)
{
	struct fixture *fx = *state;
	struct config_profile pr = *config_profile_find(fx->config, "rhel7-ks");
	struct boot_view v = fx->view;
	char *out;

	pr.append = (char *)"a=${server} b=${server_url} c=${tree} "
			    "d=${profile} e=${mac} f=${host} $${literal}";
	v.host = "web1";
	assert_int_equal(boot_append_expand(&v, &pr, &out), 0);
	assert_string_equal(out, "a=172.25.254.100 b=http://172.25.254.100 "
				 "c=rhel7 d=rhel7-ks e=52:54:00:12:34:56 "
				 "f=web1 ${literal}");
	free(out);
	pr.kickstart = NULL;
	pr.append = (char *)"ks=${kickstart_url}";
	assert_int_equal(boot_append_expand(&v, &pr, &out), 0);
	assert_string_equal(out, "ks=");
	free(out);
	pr.append = (char *)"x=${nope}";
	assert_int_equal(boot_append_expand(&v, &pr, &out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pxelinux_menu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pxelinux_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_pxelinux_without_menu_c32_and_timeout_zero, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_grub_menu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grub_host_and_quoted_label,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_grub_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipxe_menu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipxe_host, setup, teardown),
		cmocka_unit_test(test_ipxe_entry_script),
		cmocka_unit_test_setup_teardown(test_append_variables, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
