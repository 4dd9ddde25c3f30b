/* SPDX-License-Identifier: MIT */
/*
 * dhcp/service.h - DHCP on the event loop: the sockets on ports 67 and
 * 4011, batches of requests, one lease commit per batch, and sending each
 * reply the way dhcp/server.c says it must go.
 */
#ifndef PXED_DHCP_SERVICE_H
#define PXED_DHCP_SERVICE_H

#include "config.h"
#include "loop.h"

#include <netinet/in.h>
#include <stdbool.h>

struct dhcp_service;

/* Opens the lease store and binds the sockets: call before dropping
 * privileges. */
int dhcp_service_start(struct loop *loop, const struct config *config,
		       struct dhcp_service **ret);

/* Swap in a new config; interfaces are looked up again. */
int dhcp_service_reload(struct dhcp_service *svc, const struct config *config);

/*
 * The MAC bound to `addr` by a lease, for other threads (HTTP templates).
 * `name` is left empty: names come from [host] sections, by MAC. The
 * signature is http_host_lookup_fn's; `svc` is the dhcp_service.
 */
bool dhcp_service_client_lookup(void *svc, struct in_addr addr, char *name,
				size_t name_size, uint8_t mac[6]);

/* Commits outstanding leases, logs the counters, closes everything. */
struct dhcp_service *dhcp_service_stop(struct dhcp_service *svc);

#endif
