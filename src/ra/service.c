/* SPDX-License-Identifier: MIT */
/* ra/service.c - see ra/service.h */
#include "ra/service.h"
#include "ra/packet.h"
#include "config.h"
#include "log.h"
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RA_ANSWER_DELAY_MS 1000    /* past any router's own (0.5 s) */
#define RA_MIN_INTERVAL_MS 3000    /* RFC 4861 MIN_DELAY_BETWEEN_RAS */

struct ra_iface {
	struct ra_service *svc;
	char name[IF_NAMESIZE];
	unsigned ifindex;
	bool router_heard;         /* another node advertises: stay silent */
	uint64_t last_sent;        /* loop ms; 0: never */
	struct loop_timer answer;
};

struct ra_service {
	struct loop *loop;
	struct loop_io io;
	struct ra_iface *ifaces;
	size_t n_ifaces;
	uint64_t sent;
	uint64_t dropped;          /* malformed */
};

static struct ra_iface *iface_by_index(struct ra_service *svc,
				       unsigned ifindex)
{
	for (size_t i = 0; i < svc->n_ifaces; i++)
		if (svc->ifaces[i].ifindex == ifindex)
			return &svc->ifaces[i];
	return NULL;
}

static void send_answer(struct loop_timer *t, uint64_t now)
{
	struct ra_iface *ifc = container_of(t, struct ra_iface, answer);
	uint8_t ra[RA_ADVERT_LEN];
	struct sockaddr_in6 all_nodes = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = ifc->ifindex,
	};

	ra_build_no_router(ra);
	inet_pton(AF_INET6, "ff02::1", &all_nodes.sin6_addr);
	if (sendto(ifc->svc->io.fd, ra, sizeof(ra), 0,
		   (struct sockaddr *)&all_nodes, sizeof(all_nodes)) < 0) {
		/* e.g. the link-local address still in duplicate detection:
		   the host solicits again */
		log_debug("ipv6-ra: %s: %s", ifc->name, strerror(errno));
		return;
	}
	ifc->last_sent = now;
	ifc->svc->sent++;
	log_debug("ipv6-ra: %s: answered: no IPv6 router here", ifc->name);
}

static void on_solicit(struct ra_iface *ifc)
{
	struct loop *loop = ifc->svc->loop;
	uint64_t at = loop_now(loop) + RA_ANSWER_DELAY_MS;

	/* One answer serves every solicitation that waits for it. */
	if (ifc->router_heard || loop_timer_armed(&ifc->answer))
		return;
	if (ifc->last_sent && at < ifc->last_sent + RA_MIN_INTERVAL_MS)
		at = ifc->last_sent + RA_MIN_INTERVAL_MS;
	loop_timer_arm(loop, &ifc->answer, at);
}

static void on_advert(struct ra_iface *ifc, const struct in6_addr *src)
{
	char text[INET6_ADDRSTRLEN];

	if (ifc->router_heard)
		return;
	ifc->router_heard = true;
	loop_timer_cancel(ifc->svc->loop, &ifc->answer);
	inet_ntop(AF_INET6, src, text, sizeof(text));
	log_info("ipv6-ra: %s: %s advertises itself as an IPv6 router; pxed "
		 "leaves router solicitations there to it", ifc->name, text);
}

/* The interface and hop limit of a received message, from its cmsgs. */
static void read_cmsgs(struct msghdr *mh, unsigned *ifindex, int *hop_limit)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO)
			*ifindex = ((struct in6_pktinfo *)CMSG_DATA(c))
					   ->ipi6_ifindex;
		else if (c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(hop_limit, CMSG_DATA(c), sizeof(*hop_limit));
	}
}

static void on_readable(struct loop_io *io, uint32_t events)
{
	struct ra_service *svc = container_of(io, struct ra_service, io);
	uint8_t buf[1500];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			 CMSG_SPACE(sizeof(int))];
	} control;
	struct sockaddr_in6 from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};

	(void)events;
	for (;;) {
		unsigned ifindex = 0;
		int hop_limit = -1;
		struct ra_iface *ifc;
		ssize_t n;

		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(control.buf);
		n = recvmsg(io->fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;
		read_cmsgs(&mh, &ifindex, &hop_limit);
		ifc = iface_by_index(svc, ifindex);
		if (!ifc)
			continue;   /* a link pxed does not serve */
		switch (ra_classify(buf, (size_t)n, &from.sin6_addr,
				    hop_limit)) {
		case RA_SOLICIT:
			on_solicit(ifc);
			break;
		case RA_ADVERT:
			on_advert(ifc, &from.sin6_addr);
			break;
		case RA_INVALID:
			svc->dropped++;
			break;
		}
	}
}

/* Only solicitations and advertisements, at hop limit 255 both ways. */
static int socket_open(int *ret_fd)
{
	static const int on = 1, off = 0, hops = 255;
	struct icmp6_filter filter;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_ICMPV6);

	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &filter);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
		       sizeof(filter)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off,
		       sizeof(off)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Join ff02::2 on the interface; false (logged) if it has no IPv6. */
static bool iface_join(int fd, const char *name, struct ra_iface *ifc)
{
	struct ipv6_mreq mreq = { .ipv6mr_interface = if_nametoindex(name) };

	inet_pton(AF_INET6, "ff02::2", &mreq.ipv6mr_multiaddr);
	if (!mreq.ipv6mr_interface ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq,
		       sizeof(mreq)) < 0) {
		log_info("ipv6-ra: %s: no IPv6 (%s): router solicitations "
			 "there go unanswered", name, strerror(errno));
		return false;
	}
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = mreq.ipv6mr_interface;
	loop_timer_init(&ifc->answer, send_answer);
	return true;
}

void ra_service_start(struct loop *loop, const struct config *config,
		      struct ra_service **ret)
{
	size_t n = config->server.n_interfaces;
	struct ra_service *svc;
	int fd = -1, r;

	*ret = NULL;
	if (!config->server.ipv6_ra || !n)
		return;
	r = socket_open(&fd);
	if (r < 0) {
		log_warn("ipv6-ra: cannot open an ICMPv6 socket (%s): iPXE "
			 "clients will wait for IPv6 routers", strerror(-r));
		return;
	}
	svc = calloc(1, sizeof(*svc));
	if (svc)
		svc->ifaces = calloc(n, sizeof(*svc->ifaces));
	if (!svc || !svc->ifaces) {
		log_warn("ipv6-ra: out of memory");
		free(svc);
		close(fd);
		return;
	}
	svc->loop = loop;
	for (size_t i = 0; i < n; i++) {
		struct ra_iface *ifc = &svc->ifaces[svc->n_ifaces];

		ifc->svc = svc;
		if (iface_join(fd, config->server.interfaces[i], ifc))
			svc->n_ifaces++;
	}
	r = loop_io_add(loop, &svc->io, fd, EPOLLIN, on_readable);
	if (r < 0) {
		log_warn("ipv6-ra: %s", strerror(-r));
		close(fd);
		free(svc->ifaces);
		free(svc);
		return;
	}
	*ret = svc;
}

struct ra_service *ra_service_stop(struct ra_service *svc)
{
	if (!svc)
		return NULL;
	log_info("ipv6-ra: %llu answered, %llu malformed dropped",
		 (unsigned long long)svc->sent,
		 (unsigned long long)svc->dropped);
	for (size_t i = 0; i < svc->n_ifaces; i++)
		loop_timer_cancel(svc->loop, &svc->ifaces[i].answer);
	loop_io_remove(svc->loop, &svc->io);
	close(svc->io.fd);
	free(svc->ifaces);
	free(svc);
	return NULL;
}
