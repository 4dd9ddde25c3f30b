/* SPDX-License-Identifier: MIT */
/*
 * tftp/transfer.h - the sending side of one read transfer as a pure state
 * machine: windows (RFC 7440), retransmission with backoff, block number
 * rollover, duplicate ACKs, the end. It never reads the clock or touches
 * a socket: callers pass `now` (ms) and carry out the returned action, so
 * unit tests drive it with a fake clock.
 *
 * Blocks are counted in 64 bits; the wire carries the low 16 bits, so a
 * file of any size transfers (block 65535 is followed by 0, as tftp-hpa,
 * atftp, curl and iPXE expect). Block 0 is the OACK when there is one.
 *
 * Retransmission happens on timeout only (RFC 1123 §4.2.3.1): a repeated
 * ACK is ignored, which is what prevents the Sorcerer's Apprentice
 * syndrome (RFC 1350 §8 erratum). An ACK inside the window that was sent
 * starts the next window right after it (RFC 7440 §4).
 */
#ifndef PXED_TFTP_TRANSFER_H
#define PXED_TFTP_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#define TFTP_BLOCK_UNKNOWN UINT64_MAX
/* Backoff doubles the timeout up to this many times the first one. */
#define TFTP_BACKOFF_MAX_FACTOR 8

enum tftp_xfer_action {
	TFTP_XFER_WAIT,    /* nothing to send; the deadline may have moved */
	TFTP_XFER_SEND,    /* send blocks first..last (0 is the OACK) */
	TFTP_XFER_DONE,    /* the final block was acknowledged */
	TFTP_XFER_FAILED,  /* retries exhausted: give up silently */
};

struct tftp_window {
	uint64_t first;
	uint64_t last;
};

struct tftp_xfer {
	uint64_t base;         /* first block not acknowledged */
	uint64_t sent;         /* highest block sent */
	uint64_t last;         /* the final block, or TFTP_BLOCK_UNKNOWN */
	uint64_t deadline;     /* ms; when to retransmit */
	unsigned timeout_ms;   /* the first timeout of each block */
	unsigned rto_ms;       /* the current one, after backoff */
	unsigned retries;      /* expiries without progress so far */
	unsigned retries_max;
	uint16_t windowsize;
};

/*
 * `size` in bytes at `blksize` fixes the final block (a file that is a
 * multiple of blksize ends with an empty block); TFTP_BLOCK_UNKNOWN as
 * size leaves it to tftp_xfer_set_last() (netascii).
 */
void tftp_xfer_init(struct tftp_xfer *x, bool oack, uint64_t size,
		    uint16_t blksize, uint16_t windowsize, unsigned timeout_ms,
		    unsigned retries_max);

enum tftp_xfer_action tftp_xfer_start(struct tftp_xfer *x, uint64_t now,
				      struct tftp_window *ret);
enum tftp_xfer_action tftp_xfer_ack(struct tftp_xfer *x, uint16_t block,
				    uint64_t now, struct tftp_window *ret);
enum tftp_xfer_action tftp_xfer_expire(struct tftp_xfer *x, uint64_t now,
				       struct tftp_window *ret);

/* The sender found that `block` is the final one (a short block). */
void tftp_xfer_set_last(struct tftp_xfer *x, uint64_t block);

/* The block number on the wire. */
static inline uint16_t tftp_xfer_wire_block(uint64_t block)
{
	return (uint16_t)block;
}

#endif
