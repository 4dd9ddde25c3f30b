/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for boot/kickstart.c: the kickstart checked line by line
 * against the commands and options Anaconda knows, the preseed against
 * debconf's "owner question type value" form, SHA-512 password hashes,
 * and values that could inject lines refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/kickstart.h"

#include <crypt.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kickstart commands and the options pxed may use with each. */
static const struct {
	const char *command;
	const char *const options[6];
} ks_syntax[] = {
	{ "text", { NULL } },
	{ "url", { "--url=", NULL } },
	{ "lang", { NULL } },
	{ "keyboard", { "--vckeymap=", "--xlayouts=", NULL } },
	{ "timezone", { "--utc", NULL } },
	{ "network", { "--bootproto=dhcp", "--activate", NULL } },
	{ "rootpw", { "--iscrypted", "--lock", NULL } },
	{ "zerombr", { NULL } },
	{ "ignoredisk", { "--only-use=", NULL } },
	{ "clearpart", { "--all", "--initlabel", "--drives=", NULL } },
	{ "autopart", { NULL } },
	{ "bootloader", { "--boot-drive=", NULL } },
	{ "reboot", { NULL } },
};

static bool ks_option_known(size_t cmd, const char *word)
{
	for (size_t i = 0; ks_syntax[cmd].options[i]; i++) {
		const char *o = ks_syntax[cmd].options[i];
		size_t n = strlen(o);

		if (o[n - 1] == '=' ? !strncmp(word, o, n) && word[n]
				    : !strcmp(word, o))
			return true;
	}
	/* Positional arguments (a language, a zone, a hash) are no options. */
	return word[0] != '-';
}

static void ks_check_command(char *line)
{
	char *save = NULL, *w = strtok_r(line, " ", &save);
	size_t i;

	for (i = 0; i < sizeof(ks_syntax) / sizeof(ks_syntax[0]); i++)
		if (!strcmp(w, ks_syntax[i].command))
			break;
	if (i == sizeof(ks_syntax) / sizeof(ks_syntax[0]))
		fail_msg("unknown kickstart command '%s'", w);
	while ((w = strtok_r(NULL, " ", &save)))
		if (!ks_option_known(i, w))
			fail_msg("%s: unknown option '%s'", ks_syntax[i].command,
				 w);
}

/* Commands, then one %packages section to %end; returns the packages. */
static char *ks_check(const char *text)
{
	char *copy = strdup(text), *save = NULL, *l, *pkgs = calloc(1, 4096);
	enum { COMMANDS, PACKAGES, DONE } at = COMMANDS;

	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		if (at == COMMANDS && !strcmp(l, "%packages"))
			at = PACKAGES;
		else if (at == PACKAGES && !strcmp(l, "%end"))
			at = DONE;
		else if (at == PACKAGES)
			strcat(strcat(pkgs, l), " ");
		else if (at == COMMANDS)
			ks_check_command(l);
		else
			fail_msg("after %%end: '%s'", l);
	}
	assert_int_equal(at, DONE);
	free(copy);
	return pkgs;
}

static char *render(const struct kickstart_opts *o)
{
	const char *reason = NULL;
	char *out = NULL;

	assert_int_equal(kickstart_render(o, &out, &reason), 0);
	return out;
}

static void test_kickstart_defaults(void **state)
{
	struct kickstart_opts o = { 0 };
	char *out = render(&o), *pkgs;

	(void)state;
	pkgs = ks_check(out);
	assert_string_equal(pkgs, "@core ");
	assert_non_null(strstr(out, "\nurl --url=${tree_url}\n"));
	assert_non_null(strstr(out, "\nlang en_US.UTF-8\n"));
	assert_non_null(strstr(out, "\ntimezone UTC --utc\n"));
	assert_non_null(strstr(out, "\nnetwork --bootproto=dhcp --activate\n"));
	assert_non_null(strstr(out, "\nrootpw --lock\n"));
	assert_non_null(strstr(out, "\nclearpart --all --initlabel\nautopart\n"
				    "bootloader\nreboot\n"));
	free(pkgs);
	free(out);
}

static void test_kickstart_everything(void **state)
{
	struct kickstart_opts o = {
		.root_hash = "$6$salt$abc./XYZ", .timezone = "America/New_York",
		.lang = "de_DE.UTF-8", .keyboard = "de-nodeadkeys",
		.packages = "vim-enhanced, @^minimal-environment tmux",
		.disk = "/dev/vda",
	};
	char *out = render(&o), *pkgs;

	(void)state;
	pkgs = ks_check(out);
	assert_string_equal(pkgs, "@core vim-enhanced @^minimal-environment "
				  "tmux ");
	assert_non_null(strstr(out, "\nrootpw --iscrypted $6$salt$abc./XYZ\n"));
	assert_non_null(strstr(out, "\nkeyboard --vckeymap=de-nodeadkeys "
				    "--xlayouts=de-nodeadkeys\n"));
	assert_non_null(strstr(out, "\nignoredisk --only-use=vda\n"
				    "clearpart --all --initlabel --drives=vda\n"
				    "autopart\nbootloader --boot-drive=vda\n"));
	free(pkgs);
	free(out);
}

/* debconf: "owner question type value". */
static void preseed_check(const char *text)
{
	static const char *const types[] = { "string", "select", "boolean",
					     "multiselect", "password", "note" };
	char *copy = strdup(text), *save = NULL, *l;

	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char owner[32], question[128], type[32];
		bool ok = false;

		if (l[0] == '#')
			continue;
		if (sscanf(l, "%31s %127s %31s", owner, question, type) != 3 ||
		    (strcmp(owner, "d-i") && strcmp(owner, "tasksel")) ||
		    !strchr(question, '/'))
			fail_msg("not a preseed line: '%s'", l);
		for (size_t i = 0; i < 6; i++)
			ok = ok || !strcmp(type, types[i]);
		if (!ok)
			fail_msg("unknown type in '%s'", l);
		if (!strcmp(type, "boolean"))
			assert_true(strstr(l, " boolean true") ||
				    strstr(l, " boolean false"));
	}
	free(copy);
}

static void test_preseed(void **state)
{
	struct kickstart_opts o = { .format = KICKSTART_PRESEED };
	char *out = render(&o);

	(void)state;
	preseed_check(out);
	assert_non_null(strstr(out, "d-i mirror/http/hostname string ${server}\n"
				    "d-i mirror/http/directory string /${tree}\n"));
	assert_non_null(strstr(out, "d-i passwd/root-login boolean false\n"));
	assert_non_null(strstr(out, "d-i grub-installer/bootdev string default\n"));
	free(out);
	o.root_hash = "$6$s$h";
	o.disk = "sdb";
	o.packages = "openssh-server,vim";
	out = render(&o);
	preseed_check(out);
	assert_non_null(strstr(out, "passwd/root-password-crypted password "
				    "$6$s$h\n"));
	assert_non_null(strstr(out, "partman-auto/disk string /dev/sdb\n"));
	assert_non_null(strstr(out, "pkgsel/include string openssh-server vim \n"));
	assert_non_null(strstr(out, "bootdev string /dev/sdb\n"));
	free(out);
}

static void test_injection_refused(void **state)
{
	const struct kickstart_opts bad[] = {
		{ .timezone = "UTC\n%post\nrm -rf /\n%end" },
		{ .lang = "en US" },
		{ .keyboard = "us\"" },
		{ .packages = "vim\n%end" },
		{ .disk = "sda; reboot" },
		{ .root_hash = "plain" },
		{ .root_hash = "$6$a b" },
		{ .timezone = "" },
	};
	const char *reason;
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reason = NULL;
		assert_int_equal(kickstart_render(&bad[i], &out, &reason),
				 -EINVAL);
		assert_non_null(reason);
	}
}

static void test_password_hash(void **state)
{
	char *h1, *h2;

	(void)state;
	assert_int_equal(kickstart_hash_password("secret", &h1), 0);
	assert_int_equal(kickstart_hash_password("secret", &h2), 0);
	assert_memory_equal(h1, "$6$", 3);
	/* a random salt each time; crypt(3) of the hash's own salt agrees */
	assert_string_not_equal(h1, h2);
	assert_string_equal(crypt("secret", h1), h1);
	assert_string_not_equal(crypt("Secret", h1), h1);
	free(h1);
	free(h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kickstart_defaults),
		cmocka_unit_test(test_kickstart_everything),
		cmocka_unit_test(test_preseed),
		cmocka_unit_test(test_injection_refused),
		cmocka_unit_test(test_password_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
