/* SPDX-License-Identifier: MIT */
/*
 * privdrop.h - become an unprivileged user once every socket is bound and
 * every file pxed serves or writes is open.
 *
 * Nothing privileged is kept: the DHCP packet socket (CAP_NET_RAW, to reach
 * clients that have no address yet) and the ports below 1024
 * (CAP_NET_BIND_SERVICE) are opened before the drop, and an open
 * descriptor keeps working without the capability that opened it.
 */
#ifndef PXED_PRIVDROP_H
#define PXED_PRIVDROP_H

/* Looks the user up; fails with a message if it does not exist. */
int privdrop_lookup(const char *user, unsigned *ret_uid, unsigned *ret_gid);

/* Switch to uid/gid for good, with no capabilities and no way back. */
int privdrop_apply(unsigned uid, unsigned gid);

#endif
