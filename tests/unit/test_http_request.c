/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP/1.x request head parser (RFC 9112): where a
 * head ends, what is taken from it, and what is refused with which
 * status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/request.h"

#include <stdlib.h>
#include <string.h>

/* Parse a copy of `head` (it is written into); *req points into the
   copy, which the caller frees. */
static unsigned parse(const char *head, size_t len, struct http_request *req,
		      char **copy)
{
	*copy = malloc(len + 1);
	assert_non_null(*copy);
	memcpy(*copy, head, len);
	(*copy)[len] = '\0';
	return http_request_parse(*copy, len, req);
}

static unsigned parse_str(const char *head, struct http_request *req,
			  char **copy)
{
	return parse(head, strlen(head), req, copy);
}

static void test_get_with_fields(void **state)
{
	struct http_request req;
	char *buf;

	(void)state;
	assert_int_equal(parse_str("GET /rhel7.0/ks.cfg?mac=52:54 HTTP/1.1\r\n"
				   "Host: 172.25.254.1\r\n"
				   "range:   bytes=0-99  \r\n"
				   "If-None-Match: \"a\"\r\n"
				   "if-none-match: \"b\"\r\n"
				   "If-Modified-Since: Sun, 06 Nov 1994 "
				   "08:49:37 GMT\r\n"
				   "If-Range: \"a\"\r\n"
				   "X-Other: anything\tat all\r\n\r\n",
				   &req, &buf), 0);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.target, "/rhel7.0/ks.cfg?mac=52:54");
	assert_int_equal(req.path_len, strlen("/rhel7.0/ks.cfg"));
	assert_true(req.http11);
	assert_true(req.keep_alive);
	assert_false(req.has_body);
	/* Values trimmed of the whitespace around them; the first kept. */
	assert_string_equal(req.range, "bytes=0-99");
	assert_string_equal(req.if_none_match, "\"a\"");
	assert_string_equal(req.if_modified_since,
			    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(req.if_range, "\"a\"");
	free(buf);
}

static void test_bare_lf_and_absolute_form(void **state)
{
	struct http_request req;
	char *buf;

	(void)state;
	assert_int_equal(parse_str("HEAD http://server:8080/a/b HTTP/1.1\n"
				   "Host: server\n\n", &req, &buf), 0);
	assert_string_equal(req.method, "HEAD");
	assert_string_equal(req.target, "/a/b");
	free(buf);
	assert_int_equal(parse_str("GET HTTP://server HTTP/1.1\n"
				   "Host: server\n\n", &req, &buf), 0);
	assert_string_equal(req.target, "/");
	free(buf);
}

static void test_keep_alive_by_version(void **state)
{
	static const struct {
		const char *head;
		bool http11, keep_alive;
	} cases[] = {
		{ "GET / HTTP/1.0\r\n\r\n", false, false },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", false,
		  true },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\n", true, true },
		{ "GET / HTTP/1.1\r\nHost: x\r\nConnection: te, CLOSE\r\n\r\n",
		  true, false },
		{ "GET / HTTP/1.1\r\nHost: x\r\nConnection: closed\r\n\r\n",
		  true, true },
	};
	struct http_request req;
	char *buf;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_str(cases[i].head, &req, &buf), 0);
		assert_int_equal(req.http11, cases[i].http11);
		assert_int_equal(req.keep_alive, cases[i].keep_alive);
		free(buf);
	}
}

static void test_content_length(void **state)
{
	struct http_request req;
	char *buf;

	(void)state;
	assert_int_equal(parse_str("POST / HTTP/1.1\r\nHost: x\r\n"
				   "Content-Length: 12\r\n\r\n", &req, &buf),
			 0);
	assert_true(req.has_body);
	assert_int_equal(req.content_length, 12);
	free(buf);
	assert_int_equal(parse_str("GET / HTTP/1.1\r\nHost: x\r\n"
				   "Content-Length: 0\r\n\r\n", &req, &buf),
			 0);
	assert_false(req.has_body);
	free(buf);
}

/* Each refused with the status given. */
static void test_refused(void **state)
{
	static const struct {
		const char *head;
		unsigned status;
	} cases[] = {
		/* The request line. */
		{ "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400 },
		{ "GET /\r\n\r\n", 400 },
		{ "GET\r\n\r\n", 400 },
		{ " GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET ../secret HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET ftp://x/y HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1x\r\nHost: x\r\n\r\n", 400 },
		{ "GET / http/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
		{ "GET / HTTP/0.9\r\n\r\n", 505 },
		/* Fields. */
		{ "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n: empty name\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01" "b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: "
		  "99999999999999999999\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
		  "Content-Length: 1\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\n"
		  "Transfer-Encoding: chunked\r\n\r\n", 501 },
		/* No empty line: not a whole head. */
		{ "GET / HTTP/1.1\r\nHost: x\r\n", 400 },
	};
	struct http_request req;
	char *buf;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned status = parse_str(cases[i].head, &req, &buf);

		if (status != cases[i].status)
			fail_msg("case %zu \"%s\": %u, want %u", i,
				 cases[i].head, status, cases[i].status);
		free(buf);
	}
}

/* A NUL byte hidden in the target or a value is refused, not cut at. */
static void test_nul_bytes(void **state)
{
	static const char target[] = "GET /srv/\0/../x HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char value[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";
	struct http_request req;
	char *buf;

	(void)state;
	assert_int_equal(parse(target, sizeof(target) - 1, &req, &buf), 400);
	free(buf);
	assert_int_equal(parse(value, sizeof(value) - 1, &req, &buf), 400);
	free(buf);
}

/* A refused request keeps its name for the log, once its line parsed. */
static void test_refused_request_named(void **state)
{
	struct http_request req;
	char *buf;

	(void)state;
	assert_int_equal(parse_str("GET /x HTTP/1.1\r\nBad field\r\n\r\n",
				   &req, &buf), 400);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.target, "/x");
	free(buf);
	/* Only the line, as for a head too large to parse. */
	buf = strdup("GET /index.txt HTTP/1.1\r\nX-Big: aaaaaaaa");
	memset(&req, 0, sizeof(req));
	assert_int_equal(http_request_line_parse(buf, strlen(buf), &req), 0);
	assert_string_equal(req.target, "/index.txt");
	free(buf);
	buf = strdup("GET /index.txt HTTP/1.1");   /* no line end yet */
	memset(&req, 0, sizeof(req));
	assert_int_equal(http_request_line_parse(buf, strlen(buf), &req), 400);
	assert_null(req.target);
	free(buf);
}

static void test_head_end(void **state)
{
	static const struct {
		const char *bytes;
		size_t end;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next", 27 },
		{ "GET / HTTP/1.1\nHost: x\n\nrest", 24 },
		{ "GET / HTTP/1.1\nHost: x\r\n\r\n", 26 },
		{ "GET / HTTP/1.0\r\n\r\n", 18 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n", 0 },
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *b = cases[i].bytes;
		size_t len = strlen(b), from = 0, end = 0;

		assert_int_equal(http_head_end(b, len, 0), cases[i].end);
		/* Byte by byte, as a slow client sends: the same end. */
		for (size_t n = 1; n <= len && !end; n++) {
			end = http_head_end(b, n, from);
			from = n;
		}
		assert_int_equal(end, cases[i].end);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_with_fields),
		cmocka_unit_test(test_bare_lf_and_absolute_form),
		cmocka_unit_test(test_keep_alive_by_version),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_refused_request_named),
		cmocka_unit_test(test_head_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
