/* SPDX-License-Identifier: MIT */
/* tftp/transfer.c - see transfer.h */
#include "tftp/transfer.h"

void tftp_xfer_init(struct tftp_xfer *x, bool oack, uint64_t size,
		    uint16_t blksize, uint16_t windowsize, unsigned timeout_ms,
		    unsigned retries_max)
{
	*x = (struct tftp_xfer){
		.base = oack ? 0 : 1,
		.last = size == TFTP_BLOCK_UNKNOWN ? TFTP_BLOCK_UNKNOWN
						   : size / blksize + 1,
		.timeout_ms = timeout_ms,
		.rto_ms = timeout_ms,
		.retries_max = retries_max,
		.windowsize = windowsize ? windowsize : 1,
	};
}

/* Send a window from `base`: the OACK alone, or up to windowsize blocks. */
static enum tftp_xfer_action send_window(struct tftp_xfer *x, uint64_t now,
					 struct tftp_window *ret)
{
	ret->first = x->base;
	ret->last = x->base == 0 ? 0 : x->base + x->windowsize - 1;
	if (ret->last > x->last)
		ret->last = x->last;
	if (ret->last > x->sent)
		x->sent = ret->last;
	x->deadline = now + x->rto_ms;
	return TFTP_XFER_SEND;
}

enum tftp_xfer_action tftp_xfer_start(struct tftp_xfer *x, uint64_t now,
				      struct tftp_window *ret)
{
	return send_window(x, now, ret);
}

enum tftp_xfer_action tftp_xfer_ack(struct tftp_xfer *x, uint16_t block,
				    uint64_t now, struct tftp_window *ret)
{
	/*
	 * The one block in [base, base + 65535] with these low 16 bits.
	 * A window is far smaller than 65536 blocks, so it is unique;
	 * anything not sent yet is an old ACK from before a rollover, or a
	 * repeat of one already handled: ignored (no Sorcerer's Apprentice).
	 */
	uint64_t acked = x->base + (uint16_t)(block - (uint16_t)x->base);

	if (acked > x->sent)
		return TFTP_XFER_WAIT;
	if (acked == x->last)
		return TFTP_XFER_DONE;
	x->base = acked + 1;
	x->retries = 0;
	x->rto_ms = x->timeout_ms;
	/*
	 * RFC 7440 §4: the next window starts right after the acknowledged
	 * block, whether that ends the window or marks a loss inside it.
	 */
	return send_window(x, now, ret);
}

enum tftp_xfer_action tftp_xfer_expire(struct tftp_xfer *x, uint64_t now,
				       struct tftp_window *ret)
{
	if (now < x->deadline)
		return TFTP_XFER_WAIT;
	if (x->retries >= x->retries_max)
		return TFTP_XFER_FAILED;
	x->retries++;
	if (x->rto_ms < x->timeout_ms * TFTP_BACKOFF_MAX_FACTOR)
		x->rto_ms *= 2;
	return send_window(x, now, ret);
}

void tftp_xfer_set_last(struct tftp_xfer *x, uint64_t block)
{
	x->last = block;
	if (x->sent > block)
		x->sent = block;
}
