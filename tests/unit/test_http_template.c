/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for ${var} templates: rendering, escapes, and the errors
 * that must stop a config load (unknown or malformed variables).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const vars[] = { "server", "tree_url", "host" };
static const char *const values[] = { "172.25.254.100",
				      "http://172.25.254.100/rhel7.0/", "" };

static void expect_render(const char *text, const char *want)
{
	struct http_template *t;
	char *out, *err;
	size_t len;

	assert_int_equal(http_template_compile(text, strlen(text), vars, 3,
					       &t, &err), 0);
	assert_null(err);
	assert_int_equal(http_template_render(t, values, &out, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
	http_template_free(t);
}

static void test_render(void **state)
{
	(void)state;
	expect_render("", "");
	expect_render("no variables\n", "no variables\n");
	expect_render("url --url=${tree_url}\n",
		      "url --url=http://172.25.254.100/rhel7.0/\n");
	expect_render("${server}${server}", "172.25.254.100172.25.254.100");
	expect_render("name=[${host}]", "name=[]");
	/* Shell in %post: $HOME and $(cmd) pass; $${X} writes ${X}. */
	expect_render("echo $HOME $(id) $$ $${PATH} $",
		      "echo $HOME $(id) $$ ${PATH} $");
	expect_render("$${server}=${server}", "${server}=172.25.254.100");
}

static void expect_error(const char *text, const char *needle)
{
	struct http_template *t = NULL;
	char *err = NULL;

	assert_int_equal(http_template_compile(text, strlen(text), vars, 3,
					       &t, &err), -EINVAL);
	assert_null(t);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("line one\nurl ${tree}\n", "line 2: unknown variable");
	expect_error("x ${server", "line 1: expected ${name}");
	expect_error("${}", "expected ${name}");
	expect_error("${Server}", "expected ${name}");
	expect_error("${ser ver}", "expected ${name}");
	expect_error("\n\n\n${9lives}", "line 4");
	/* Only names given to compile exist. */
	expect_error("${servers}", "unknown variable: ${servers}");
}

/* Embedded NULs and a text that ends in '$' are plain bytes. */
static void test_binary(void **state)
{
	static const char text[] = { 'a', '\0', '$', '{', 'h', 'o', 's', 't',
				     '}', '\0', '$' };
	struct http_template *t;
	char *out, *err;
	size_t len;

	(void)state;
	assert_int_equal(http_template_compile(text, sizeof(text), vars, 3,
					       &t, &err), 0);
	assert_int_equal(http_template_render(t, values, &out, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(out, "a\0\0$", 4);
	free(out);
	http_template_free(t);
}

/* Errors quote the text, which is not NUL-terminated (ASan checks). */
static void test_error_at_end_of_unterminated_text(void **state)
{
	static const char text[] = "x ${nope";
	char *copy = malloc(sizeof(text) - 1), *err = NULL;
	struct http_template *t = NULL;

	(void)state;
	memcpy(copy, text, sizeof(text) - 1);
	assert_int_equal(http_template_compile(copy, sizeof(text) - 1, vars, 3,
					       &t, &err), -EINVAL);
	assert_string_equal(err, "line 1: expected ${name} with name = "
			    "[a-z_][a-z0-9_]*: ${nope");
	free(err);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_error_at_end_of_unterminated_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
