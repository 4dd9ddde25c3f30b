/* SPDX-License-Identifier: MIT */
/* Unit tests for pxed.conf parsing and validation: every error has a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../common/config_expect.h"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void finish(struct config *c, struct config_diags *d)
{
	config_free(c);
	config_diags_clear(d);
	unlink(test_config_path);
}


static const char classic[] =
	"[server]\n"
	"interface = eth0, eth1   ; two\n"
	"address = 172.25.254.100\n"
	"state-dir = /var/lib/pxed\n"
	"log-dhcp = no\n"
	"[subnet 172.25.254.0/24]\n"
	"range = 172.25.254.60 - 172.25.254.70\n"
	"range = 172.25.254.80-172.25.254.90\n"
	"routers = 172.25.254.250\n"
	"dns = 172.25.254.254, 172.25.254.253\n"
	"domain = example.com\n"
	"lease-time = 600\n"
	"max-lease-time = 7200\n"
	"filename = pxelinux.0\n"
	"filename-uefi = grubx64.efi\n"
	"option-66 = \"boot.example.com\"\n"
	"option-23 = u8:64\n"
	"# a comment\n"
	"[host web1]\n"
	"mac = 52:54:00:12:34:56\n"
	"ip = 172.25.254.61\n"
	"[tftp]\n"
	"[tree rhel7.0]\n"
	"path = /srv/rhel7\n";

static const struct config_option *find_opt(const struct config_options *o,
					    uint8_t code)
{
	for (size_t i = 0; i < o->len; i++)
		if (o->items[i].code == code)
			return &o->items[i];
	return NULL;
}

static void test_classic_config(void **state)
{
	struct config_diags d = { 0 };
	struct config *c;
	const struct config_subnet *s;
	const struct config_option *o;

	(void)state;
	assert_int_equal(test_config_load(classic, &c, &d), 0);
	assert_int_equal(d.len, 0);
	assert_int_equal(c->server.n_interfaces, 2);
	assert_string_equal(c->server.interfaces[1], "eth1");
	assert_true(c->server.quiet_dhcp);
	assert_int_equal(c->n_subnets, 1);
	s = &c->subnets[0];
	assert_int_equal(s->network, 0xAC19FE00);
	assert_int_equal(s->prefix, 24);
	assert_int_equal(s->n_ranges, 2);
	assert_int_equal(s->ranges[1].first, 0xAC19FE50);
	assert_int_equal(s->lease_time, 600);
	assert_int_equal(s->max_lease_time, 7200);
	assert_string_equal(s->boot.filename[CONFIG_BOOT_DEFAULT], "pxelinux.0");
	assert_string_equal(s->boot.filename[CONFIG_BOOT_UEFI64], "grubx64.efi");
	o = find_opt(&s->options, 6);
	assert_non_null(o);
	assert_int_equal(o->len, 8);
	assert_memory_equal(o->data, "\xac\x19\xfe\xfe\xac\x19\xfe\xfd", 8);
	o = find_opt(&s->options, 15);
	assert_int_equal(o->len, 11);
	assert_memory_equal(o->data, "example.com", 11);
	o = find_opt(&s->options, 66);
	assert_int_equal(o->len, 16);
	o = find_opt(&s->options, 23);
	assert_int_equal(o->len, 1);
	assert_int_equal(o->data[0], 64);
	assert_int_equal(c->n_hosts, 1);
	assert_int_equal(c->hosts[0].ip, 0xAC19FE3D);
	assert_non_null(config_host_by_mac(c, (const uint8_t *)"\x52\x54\x00\x12\x34\x56"));
	assert_ptr_equal(config_subnet_find(c, 0xAC19FE01), s);
	assert_null(config_subnet_find(c, 0xAC19FF01));
	assert_true(c->tftp.enabled);
	assert_int_equal(c->tftp.port, 69);
	assert_string_equal(c->trees[0].path, "/srv/rhel7");
	finish(c, &d);
}

static void test_continuation_and_long_lines(void **state)
{
	struct config_diags d = { 0 };
	struct config *c;
	char text[2048];
	char name[600];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "[server]\ninterface = eth0,\n    eth1\n[tree %s]\npath = /x\n",
		 name);
	assert_int_equal(test_config_load(text, &c, &d), 0);
	assert_int_equal(c->server.n_interfaces, 2);
	assert_string_equal(c->server.interfaces[1], "eth1");
	assert_string_equal(c->trees[0].name, name);
	finish(c, &d);
}

static void test_errors_name_their_line(void **state)
{
	(void)state;
	test_config_expect_error("[server]\ninterface = eth0\nbogus = 1\n", 3,
		     "unknown key 'bogus'");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.0.0.0/8]\n"
		     "routers = 10.0.0.300\n", 4, "not an IPv4 address");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "range = 10.2.0.1 - 10.2.0.9\n", 4, "outside subnet");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "range = 10.1.0.1 - 10.1.0.9\nrange = 10.1.0.5 - 10.1.0.20\n",
		     5, "overlaps the range at line 4");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "[host a]\nmac = 52:54:00:00:00:01\n"
		     "[host b]\nmac = 52:54:00:00:00:01\n", 6, "same MAC");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "[host a]\nmac = 52:54:00:00:00:01\nip = 10.1.0.5\n"
		     "[host b]\nmac = 52:54:00:00:00:02\nip = 10.1.0.5\n", 7,
		     "same address");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "[subnet 10.1.2.0/24]\n", 4, "overlaps subnet");
	test_config_expect_error("[nonsense]\n", 1, "unknown section");
	test_config_expect_error("interface = eth0\n", 1, "outside any section");
	test_config_expect_error("[server]\ninterface = eth0\nuser = a\nuser = b\n", 4,
		     "set twice");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "range = 10.1.0.9 - 10.1.0.1\n", 4, "starts after it ends");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "lease-time = soon\n", 4, "not a number");
	test_config_expect_error("[server]\ninterface = eth0\n[host x]\nmac = 52:54:00\n",
		     4, "not a MAC address");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "mode = proxy\nrange = 10.1.0.1 - 10.1.0.2\n", 5,
		     "proxy subnet");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "[host x]\nmac = 52:54:00:00:00:01\nip = 10.9.0.1\n", 4,
		     "in no configured subnet");
	test_config_expect_error("[subnet 10.1.0.0/16]\n", 1, "needs 'interface'");
	test_config_expect_error("[server]\ninterface = eth0\n[subnet 10.1.0.0/16]\n"
		     "option-300 = 1.2.3.4\n", 4, "out of range");
	test_config_expect_error("[tree a]\n", 1, "exactly one of");
	test_config_expect_error("[tree a/b]\npath = /x\n", 1, "single path component");
	test_config_expect_error("[server\n", 1, "malformed section header");
	test_config_expect_error("[server]\nstate-dir = relative\n", 2, "absolute");
}

static void test_missing_file(void **state)
{
	struct config_diags d = { 0 };
	struct config *c = NULL;

	(void)state;
	assert_int_equal(config_load("/nonexistent/pxed.conf", &c, &d), -ENOENT);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].message, "cannot open"));
	config_diags_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_config),
		cmocka_unit_test(test_continuation_and_long_lines),
		cmocka_unit_test(test_errors_name_their_line),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
