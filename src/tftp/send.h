/* SPDX-License-Identifier: MIT */
/*
 * tftp/send.h - TFTP packets onto the wire from a transfer's socket: one,
 * or a window of them lying back to back in one buffer, with UDP GSO
 * where the kernel takes it and sendmmsg(2) where it does not. A full
 * send buffer loses the rest of a window as a network would: the
 * transfer's timeout sends it again.
 */
#ifndef PXED_TFTP_SEND_H
#define PXED_TFTP_SEND_H

#include "tftp/packet.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packet i lies at base + i * stride and is lens[i] bytes long; all but
 * the last are exactly `stride` long (a file's last block is short). */
struct tftp_burst {
	const uint8_t *base;
	size_t stride;
	const size_t *lens;
	size_t n;
};

void tftp_send(int fd, const struct sockaddr_in *to, const void *buf,
	       size_t len);

void tftp_send_error(int fd, const struct sockaddr_in *to,
		     enum tftp_error_code code, const char *message);

/*
 * The burst, with GSO unless *no_gso; a GSO refusal that will not change
 * (an old kernel, a device that cannot take it) sets *no_gso, which the
 * caller keeps for the socket.
 */
void tftp_send_burst(int fd, const struct sockaddr_in *to,
		     const struct tftp_burst *b, bool *no_gso);

#endif
