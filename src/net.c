/* SPDX-License-Identifier: MIT */
/* net.c - see net.h */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int net_iface_lookup(const char *name, struct net_iface *ret)
{
	struct ifaddrs *list, *ifa;
	struct ifreq ifr;
	int fd;

	memset(ret, 0, sizeof(*ret));
	if (strlen(name) >= IF_NAMESIZE)
		return -ENODEV;
	ret->ifindex = (int)if_nametoindex(name);
	if (!ret->ifindex)
		return -ENODEV;
	strcpy(ret->name, name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, name);
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
			ret->mtu = (unsigned)ifr.ifr_mtu;
		close(fd);
	}
	if (getifaddrs(&list) < 0)
		return -errno;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    strcmp(ifa->ifa_name, name) || ret->n_addrs == NET_MAX_ADDRS)
			continue;
		ret->addrs[ret->n_addrs] = ntohl(
			((struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr);
		ret->netmasks[ret->n_addrs] =
			ifa->ifa_netmask
				? ntohl(((struct sockaddr_in *)ifa->ifa_netmask)
						->sin_addr.s_addr)
				: 0;
		ret->n_addrs++;
	}
	freeifaddrs(list);
	return 0;
}

static int set_on(int fd, int level, int name)
{
	int one = 1;

	return setsockopt(fd, level, name, &one, sizeof(one));
}

int net_bind(int type, uint32_t addr, uint16_t port, unsigned options,
	     int *ret_fd)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(addr),
	};
	int fd;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (((options & NET_REUSEADDR) &&
	     set_on(fd, SOL_SOCKET, SO_REUSEADDR) < 0) ||
	    ((options & NET_BROADCAST) &&
	     set_on(fd, SOL_SOCKET, SO_BROADCAST) < 0) ||
	    ((options & NET_PKTINFO) && set_on(fd, IPPROTO_IP, IP_PKTINFO) < 0) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

void net_socket_grow_rcvbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

int net_packet_socket_open(int *ret_fd)
{
	/* Protocol 0: this socket receives nothing, it only sends. */
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

static uint32_t checksum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int net_send_udp_frame(int packet_fd, const struct net_udp_frame *f,
		       const void *payload, size_t len)
{
	struct {
		struct iphdr ip;
		struct udphdr udp;
	} __attribute__((packed)) h;
	struct {
		uint32_t src, dst;
		uint8_t zero, proto;
		uint16_t len;
	} __attribute__((packed)) pseudo;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = f->ifindex,
		.sll_halen = ETH_ALEN,
	};
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, len } };
	struct msghdr msg = {
		.msg_name = &sll, .msg_namelen = sizeof(sll),
		.msg_iov = iov, .msg_iovlen = 2,
	};
	uint16_t udp_len = (uint16_t)(sizeof(h.udp) + len);
	uint32_t sum;

	if (len > 65535 - sizeof(h))
		return -EMSGSIZE;
	memcpy(sll.sll_addr, f->dst_mac, ETH_ALEN);
	memset(&h, 0, sizeof(h));
	h.ip.version = 4;
	h.ip.ihl = 5;
	h.ip.ttl = 64;
	h.ip.protocol = IPPROTO_UDP;
	h.ip.tot_len = htons((uint16_t)(sizeof(h) + len));
	h.ip.saddr = htonl(f->src_addr);
	h.ip.daddr = htonl(f->dst_addr);
	h.ip.check = htons(checksum_fold(checksum_add(0, &h.ip, sizeof(h.ip))));
	h.udp.source = htons(f->src_port);
	h.udp.dest = htons(f->dst_port);
	h.udp.len = htons(udp_len);
	pseudo = (typeof(pseudo)){ h.ip.saddr, h.ip.daddr, 0, IPPROTO_UDP,
				   h.udp.len };
	sum = checksum_add(0, &pseudo, sizeof(pseudo));
	sum = checksum_add(sum, &h.udp, sizeof(h.udp));
	sum = checksum_add(sum, payload, len);
	h.udp.check = htons(checksum_fold(sum));
	if (!h.udp.check)
		h.udp.check = 0xffff;  /* RFC 768: zero means "no checksum" */
	if (sendmsg(packet_fd, &msg, 0) < 0)
		return -errno;
	return 0;
}
