/* SPDX-License-Identifier: MIT */
/*
 * dhcp/pacer.h - releases queued items evenly over a span of time, on the
 * event loop, instead of all at once.
 *
 * A group commit makes a whole batch of ACKs sendable in the same instant.
 * Sent back to back they arrive as one burst at a relay, whose receive
 * buffer (208 KiB by default, about 230 replies) overflows well before the
 * relay falls behind on average. The pacer spreads each batch over about
 * as long as its commit took, so replies leave at the rate requests came
 * in. A tick is the loop's clock resolution, one millisecond.
 */
#ifndef PXED_DHCP_PACER_H
#define PXED_DHCP_PACER_H

#include "loop.h"

#include <stddef.h>
#include <stdint.h>

/* Longest span a batch is spread over: the delay it adds to a reply. */
#define PACER_MAX_SPREAD_MS 50
/* Fewest items a tick releases: a burst this small fits any receiver,
 * and a small batch then costs no extra wake-ups. */
#define PACER_MIN_SLICE 16

/* Sends and frees one item; the pacer owns it until then. */
typedef void pacer_release_fn(void *data, void *item);

struct pacer {
	struct loop *loop;
	struct loop_timer timer;
	pacer_release_fn *release;
	void *data;
	void **ring;        /* queued items, oldest at head */
	size_t head, n, cap;
	size_t per_tick;    /* items released per timer tick */
};

void pacer_init(struct pacer *p, struct loop *loop, pacer_release_fn *release,
		void *data);

/*
 * Takes `n` items, to be released in order, spread with what is still
 * queued over `spread_ms` (1..PACER_MAX_SPREAD_MS), at least
 * PACER_MIN_SLICE a tick. The first slice goes at once. Items that
 * cannot be queued (out of memory) are released at once rather than lost.
 */
void pacer_add(struct pacer *p, void *const *items, size_t n,
	       uint64_t spread_ms);

static inline size_t pacer_queued(const struct pacer *p)
{
	return p->n;
}

/* Releases everything still queued, now, and frees the queue. */
void pacer_flush(struct pacer *p);

#endif
