/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the DHCP message parser on arbitrary bytes. */
#include "dhcp/packet.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_message m;
	uint8_t *copy = malloc(size ? size : 1);
	size_t len;

	/* An exact-size copy, so ASan catches any read past the end. */
	memcpy(copy, data, size);
	if (dhcp_message_parse(copy, size, &m) == DHCP_PARSE_OK) {
		for (unsigned c = 0; c < 256; c++) {
			const uint8_t *p = dhcp_message_option(&m, (uint8_t)c, &len);

			if (p && len)
				/* Touch every byte the parser says is there. */
				(void)*(volatile const uint8_t *)(p + len - 1);
		}
	}
	free(copy);
	return 0;
}
