/* SPDX-License-Identifier: MIT */
/*
 * ra/service.h - answers IPv6 router solicitations on the DHCP interfaces
 * where no IPv6 router does.
 *
 * Why a DHCP server speaks IPv6 at all: iPXE (the PXE ROM of QEMU and of
 * many NICs, and every chainloaded iPXE) configures IPv4 and IPv6 at once
 * and does not go on until both are done; on a link with no IPv6 router
 * it solicits for about 13 s on every boot. One advertisement that offers
 * nothing ends the wait.
 *
 * A real router must never be contradicted: an answer leaves a second
 * after the solicitation (routers answer within 0.5 s, RFC 4861 6.2.6),
 * and once any other advertisement is heard on an interface, pxed stays
 * silent there for good. `[server] ipv6-ra = no` turns it off.
 */
#ifndef PXED_RA_SERVICE_H
#define PXED_RA_SERVICE_H

struct config;
struct loop;
struct ra_service;

/*
 * Opens the ICMPv6 socket (needs CAP_NET_RAW: call before dropping
 * privileges) and joins the all-routers group on config's interfaces.
 * Never fails the daemon: where IPv6 is missing it logs why and *ret is
 * NULL. The interfaces are those at start; a reload does not change them.
 */
void ra_service_start(struct loop *loop, const struct config *config,
		      struct ra_service **ret);

/* Takes NULL; logs the counters; returns NULL. */
struct ra_service *ra_service_stop(struct ra_service *svc);

#endif
