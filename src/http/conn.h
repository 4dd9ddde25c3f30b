/* SPDX-License-Identifier: MIT */
/*
 * conn.h - one HTTP/1.1 connection as a state machine on a non-blocking
 * socket: read a request head, have it answered, send the answer, then
 * the next request (keep-alive, pipelining), or close. It never blocks
 * and never waits: it runs until the socket would block and says what
 * it waits for, so one thread drives thousands of connections.
 *
 * Closing politely matters to clients: a connection closed with unread
 * bytes in it is reset, and a reset can destroy the answer before the
 * client reads it (an error for a request with a large header, say).
 * So a connection that ends after an answer shuts its sending side and
 * reads what is left until the client closes ("lingering close", as
 * RFC 9112 §9.6 asks), for a short while and a bounded number of bytes.
 */
#ifndef PXED_HTTP_CONN_H
#define PXED_HTTP_CONN_H

#include "http/access_log.h"
#include "http/headers.h"
#include "http/request.h"
#include "http/response.h"

#include <netinet/in.h>

struct http_conn;

struct http_conn_ops {
	/* Fill resp (initialised by the callee) for a request parsed
	   without error. */
	void (*answer)(void *data, const struct http_conn *c,
		       const struct http_request *req,
		       struct http_response *resp);
	/* A request is done: answered, or cut short (a->aborted). */
	void (*log)(void *data, const struct http_access *a);
};

/* What a connection's caller passes every time it runs it. */
struct http_conn_env {
	const struct http_conn_ops *ops;
	void *data;
	char date[HTTP_DATE_LEN];   /* now, for the Date field */
};

enum http_conn_state {
	HTTP_CONN_READING,
	HTTP_CONN_SENDING,
	HTTP_CONN_LINGERING,
};

struct http_conn {
	int fd;
	struct in_addr peer, local;
	enum http_conn_state state;
	char *buf;                  /* input: heads, and what follows */
	size_t len, size;
	size_t scanned;             /* of buf, searched for a head's end */
	size_t head_len;            /* the head being answered */
	uint64_t drain;             /* body bytes still to drop */
	uint64_t lingered;          /* bytes dropped while lingering */
	bool closing;               /* close after this answer */
	bool answering;             /* a request is in flight: log it */
	struct http_request req;
	struct http_response resp;
	struct http_access access;
	/* The caller's: when the connection times out, and its list. */
	uint64_t expires;
	struct http_conn *prev, *next;
};

/* Takes the connected socket, non-blocking. NULL: out of memory (the
   socket is then closed). */
struct http_conn *http_conn_new(int fd, struct in_addr peer,
				struct in_addr local);

enum http_conn_wait {
	HTTP_CONN_WAIT,       /* until the socket is readable or writable */
	HTTP_CONN_AGAIN,      /* run again soon: the send budget ran out */
	HTTP_CONN_CLOSE,      /* done: free it */
};

enum http_conn_wait http_conn_run(struct http_conn *c,
				  const struct http_conn_env *env);

/* Close; a request in flight is logged as aborted. */
void http_conn_free(struct http_conn *c, const struct http_conn_env *env);

#endif
