/* SPDX-License-Identifier: MIT */
/*
 * dhcp/lease_view.h - which MAC holds an address, readable from any thread.
 *
 * The lease table belongs to the loop thread; HTTP's threads ask who a
 * client is (for ${mac} and ${host} in templates such as kickstarts). This
 * view is updated by the loop at every ACK that binds a lease and read
 * under a read lock, so neither side waits for the other for long.
 */
#ifndef PXED_DHCP_LEASE_VIEW_H
#define PXED_DHCP_LEASE_VIEW_H

#include <stdbool.h>
#include <stdint.h>

struct lease_view;

int lease_view_new(struct lease_view **ret);
struct lease_view *lease_view_free(struct lease_view *v);

/* `ip` (host byte order) is now bound to `mac`. */
int lease_view_set(struct lease_view *v, uint32_t ip, const uint8_t mac[6]);

/* The MAC bound to `ip`, if any. */
bool lease_view_mac(struct lease_view *v, uint32_t ip, uint8_t mac[6]);

#endif
