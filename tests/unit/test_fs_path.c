/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the request-path normaliser: what each protocol may ask
 * for, and the escape attempts both must refuse after decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fs/path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define T FS_PROTO_TFTP
#define H FS_PROTO_HTTP

struct path_case {
	enum fs_protocol proto;
	const char *raw;
	size_t len;              /* 0: strlen(raw) */
	int error;               /* 0: expect `want` */
	const char *want;
};

/* Same name, both protocols: neither may let it through. */
#define BOTH(raw, err) { T, raw, 0, err, NULL }, { H, raw, 0, err, NULL }

static const struct path_case escapes[] = {
	BOTH("../etc/passwd", -EACCES),
	BOTH("/../etc/passwd", -EACCES),
	BOTH("..", -EACCES),
	BOTH("/..", -EACCES),
	BOTH("../", -EACCES),
	BOTH("a/../../b", -EACCES),
	BOTH("a/..", -EACCES),
	BOTH("a/b/../../..", -EACCES),
	BOTH("./../x", -EACCES),
	BOTH("/./././../x", -EACCES),
	BOTH("pxelinux.cfg/../../../etc/shadow", -EACCES),
	BOTH("//..//etc", -EACCES),
	/* TFTP: backslash is a separator, so these are ".." too */
	{ T, "..\\etc\\passwd", 0, -EACCES, NULL },
	{ T, "\\..\\..\\boot.ini", 0, -EACCES, NULL },
	{ T, "a\\..\\..\\b", 0, -EACCES, NULL },
	{ T, "boot\\..\\../x", 0, -EACCES, NULL },
	{ T, "..\\", 0, -EACCES, NULL },
	/* HTTP: backslash is refused outright, raw or encoded */
	{ H, "/..\\etc", 0, -EACCES, NULL },
	{ H, "/a\\b", 0, -EACCES, NULL },
	{ H, "/a%5c..%5cb", 0, -EACCES, NULL },
	{ H, "/a%5Cb", 0, -EACCES, NULL },
	/* HTTP: decoded before checking */
	{ H, "/%2e%2e/etc/passwd", 0, -EACCES, NULL },
	{ H, "/%2E%2E/etc/passwd", 0, -EACCES, NULL },
	{ H, "/.%2e/x", 0, -EACCES, NULL },
	{ H, "/%2e./x", 0, -EACCES, NULL },
	{ H, "/a/%2e%2e/%2e%2e/b", 0, -EACCES, NULL },
	{ H, "/..%2fetc%2fpasswd", 0, -EACCES, NULL },
	{ H, "/%2e%2e%2f%2e%2e%2fetc", 0, -EACCES, NULL },
	{ H, "/a%2f%2e%2e%2f%2e%2e", 0, -EACCES, NULL },
	/* NUL: truncation tricks ("x.cfg\0.png") */
	{ H, "/a%00.txt", 0, -EACCES, NULL },
	{ H, "/%00", 0, -EACCES, NULL },
	{ H, "/x.cfg\0.png", 11, -EACCES, NULL },
	{ T, "x.cfg\0.png", 10, -EACCES, NULL },
	{ T, "\0", 1, -EACCES, NULL },
	{ T, "..\0", 3, -EACCES, NULL },
};

static const struct path_case malformed[] = {
	BOTH("", -EINVAL),
	{ H, "/%", 0, -EINVAL, NULL },
	{ H, "/%2", 0, -EINVAL, NULL },
	{ H, "/%zz", 0, -EINVAL, NULL },
	{ H, "/%2g", 0, -EINVAL, NULL },
	{ H, "/%g2", 0, -EINVAL, NULL },
	{ H, "/a%", 0, -EINVAL, NULL },
};

static const struct path_case accepted[] = {
	{ T, "pxelinux.0", 0, 0, "pxelinux.0" },
	{ T, "/pxelinux.0", 0, 0, "pxelinux.0" },
	{ T, "\\boot\\x86\\pxelinux.0", 0, 0, "boot/x86/pxelinux.0" },
	{ T, "a//b/", 0, 0, "a/b" },
	{ T, "./a/./b", 0, 0, "a/b" },
	{ T, "/", 0, 0, "" },
	{ T, "...", 0, 0, "..." },
	{ T, "..a/b..", 0, 0, "..a/b.." },
	/* TFTP does not percent-decode: this is a name, not ".." */
	{ T, "%2e%2e/x", 0, 0, "%2e%2e/x" },
	{ H, "/", 0, 0, "" },
	{ H, "/a%20b", 0, 0, "a b" },
	{ H, "/rhel7/images/pxeboot/vmlinuz", 0, 0,
	  "rhel7/images/pxeboot/vmlinuz" },
	{ H, "/%41%62c", 0, 0, "Abc" },
	/* decoded once only: the result is a literal "%2e%2e" */
	{ H, "/%252e%252e/x", 0, 0, "%2e%2e/x" },
	/* overlong UTF-8 for '.' is two odd bytes, not a dot */
	{ H, "/%c0%ae%c0%ae/x", 0, 0, "\xc0\xae\xc0\xae/x" },
	{ H, "//etc/passwd", 0, 0, "etc/passwd" },
	{ H, "/dir/", 0, 0, "dir" },
};

static void check_cases(const struct path_case *cases, size_t n)
{
	char out[FS_PATH_MAX];
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct path_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->raw);

		r = fs_path_normalize(c->proto, c->raw, len, out);
		if (c->error) {
			if (r != c->error)
				fail_msg("%s '%s': got %d (%s), want %d",
					 c->proto == T ? "tftp" : "http",
					 c->raw, r, r >= 0 ? out : "", c->error);
			continue;
		}
		if (r < 0 || strcmp(out, c->want) || (size_t)r != strlen(out))
			fail_msg("%s '%s': got %d '%s', want '%s'",
				 c->proto == T ? "tftp" : "http", c->raw, r,
				 r >= 0 ? out : "", c->want);
	}
}

#define CHECK(table) check_cases(table, sizeof(table) / sizeof(table[0]))

static void test_escapes(void **state)
{
	CHECK(escapes);
}

static void test_malformed(void **state)
{
	CHECK(malformed);
}

static void test_accepted(void **state)
{
	CHECK(accepted);
}

/* A component of 255 bytes passes, 256 does not; likewise the total. */
static void test_lengths(void **state)
{
	char raw[FS_PATH_MAX * 2], out[FS_PATH_MAX];
	size_t n;

	memset(raw, 'a', FS_NAME_MAX + 1);
	assert_int_equal(fs_path_normalize(T, raw, FS_NAME_MAX, out),
			 FS_NAME_MAX);
	assert_int_equal(fs_path_normalize(T, raw, FS_NAME_MAX + 1, out),
			 -EINVAL);

	/* "aaa/aaa/.../a" of exactly FS_PATH_MAX - 1 bytes */
	for (n = 0; n < FS_PATH_MAX - 1; n++)
		raw[n] = n % 4 == 3 ? '/' : 'a';
	raw[n - 1] = 'a';
	assert_int_equal(fs_path_normalize(T, raw, n, out), (int)n);
	raw[n] = 'a';
	assert_int_equal(fs_path_normalize(T, raw, n + 1, out), -EINVAL);

	/* long only before "./" and "//" collapse: still refused, the raw
	   name is what a client sent */
	for (n = 0; n < sizeof(raw) - 1; n++)
		raw[n] = n % 2 ? '/' : '.';
	assert_int_equal(fs_path_normalize(H, raw, n, out), -EINVAL);
}

static void test_first(void **state)
{
	const char *rest;

	assert_int_equal(fs_path_first("rhel7/images/x", &rest), 5);
	assert_string_equal(rest, "images/x");
	assert_int_equal(fs_path_first("pxelinux.0", &rest), 10);
	assert_string_equal(rest, "");
	assert_int_equal(fs_path_first("", &rest), 0);
	assert_string_equal(rest, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
