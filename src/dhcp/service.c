/* SPDX-License-Identifier: MIT */
/*
 * dhcp/service.c - see service.h.
 *
 * A readable socket is drained with recvmmsg; every request is decided at
 * once; OFFERs and NAKs go out at once, while ACKs that carry a lease wait
 * in the filling batch with the lease changes they depend on. After each
 * loop iteration the batch goes to the writer thread (dhcp/lease_writer.h),
 * which commits it with one fsync; the loop never waits for the disk. Once
 * the writer is done, its batch's ACKs go to the pacer (dhcp/pacer.h),
 * which sends them spread over as long as the commit took.
 */
#include "dhcp/service.h"

#include "dhcp/lease_writer.h"
#include "dhcp/pacer.h"
#include "dhcp/server.h"
#include "log.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECV_BATCH 32
/* Bound the work per wake-up so TFTP and timers are not starved. */
#define RECV_ROUNDS 8
/* Commits start at most this often: under load a sync costs as much CPU
 * as a few hundred requests, so fewer, larger batches; the ACKs wait this
 * much longer at most. */
#define COMMIT_INTERVAL_MS 4

struct dhcp_socket {
	struct loop_io io;
	struct dhcp_service *svc;
	uint16_t port;
};

/* A reply with where to send it from; self-contained, so the writer
 * thread can send it after a reload replaced the interface list. */
struct pending_reply {
	int fd;                 /* the socket the request came in on */
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t server_addr;
	struct dhcp_reply reply;  /* last: a queued copy ends with its data */
};

/* Lease changes and the ACKs that wait for them to be durable; each ACK
 * is a copy sized to its length, so a backlog costs what it holds. */
struct commit_batch {
	struct lease_batch leases;
	struct pending_reply **replies;
	size_t n_replies;
	size_t cap_replies;
};

struct dhcp_service {
	struct loop *loop;
	const struct config *config;
	struct dhcp_server *server;
	struct lease_store *disk;        /* SQLite, the writer's alone */
	struct lease_store *queue;       /* records into filling.leases */
	struct lease_writer *writer;
	/* HTTP's threads read the lease table (who is this client?); the
	 * loop holds the write side while it decides a request. */
	pthread_rwlock_t leases_lock;
	struct dhcp_socket sockets[2];   /* 67, 4011 */
	int packet_fd;
	struct net_iface *ifaces;
	size_t n_ifaces;
	struct commit_batch filling;     /* the loop's */
	struct commit_batch flight;      /* the writer's while it is busy */
	int flight_result;               /* its commit's, set by the writer */
	uint64_t flight_submitted;       /* loop ms when handed over */
	struct loop_timer commit_due;    /* the next commit may start */
	struct pacer acks;               /* committed ACKs, leaving evenly */
	struct loop_io writer_idle;      /* eventfd: the writer is done */
	struct loop_idle idle;
};

static int ifaces_lookup(const struct config *config, struct net_iface **ret,
			 size_t *ret_n)
{
	size_t n = config->server.n_interfaces;
	struct net_iface *ifaces = calloc(n ? n : 1, sizeof(*ifaces));
	int r;

	if (!ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = net_iface_lookup(config->server.interfaces[i], &ifaces[i]);
		if (r < 0) {
			log_error("interface %s: %s", config->server.interfaces[i],
				  strerror(-r));
			free(ifaces);
			return r;
		}
		if (!ifaces[i].n_addrs)
			log_warn("interface %s has no IPv4 address yet; relayed "
				 "requests only", ifaces[i].name);
	}
	*ret = ifaces;
	*ret_n = n;
	return 0;
}

static const struct net_iface *iface_by_index(const struct dhcp_service *svc,
					      int ifindex)
{
	for (size_t i = 0; i < svc->n_ifaces; i++)
		if (svc->ifaces[i].ifindex == ifindex)
			return &svc->ifaces[i];
	return NULL;
}

/* Our address on the interface: one in a configured subnet if any. */
static uint32_t iface_server_addr(const struct dhcp_service *svc,
				  const struct net_iface *iface)
{
	for (size_t i = 0; i < iface->n_addrs; i++)
		if (config_subnet_find(svc->config, iface->addrs[i]))
			return iface->addrs[i];
	return iface->n_addrs ? iface->addrs[0] : 0;
}

static void send_reply(const struct dhcp_service *svc,
		       const struct pending_reply *p)
{
	const struct dhcp_reply *r = &p->reply;
	static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff,
						  0xff, 0xff, 0xff };
	struct net_udp_frame f = {
		.ifindex = p->ifindex,
		.src_addr = p->server_addr,
		.src_port = DHCP_PORT_SERVER,
		.dst_port = r->dest_port,
	};
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int err = 0;

	switch (r->dest) {
	case DHCP_DEST_UDP:
		sa.sin_addr.s_addr = htonl(r->dest_addr);
		sa.sin_port = htons(r->dest_port);
		if (sendto(p->fd, r->data, r->len, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) < 0)
			err = -errno;
		break;
	case DHCP_DEST_BROADCAST:
		f.dst_mac = broadcast_mac;
		f.dst_addr = INADDR_BROADCAST;
		err = net_send_udp_frame(svc->packet_fd, &f, r->data, r->len);
		break;
	case DHCP_DEST_LINK:
		f.dst_mac = r->dest_mac;
		f.dst_addr = r->dest_addr;
		err = net_send_udp_frame(svc->packet_fd, &f, r->data, r->len);
		break;
	}
	if (err < 0)
		log_warn("sending a DHCP reply on %s: %s", p->ifname,
			 strerror(-err));
}

static int reply_queue(struct commit_batch *b, const struct pending_reply *p)
{
	size_t size = offsetof(struct pending_reply, reply.data) + p->reply.len;
	struct pending_reply *copy;

	if (b->n_replies == b->cap_replies) {
		size_t cap = b->cap_replies ? 2 * b->cap_replies : 64;
		struct pending_reply **grown;

		grown = realloc(b->replies, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		b->replies = grown;
		b->cap_replies = cap;
	}
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, p, size);
	b->replies[b->n_replies++] = copy;
	return 0;
}

static void ack_release(void *data, void *item)
{
	send_reply(data, item);
	free(item);
}

/*
 * A batch's commit is done with `result`: its ACKs go to the pacer, spread
 * over `spread_ms`, or, if the commit failed, nowhere: never an ACK whose
 * lease is not stored.
 */
static void batch_release(struct dhcp_service *svc, struct commit_batch *b,
			  int result, uint64_t spread_ms)
{
	if (!b->n_replies)
		return;
	if (result < 0) {
		log_error("committing %zu lease changes failed: %s; %zu ACKs "
			  "not sent, the clients will ask again",
			  b->leases.n_changes, strerror(-result), b->n_replies);
		for (size_t i = 0; i < b->n_replies; i++)
			free(b->replies[i]);
	} else {
		pacer_add(&svc->acks, (void *const *)b->replies, b->n_replies,
			  spread_ms);
	}
	b->n_replies = 0;
}

/* Runs on the writer thread once svc->flight is durable (or failed); the
 * loop reads the result after lease_writer_busy() says it is done. */
static void flight_committed(void *data, int result)
{
	struct dhcp_service *svc = data;

	svc->flight_result = result;
}

/* The writer is idle: its batch's ACKs may go. */
static void flight_release(struct dhcp_service *svc)
{
	batch_release(svc, &svc->flight, svc->flight_result,
		      loop_now(svc->loop) - svc->flight_submitted);
}

/* Hand the filling batch to the writer if it has work and the writer none. */
static void batch_submit(struct dhcp_service *svc)
{
	struct commit_batch t;
	uint64_t due;

	if (lease_writer_busy(svc->writer))
		return;
	flight_release(svc);
	if (!svc->filling.leases.n_changes && !svc->filling.n_replies)
		return;
	due = svc->flight_submitted + COMMIT_INTERVAL_MS;
	/* A timer that cannot be armed must not stall the commit. */
	if (loop_now(svc->loop) < due &&
	    (loop_timer_armed(&svc->commit_due) ||
	     loop_timer_arm(svc->loop, &svc->commit_due, due) == 0))
		return;
	/* Swap contents: the queue store keeps writing into `filling`. */
	t = svc->flight;
	svc->flight = svc->filling;
	svc->filling = t;
	svc->flight_submitted = loop_now(svc->loop);
	lease_writer_submit(svc->writer, &svc->flight.leases, svc);
}

static void commit_due(struct loop_timer *t, uint64_t now)
{
	(void)now;
	batch_submit(container_of(t, struct dhcp_service, commit_due));
}

static void after_iteration(struct loop_idle *idle)
{
	batch_submit(container_of(idle, struct dhcp_service, idle));
}

static void writer_became_idle(struct loop_io *io, uint32_t events)
{
	struct dhcp_service *svc = container_of(io, struct dhcp_service,
						writer_idle);
	uint64_t n;

	(void)events;
	if (read(io->fd, &n, sizeof(n)) < 0)
		return;
	batch_submit(svc);
}

static int packet_ifindex(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			return ((struct in_pktinfo *)CMSG_DATA(c))->ipi_ifindex;
	return 0;
}

static void handle_one(struct dhcp_socket *sock, const uint8_t *buf,
		       size_t len, struct msghdr *mh,
		       struct pending_reply *out)
{
	struct dhcp_service *svc = sock->svc;
	const struct sockaddr_in *src = mh->msg_name;
	const struct net_iface *iface = iface_by_index(svc, packet_ifindex(mh));
	struct dhcp_request_info info;
	int r;

	if (!iface)
		return;  /* an interface we do not serve */
	info = (struct dhcp_request_info){
		.server_addr = iface_server_addr(svc, iface),
		.ifname = iface->name,
		.local_port = sock->port,
		.src_addr = ntohl(src->sin_addr.s_addr),
		.src_port = ntohs(src->sin_port),
		.now = time(NULL),
	};
	pthread_rwlock_wrlock(&svc->leases_lock);
	r = dhcp_server_handle(svc->server, buf, len, &info, &out->reply);
	pthread_rwlock_unlock(&svc->leases_lock);
	if (r <= 0)
		return;
	out->fd = sock->io.fd;
	out->ifindex = iface->ifindex;
	memcpy(out->ifname, iface->name, sizeof(out->ifname));
	out->server_addr = info.server_addr;
	if (!out->reply.needs_commit)
		send_reply(svc, out);
	else if (reply_queue(&svc->filling, out) < 0)
		log_limited(LOG_LEVEL_ERROR, "out of memory queueing a reply");
}

static void socket_readable(struct loop_io *io, uint32_t events)
{
	struct dhcp_socket *sock = container_of(io, struct dhcp_socket, io);
	static uint8_t bufs[RECV_BATCH][DHCP_MAX_PACKET + 1];
	static char cbufs[RECV_BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
	static struct sockaddr_in srcs[RECV_BATCH];
	static struct pending_reply out;
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iovs[RECV_BATCH];

	(void)events;
	for (int round = 0; round < RECV_ROUNDS; round++) {
		int n;

		for (int i = 0; i < RECV_BATCH; i++) {
			/* One byte more than we accept reveals oversize. */
			iovs[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
			msgs[i].msg_hdr = (struct msghdr){
				.msg_name = &srcs[i],
				.msg_namelen = sizeof(srcs[i]),
				.msg_iov = &iovs[i], .msg_iovlen = 1,
				.msg_control = cbufs[i],
				.msg_controllen = sizeof(cbufs[i]),
			};
		}
		n = recvmmsg(io->fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++)
			handle_one(sock, bufs[i], msgs[i].msg_len,
				   &msgs[i].msg_hdr, &out);
		if (n < RECV_BATCH)
			return;
	}
}

static int service_bind(struct dhcp_service *svc, size_t i, uint16_t port)
{
	struct dhcp_socket *s = &svc->sockets[i];
	int fd, r;

	r = net_bind(SOCK_DGRAM, 0, port,
		     NET_REUSEADDR | NET_BROADCAST | NET_PKTINFO, &fd);
	if (r < 0) {
		log_error("cannot bind UDP port %u: %s", port, strerror(-r));
		return r;
	}
	/* Room for a burst of clients while the loop is busy. */
	net_socket_grow_rcvbuf(fd, 4 << 20);
	s->svc = svc;
	s->port = port;
	r = loop_io_add(svc->loop, &s->io, fd, EPOLLIN, socket_readable);
	if (r < 0)
		close(fd);
	return r;
}

static bool config_serves_dhcp(const struct config *config)
{
	return config->n_subnets > 0;
}

bool dhcp_service_client_lookup(void *data, struct in_addr addr, char *name,
				size_t name_size, uint8_t mac[6])
{
	struct dhcp_service *svc = data;
	const struct lease *l;

	if (name_size)
		name[0] = '\0';
	pthread_rwlock_rdlock(&svc->leases_lock);
	l = lease_find_by_ip(dhcp_server_leases(svc->server),
			     ntohl(addr.s_addr));
	if (l && l->state == LEASE_BOUND)
		memcpy(mac, l->mac, 6);
	else
		l = NULL;
	pthread_rwlock_unlock(&svc->leases_lock);
	return l != NULL;
}

static int store_open(struct dhcp_service *svc, const struct config *config)
{
	int r, efd;

	r = lease_store_sqlite_open(config->server.state_dir, &svc->disk);
	if (r < 0) {
		log_error("cannot open the lease database in %s: %s",
			  config->server.state_dir, strerror(-r));
		return r;
	}
	if ((r = lease_store_queue_new(svc->disk, &svc->filling.leases,
				       &svc->queue)) < 0 ||
	    (r = dhcp_server_new(svc->queue, &svc->server)) < 0)
		return r;
	r = dhcp_server_load_leases(svc->server);
	if (r < 0) {
		log_error("cannot load leases: %s", strerror(-r));
		return r;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	r = loop_io_add(svc->loop, &svc->writer_idle, efd, EPOLLIN,
			writer_became_idle);
	if (r < 0) {
		close(efd);
		return r;
	}
	return lease_writer_start(svc->disk, flight_committed, efd,
				  &svc->writer);
}

int dhcp_service_start(struct loop *loop, const struct config *config,
		       struct dhcp_service **ret)
{
	struct dhcp_service *svc;
	int r;

	*ret = NULL;
	if (!config_serves_dhcp(config))
		return 0;
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return -ENOMEM;
	svc->loop = loop;
	svc->packet_fd = -1;
	svc->sockets[0].io.fd = svc->sockets[1].io.fd = -1;
	svc->writer_idle.fd = -1;
	pthread_rwlock_init(&svc->leases_lock, NULL);
	pacer_init(&svc->acks, loop, ack_release, svc);
	loop_timer_init(&svc->commit_due, commit_due);
	svc->config = config;
	if ((r = store_open(svc, config)) < 0)
		goto fail;
	dhcp_server_set_config(svc->server, config);
	if ((r = ifaces_lookup(config, &svc->ifaces, &svc->n_ifaces)) < 0)
		goto fail;
	if ((r = net_packet_socket_open(&svc->packet_fd)) < 0) {
		log_error("cannot open a packet socket (needs CAP_NET_RAW): %s",
			  strerror(-r));
		goto fail;
	}
	if ((r = service_bind(svc, 0, config->server.dhcp_port)) < 0 ||
	    (r = service_bind(svc, 1, config->server.proxy_port)) < 0)
		goto fail;
	loop_idle_add(loop, &svc->idle, after_iteration);
	log_info("DHCP serving %zu subnet(s) on %zu interface(s); %zu "
		 "lease(s) loaded", config->n_subnets, svc->n_ifaces,
		 lease_table_count(dhcp_server_leases(svc->server)));
	*ret = svc;
	return 0;
fail:
	dhcp_service_stop(svc);
	return r;
}

int dhcp_service_reload(struct dhcp_service *svc, const struct config *config)
{
	struct net_iface *ifaces;
	size_t n;
	int r;

	if (config->server.dhcp_port != svc->sockets[0].port ||
	    config->server.proxy_port != svc->sockets[1].port)
		log_warn("DHCP port changes take effect after a restart");
	r = ifaces_lookup(config, &ifaces, &n);
	if (r < 0)
		return r;
	free(svc->ifaces);
	svc->ifaces = ifaces;
	svc->n_ifaces = n;
	svc->config = config;
	dhcp_server_set_config(svc->server, config);
	return 0;
}

static void log_stats(const struct dhcp_stats *st)
{
	uint64_t dropped = 0;

	for (int i = 0; i < DHCP_PARSE_ERRORS; i++)
		dropped += st->dropped[i];
	log_info("DHCP: %llu received, %llu offers, %llu acks, %llu naks, "
		 "%llu ignored, %llu exhausted, %llu dropped (truncated %llu, "
		 "oversized %llu, not a request %llu, not Ethernet %llu, bad "
		 "cookie %llu, malformed options %llu, bad type %llu)",
		 (unsigned long long)st->received,
		 (unsigned long long)st->sent[DHCP_MSG_OFFER],
		 (unsigned long long)st->sent[DHCP_MSG_ACK],
		 (unsigned long long)st->sent[DHCP_MSG_NAK],
		 (unsigned long long)st->ignored,
		 (unsigned long long)st->exhausted,
		 (unsigned long long)dropped,
		 (unsigned long long)st->dropped[DHCP_PARSE_TRUNCATED],
		 (unsigned long long)st->dropped[DHCP_PARSE_OVERSIZED],
		 (unsigned long long)st->dropped[DHCP_PARSE_BAD_OP],
		 (unsigned long long)st->dropped[DHCP_PARSE_BAD_HTYPE],
		 (unsigned long long)st->dropped[DHCP_PARSE_BAD_COOKIE],
		 (unsigned long long)st->dropped[DHCP_PARSE_BAD_OPTION],
		 (unsigned long long)st->dropped[DHCP_PARSE_BAD_TYPE]);
}

static void batch_free(struct commit_batch *b)
{
	free(b->leases.changes);
	free(b->replies);
}

struct dhcp_service *dhcp_service_stop(struct dhcp_service *svc)
{
	if (!svc)
		return NULL;
	/* The batch in flight completes; what is left is committed here, and
	 * every committed ACK leaves now. */
	if (svc->writer) {
		svc->writer = lease_writer_stop(svc->writer);
		flight_release(svc);
	}
	if (svc->disk && (svc->filling.leases.n_changes ||
			  svc->filling.n_replies))
		batch_release(svc, &svc->filling,
			      lease_batch_commit(svc->disk,
						 &svc->filling.leases), 0);
	pacer_flush(&svc->acks);
	if (svc->idle.fn)
		loop_idle_remove(svc->loop, &svc->idle);
	loop_timer_cancel(svc->loop, &svc->commit_due);
	if (svc->server)
		log_stats(dhcp_server_stats(svc->server));
	for (size_t i = 0; i < 2; i++)
		if (svc->sockets[i].io.fd >= 0) {
			loop_io_remove(svc->loop, &svc->sockets[i].io);
			close(svc->sockets[i].io.fd);
		}
	if (svc->writer_idle.fd >= 0) {
		loop_io_remove(svc->loop, &svc->writer_idle);
		close(svc->writer_idle.fd);
	}
	if (svc->packet_fd >= 0)
		close(svc->packet_fd);
	dhcp_server_free(svc->server);
	pthread_rwlock_destroy(&svc->leases_lock);
	lease_store_free(svc->queue);
	lease_store_free(svc->disk);
	batch_free(&svc->filling);
	batch_free(&svc->flight);
	free(svc->ifaces);
	free(svc);
	return NULL;
}
