/* SPDX-License-Identifier: MIT */
/*
 * response.c - see response.h.
 */
#include "http/response.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *reason(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Internal Server Error";
	}
}

static void append(struct http_response *r, const char *a, const char *b,
		   const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	size_t need = r->head_len + la + lb + lc + 1;
	char *grown;

	if (r->failed)
		return;
	if (need > r->head_size) {
		size_t size = r->head_size ? r->head_size : 256;

		while (size < need)
			size *= 2;
		grown = realloc(r->head, size);
		if (!grown) {
			r->failed = true;
			return;
		}
		r->head = grown;
		r->head_size = size;
	}
	memcpy(r->head + r->head_len, a, la);
	memcpy(r->head + r->head_len + la, b, lb);
	memcpy(r->head + r->head_len + la + lb, c, lc);
	r->head_len += la + lb + lc;
	r->head[r->head_len] = '\0';
}

void http_response_init(struct http_response *r, unsigned status)
{
	char line[64];

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->status = status;
	snprintf(line, sizeof(line), "HTTP/1.1 %u ", status);
	append(r, line, reason(status), "\r\n");
}

void http_response_field(struct http_response *r, const char *name,
			 const char *value)
{
	append(r, name, ": ", value);
	append(r, "\r\n", "", "");
}

void http_response_error(struct http_response *r, unsigned status)
{
	char line[64];

	http_response_init(r, status);
	snprintf(line, sizeof(line), "%u %s\n", status, reason(status));
	r->owned = strdup(line);
	if (!r->owned)
		r->failed = true;
	http_response_buffer(r, r->owned, r->owned ? strlen(line) : 0);
	http_response_field(r, "Content-Type", "text/plain; charset=utf-8");
}

void http_response_text(struct http_response *r, const char *text)
{
	r->data = text;
	r->length = strlen(text);
}

void http_response_buffer(struct http_response *r, char *buf, size_t len)
{
	r->data = r->owned = buf;
	r->length = len;
}

void http_response_file(struct http_response *r, int fd, uint64_t offset,
			uint64_t length)
{
	r->fd = fd;
	r->offset = offset;
	r->length = length;
}

int http_response_finish(struct http_response *r, bool head_only,
			 bool http11, bool keep_alive, const char *date)
{
	char length[24];

	/* §8.6: a 304 has no body, and its length would be the 200's. */
	if (r->status != 304) {
		snprintf(length, sizeof(length), "%" PRIu64, r->length);
		http_response_field(r, "Content-Length", length);
	}
	http_response_field(r, "Date", date);
	if (http11 && !keep_alive)
		http_response_field(r, "Connection", "close");
	else if (!http11 && keep_alive)
		http_response_field(r, "Connection", "keep-alive");
	append(r, "\r\n", "", "");
	r->to_send = head_only || r->status == 304 ? 0 : r->length;
	return r->failed ? -ENOMEM : 0;
}

/*
 * A file body leaves on a corked socket: sendfile hands TCP a page-sized
 * pipe's worth (64 KiB) at a time, and without the cork each of those
 * ends in a short segment of its own (on loopback, 65,483 + 53 bytes:
 * twice the packets, measured), as does the head before it. Uncorking
 * sends the last partial segment at once.
 */
static void cork(struct http_response *r, int sock, bool on)
{
	int v = on;

	if (r->corked != on &&
	    setsockopt(sock, IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) == 0)
		r->corked = on;
}

/* The head, and a body in memory with it. */
static ssize_t send_head(struct http_response *r, int sock)
{
	struct iovec iov[2] = {
		{ r->head + r->head_sent, r->head_len - r->head_sent },
		{ (char *)r->data, (size_t)r->to_send },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 1 };

	if (r->data && r->to_send && !r->body_sent)
		msg.msg_iovlen = 2;
	else if (r->fd >= 0 && r->to_send)
		cork(r, sock, true);
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static ssize_t send_body(struct http_response *r, int sock, uint64_t want)
{
	off_t off = (off_t)(r->offset + r->body_sent);
	ssize_t n;

	if (r->data)
		return send(sock, r->data + r->body_sent, (size_t)want,
			    MSG_NOSIGNAL);
	n = sendfile(sock, r->fd, &off, (size_t)want);
	if (n == 0) {
		errno = EIO;   /* the file ends before its length */
		return -1;
	}
	return n;
}

int http_response_send(struct http_response *r, int sock, uint64_t budget,
		       bool *more)
{
	ssize_t n;

	*more = false;
	for (;;) {
		uint64_t left = r->to_send - r->body_sent, want;

		if (r->head_sent < r->head_len) {
			n = send_head(r, sock);
		} else if (!left) {
			cork(r, sock, false);
			return 1;
		} else if (!budget) {
			*more = true;
			return 0;
		} else {
			want = left < budget ? left : budget;
			/* sendfile moves at most this per call anyway */
			if (want > (1u << 30))
				want = 1u << 30;
			n = send_body(r, sock, want);
			if (n > 0)
				budget -= (uint64_t)n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (r->head_sent < r->head_len) {
			size_t head = r->head_len - r->head_sent;

			if ((size_t)n < head) {
				r->head_sent += (size_t)n;
				continue;
			}
			r->head_sent = r->head_len;
			n -= (ssize_t)head;
		}
		r->body_sent += (uint64_t)n;
	}
}

void http_response_clear(struct http_response *r)
{
	free(r->head);
	free(r->owned);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}
