/* SPDX-License-Identifier: MIT */
/*
 * request.h - an HTTP/1.x request head (RFC 9112 §2-§7), parsed as a
 * pure function: bytes in, the facts pxed acts on out, or the status
 * that refuses them. No sockets here; conn.c finds where a head ends and
 * hands it over whole.
 *
 * Strict where leniency has been an attack (request smuggling, header
 * injection): a single SP between the parts of the request line, no
 * whitespace before a field's colon, no obsolete line folding, no
 * control bytes, Content-Length only digits and never twice, a
 * Transfer-Encoding refused. Lenient where clients differ harmlessly: a
 * bare LF ends a line (§2.2), the absolute form of a target is accepted
 * (§3.2.2) and reduced to its path.
 */
#ifndef PXED_HTTP_REQUEST_H
#define PXED_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A head (request line and fields) longer than this gets 431. */
#define HTTP_HEAD_MAX (32 * 1024)

struct http_request {
	/* NUL-terminated, inside the parsed buffer; NULL until known. */
	const char *method;
	const char *target;        /* the path, with any query */
	size_t path_len;           /* of target, up to any '?' */
	bool http11;               /* HTTP/1.1 (else 1.0) */
	bool keep_alive;           /* by the version and Connection */
	bool has_body;             /* Content-Length given, not 0 */
	uint64_t content_length;
	/* Fields pxed interprets (the first of each), or NULL. */
	const char *range;
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_range;
};

/*
 * Where the head at the start of buf[0, len) ends: the length up to and
 * including its empty line, or 0 if it has not arrived whole. `from` is
 * how far an earlier call looked (0 the first time; the caller keeps
 * len), so bytes trickling in are not scanned again and again.
 */
size_t http_head_end(const char *buf, size_t len, size_t from);

/*
 * Parse the head buf[0, len) (as http_head_end measured it), writing NULs
 * into it. Returns 0, or the status to refuse it with: 400 (malformed),
 * 501 (a Transfer-Encoding), 505 (an HTTP version other than 1.x). The
 * method and target are set as soon as the request line parsed, so that
 * a refused request is still logged by name.
 */
unsigned http_request_parse(char *buf, size_t len, struct http_request *req);

/* Only the request line (ending at the first LF in buf[0, len), if
   any): for the log of a head too large to parse. */
unsigned http_request_line_parse(char *buf, size_t len,
				 struct http_request *req);

#endif
