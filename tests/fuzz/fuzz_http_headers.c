/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the request headers HTTP interprets (Range,
 * If-None-Match, If-Modified-Since, If-Range) on arbitrary bytes.
 * Input: 8 bytes of file size, then up to four header values separated
 * by '\n'. Each value is an exact-size heap copy, so ASan sees over-reads.
 */
#include "http/headers.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *next_value(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = (size_t)((nl ? nl : end) - *p);
	char *s = malloc(len + 1);

	memcpy(s, *p, len);
	s[len] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 8, *end = data + size;
	struct http_validators v = { .etag = "\"abc\"", .mtime = 784111777 };
	struct http_preconditions pre;
	struct http_range r;
	char *range, *inm, *ims, *ifr;
	uint64_t file_size;
	time_t t;

	if (size < 8)
		return 0;
	memcpy(&file_size, data, 8);
	range = next_value(&p, end);
	inm = next_value(&p, end);
	ims = next_value(&p, end);
	ifr = next_value(&p, end);
	pre = (struct http_preconditions){ inm, ims, ifr };
	if (http_range_parse(range, file_size, &r) == HTTP_RANGE_PARTIAL &&
	    (r.length == 0 || r.first + r.length > file_size ||
	     r.first + r.length < r.first))
		abort();  /* a range must lie inside the file */
	(void)http_not_modified(&pre, &v);
	(void)http_if_range_holds(&pre, &v);
	(void)http_date_parse(ims, &t);
	free(range);
	free(inm);
	free(ims);
	free(ifr);
	return 0;
}
