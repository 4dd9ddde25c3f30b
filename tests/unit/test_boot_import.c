/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for boot/import.c's parsers (.treeinfo in both layouts,
 * .discinfo, .disk/info of Debian and Ubuntu), their malformed inputs,
 * and the config text with each family's append line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1

static void test_treeinfo_old_layout(void **state)
{
	struct import_info i;

	(void)state;
	assert_int_equal(import_parse_treeinfo(S(
		"[general]\nfamily = Red Hat Enterprise Linux\n"
		"version = 7.9\narch = x86_64\n\n"
		"[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n"
		"initrd = images/pxeboot/initrd.img\n"
		"[images-xen]\nkernel = images/xen/vmlinuz\n"), &i), 0);
	assert_int_equal(i.family, IMPORT_RHEL);
	assert_string_equal(i.name, "Red Hat Enterprise Linux");
	assert_string_equal(i.version, "7.9");
	assert_string_equal(i.arch, "x86_64");
	assert_string_equal(i.kernel, "images/pxeboot/vmlinuz");
	assert_string_equal(i.initrd, "images/pxeboot/initrd.img");
	assert_true(import_is_legacy_anaconda(&i));
}

/* productmd: [release] wins, [images-ARCH] may precede [tree]; CRLF. */
static void test_treeinfo_productmd(void **state)
{
	struct import_info i;

	(void)state;
	assert_int_equal(import_parse_treeinfo(S(
		"[general]\r\nfamily = Old Name\r\nversion = 1\r\n"
		"[images-aarch64]\r\nkernel = images/pxeboot/vmlinuz\r\n"
		"initrd = images/pxeboot/initrd.img\r\n"
		"[release]\r\nname = Rocky Linux\r\nversion = 9.3\r\n"
		"[tree]\r\narch = aarch64\r\n"), &i), 0);
	assert_string_equal(i.name, "Rocky Linux");
	assert_string_equal(i.version, "9.3");
	assert_string_equal(i.arch, "aarch64");
	assert_string_equal(i.kernel, "images/pxeboot/vmlinuz");
	assert_false(import_is_legacy_anaconda(&i));
}

static void test_discinfo(void **state)
{
	struct import_info i;

	(void)state;
	assert_int_equal(import_parse_discinfo(S(
		"1700000000.1\nAlmaLinux 8.9\nx86_64\nALL\n"), &i), 0);
	assert_string_equal(i.name, "AlmaLinux");
	assert_string_equal(i.version, "8.9");
	assert_string_equal(i.arch, "x86_64");
	assert_int_equal(i.family, IMPORT_RHEL);
}

static void test_disk_info(void **state)
{
	struct import_info i;

	(void)state;
	assert_int_equal(import_parse_disk_info(S(
		"Debian GNU/Linux 12.5.0 \"Bookworm\" - Official amd64 NETINST "
		"with firmware 20240210-11:28"), &i), 0);
	assert_int_equal(i.family, IMPORT_DEBIAN);
	assert_string_equal(i.name, "Debian GNU/Linux");
	assert_string_equal(i.version, "12.5.0");
	assert_string_equal(i.arch, "amd64");
	assert_int_equal(import_parse_disk_info(S(
		"Ubuntu-Server 22.04.3 LTS \"Jammy Jellyfish\" - Release arm64 "
		"(20230810)\n"), &i), 0);
	assert_int_equal(i.family, IMPORT_UBUNTU);
	assert_string_equal(i.name, "Ubuntu-Server");
	assert_string_equal(i.version, "22.04.3");
	assert_string_equal(i.arch, "arm64");
}

static void test_malformed(void **state)
{
	struct import_info i;
	char big[4000];

	(void)state;
	assert_int_equal(import_parse_treeinfo(S(""), &i), -EBADMSG);
	assert_int_equal(import_parse_treeinfo(S("[general]\nfamily = X\n"), &i),
			 -EBADMSG);
	assert_int_equal(import_parse_treeinfo(S("[\n]\n=\n[general\n"), &i),
			 -EBADMSG);
	/* A NUL inside a line hides nothing: the line is dropped. */
	assert_int_equal(import_parse_treeinfo(S(
		"[general]\nfamily = A\0B\narch = x86_64\n"), &i), -EBADMSG);
	assert_int_equal(import_parse_discinfo(S("1\nAlmaLinux\nx86_64\n"), &i),
			 -EBADMSG);
	assert_int_equal(import_parse_discinfo(S("1\nAlmaLinux 8\n"), &i),
			 -EBADMSG);
	assert_int_equal(import_parse_disk_info(S("Fedora 39 x86_64"), &i),
			 -EBADMSG);
	assert_int_equal(import_parse_disk_info(S("Debian GNU/Linux amd64"),
					       &i), -EBADMSG);
	assert_int_equal(import_parse_disk_info(S("Debian 12"), &i), -EBADMSG);
	/* Overlong lines and fields are cut, never overrun. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "Debian ", 7);
	memcpy(big + sizeof(big) - 10, " 12 amd64", 9);
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(import_parse_disk_info(big, sizeof(big), &i),
			 -EBADMSG);
	memcpy(big, "[general]\nfamily=", 17);
	memcpy(big + 1000, "\narch = x\n", 10);
	assert_int_equal(import_parse_treeinfo(big, sizeof(big), &i), 0);
	assert_true(strlen(i.name) < IMPORT_STR_MAX);
}

static void test_config_text(void **state)
{
	struct import_info i = {
		.family = IMPORT_RHEL, .name = "Red Hat Enterprise Linux",
		.version = "7.9", .arch = "x86_64",
		.kernel = "images/pxeboot/vmlinuz",
		.initrd = "images/pxeboot/initrd.img",
	};
	char *t, name[64];

	(void)state;
	t = import_config_text(&i, "rhel7", "/srv/rhel7.iso", "/etc/ks.cfg");
	assert_string_equal(t,
		"[tree rhel7]\niso = /srv/rhel7.iso\n\n"
		"[profile rhel7]\nlabel = Red Hat Enterprise Linux 7.9 x86_64\n"
		"tree = rhel7\nkernel = images/pxeboot/vmlinuz\n"
		"initrd = images/pxeboot/initrd.img\n"
		"append = repo=${tree_url} ks=${kickstart_url}\n"
		"kickstart = /etc/ks.cfg\n");
	free(t);
	strcpy(i.version, "9.3");
	t = import_config_text(&i, "r9", "/r9.iso", NULL);
	assert_non_null(strstr(t, "\nappend = inst.repo=${tree_url}\n"));
	assert_null(strstr(t, "kickstart"));
	free(t);
	strcpy(i.name, "Fedora");
	strcpy(i.version, "7");
	assert_false(import_is_legacy_anaconda(&i));
	i.family = IMPORT_DEBIAN;
	t = import_config_text(&i, "d", "/d.iso", "/p.cfg");
	assert_non_null(strstr(t, "\nappend = auto=true priority=critical "
				  "url=${kickstart_url}\n"));
	free(t);
	strcpy(i.name, "Ubuntu-Server Live");
	strcpy(i.version, "22.04/3");
	import_default_name(&i, name, sizeof(name));
	assert_string_equal(name, "ubuntu-server-22.04_3-x86_64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_treeinfo_old_layout),
		cmocka_unit_test(test_treeinfo_productmd),
		cmocka_unit_test(test_discinfo),
		cmocka_unit_test(test_disk_info),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_config_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
