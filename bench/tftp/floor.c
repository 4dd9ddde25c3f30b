/* SPDX-License-Identifier: MIT */
/*
 * bench/tftp/floor.c - the floor of lock-step TFTP on this machine: a
 * server that does the least any server must do per block, and nothing
 * else, so that bench/tftp can show how far above it pxed and the peers
 * are (a target a server cannot reach is one the floor does not reach).
 *
 * Per block it receives the ACK and sends the next DATA on a connected
 * socket, from the file already in memory: no file system, no timers, no
 * event loop, no checks beyond the block number, one transfer at a time,
 * blksize (RFC 2348) and nothing else negotiated. Not a server for
 * anything but this measurement.
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

/* The RRQ's file name, and its blksize option if it has one (`p` has a
 * byte to spare after `len`). */
static const char *parse_rrq(uint8_t *p, size_t len, unsigned *blksize,
			     int *asked)
{
	const char *name = (const char *)p + 2;
	size_t i;

	p[len] = '\0';
	*blksize = 512;
	*asked = 0;
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
			long v = strtol(val, NULL, 10);

			*blksize = v < 8 ? 8 : v > BLKSIZE_MAX ? BLKSIZE_MAX
							      : (unsigned)v;
			*asked = 1;
		}
		i = (size_t)(val - (const char *)p) + strlen(val) + 1;
	}
	return name;
}

/* Sends `pkt` until the ACK for `block` comes; -1 if it never does. */
static int send_until_acked(int fd, const uint8_t *pkt, size_t len,
			    unsigned block)
{
	uint8_t ack[516];

	for (int tries = 0; tries < RETRIES; tries++) {
		if (send(fd, pkt, len, 0) < 0)
			return -1;
		for (;;) {
			ssize_t n = recv(fd, ack, sizeof(ack), 0);

			if (n < 0)
				break;              /* timed out: resend */
			if (n >= 4 && (ack[0] << 8 | ack[1]) == OP_ACK &&
			    (unsigned)(ack[2] << 8 | ack[3]) == (block & 0xffff))
				return 0;
		}
	}
	return -1;
}

static void transfer(const struct served *f, unsigned blksize, int asked,
		     const struct sockaddr_in *peer)
{
	static uint8_t pkt[4 + BLKSIZE_MAX];
	struct sockaddr_in local = { .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { 1, 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t off = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0)
		die("transfer socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (asked) {
		int n = snprintf((char *)pkt + 2, sizeof(pkt) - 2,
				 "blksize%c%u", '\0', blksize);

		pkt[0] = 0;
		pkt[1] = OP_OACK;
		if (send_until_acked(fd, pkt, 2 + (size_t)n + 1, 0) < 0)
			goto out;
	}
	for (unsigned block = 1;; block++) {
		size_t len = f->len - off < blksize ? f->len - off : blksize;

		pkt[0] = 0;
		pkt[1] = OP_DATA;
		pkt[2] = (uint8_t)(block >> 8);
		pkt[3] = (uint8_t)block;
		memcpy(pkt + 4, f->data + off, len);
		if (send_until_acked(fd, pkt, 4 + len, block) < 0 ||
		    len < blksize)
			break;
		off += len;
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
		unsigned blksize;
		int asked;

		if (n < 0)
			continue;
		name = parse_rrq(req, (size_t)n, &blksize, &asked);
		for (int i = 0; name && i < n_files; i++)
			if (!strcmp(files[i].name, name))
				f = &files[i];
		if (!f) {
			sendto(fd, not_found, sizeof(not_found), 0,
			       (struct sockaddr *)&peer, plen);
			continue;
		}
		transfer(f, blksize, asked, &peer);
	}
}
