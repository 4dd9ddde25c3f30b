/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the TFTP request parser on arbitrary bytes, and
 * negotiation and the OACK builder on whatever it accepts.
 */
#include "tftp/packet.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_limits limits = {
		.blksize_max = 1468, .windowsize_max = 64, .timeout_ms = 1000,
		.window_bytes_max = 128 * 1024,
	};
	uint8_t *copy = malloc(size ? size : 1);
	struct tftp_packet p;
	struct tftp_params params;
	uint8_t oack[TFTP_REQUEST_MAX];

	/* An exact-size copy, so ASan catches any read past the end. */
	memcpy(copy, data, size);
	if (tftp_packet_parse(copy, size, &p) == 0 &&
	    (p.opcode == TFTP_OP_RRQ || p.opcode == TFTP_OP_WRQ)) {
		/* Touch the whole name the parser vouched for. */
		if (strlen(p.request.filename) != p.request.filename_len)
			abort();
		tftp_negotiate(&p.request, &limits, size, &params);
		if (tftp_build_oack(oack, sizeof(oack), &params) < 0)
			abort();
	}
	free(copy);
	return 0;
}
