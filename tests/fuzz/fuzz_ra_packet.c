/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the router solicitation/advertisement check on
 * arbitrary messages. The first byte is the hop limit the message came
 * with, the next 16 its source address, the rest the ICMPv6 message.
 */
#include "ra/packet.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr src;
	uint8_t *msg;
	enum ra_kind kind;

	if (size < 1 + sizeof(src))
		return 0;
	memcpy(&src, data + 1, sizeof(src));
	size -= 1 + sizeof(src);
	/* An exact-size copy, so ASan catches any read past the end. */
	msg = malloc(size ? size : 1);
	memcpy(msg, data + 1 + sizeof(src), size);
	kind = ra_classify(msg, size, &src, data[0]);
	/* Whatever is accepted was sent at hop limit 255 (RFC 4861 6.1). */
	if (kind != RA_INVALID && data[0] != 255)
		abort();
	free(msg);
	return 0;
}
