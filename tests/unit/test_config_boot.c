/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for config_boot.c: [profile], [menu] and [bootloaders], the
 * cross-checks with [tree] and [host] (each error on its line), and the
 * DHCP boot files that profiles imply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../common/config_expect.h"
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static struct config *load_ok(const char *text)
{
	struct config_diags d = { 0 };
	struct config *c;

	if (test_config_load(text, &c, &d) < 0) {
		for (size_t i = 0; i < d.len; i++)
			print_error("%u: %s\n", d.items[i].line,
				    d.items[i].message);
		fail_msg("config rejected");
	}
	config_diags_clear(&d);
	unlink(test_config_path);
	return c;
}


#define BASE                                                                  \
	"[server]\n"                       /* 1 */                            \
	"interface = eth0\n"               /* 2 */                            \
	"[subnet 172.25.254.0/24]\n"       /* 3 */                            \
	"range = 172.25.254.60 - 172.25.254.70\n" /* 4 */                     \
	"[tftp]\n"                         /* 5 */                            \
	"[http]\n"                         /* 6 */                            \
	"[tree rhel7]\n"                   /* 7 */                            \
	"path = /tmp\n"                    /* 8 */

#define PROFILE                                                               \
	"[profile ks]\n"                   /* 9 */                            \
	"tree = rhel7\n"                   /* 10 */                           \
	"kernel = images/pxeboot/vmlinuz\n" /* 11 */                          \
	"initrd = images/pxeboot/initrd.img\n" /* 12 */

static void test_profile_menu_host(void **state)
{
	struct config *c;
	const struct config_profile *pr;

	(void)state;
	c = load_ok(BASE PROFILE
		    "label = Kickstart install\n"
		    "append = inst.repo=${tree_url}\n"
		    "kickstart = /etc/pxed/ks.cfg\n"
		    "boot-via = ipxe\n"
		    "[menu]\ntitle = Lab\ndefault = ks\ntimeout = 0\n"
		    "[host a]\nmac = 52:54:00:12:34:56\nprofile = ks\n");
	assert_int_equal(c->n_profiles, 1);
	pr = config_profile_find(c, "ks");
	assert_non_null(pr);
	assert_string_equal(pr->tree, "rhel7");
	assert_string_equal(pr->kernel, "images/pxeboot/vmlinuz");
	assert_string_equal(pr->label, "Kickstart install");
	assert_string_equal(pr->kickstart, "/etc/pxed/ks.cfg");
	assert_int_equal(pr->via, CONFIG_VIA_IPXE);
	assert_string_equal(c->menu.title, "Lab");
	assert_string_equal(c->menu.default_entry, "ks");
	assert_int_equal(c->menu.timeout_s, 0);
	assert_null(config_profile_find(c, "nope"));
	config_free(c);

	c = load_ok(BASE "[profile p]\ntree = rhel7\nkernel = /boot/k\n"
		    "initrd = i\n");
	assert_string_equal(c->menu.title, "pxed boot menu");
	assert_int_equal(c->menu.timeout_s, 10);
	assert_int_equal(c->profiles[0].via, CONFIG_VIA_TFTP);
	/* A leading '/' is the tree's root, not the server's. */
	assert_string_equal(c->profiles[0].kernel, "boot/k");
	config_free(c);
}

static void test_errors_have_lines(void **state)
{
	(void)state;
	test_config_expect_error(BASE "[profile ks]\ntree = nope\nkernel = k\ninitrd = i\n",
		     10, "unknown tree 'nope'");
	test_config_expect_error(BASE "[profile ks]\nkernel = k\ninitrd = i\n", 9,
		     "needs 'tree'");
	test_config_expect_error(BASE PROFILE "kernel = k\n", 13, "set twice");
	test_config_expect_error(BASE PROFILE "[profile ks]\n", 13, "already defined");
	test_config_expect_error(BASE "[profile local]\n", 9, "not 'local'");
	test_config_expect_error(BASE "[profile a/b]\n", 9, "must be letters");
	test_config_expect_error(BASE PROFILE "initrd2 = x\n", 13, "unknown key");
	test_config_expect_error(BASE "[profile ks]\ntree = rhel7\nkernel = ../x\n", 11,
		     "not a path inside the tree");
	test_config_expect_error(BASE PROFILE "boot-via = http\n", 13, "not tftp or ipxe");
	test_config_expect_error(BASE PROFILE "kickstart = ks.cfg\n", 13, "absolute");
	test_config_expect_error(BASE PROFILE "[menu]\ntimeout = 5\ndefault = nope\n", 15,
		     "unknown profile 'nope'");
	test_config_expect_error(BASE PROFILE "[host a]\nmac = 52:54:00:12:34:56\n"
		     "profile = nope\n", 13, "unknown profile 'nope'");
	test_config_expect_error(BASE PROFILE "[bootloaders]\npxelinux = /nonexistent\n",
		     14, "not an existing file");
	test_config_expect_error(BASE PROFILE "[bootloaders]\nelilo = /etc/passwd\n", 14,
		     "unknown key 'elilo'");
	test_config_expect_error(BASE PROFILE "[menu]\n[menu]\n", 14, "appears twice");
	test_config_expect_error("[http]\n[tree t]\npath = /tmp\n"
		     "[profile p]\ntree = t\nkernel = k\ninitrd = i\n", 4,
		     "profiles need [tftp]");
	test_config_expect_error("[tftp]\n[tree t]\npath = /tmp\n"
		     "[profile p]\ntree = t\nkernel = k\ninitrd = i\n"
		     "boot-via = ipxe\n", 4, "needs [http]");
}

static void test_bootloaders_explicit(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok(BASE PROFILE "[bootloaders]\npxelinux = /etc/hostname\n");
	assert_string_equal(c->bootloaders.path[CONFIG_LOADER_PXELINUX],
			    "/etc/hostname");
	assert_string_equal(config_loader_name(CONFIG_LOADER_PXELINUX),
			    "pxelinux.0");
	assert_string_equal(config_loader_name(CONFIG_LOADER_IPXE_BIOS),
			    "undionly.kpxe");
	assert_null(config_loader_name(CONFIG_LOADERS));
	/* The subnet names no boot file: BIOS clients get pxelinux.0. */
	assert_string_equal(
		c->subnets[0].boot.filename[CONFIG_BOOT_BIOS], "pxelinux.0");
	assert_null(c->subnets[0].boot.filename[CONFIG_BOOT_IPXE]);
	config_free(c);
}

/* Boot files come only from loaders found; an explicit one wins. */
static void test_dhcp_boot_files(void **state)
{
	const struct config_boot *b;
	struct config *c;

	(void)state;
	c = load_ok("[server]\ninterface = eth0\n[subnet 172.25.254.0/24]\n"
		    "filename = mine.0\n[tftp]\n[http]\n"
		    "[tree rhel7]\npath = /tmp\n" PROFILE);
	b = &c->subnets[0].boot;
	assert_string_equal(b->filename[CONFIG_BOOT_DEFAULT], "mine.0");
	assert_null(b->filename[CONFIG_BOOT_BIOS]);
	config_free(c);

	c = load_ok(BASE PROFILE "[menu]\nboot-via = ipxe\n"
		    "[bootloaders]\nipxe-bios = /etc/hostname\n");
	b = &c->subnets[0].boot;
	assert_string_equal(b->filename[CONFIG_BOOT_BIOS], "undionly.kpxe");
	/* No [server] address: the script comes by TFTP from next-server. */
	assert_string_equal(b->filename[CONFIG_BOOT_IPXE], "boot.ipxe");
	config_free(c);

	/* Each architecture gets its loader, wherever [bootloaders] says. */
	c = load_ok(BASE PROFILE "[bootloaders]\ngrub-arm64 = /etc/hostname\n"
		    "grub-x64 = /etc/hostname\npxelinux = /etc/hostname\n");
	b = &c->subnets[0].boot;
	assert_string_equal(b->filename[CONFIG_BOOT_BIOS], "pxelinux.0");
	assert_string_equal(b->filename[CONFIG_BOOT_UEFI64], "grubx64.efi");
	assert_string_equal(b->filename[CONFIG_BOOT_ARM64], "grubaa64.efi");
	assert_null(b->filename[CONFIG_BOOT_DEFAULT]);
	config_free(c);

	c = load_ok("[server]\ninterface = eth0\naddress = 172.25.254.1\n"
		    "[subnet 172.25.254.0/24]\n[tftp]\n[http]\nport = 8080\n"
		    "[tree rhel7]\npath = /tmp\n" PROFILE "boot-via = ipxe\n"
		    "[host a]\nmac = 52:54:00:12:34:56\nprofile = ks\n");
	/* The menu boots by TFTP; only the host goes through iPXE. */
	assert_null(c->subnets[0].boot.filename[CONFIG_BOOT_IPXE]);
	assert_string_equal(c->hosts[0].boot.filename[CONFIG_BOOT_IPXE],
			    "http://172.25.254.1:8080/boot.ipxe");
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_menu_host),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_bootloaders_explicit),
		cmocka_unit_test(test_dhcp_boot_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
