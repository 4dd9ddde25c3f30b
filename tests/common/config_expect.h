/* SPDX-License-Identifier: MIT */
/*
 * tests/common/config_expect.h - cmocka helpers for config tests: load a
 * config from text into a temporary file, and expect exactly one error on
 * a given line. Include after <cmocka.h>.
 */
#ifndef PXED_TEST_CONFIG_EXPECT_H
#define PXED_TEST_CONFIG_EXPECT_H

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file the last test_config_load() wrote; unlinked by the helpers. */
static char test_config_path[64];

static inline int test_config_load(const char *text, struct config **ret,
				   struct config_diags *diags)
{
	FILE *f;
	int fd;

	strcpy(test_config_path, "/tmp/pxed-test-XXXXXX");
	fd = mkstemp(test_config_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	*ret = NULL;
	return config_load(test_config_path, ret, diags);
}

/* Expect exactly one error, on `line`, whose message contains `needle`. */
static inline void test_config_expect_error(const char *text, unsigned line,
					    const char *needle)
{
	struct config_diags d = { 0 };
	struct config *c;

	assert_int_equal(test_config_load(text, &c, &d), -EINVAL);
	assert_null(c);
	if (d.len != 1 || d.items[0].line != line ||
	    !strstr(d.items[0].message, needle)) {
		for (size_t i = 0; i < d.len; i++)
			print_error("got %s:%u: %s\n", d.items[i].file,
				    d.items[i].line, d.items[i].message);
		fail_msg("wanted one error on line %u containing '%s'", line,
			 needle);
	}
	assert_string_equal(d.items[0].file, test_config_path);
	config_diags_clear(&d);
	unlink(test_config_path);
}

#endif
