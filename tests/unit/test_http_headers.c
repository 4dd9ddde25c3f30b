/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP header decisions: Range (RFC 9110 §14),
 * conditional GET (§13), HTTP dates and Content-Type by extension.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/headers.h"
#include "http/mime.h"

#include <errno.h>
#include <string.h>

struct range_case {
	const char *header;
	uint64_t size;
	enum http_range_result result;
	uint64_t first;
	uint64_t length;
};

#define FIVE_GIB (5ull << 30)

static const struct range_case range_cases[] = {
	{ NULL, 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=0-99", 100, HTTP_RANGE_PARTIAL, 0, 100 },
	{ "bytes=0-0", 100, HTTP_RANGE_PARTIAL, 0, 1 },
	{ "bytes=10-19", 100, HTTP_RANGE_PARTIAL, 10, 10 },
	{ "bytes=90-", 100, HTTP_RANGE_PARTIAL, 90, 10 },
	{ "bytes=90-1000", 100, HTTP_RANGE_PARTIAL, 90, 10 },
	{ "bytes=-10", 100, HTTP_RANGE_PARTIAL, 90, 10 },
	{ "bytes=-1000", 100, HTTP_RANGE_PARTIAL, 0, 100 },
	{ "BYTES=1-2", 100, HTTP_RANGE_PARTIAL, 1, 2 },
	{ " bytes= 5-6 ", 100, HTTP_RANGE_PARTIAL, 5, 2 },
	{ "bytes=99-99", 100, HTTP_RANGE_PARTIAL, 99, 1 },
	/* Unsatisfiable: 416. */
	{ "bytes=100-", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=100-200", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-0", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-5", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=99999999999999999999999-", 100, HTTP_RANGE_UNSATISFIABLE,
	  0, 0 },
	/* Beyond 4 GiB, and the end clamped from a huge number. */
	{ "bytes=4294967295-4294967296", FIVE_GIB, HTTP_RANGE_PARTIAL,
	  4294967295ull, 2 },
	{ "bytes=5368709119-99999999999999999999", FIVE_GIB,
	  HTTP_RANGE_PARTIAL, FIVE_GIB - 1, 1 },
	{ "bytes=-99999999999999999999", FIVE_GIB, HTTP_RANGE_PARTIAL, 0,
	  FIVE_GIB },
	/* Ignored: the whole file is served. */
	{ "bytes=0-1,5-6", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=5-1", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=-", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=a-b", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=1-2x", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=--1", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=1", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "bytes=+1-2", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "items=0-1", 100, HTTP_RANGE_NONE, 0, 0 },
	{ "", 100, HTTP_RANGE_NONE, 0, 0 },
};

static void test_range_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]);
	     i++) {
		const struct range_case *c = &range_cases[i];
		struct http_range r = { 12345, 12345 };
		enum http_range_result got;

		got = http_range_parse(c->header, c->size, &r);
		if (got != c->result)
			fail_msg("'%s' size %llu: result %d, wanted %d",
				 c->header ? c->header : "(none)",
				 (unsigned long long)c->size, got, c->result);
		if (got != HTTP_RANGE_PARTIAL)
			continue;
		if (r.first != c->first || r.length != c->length)
			fail_msg("'%s': got %llu+%llu, wanted %llu+%llu",
				 c->header, (unsigned long long)r.first,
				 (unsigned long long)r.length,
				 (unsigned long long)c->first,
				 (unsigned long long)c->length);
	}
}

/* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example). */
#define EXAMPLE_TIME 784111777

static void test_date_formats(void **state)
{
	static const char *const forms[] = {
		"Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994",
	};
	char out[HTTP_DATE_LEN];
	time_t t;

	(void)state;
	http_date_format(EXAMPLE_TIME, out);
	assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	for (size_t i = 0; i < 3; i++) {
		t = 0;
		assert_int_equal(http_date_parse(forms[i], &t), 0);
		assert_int_equal(t, EXAMPLE_TIME);
	}
	assert_int_equal(http_date_parse("yesterday", &t), -EINVAL);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT junk",
					 &t), -EINVAL);
	assert_int_equal(http_date_parse("", &t), -EINVAL);
}

static const struct http_validators validators = {
	.etag = "\"5f-64-0\"", .mtime = EXAMPLE_TIME,
};

static void test_not_modified(void **state)
{
	struct http_preconditions p = { 0 };

	(void)state;
	assert_false(http_not_modified(&p, &validators));
	p.if_none_match = "\"5f-64-0\"";
	assert_true(http_not_modified(&p, &validators));
	p.if_none_match = "\"other\", W/\"5f-64-0\"";
	assert_true(http_not_modified(&p, &validators));
	p.if_none_match = "*";
	assert_true(http_not_modified(&p, &validators));
	p.if_none_match = "\"other\"";
	assert_false(http_not_modified(&p, &validators));
	p.if_none_match = "\"5f-64-0";
	assert_false(http_not_modified(&p, &validators));
	p.if_none_match = "5f-64-0";
	assert_false(http_not_modified(&p, &validators));
	/* If-None-Match decides alone, even against a matching date. */
	p.if_none_match = "\"other\"";
	p.if_modified_since = "Sun, 06 Nov 1994 08:49:37 GMT";
	assert_false(http_not_modified(&p, &validators));
	p.if_none_match = NULL;
	assert_true(http_not_modified(&p, &validators));
	p.if_modified_since = "Sun, 06 Nov 1994 08:49:38 GMT";
	assert_true(http_not_modified(&p, &validators));
	p.if_modified_since = "Sun, 06 Nov 1994 08:49:36 GMT";
	assert_false(http_not_modified(&p, &validators));
	p.if_modified_since = "not a date";
	assert_false(http_not_modified(&p, &validators));
}

static void test_if_range(void **state)
{
	struct http_preconditions p = { 0 };

	(void)state;
	assert_true(http_if_range_holds(&p, &validators));
	p.if_range = "\"5f-64-0\"";
	assert_true(http_if_range_holds(&p, &validators));
	p.if_range = "W/\"5f-64-0\"";
	assert_false(http_if_range_holds(&p, &validators));
	p.if_range = "\"changed\"";
	assert_false(http_if_range_holds(&p, &validators));
	p.if_range = "Sun, 06 Nov 1994 08:49:37 GMT";
	assert_true(http_if_range_holds(&p, &validators));
	p.if_range = "Sun, 06 Nov 1994 08:49:38 GMT";
	assert_false(http_if_range_holds(&p, &validators));
	p.if_range = "garbage";
	assert_false(http_if_range_holds(&p, &validators));
}

static void test_mime_types(void **state)
{
	(void)state;
	assert_string_equal(http_mime_type("/rhel7/repodata/repomd.xml"),
			    "text/xml");
	assert_string_equal(http_mime_type("/ks.cfg"),
			    "text/plain; charset=utf-8");
	assert_string_equal(http_mime_type("/TREE/PACKAGES/BASH.RPM"),
			    "application/x-redhat-package-manager");
	assert_string_equal(http_mime_type("/images/pxeboot/vmlinuz"),
			    "application/octet-stream");
	assert_string_equal(http_mime_type("/a.d/vmlinuz"),
			    "application/octet-stream");
	assert_string_equal(http_mime_type("/index.html"),
			    "text/html; charset=utf-8");
	assert_string_equal(http_mime_type("/x."), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_table),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test(test_not_modified),
		cmocka_unit_test(test_if_range),
		cmocka_unit_test(test_mime_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
