/* SPDX-License-Identifier: MIT */
/* ra/packet.c - see ra/packet.h */
#include "ra/packet.h"

#include <stdbool.h>
#include <string.h>

#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define ND_OPT_SOURCE_LINKADDR 1
#define ND_HOP_LIMIT 255          /* sent so: proof it came from the link */
#define RS_HEADER_LEN 8
#define RA_HEADER_LEN 16

/* Options are (type, length in 8-byte units) records; length 0 is invalid. */
static bool options_valid(const uint8_t *opt, size_t len, bool *has_sllao)
{
	*has_sllao = false;
	while (len) {
		size_t opt_len;

		if (len < 2 || !opt[1])
			return false;
		opt_len = (size_t)opt[1] * 8;
		if (opt_len > len)
			return false;
		if (opt[0] == ND_OPT_SOURCE_LINKADDR)
			*has_sllao = true;
		opt += opt_len;
		len -= opt_len;
	}
	return true;
}

enum ra_kind ra_classify(const uint8_t *msg, size_t len,
			 const struct in6_addr *src, int hop_limit)
{
	bool has_sllao;

	if (len < RS_HEADER_LEN || msg[1] != 0 || hop_limit != ND_HOP_LIMIT)
		return RA_INVALID;
	switch (msg[0]) {
	case ND_ROUTER_SOLICIT:
		/* A host with no address yet may not name its link address. */
		if (!options_valid(msg + RS_HEADER_LEN, len - RS_HEADER_LEN,
				   &has_sllao) ||
		    (IN6_IS_ADDR_UNSPECIFIED(src) && has_sllao))
			return RA_INVALID;
		return RA_SOLICIT;
	case ND_ROUTER_ADVERT:
		if (len < RA_HEADER_LEN || !IN6_IS_ADDR_LINKLOCAL(src) ||
		    !options_valid(msg + RA_HEADER_LEN, len - RA_HEADER_LEN,
				   &has_sllao))
			return RA_INVALID;
		return RA_ADVERT;
	default:
		return RA_INVALID;
	}
}

void ra_build_no_router(uint8_t out[RA_ADVERT_LEN])
{
	/* type, code, checksum, hop limit (0: unspecified), flags, router
	   lifetime, reachable time, retransmission timer: all the rest 0 */
	memset(out, 0, RA_ADVERT_LEN);
	out[0] = ND_ROUTER_ADVERT;
}
