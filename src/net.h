/* SPDX-License-Identifier: MIT */
/*
 * net.h - interfaces and sockets: looking up an interface's index and
 * addresses, binding UDP sockets, and sending to clients that have no
 * address yet, through a packet socket with IPv4 and UDP headers of our own.
 */
#ifndef PXED_NET_H
#define PXED_NET_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAX_ADDRS 16

struct net_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	unsigned mtu;
	uint32_t addrs[NET_MAX_ADDRS];    /* IPv4, host byte order */
	uint32_t netmasks[NET_MAX_ADDRS];
	size_t n_addrs;
};

/* -ENODEV when there is no such interface. */
int net_iface_lookup(const char *name, struct net_iface *ret);

/* What net_bind sets before binding. */
#define NET_REUSEADDR 1u   /* rebind at once after a restart */
#define NET_BROADCAST 2u   /* may send to 255.255.255.255 */
#define NET_PKTINFO 4u     /* each datagram says which interface it came on */

/*
 * A non-blocking IPv4 socket of `type` (SOCK_DGRAM, SOCK_STREAM) with the
 * NET_* `options`, bound to addr:port (host order; 0 = any).
 */
int net_bind(int type, uint32_t addr, uint16_t port, unsigned options,
	     int *ret_fd);

/* Ask for a larger receive buffer; above rmem_max only as root. */
void net_socket_grow_rcvbuf(int fd, int bytes);

/*
 * A packet socket that only sends. Opening it needs CAP_NET_RAW; the open
 * descriptor keeps working after privileges are dropped.
 */
int net_packet_socket_open(int *ret_fd);

struct net_udp_frame {
	int ifindex;
	const uint8_t *dst_mac;   /* 6 bytes */
	uint32_t src_addr;        /* host byte order */
	uint16_t src_port;
	uint32_t dst_addr;
	uint16_t dst_port;
};

/* Send one UDP datagram as an Ethernet frame on an interface. */
int net_send_udp_frame(int packet_fd, const struct net_udp_frame *f,
		       const void *payload, size_t len);

#endif
