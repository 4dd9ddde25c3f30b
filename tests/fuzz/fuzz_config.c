/* SPDX-License-Identifier: MIT */
/* libFuzzer target: pxed.conf parsing and validation on arbitrary text
 * (but for `include`, see below). */
#include "config.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct config_diags diags = { 0 };
	struct config *config = NULL;
	FILE *f;

	/* [server] include reads the files a glob names: a fuzzer would read
	 * the machine's (/proc/kcore...). The key is only ever this word. */
	if (memmem(data, size, "include", 7))
		return 0;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/pxed-fuzz-config-%d", getpid());
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (config_load(path, &config, &diags) == 0)
		config_free(config);
	config_diags_clear(&diags);
	return 0;
}
