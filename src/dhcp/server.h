/* SPDX-License-Identifier: MIT */
/*
 * dhcp/server.h - DHCP decisions (RFC 2131) for booting clients: bytes of
 * one request in, at most one reply out, with no sockets inside.
 *
 * The caller (dhcp/service.c) tells where the request came from and sends
 * the reply where it says. A reply marked needs_commit carries a lease that
 * is durable only after lease_store_commit(): the caller commits first and
 * sends after, so no DHCPACK leaves before its lease is on disk.
 */
#ifndef PXED_DHCP_SERVER_H
#define PXED_DHCP_SERVER_H

#include "config.h"
#include "dhcp/lease_store.h"
#include "dhcp/leases.h"
#include "dhcp/packet.h"

/* Where a request arrived. Addresses in host byte order. */
struct dhcp_request_info {
	uint32_t server_addr;   /* our address on the receiving interface */
	const char *ifname;
	uint16_t local_port;    /* 67, or 4011 for PXE boot server requests */
	uint32_t src_addr;
	uint16_t src_port;
	int64_t now;            /* wall-clock seconds */
};

enum dhcp_dest {
	DHCP_DEST_UDP,          /* unicast to dest_addr:dest_port, routable */
	DHCP_DEST_BROADCAST,    /* 255.255.255.255:68 on the interface */
	DHCP_DEST_LINK,         /* to dest_mac / dest_addr: no address yet */
};

struct dhcp_reply {
	enum dhcp_dest dest;
	uint32_t dest_addr;
	uint16_t dest_port;
	uint8_t dest_mac[6];
	uint8_t type;
	bool needs_commit;
	size_t len;
	uint8_t data[DHCP_MAX_PACKET];
};

/* What happened to requests; dropped[] is indexed by parse error. */
struct dhcp_stats {
	uint64_t received;
	uint64_t dropped[DHCP_PARSE_ERRORS];
	uint64_t ignored;
	uint64_t sent[DHCP_MSG_INFORM + 1];
	uint64_t exhausted;
	uint64_t store_errors;
};

struct dhcp_server;

int dhcp_server_new(struct lease_store *store, struct dhcp_server **ret);
struct dhcp_server *dhcp_server_free(struct dhcp_server *srv);

/* Loads the stored leases; call once, before the first request. */
int dhcp_server_load_leases(struct dhcp_server *srv);

/* Swap in a (re)loaded config; leases are kept. */
void dhcp_server_set_config(struct dhcp_server *srv,
			    const struct config *config);

/* Returns 1 with a reply to send, 0 when nothing is to be sent. */
int dhcp_server_handle(struct dhcp_server *srv, const uint8_t *buf,
		       size_t len, const struct dhcp_request_info *info,
		       struct dhcp_reply *reply);

const struct dhcp_stats *dhcp_server_stats(const struct dhcp_server *srv);
struct lease_table *dhcp_server_leases(struct dhcp_server *srv);
struct lease_store *dhcp_server_store(struct dhcp_server *srv);

#endif
