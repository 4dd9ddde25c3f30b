/* SPDX-License-Identifier: MIT */
/*
 * bench/dhcp_load.c - a DHCP load generator for bench/dhcp (--load own):
 * full DISCOVER-OFFER-REQUEST-ACK exchanges (RFC 2131) at a fixed rate,
 * each from a new client, sent as a relay would send them.
 *
 * A measuring instrument, not a product: one thread, one socket, batches
 * of datagrams per system call (sendmmsg/recvmmsg), and a receive buffer
 * large enough that it is never the one dropping replies. perfdhcp's
 * threads spin on the CPU they share with the server on a two-core
 * machine, and single-threaded it cannot send much past 13,000
 * exchanges/s here; this one leaves the server its core. It shares no
 * code with pxed, so that a mistake in pxed's DHCP cannot hide in its own
 * measurement.
 *
 *   dhcp-bench-load SERVER-IP RELAY-IP RATE SECONDS
 *
 * Binds RELAY-IP:67, sends RATE DISCOVERs a second for SECONDS (giaddr =
 * RELAY-IP), answers each OFFER with a REQUEST for its address, then
 * waits half a second for replies still on their way. Prints one line:
 * "discovers N offers N requests N acks N naks N duplicates N late N".
 * A duplicate is an address ACKed to two clients; late, a reply to an
 * exchange already answered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORT_SERVER 67
#define BOOTREQUEST 1
#define BOOTREPLY 2
#define HEADER_LEN 236          /* the fixed BOOTP fields */
#define COOKIE 0x63825363u
#define OPT_PAD 0
#define OPT_REQUESTED_IP 50
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_END 255
#define MSG_DISCOVER 1
#define MSG_OFFER 2
#define MSG_REQUEST 3
#define MSG_ACK 5
#define MSG_NAK 6
#define PACKET_MAX 1500
#define BATCH 64
#define GRACE_NS 500000000LL
#define RCVBUF (16 * 1024 * 1024)

enum client_state { CLIENT_IDLE, CLIENT_DISCOVERED, CLIENT_REQUESTED,
		    CLIENT_BOUND };

struct client {
	uint8_t state;
	uint32_t offered;        /* network order */
	uint32_t server_id;      /* network order */
};

struct counts {
	unsigned long discovers, offers, requests, acks, naks, duplicates,
		late;
};

struct outbox {
	uint8_t bufs[BATCH][PACKET_MAX];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	unsigned n;
};

struct load {
	int fd;
	struct sockaddr_in server;
	uint32_t relay;          /* our address, network order: giaddr */
	struct client *clients;  /* by xid */
	uint32_t n_clients;
	uint8_t *taken;          /* a bit per address ACKed, from pool_base */
	uint32_t pool_base, pool_size;
	struct outbox out;
	struct counts k;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "dhcp-bench-load: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Client i's hardware address; the xid is i as well. */
static void client_mac(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;   /* locally administered */
	mac[1] = 0x42;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* A relayed request of `type` from client i; returns its length. */
static size_t build_request(uint8_t *p, uint32_t i, uint8_t type,
			    uint32_t relay, const struct client *c)
{
	uint32_t xid = htonl(i), cookie = htonl(COOKIE);
	size_t n = HEADER_LEN;

	memset(p, 0, HEADER_LEN);
	p[0] = BOOTREQUEST;
	p[1] = 1;        /* Ethernet */
	p[2] = 6;
	p[3] = 1;        /* hops: one relay */
	memcpy(p + 4, &xid, 4);
	memcpy(p + 24, &relay, 4);                 /* giaddr */
	client_mac(i, p + 28);
	memcpy(p + n, &cookie, 4);
	n += 4;
	p[n++] = OPT_MSG_TYPE;
	p[n++] = 1;
	p[n++] = type;
	if (type == MSG_REQUEST) {
		p[n++] = OPT_REQUESTED_IP;
		p[n++] = 4;
		memcpy(p + n, &c->offered, 4);
		n += 4;
		p[n++] = OPT_SERVER_ID;
		p[n++] = 4;
		memcpy(p + n, &c->server_id, 4);
		n += 4;
	}
	p[n++] = OPT_END;
	while (n < 300)  /* the BOOTP minimum, as clients send it */
		p[n++] = OPT_PAD;
	return n;
}

struct reply {
	uint32_t xid;
	uint32_t yiaddr;         /* network order */
	uint32_t server_id;      /* network order, 0 if absent */
	uint8_t type;            /* 0 if absent */
};

/* Reads what the generator needs from a reply; false if it is none. */
static bool parse_reply(const uint8_t *p, size_t len, struct reply *r)
{
	uint32_t cookie;
	size_t i = HEADER_LEN + 4;

	if (len < i || p[0] != BOOTREPLY)
		return false;
	memcpy(&cookie, p + HEADER_LEN, 4);
	if (ntohl(cookie) != COOKIE)
		return false;
	memcpy(&r->xid, p + 4, 4);
	r->xid = ntohl(r->xid);
	memcpy(&r->yiaddr, p + 16, 4);
	r->server_id = 0;
	r->type = 0;
	while (i < len && p[i] != OPT_END) {
		uint8_t code = p[i], olen;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + (olen = p[i + 1]) > len)
			return false;
		if (code == OPT_MSG_TYPE && olen == 1)
			r->type = p[i + 2];
		else if (code == OPT_SERVER_ID && olen == 4)
			memcpy(&r->server_id, p + i + 2, 4);
		i += 2 + (size_t)olen;
	}
	return r->type != 0;
}

static void outbox_flush(struct load *l)
{
	struct outbox *o = &l->out;
	unsigned sent = 0;

	while (sent < o->n) {
		int r = sendmmsg(l->fd, o->msgs + sent, o->n - sent, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS) {
				poll(NULL, 0, 1);
				continue;
			}
			die("sendmmsg");
		}
		sent += (unsigned)r;
	}
	o->n = 0;
}

static void outbox_add(struct load *l, uint32_t i, uint8_t type)
{
	struct outbox *o = &l->out;

	if (o->n == BATCH)
		outbox_flush(l);
	o->iov[o->n].iov_len = build_request(o->bufs[o->n], i, type, l->relay,
					     &l->clients[i]);
	o->n++;
}

static void handle_reply(struct load *l, const struct reply *r)
{
	struct counts *k = &l->k;
	struct client *c;

	if (r->xid >= l->n_clients)
		return;
	c = &l->clients[r->xid];
	if (r->type == MSG_OFFER && c->state == CLIENT_DISCOVERED) {
		k->offers++;
		c->offered = r->yiaddr;
		c->server_id = r->server_id;
		c->state = CLIENT_REQUESTED;
		outbox_add(l, r->xid, MSG_REQUEST);
		k->requests++;
	} else if (r->type == MSG_ACK && c->state == CLIENT_REQUESTED) {
		uint32_t a = ntohl(r->yiaddr) - l->pool_base;

		k->acks++;
		c->state = CLIENT_BOUND;
		if (a < l->pool_size) {
			if (l->taken[a / 8] & (1u << (a % 8)))
				k->duplicates++;
			l->taken[a / 8] |= (uint8_t)(1u << (a % 8));
		}
	} else if (r->type == MSG_NAK && c->state == CLIENT_REQUESTED) {
		k->naks++;
		c->state = CLIENT_BOUND;
	} else {
		k->late++;
	}
}

static void receive_all(struct load *l)
{
	static uint8_t bufs[BATCH][PACKET_MAX];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	int n;

	do {
		for (int j = 0; j < BATCH; j++) {
			iov[j] = (struct iovec){ bufs[j], PACKET_MAX };
			msgs[j].msg_hdr = (struct msghdr){ .msg_iov = &iov[j],
							   .msg_iovlen = 1 };
		}
		n = recvmmsg(l->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		for (int j = 0; j < n; j++) {
			struct reply r;

			if (parse_reply(bufs[j], msgs[j].msg_len, &r))
				handle_reply(l, &r);
		}
	} while (n == BATCH);
	outbox_flush(l);
}

static void socket_open(struct load *l, const struct sockaddr_in *local)
{
	int one = 1, rcvbuf = RCVBUF;

	l->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		die("socket");
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* SO_RCVBUFFORCE passes net.core.rmem_max, as root. */
	if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (bind(l->fd, (const struct sockaddr *)local, sizeof(*local)) < 0)
		die("bind");
	for (int j = 0; j < BATCH; j++) {
		l->out.iov[j].iov_base = l->out.bufs[j];
		l->out.msgs[j].msg_hdr = (struct msghdr){
			.msg_name = &l->server,
			.msg_namelen = sizeof(l->server),
			.msg_iov = &l->out.iov[j], .msg_iovlen = 1 };
	}
}

/* DISCOVERs at `rate` until `seconds` are up, then a grace period. */
static void run(struct load *l, long rate, double seconds)
{
	int64_t t0 = now_ns(), end = t0 + (int64_t)(seconds * 1e9);
	uint32_t sent = 0;

	for (;;) {
		int64_t now = now_ns();
		struct pollfd pfd = { l->fd, POLLIN, 0 };
		uint32_t due;

		if (now >= end + GRACE_NS)
			break;
		due = now >= end ? l->n_clients - 1
				 : (uint32_t)((double)(now - t0) * rate / 1e9);
		for (; sent < due; sent++) {
			l->clients[sent].state = CLIENT_DISCOVERED;
			outbox_add(l, sent, MSG_DISCOVER);
			l->k.discovers++;
		}
		outbox_flush(l);
		receive_all(l);
		/* Sleep until the next DISCOVER is due or a reply comes. */
		poll(&pfd, 1, 1);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in server = { .sin_family = AF_INET,
				      .sin_port = htons(PORT_SERVER) };
	struct sockaddr_in local = server;
	static struct load l;
	long rate;
	double seconds;

	if (argc != 5) {
		fprintf(stderr, "usage: dhcp-bench-load SERVER-IP RELAY-IP "
				"RATE SECONDS\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &local.sin_addr) != 1) {
		fprintf(stderr, "dhcp-bench-load: bad address\n");
		return 2;
	}
	rate = strtol(argv[3], NULL, 10);
	seconds = strtod(argv[4], NULL);
	if (rate <= 0 || seconds <= 0 || rate * seconds > 1e8) {
		fprintf(stderr, "dhcp-bench-load: bad rate or seconds\n");
		return 2;
	}
	l.server = server;
	l.relay = local.sin_addr.s_addr;
	/* Any address the server may hand out: a bitmap over the /8. */
	l.pool_base = ntohl(l.relay) & 0xff000000u;
	l.pool_size = 1u << 24;
	l.n_clients = (uint32_t)(rate * seconds) + 1;
	l.clients = calloc(l.n_clients, sizeof(*l.clients));
	l.taken = calloc(l.pool_size / 8, 1);
	if (!l.clients || !l.taken)
		die("calloc");
	socket_open(&l, &local);
	run(&l, rate, seconds);
	printf("discovers %lu offers %lu requests %lu acks %lu naks %lu "
	       "duplicates %lu late %lu\n", l.k.discovers, l.k.offers,
	       l.k.requests, l.k.acks, l.k.naks, l.k.duplicates, l.k.late);
	return 0;
}
