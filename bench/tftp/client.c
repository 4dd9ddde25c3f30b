/* SPDX-License-Identifier: MIT */
/*
 * bench/tftp/client.c - the load generator of bench/tftp: fetches one file
 * COUNT times at once over TFTP (RFC 1350, blksize RFC 2348, windowsize
 * RFC 7440) and checks every byte against a local copy.
 *
 * A measuring instrument, not a product: one process, one thread, an
 * epoll set of one socket per transfer, no file written. A client per
 * process (atftp) costs more CPU per block than the servers it measures,
 * and 200 of them take 200 shares of the machine's CPU against one
 * server's one; this one takes one share and little of it, so what the
 * bench shows is the servers. It shares no code with pxed, so that a
 * mistake in pxed's TFTP cannot hide in its own measurement.
 *
 *   tftp-bench-client HOST PORT NAME LOCAL-COPY BLKSIZE WINDOWSIZE COUNT
 *
 * Prints "SECONDS OK-COUNT"; exits 1 if any transfer failed or differed.
 * WINDOWSIZE 1 asks for no windowsize option (plain lock-step); a server
 * that leaves an option out of its OACK, or answers with DATA, is
 * followed in what it chose.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define OP_RRQ 1
#define OP_DATA 3
#define OP_ACK 4
#define OP_ERROR 5
#define OP_OACK 6
#define RETRY_MS 500
#define RETRIES_MAX 20
#define PACKET_MAX 65536
#define RECV_BATCH 64
#define NAME_MAX_LEN 512
/* Room for a window of 16 x 64 KiB: what the bench measures is the
 * servers, not this socket's buffer. */
#define RCVBUF (8 * 1024 * 1024)

struct transfer {
	int fd;
	bool connected;         /* to the server's TID, once it answered */
	bool done, failed;
	uint64_t next;          /* the block expected next, 1-based */
	unsigned in_window;     /* blocks received since the last ACK */
	bool gap_acked;         /* a gap was answered; once is enough */
	unsigned blksize, window;
	unsigned retries;
	uint64_t last_heard;    /* ms */
	uint8_t last_sent[1024];
	size_t last_len;
};

static const uint8_t *expect;
static size_t expect_len;
static struct sockaddr_in server;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void transmit(struct transfer *t)
{
	ssize_t r;

	if (t->connected)
		r = send(t->fd, t->last_sent, t->last_len, 0);
	else
		r = sendto(t->fd, t->last_sent, t->last_len, 0,
			   (const struct sockaddr *)&server, sizeof(server));
	if (r < 0 && errno != EAGAIN && errno != ENOBUFS)
		t->failed = true;
}

static void send_ack(struct transfer *t, uint64_t block)
{
	put16(t->last_sent, OP_ACK);
	put16(t->last_sent + 2, (unsigned)(block & 0xffff));
	t->last_len = 4;
	t->in_window = 0;
	transmit(t);
}

static size_t add_option(uint8_t *p, const char *name, unsigned value)
{
	int n = sprintf((char *)p, "%s%c%u", name, 0, value);

	return (size_t)n + 1;
}

static void send_request(struct transfer *t, const char *name)
{
	uint8_t *p = t->last_sent;
	size_t len = 2;

	put16(p, OP_RRQ);
	len += (size_t)sprintf((char *)p + len, "%s", name) + 1;
	len += (size_t)sprintf((char *)p + len, "octet") + 1;
	if (t->blksize != 512)
		len += add_option(p + len, "blksize", t->blksize);
	if (t->window > 1)
		len += add_option(p + len, "windowsize", t->window);
	t->last_len = len;
	transmit(t);
}

/* The server's choices from its OACK; an option it left out is off. */
static void take_oack(struct transfer *t, const uint8_t *p, size_t len)
{
	unsigned blksize = 512, window = 1;
	size_t i = 2;

	while (i < len) {
		const char *name = (const char *)p + i;
		size_t n = strnlen(name, len - i);
		const char *value;

		if (i + n >= len)
			break;
		value = name + n + 1;
		if (i + n + 1 + strnlen(value, len - i - n - 1) >= len)
			break;
		if (!strcasecmp(name, "blksize"))
			blksize = (unsigned)atoi(value);
		else if (!strcasecmp(name, "windowsize"))
			window = (unsigned)atoi(value);
		i += n + 1 + strlen(value) + 1;
	}
	t->blksize = blksize;
	t->window = window;
	send_ack(t, 0);
}

/* A DATA packet: in order, it is checked and counted; out of order, the
 * last block in order is acknowledged again (RFC 7440 §4). */
static void take_data(struct transfer *t, const uint8_t *p, size_t len)
{
	unsigned block = get16(p + 2);
	size_t data = len - 4;
	uint64_t off = (t->next - 1) * t->blksize;

	if (block != (t->next & 0xffff)) {
		if (!t->gap_acked)
			send_ack(t, t->next - 1);
		t->gap_acked = true;
		return;
	}
	t->gap_acked = false;
	if (data > t->blksize || off + data > expect_len ||
	    memcmp(p + 4, expect + off, data) != 0 ||
	    (data < t->blksize && off + data != expect_len)) {
		t->failed = true;
		return;
	}
	t->next++;
	t->in_window++;
	if (data < t->blksize) {
		send_ack(t, t->next - 1);
		t->done = true;
	} else if (t->in_window >= t->window) {
		send_ack(t, t->next - 1);
	}
}

static void take_packet(struct transfer *t, const uint8_t *p, size_t len,
			const struct sockaddr_in *from)
{
	unsigned op;

	if (len < 4)
		return;
	if (!t->connected) {
		if (connect(t->fd, (const struct sockaddr *)from,
			    sizeof(*from)) < 0) {
			t->failed = true;
			return;
		}
		t->connected = true;
		/* no OACK: the server runs plain RFC 1350 */
		if (get16(p) == OP_DATA)
			t->blksize = 512, t->window = 1;
	}
	t->retries = 0;
	op = get16(p);
	if (op == OP_OACK && t->next == 1)
		take_oack(t, p, len);
	else if (op == OP_DATA)
		take_data(t, p, len);
	else if (op == OP_ERROR)
		t->failed = true;
}

/*
 * Whatever is queued, up to a batch, with one recvmmsg(2); epoll is
 * level-triggered and reports the rest, so no call is spent on EAGAIN.
 */
static void drain(struct transfer *t, uint64_t now)
{
	static uint8_t bufs[RECV_BATCH][PACKET_MAX];
	struct sockaddr_in from[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
	struct mmsghdr m[RECV_BATCH];
	int n;

	for (int i = 0; i < RECV_BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], PACKET_MAX };
		m[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &from[i], .msg_namelen = sizeof(from[i]),
			.msg_iov = &iov[i], .msg_iovlen = 1,
		} };
	}
	n = recvmmsg(t->fd, m, RECV_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != ECONNREFUSED)
			t->failed = true;
		return;
	}
	t->last_heard = now;
	for (int i = 0; i < n && !t->done && !t->failed; i++)
		take_packet(t, bufs[i], m[i].msg_len, &from[i]);
}

static void finish(int ep, struct transfer *t, size_t *active)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, t->fd, NULL);
	close(t->fd);
	t->fd = -1;
	(*active)--;
}

static int map_expected(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	expect_len = (size_t)st.st_size;
	expect = expect_len ? mmap(NULL, expect_len, PROT_READ, MAP_PRIVATE |
				   MAP_POPULATE, fd, 0) : (const uint8_t *)"";
	close(fd);
	return expect == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct transfer *ts;
	struct epoll_event evs[256];
	size_t count, active, ok = 0;
	unsigned blksize, window;
	int rcvbuf = RCVBUF;
	uint64_t scanned;
	struct timespec t0, t1;
	int ep;

	if (argc != 8) {
		fprintf(stderr, "usage: %s HOST PORT NAME LOCAL-COPY BLKSIZE "
			"WINDOWSIZE COUNT\n", argv[0]);
		return 2;
	}
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)atoi(argv[2]));
	blksize = (unsigned)atoi(argv[5]);
	window = (unsigned)atoi(argv[6]);
	count = (size_t)atol(argv[7]);
	if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 ||
	    blksize < 8 || blksize > 65464 || window < 1 || count < 1 ||
	    strlen(argv[3]) > NAME_MAX_LEN ||
	    map_expected(argv[4]) < 0) {
		fprintf(stderr, "%s: bad arguments or unreadable %s\n",
			argv[0], argv[4]);
		return 2;
	}
	ts = calloc(count, sizeof(*ts));
	ep = epoll_create1(0);
	if (!ts || ep < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < count; i++) {
		struct transfer *t = &ts[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };

		t->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (t->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, t->fd, &ev) < 0) {
			perror("socket");
			return 2;
		}
		if (setsockopt(t->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			       sizeof(rcvbuf)) < 0)
			setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				   sizeof(rcvbuf));
		t->next = 1;
		t->blksize = blksize;
		t->window = window;
		t->last_heard = now_ms();
		send_request(t, argv[3]);
	}
	active = count;
	scanned = now_ms();
	while (active) {
		int n = epoll_wait(ep, evs, 256, RETRY_MS / 5);
		uint64_t now = now_ms();

		for (int i = 0; i < n; i++) {
			struct transfer *t = evs[i].data.ptr;

			if (t->fd < 0)
				continue;
			drain(t, now);
			if (t->done || t->failed)
				finish(ep, t, &active);
		}
		if (now - scanned < RETRY_MS / 5)
			continue;
		scanned = now;
		/* whoever waited too long sends its last packet again */
		for (size_t i = 0; i < count; i++) {
			struct transfer *t = &ts[i];

			if (t->fd < 0 || now - t->last_heard < RETRY_MS)
				continue;
			if (++t->retries > RETRIES_MAX) {
				t->failed = true;
				finish(ep, t, &active);
				continue;
			}
			t->last_heard = now;
			transmit(t);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < count; i++)
		ok += ts[i].done && !ts[i].failed;
	printf("%.6f %zu\n", (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, ok);
	return ok == count ? 0 : 1;
}
