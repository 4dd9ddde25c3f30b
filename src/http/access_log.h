/* SPDX-License-Identifier: MIT */
/*
 * access_log.h - one line per HTTP request: who, what, the answer and
 * how many body bytes it carried, in the common log format that log
 * tools already read:
 *   172.25.254.61 - - [24/Nov/2026:22:01:06 +0000] "GET /ks.cfg" 200 1234
 * A transfer the client cut short ends in " aborted".
 */
#ifndef PXED_HTTP_ACCESS_LOG_H
#define PXED_HTTP_ACCESS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct http_access {
	char client[48];       /* address as text */
	const char *method;
	const char *path;      /* as requested; escaped on output */
	unsigned status;
	uint64_t bytes;        /* body bytes of the response */
	bool aborted;
	time_t when;
};

/*
 * Format `a` into out (NUL-terminated, ends in '\n', truncated to fit).
 * Control characters, quotes and backslashes in the path are written as
 * \xHH, so a request cannot forge log lines. Returns the length.
 */
size_t http_access_format(const struct http_access *a, char *out,
			  size_t size);

#endif
