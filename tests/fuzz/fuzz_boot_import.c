/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the install-image markers of boot/import.c (.treeinfo,
 * .discinfo, .disk/info) come from whatever ISO an operator imports. The
 * first byte picks the parser; whatever parses must leave NUL-terminated
 * fields, since they are written into a config.
 */
#include "boot/import.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const struct import_info *info)
{
	const char *fields[] = { info->name, info->version, info->arch,
				 info->kernel, info->initrd };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!memchr(fields[i], '\0', IMPORT_STR_MAX))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_info info;
	char *copy, *text;
	int r;

	if (size < 1)
		return 0;
	/* Exactly the input, so ASan sees an over-read. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		r = import_parse_treeinfo(copy, size - 1, &info);
		break;
	case 1:
		r = import_parse_discinfo(copy, size - 1, &info);
		break;
	default:
		r = import_parse_disk_info(copy, size - 1, &info);
		break;
	}
	if (r == 0) {
		check_terminated(&info);
		text = import_config_text(&info, "n", "/x.iso", NULL);
		if (!text)
			abort();
		free(text);
	}
	free(copy);
	return 0;
}
