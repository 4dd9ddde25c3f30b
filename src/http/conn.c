/* SPDX-License-Identifier: MIT */
/*
 * conn.c - see conn.h.
 */
#include "http/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The input buffer starts small (a GET is a few hundred bytes) and
   grows to hold the largest head allowed. */
#define CONN_BUF_FIRST 2048
/* Body bytes per turn of the connection; see http_response_send. */
#define CONN_SEND_BUDGET (4u << 20)
/* A request body (GET and HEAD have none in practice) up to this is
   read and dropped to keep the connection; a larger one closes it. */
#define CONN_DRAIN_MAX (1u << 20)
/* What a lingering close reads at most before it closes anyway. */
#define CONN_LINGER_MAX (1u << 20)

struct http_conn *http_conn_new(int fd, struct in_addr peer,
				struct in_addr local)
{
	struct http_conn *c = calloc(1, sizeof(*c));

	if (c)
		c->buf = malloc(CONN_BUF_FIRST);
	if (!c || !c->buf) {
		free(c);
		close(fd);
		return NULL;
	}
	c->size = CONN_BUF_FIRST;
	c->fd = fd;
	c->peer = peer;
	c->local = local;
	inet_ntop(AF_INET, &peer, c->access.client, sizeof(c->access.client));
	return c;
}

static void log_request(struct http_conn *c, const struct http_conn_env *env,
			bool aborted)
{
	c->access.bytes = c->resp.body_sent;
	c->access.aborted = aborted;
	env->ops->log(env->data, &c->access);
	c->answering = false;
}

/* Answer the head buf[0, head_len): parsed, refused, or `status`
   already decided (431). Leaves the connection sending. */
static void answer(struct http_conn *c, const struct http_conn_env *env,
		   unsigned status)
{
	struct http_request *req = &c->req;
	bool head_only;

	memset(req, 0, sizeof(*req));
	c->access.when = time(NULL);
	if (!status)
		status = http_request_parse(c->buf, c->head_len, req);
	else
		http_request_line_parse(c->buf, c->len, req);
	c->access.method = req->method ? req->method : "-";
	c->access.path = req->target ? req->target : "-";
	if (status) {
		/* The framing of what follows is not to be trusted. */
		http_response_error(&c->resp, status);
		c->closing = true;
	} else {
		env->ops->answer(env->data, c, req, &c->resp);
		c->closing = !req->keep_alive ||
			     req->content_length > CONN_DRAIN_MAX;
		c->drain = req->content_length;
	}
	head_only = req->method && !strcmp(req->method, "HEAD");
	if (http_response_finish(&c->resp, head_only, req->http11 || status,
				 !c->closing, env->date) < 0) {
		/* No head to send: the connection just ends. */
		c->resp.head_len = c->resp.to_send = 0;
		c->closing = true;
	}
	c->access.status = c->resp.status;
	c->answering = true;
	c->state = HTTP_CONN_SENDING;
}

/* The answer is out: drop its head from the buffer, go on or close. */
static void answered(struct http_conn *c, const struct http_conn_env *env)
{
	log_request(c, env, false);
	http_response_clear(&c->resp);
	c->len -= c->head_len;
	memmove(c->buf, c->buf + c->head_len, c->len);
	c->head_len = c->scanned = 0;
	if (c->closing) {
		shutdown(c->fd, SHUT_WR);
		c->state = HTTP_CONN_LINGERING;
	} else {
		c->state = HTTP_CONN_READING;
	}
}

/* Drop request body bytes and the empty lines a client may send
   between requests (RFC 9112 §2.2); 1 if a head has arrived whole. */
static bool head_ready(struct http_conn *c)
{
	size_t skip = c->drain < c->len ? (size_t)c->drain : c->len;

	c->drain -= skip;
	if (!c->drain && !c->scanned)
		while (skip < c->len &&
		       (c->buf[skip] == '\r' || c->buf[skip] == '\n'))
			skip++;
	if (skip) {
		c->len -= skip;
		memmove(c->buf, c->buf + skip, c->len);
	}
	if (c->drain)
		return false;
	c->head_len = http_head_end(c->buf, c->len, c->scanned);
	c->scanned = c->len;
	return c->head_len > 0;
}

/* Read more input: 1 read, 0 would block, -1 closed or failed. */
static int fill(struct http_conn *c)
{
	ssize_t n;

	if (c->len == c->size) {
		size_t size = c->size * 2;
		char *buf = realloc(c->buf, size);

		if (!buf)
			return -1;
		c->buf = buf;
		c->size = size;
	}
	do
		n = read(c->fd, c->buf + c->len, c->size - c->len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return -1;
	c->len += (size_t)n;
	return 1;
}

static enum http_conn_wait linger(struct http_conn *c)
{
	char sink[4096];
	ssize_t n;

	while ((n = read(c->fd, sink, sizeof(sink))) > 0)
		if ((c->lingered += (uint64_t)n) > CONN_LINGER_MAX)
			return HTTP_CONN_CLOSE;
	return n < 0 && errno == EAGAIN ? HTTP_CONN_WAIT : HTTP_CONN_CLOSE;
}

enum http_conn_wait http_conn_run(struct http_conn *c,
				  const struct http_conn_env *env)
{
	bool more;
	int r;

	for (;;) {
		switch (c->state) {
		case HTTP_CONN_SENDING:
			r = http_response_send(&c->resp, c->fd,
					       CONN_SEND_BUDGET, &more);
			if (r < 0)
				return HTTP_CONN_CLOSE;
			if (!r)
				return more ? HTTP_CONN_AGAIN : HTTP_CONN_WAIT;
			answered(c, env);
			break;
		case HTTP_CONN_READING:
			if (head_ready(c)) {
				answer(c, env, 0);
				break;
			}
			/* Room for the largest head allowed, then 431. */
			if (c->len >= HTTP_HEAD_MAX) {
				c->head_len = c->len;
				answer(c, env, 431);
				break;
			}
			r = fill(c);
			if (r <= 0)
				return r ? HTTP_CONN_CLOSE : HTTP_CONN_WAIT;
			break;
		case HTTP_CONN_LINGERING:
			return linger(c);
		}
	}
}

void http_conn_free(struct http_conn *c, const struct http_conn_env *env)
{
	if (!c)
		return;
	if (c->answering)
		log_request(c, env, true);
	http_response_clear(&c->resp);
	close(c->fd);
	free(c->buf);
	free(c);
}
