/* SPDX-License-Identifier: MIT */
/* dhcp/pacer.c - see pacer.h */
#include "dhcp/pacer.h"

#include <stdlib.h>

static void release_some(struct pacer *p, size_t count)
{
	while (count-- && p->n) {
		void *item = p->ring[p->head];

		p->head = (p->head + 1) % p->cap;
		p->n--;
		p->release(p->data, item);
	}
}

static void tick(struct loop_timer *t, uint64_t now)
{
	struct pacer *p = container_of(t, struct pacer, timer);

	release_some(p, p->per_tick);
	/* A timer that cannot be armed must not strand what is queued. */
	if (p->n && loop_timer_arm(p->loop, &p->timer, now + 1) < 0)
		release_some(p, p->n);
}

void pacer_init(struct pacer *p, struct loop *loop, pacer_release_fn *release,
		void *data)
{
	*p = (struct pacer){ .loop = loop, .release = release, .data = data };
	loop_timer_init(&p->timer, tick);
}

static int ring_grow(struct pacer *p, size_t need)
{
	size_t cap = p->cap ? p->cap : 64;
	void **ring;

	while (cap < need)
		cap *= 2;
	if (cap == p->cap)
		return 0;
	ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		ring[i] = p->ring[(p->head + i) % p->cap];
	free(p->ring);
	p->ring = ring;
	p->cap = cap;
	p->head = 0;
	return 0;
}

void pacer_add(struct pacer *p, void *const *items, size_t n,
	       uint64_t spread_ms)
{
	size_t ticks;

	if (!n)
		return;
	if (ring_grow(p, p->n + n) < 0) {
		release_some(p, p->n);
		for (size_t i = 0; i < n; i++)
			p->release(p->data, items[i]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		p->ring[(p->head + p->n + i) % p->cap] = items[i];
	p->n += n;
	ticks = spread_ms < 1 ? 1
		: spread_ms > PACER_MAX_SPREAD_MS ? PACER_MAX_SPREAD_MS
						  : (size_t)spread_ms;
	p->per_tick = (p->n + ticks - 1) / ticks;
	if (p->per_tick < PACER_MIN_SLICE)
		p->per_tick = PACER_MIN_SLICE;
	if (!loop_timer_armed(&p->timer))
		tick(&p->timer, loop_now(p->loop));
}

void pacer_flush(struct pacer *p)
{
	loop_timer_cancel(p->loop, &p->timer);
	release_some(p, p->n);
	free(p->ring);
	p->ring = NULL;
	p->cap = p->head = 0;
}
