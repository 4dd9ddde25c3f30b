/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTML directory listing (links that survive any file
 * name) and for access log lines (no forged lines from a request path).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/access_log.h"
#include "http/listing.h"

#include <stdlib.h>
#include <string.h>

static char *render(const char *url, struct fs_dirent *items, size_t n)
{
	struct fs_listing l = { .items = items, .len = n };
	char *page;
	size_t len;

	assert_int_equal(http_listing_render(url, &l, &page, &len), 0);
	assert_int_equal(strlen(page), len);
	return page;
}

static void expect_in(const char *page, const char *needle)
{
	assert_non_null(page);
	if (!strstr(page, needle))
		fail_msg("'%s' not in the page", needle);
}

static void test_listing(void **state)
{
	struct fs_dirent items[] = {
		{ .name = "Packages", .is_dir = true },
		{ .name = "a b&<c>.rpm", .size = 1234 },
		{ .name = "ks.cfg.tmpl", .size = 99 },
		{ .name = "big.img", .size = 5368709120ull,
		  .mtime = { .tv_sec = 784111777 } },
		{ .name = "\"quote\"%'", .size = 1 },
	};
	char *page;

	(void)state;
	page = render("/rhel7.0/", items, 5);
	expect_in(page, "<title>Index of /rhel7.0/</title>");
	expect_in(page, "<a href=\"../\">../</a>");
	expect_in(page, "<a href=\"Packages/\">Packages/</a>");
	expect_in(page, "<a href=\"a%20b%26%3Cc%3E.rpm\">a b&amp;&lt;c&gt;.rpm"
			"</a>");
	expect_in(page, "  1234\n");
	/* A template is listed as the file it is served as, without size. */
	expect_in(page, "<a href=\"ks.cfg\">ks.cfg</a>");
	assert_null(strstr(page, ".tmpl"));
	expect_in(page, "big.img</a>  Sun, 06 Nov 1994 08:49:37 GMT  "
			"5368709120\n");
	expect_in(page, "<a href=\"%22quote%22%25%27\">&quot;quote&quot;%&#39;"
			"</a>");
	free(page);
	/* The top has no parent link; a hostile URL is escaped. */
	page = render("/", NULL, 0);
	assert_null(strstr(page, "../"));
	free(page);
	page = render("/<script>/", NULL, 0);
	assert_null(strstr(page, "<script>"));
	expect_in(page, "Index of /&lt;script&gt;/");
	free(page);
}

static void test_access_line(void **state)
{
	struct http_access a = {
		.client = "172.25.254.61", .method = "GET",
		.path = "/rhel7.0/ks.cfg", .status = 200,
		.bytes = 5368709120ull,
		.when = 784111777,
	};
	char line[256], small[40];
	size_t len;

	(void)state;
	len = http_access_format(&a, line, sizeof(line));
	assert_string_equal(line, "172.25.254.61 - - [06/Nov/1994:08:49:37 "
			    "+0000] \"GET /rhel7.0/ks.cfg\" 200 5368709120\n");
	assert_int_equal(len, strlen(line));
	a.path = "/x\"\n1.2.3.4 - - \\";
	a.aborted = true;
	a.status = 206;
	http_access_format(&a, line, sizeof(line));
	assert_string_equal(line, "172.25.254.61 - - [06/Nov/1994:08:49:37 "
			    "+0000] \"GET /x\\x22\\x0a1.2.3.4 - - \\x5c\" 206 "
			    "5368709120 aborted\n");
	/* Cut to fit, still one line. */
	len = http_access_format(&a, small, sizeof(small));
	assert_int_equal(len, sizeof(small) - 1);
	assert_int_equal(small[len - 1], '\n');
	assert_null(memchr(small, '\n', len - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_access_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
