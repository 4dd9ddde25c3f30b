/* SPDX-License-Identifier: MIT */
/*
 * bench/tftp/floor.c - the floor of lock-step TFTP on this machine: a
 * server that does the least any server must do per block, and nothing
 * else, so that bench/tftp can show how far above it pxed and the peers
 * are (a target a server cannot reach is one the floor does not reach).
 *
 * Per window (one block in lock-step) it receives the ACK and sends the
 * next blocks with one sendmmsg(2) on a connected socket, straight from
 * the file already in memory: no file system, no timers, no event loop,
 * no checks beyond the block number, one transfer at a time, blksize (RFC
 * 2348) and windowsize (RFC 7440) and nothing else negotiated. Not a
 * server for anything but this measurement.
 *
 *   tftp-bench-floor PORT FILE...
 *
 * Serves each FILE under its base name on 127.0.0.1:PORT; any other name
 * gets error 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define OP_RRQ 1
#define OP_DATA 3
#define OP_ACK 4
#define OP_ERROR 5
#define OP_OACK 6
#define BLKSIZE_MAX 65464
#define WINDOW_MAX 64
#define RETRIES 3

struct served {
	const char *name;
	uint8_t *data;
	size_t len;
};

static void die(const char *what)
{
	fprintf(stderr, "tftp-bench-floor: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void load(struct served *f, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	f->len = (size_t)st.st_size;
	f->data = malloc(f->len ? f->len : 1);
	if (!f->data)
		die("malloc");
	while (got < f->len) {
		ssize_t n = read(fd, f->data + got, f->len - got);

		if (n <= 0)
			die(path);
		got += (size_t)n;
	}
	close(fd);
	f->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

struct options {
	unsigned blksize, window;
	int asked_blksize, asked_window;
};

static unsigned option_value(const char *val, unsigned lo, unsigned hi)
{
	long v = strtol(val, NULL, 10);

	return v < (long)lo ? lo : v > (long)hi ? hi : (unsigned)v;
}

/* The RRQ's file name and the options the floor takes (`p` has a byte to
 * spare after `len`). */
static const char *parse_rrq(uint8_t *p, size_t len, struct options *o)
{
	const char *name = (const char *)p + 2;
	size_t i;

	p[len] = '\0';
	*o = (struct options){ .blksize = 512, .window = 1 };
	if (len < 4 || (p[0] << 8 | p[1]) != OP_RRQ)
		return NULL;
	i = 2 + strlen(name) + 1;                /* the name */
	if (i < len)
		i += strlen((char *)p + i) + 1;  /* the mode */
	while (i < len) {
		const char *opt = (const char *)p + i;
		const char *val = opt + strlen(opt) + 1;

		if ((size_t)(val - (const char *)p) >= len)
			break;
		if (!strcasecmp(opt, "blksize")) {
			o->blksize = option_value(val, 8, BLKSIZE_MAX);
			o->asked_blksize = 1;
		} else if (!strcasecmp(opt, "windowsize")) {
			o->window = option_value(val, 1, WINDOW_MAX);
			o->asked_window = 1;
		}
		i = (size_t)(val - (const char *)p) + strlen(val) + 1;
	}
	return name;
}

/*
 * Waits for an ACK of a block in first-1..last (16-bit block numbers
 * mapped back); returns it, or -1 after a second without one.
 */
static int64_t wait_ack(int fd, uint64_t first, uint64_t last)
{
	uint8_t ack[516];

	for (;;) {
		ssize_t n = recv(fd, ack, sizeof(ack), 0);
		uint64_t b;

		if (n < 0)
			return -1;
		if (n < 4 || (ack[0] << 8 | ack[1]) != OP_ACK)
			continue;
		b = first - 1 + (((unsigned)(ack[2] << 8 | ack[3]) -
				  (first - 1)) & 0xffff);
		if (b <= last)
			return (int64_t)b;
	}
}

/*
 * Blocks first.. of `f`, up to a window, with one sendmmsg(2), each
 * packet a header and a pointer into the file: no copy in user space.
 * Returns the last block sent; *end is set when it is the file's last.
 */
static uint64_t send_window(int fd, const struct served *f,
			    const struct options *o, uint64_t first, int *end)
{
	static uint8_t heads[WINDOW_MAX][4];
	static struct iovec iov[WINDOW_MAX][2];
	static struct mmsghdr m[WINDOW_MAX];
	unsigned n = 0;

	*end = 0;
	while (n < o->window && !*end) {
		uint64_t b = first + n;
		size_t off = (size_t)(b - 1) * o->blksize;
		size_t len = f->len - off < o->blksize ? f->len - off
						       : o->blksize;

		heads[n][0] = 0;
		heads[n][1] = OP_DATA;
		heads[n][2] = (uint8_t)(b >> 8);
		heads[n][3] = (uint8_t)b;
		iov[n][0] = (struct iovec){ heads[n], 4 };
		iov[n][1] = (struct iovec){ f->data + off, len };
		m[n].msg_hdr = (struct msghdr){ .msg_iov = iov[n],
						.msg_iovlen = 2 };
		*end = len < o->blksize;
		n++;
	}
	if (sendmmsg(fd, m, n, 0) < 0)
		return 0;
	return first + n - 1;
}

/* The OACK (block 0), sent until acknowledged. */
static int send_oack(int fd, const struct options *o)
{
	char p[64] = { 0, OP_OACK };
	size_t len = 2;

	if (o->asked_blksize)
		len += (size_t)snprintf(p + len, sizeof(p) - len,
					"blksize%c%u", '\0', o->blksize) + 1;
	if (o->asked_window)
		len += (size_t)snprintf(p + len, sizeof(p) - len,
					"windowsize%c%u", '\0', o->window) + 1;
	for (int tries = 0; tries < RETRIES; tries++) {
		if (send(fd, p, len, 0) < 0)
			return -1;
		if (wait_ack(fd, 1, 0) == 0)
			return 0;
	}
	return -1;
}

static void transfer(const struct served *f, const struct options *o,
		     const struct sockaddr_in *peer)
{
	struct sockaddr_in local = { .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { 1, 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint64_t first = 1;
	int tries = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0)
		die("transfer socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((o->asked_blksize || o->asked_window) && send_oack(fd, o) < 0)
		goto out;
	while (tries < RETRIES) {
		int end;
		uint64_t last = send_window(fd, f, o, first, &end);
		int64_t acked = last ? wait_ack(fd, first, last) : -1;

		if (acked < 0) {
			tries++;
			continue;
		}
		tries = 0;
		if (end && (uint64_t)acked == last)
			break;
		first = (uint64_t)acked + 1;
	}
out:
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static const uint8_t not_found[] = { 0, OP_ERROR, 0, 1, 'n', 'o', 0 };
	struct served *files;
	int n_files = argc - 2, fd;

	if (argc < 3) {
		fprintf(stderr, "usage: tftp-bench-floor PORT FILE...\n");
		return 2;
	}
	addr.sin_port = htons((uint16_t)atoi(argv[1]));
	files = calloc((size_t)n_files, sizeof(*files));
	if (!files)
		die("calloc");
	for (int i = 0; i < n_files; i++)
		load(&files[i], argv[i + 2]);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("listen socket");
	for (;;) {
		uint8_t req[1024];
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, req, sizeof(req) - 1, 0,
				     (struct sockaddr *)&peer, &plen);
		const struct served *f = NULL;
		const char *name;
		struct options o;

		if (n < 0)
			continue;
		name = parse_rrq(req, (size_t)n, &o);
		for (int i = 0; name && i < n_files; i++)
			if (!strcmp(files[i].name, name))
				f = &files[i];
		if (!f) {
			sendto(fd, not_found, sizeof(not_found), 0,
			       (struct sockaddr *)&peer, plen);
			continue;
		}
		transfer(f, &o, &peer);
	}
}
