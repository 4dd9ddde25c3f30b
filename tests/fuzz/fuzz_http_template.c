/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: template compilation and rendering on arbitrary text
 * (a template is a file an operator wrote, but it is parsed byte by byte
 * and its errors quote it). Whatever compiles must render, and the output
 * must be the input with each ${var} replaced.
 */
#include "http/template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vars[] = { "server", "host", "tree_url" };
static const char *const values[] = { "S", "", "http://h/t/" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), *err, *out;
	struct http_template *t;
	size_t len;

	memcpy(copy, data, size);
	if (http_template_compile(copy, size, vars, 3, &t, &err) == 0) {
		if (http_template_render(t, values, &out, &len) < 0)
			abort();
		/* Substitutions only shorten or lengthen by known amounts. */
		if (len > size * 11 + 1)
			abort();
		free(out);
		http_template_free(t);
	}
	free(err);
	free(copy);
	return 0;
}
