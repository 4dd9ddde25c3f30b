/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: an HTTP request head, as a client may send any bytes.
 * The input is where a head ends (http_head_end, whole and byte by
 * byte), then the head parsed, and the request line alone. An
 * exact-size heap copy each time, so ASan sees over-reads and writes.
 */
#include "http/request.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *copy_of(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (buf && size)
		memcpy(buf, data, size);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	size_t end, from = 0, step = 0;
	char *buf = copy_of(data, size);

	if (!buf)
		return 0;
	end = http_head_end(buf, size, 0);
	/* Arriving in pieces of 7 bytes finds the same end. */
	for (size_t n = 7; !step && n < size + 7; n += 7) {
		size_t len = n < size ? n : size;

		step = http_head_end(buf, len, from);
		from = len;
	}
	if (step != end)
		abort();
	if (end && !http_request_parse(buf, end, &req) &&
	    (req.target[0] != '/' || req.path_len > strlen(req.target) ||
	     !req.method[0]))
		abort();
	free(buf);
	buf = copy_of(data, size);
	if (!buf)
		return 0;
	memset(&req, 0, sizeof(req));
	http_request_line_parse(buf, size, &req);
	free(buf);
	return 0;
}
