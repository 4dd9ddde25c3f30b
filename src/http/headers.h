/* SPDX-License-Identifier: MIT */
/*
 * headers.h - the request headers pxed interprets, as pure functions:
 * Range (RFC 9110 §14), conditional requests (§13: If-None-Match,
 * If-Modified-Since, If-Range), HTTP dates (§5.6.7) and entity-tag lists
 * (§8.8.3; the tags themselves come from fs_file_etag). No sockets and no
 * clock inside: the server glue feeds them header values and file facts,
 * and acts on the decision.
 */
#ifndef PXED_HTTP_HEADERS_H
#define PXED_HTTP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum http_range_result {
	HTTP_RANGE_NONE,           /* serve the whole file (200) */
	HTTP_RANGE_PARTIAL,        /* serve [first, first+length) (206) */
	HTTP_RANGE_UNSATISFIABLE,  /* 416, Content-Range: bytes * /size */
};

struct http_range {
	uint64_t first;
	uint64_t length;
};

/*
 * Decide a Range header (NULL: none) against a representation of `size`
 * bytes. Only a single byte range is honoured: a header naming several,
 * another unit, or bad syntax is ignored (§14.2 lets a server ignore
 * Range), so the client gets the whole file, which it always accepts.
 */
enum http_range_result http_range_parse(const char *value, uint64_t size,
					struct http_range *ret);

/* The facts a conditional request is judged against. */
struct http_validators {
	const char *etag;     /* strong tag with quotes, or NULL */
	time_t mtime;         /* < 0: no Last-Modified */
};

/* The request's preconditions (any may be NULL). */
struct http_preconditions {
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_range;
};

/*
 * §13.2.2 for GET/HEAD: true when the answer is 304 Not Modified.
 * If-None-Match, when present, decides alone (weak comparison);
 * otherwise a valid If-Modified-Since no older than mtime does.
 */
bool http_not_modified(const struct http_preconditions *pre,
		       const struct http_validators *v);

/*
 * §13.1.5: whether a Range may be honoured. With no If-Range, yes; with
 * one, only if it names exactly the current strong ETag or Last-Modified.
 */
bool http_if_range_holds(const struct http_preconditions *pre,
			 const struct http_validators *v);

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT": 29 chars + NUL. */
#define HTTP_DATE_LEN 30
void http_date_format(time_t t, char out[HTTP_DATE_LEN]);

/*
 * Parse any of the three formats a recipient must accept (§5.6.7):
 * IMF-fixdate, RFC 850 and asctime. -EINVAL if it is none of them.
 */
int http_date_parse(const char *s, time_t *ret);

#endif
