/* SPDX-License-Identifier: MIT */
/* access_log.c - see access_log.h */
#include "http/access_log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends with snprintf semantics; *at never passes size - 1. */
static void append(char *out, size_t size, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *out, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *at, size - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n < size - *at ? (size_t)n : size - *at - 1;
}

static void append_escaped(char *out, size_t size, size_t *at,
			   const char *s)
{
	for (; *s && *at + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			append(out, size, at, "\\x%02x", c);
		else
			out[(*at)++] = (char)c;
	}
	out[*at] = '\0';
}

size_t http_access_format(const struct http_access *a, char *out,
			  size_t size)
{
	struct tm tm;
	char date[32];
	size_t at = 0;

	gmtime_r(&a->when, &tm);
	strftime(date, sizeof(date), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	append(out, size, &at, "%s - - [%s] \"%s ", a->client, date,
	       a->method);
	append_escaped(out, size, &at, a->path);
	append(out, size, &at, "\" %u %" PRIu64 "%s", a->status, a->bytes,
	       a->aborted ? " aborted" : "");
	/* Room for the newline is kept even when the path was cut. */
	if (at >= size - 1)
		at = size - 2;
	out[at++] = '\n';
	out[at] = '\0';
	return at;
}
