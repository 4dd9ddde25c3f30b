/* SPDX-License-Identifier: MIT */
/*
 * response.h - one HTTP response on its way out: a head built field by
 * field, and a body that is text, a buffer or a range of a file, sent
 * on a non-blocking socket a step at a time.
 *
 * How it is sent is the point of this file: the head and a body in
 * memory go in one writev; a file body goes by sendfile(2) straight from
 * the page cache (for a file inside an ISO image, from the image), as
 * much per call as the socket takes, on a socket corked (TCP_CORK) from
 * the head to the body's last byte. No byte of a file passes through
 * user space.
 */
#ifndef PXED_HTTP_RESPONSE_H
#define PXED_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_response {
	unsigned status;
	char *head;                /* status line and fields */
	size_t head_len, head_size, head_sent;
	bool failed;               /* out of memory while building */
	/* The body: data (owned if `owned`), or bytes of fd from offset. */
	const char *data;
	char *owned;
	int fd;                    /* owned; -1 if none */
	uint64_t offset;
	uint64_t length;           /* Content-Length */
	uint64_t to_send;          /* of the body: length, or 0 for HEAD */
	uint64_t body_sent;
	bool corked;               /* TCP_CORK set on the socket for it */
};

/* A response with this status ("HTTP/1.1 NNN Reason"), no body yet.
   Everything below may be called on a failed one; see finish. */
void http_response_init(struct http_response *r, unsigned status);

void http_response_field(struct http_response *r, const char *name,
			 const char *value);

/* A status with a one-line text body that names it ("404 Not Found"). */
void http_response_error(struct http_response *r, unsigned status);

/* The body, one of: static text; a malloc'd buffer (taken); length
   bytes of fd from offset (fd taken). */
void http_response_text(struct http_response *r, const char *text);
void http_response_buffer(struct http_response *r, char *buf, size_t len);
void http_response_file(struct http_response *r, int fd, uint64_t offset,
			uint64_t length);

/*
 * End the head: Content-Length (except on 304), Date, Connection (for
 * HTTP/1.1, "close" when the connection ends after this; for HTTP/1.0,
 * "keep-alive" when it does not), and for HEAD no body. -ENOMEM if the
 * head could not be built; the caller then closes the connection.
 */
int http_response_finish(struct http_response *r, bool head_only,
			 bool http11, bool keep_alive, const char *date);

/*
 * Send what the socket takes now: 1 when all is sent; 0 when the socket
 * is full (wait until it is writable); < 0 on an error (the client went
 * away; -EIO: the file shrank under us). At most `budget` body bytes go
 * per call, so that one fast client does not keep a thread from its
 * others: 0 with *more set means the budget ran out before the socket
 * filled, so call again soon (an edge-triggered poll will not say so).
 */
int http_response_send(struct http_response *r, int sock, uint64_t budget,
		       bool *more);

void http_response_clear(struct http_response *r);

#endif
