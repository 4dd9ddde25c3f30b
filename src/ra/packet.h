/* SPDX-License-Identifier: MIT */
/*
 * ra/packet.h - IPv6 router solicitations and advertisements (RFC 4861),
 * as far as pxed needs them: telling the two apart, with the checks RFC
 * 4861 6.1 asks of routers and hosts, and the one advertisement pxed
 * sends, which says "there is no IPv6 router on this link".
 */
#ifndef PXED_RA_PACKET_H
#define PXED_RA_PACKET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

enum ra_kind {
	RA_INVALID,    /* to be dropped (and counted) */
	RA_SOLICIT,    /* a host asks for routers */
	RA_ADVERT,     /* a router (or another pxed) answers */
};

/*
 * What the ICMPv6 message `msg` (as an ICMPv6 raw socket hands it over)
 * is, from `src` with `hop_limit`: both from the IPv6 header, which the
 * checks need. The kernel has verified the checksum.
 */
enum ra_kind ra_classify(const uint8_t *msg, size_t len,
			 const struct in6_addr *src, int hop_limit);

#define RA_ADVERT_LEN 16

/*
 * The advertisement of no router: router lifetime 0 (not a default
 * router), no prefix to configure addresses from, no DHCPv6 flags. Hosts
 * take it as an answer and stop soliciting; nothing else changes for
 * them. The checksum is left to the kernel.
 */
void ra_build_no_router(uint8_t out[RA_ADVERT_LEN]);

#endif
