/* SPDX-License-Identifier: MIT */
/* tests/common/config_text.h - load a struct config from a string. */
#ifndef PXED_TEST_CONFIG_TEXT_H
#define PXED_TEST_CONFIG_TEXT_H

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Returns the config, or NULL after printing every diagnostic. */
static inline struct config *test_config_from_text(const char *text)
{
	char path[] = "/tmp/pxed-test-conf-XXXXXX";
	struct config_diags d = { 0 };
	struct config *c = NULL;
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	if (config_load(path, &c, &d) < 0)
		for (size_t i = 0; i < d.len; i++)
			fprintf(stderr, "%s:%u: %s\n", d.items[i].file,
				d.items[i].line, d.items[i].message);
	config_diags_clear(&d);
	unlink(path);
	return c;
}

#endif
