/* SPDX-License-Identifier: MIT */
/*
 * dhcp/request.h - one request being decided: the parsed message and what
 * the server worked out about it (subnet, host, client key, PXE kind).
 * Shared by dhcp/server.c, which decides, and dhcp/reply.c, which builds.
 */
#ifndef PXED_DHCP_REQUEST_H
#define PXED_DHCP_REQUEST_H

#include "dhcp/leases.h"
#include "dhcp/pxe.h"
#include "dhcp/server.h"

struct dhcp_request {
	const struct dhcp_message *msg;
	const struct dhcp_request_info *info;
	const struct config_subnet *subnet;
	const struct config_host *host;
	uint32_t server_id;       /* host byte order */
	const uint8_t *mac;       /* chaddr */
	uint8_t key[LEASE_KEY_MAX];
	size_t key_len;
	struct pxe_client pxe;
	bool quiet;               /* no log line for the reply */
};

/*
 * Build a reply of `type` offering `yiaddr` (0: none) for `lease_time`
 * seconds (0: no lease options), with boot information when the client
 * gets any, addressed as RFC 2131 4.1 says.
 */
void dhcp_reply_build(const struct dhcp_request *req, uint8_t type,
		      uint32_t yiaddr, uint32_t lease_time,
		      struct dhcp_reply *reply);

#endif
