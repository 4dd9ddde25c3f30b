/* SPDX-License-Identifier: MIT */
/* Unit tests for dhcp/pacer: batches spread over ticks, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dhcp/pacer.h"

#define MAX_ITEMS 4096
#define S PACER_MIN_SLICE

struct record {
	struct loop *loop;
	int ids[MAX_ITEMS];
	uint64_t at[MAX_ITEMS];     /* loop ms of each release */
	size_t n;
	size_t quit_after;          /* quit the loop at this many releases */
};

static int items[MAX_ITEMS];

static void record_release(void *data, void *item)
{
	struct record *r = data;

	r->ids[r->n] = *(int *)item;
	r->at[r->n] = loop_now(r->loop);
	if (++r->n == r->quit_after)
		loop_quit(r->loop);
}

static void add_range(struct pacer *p, int first, size_t n, uint64_t spread)
{
	void *ptrs[MAX_ITEMS];

	for (size_t i = 0; i < n; i++)
		ptrs[i] = &items[first + (int)i];
	pacer_add(p, ptrs, n, spread);
}

static void setup_record(struct record *r, struct pacer *p, size_t total)
{
	for (int i = 0; i < MAX_ITEMS; i++)
		items[i] = i;
	*r = (struct record){ .quit_after = total };
	assert_int_equal(loop_new(&r->loop), 0);
	pacer_init(p, r->loop, record_release, r);
}

static void teardown_record(struct record *r, struct pacer *p)
{
	pacer_flush(p);
	loop_free(r->loop);
}

/* 10 slices over 5 ms: 2 at once, then 2 per tick, each a later ms. */
static void test_batch_spread_over_ticks(void **state)
{
	struct record r;
	struct pacer p;
	uint64_t t0;

	(void)state;
	setup_record(&r, &p, 10 * S);
	t0 = loop_now(r.loop);
	add_range(&p, 0, 10 * S, 5);
	assert_int_equal(r.n, 2 * S);
	assert_int_equal(pacer_queued(&p), 8 * S);
	assert_int_equal(loop_run(r.loop), 0);
	assert_int_equal(r.n, 10 * S);
	for (size_t i = 0; i < 10 * S; i++) {
		assert_int_equal(r.ids[i], (int)i);
		/* 2 slices leave together, each tick later than the last */
		if (i % (2 * S))
			assert_true(r.at[i] == r.at[i - 1]);
		else if (i)
			assert_true(r.at[i] > r.at[i - 1]);
	}
	assert_true(r.at[10 * S - 1] >= t0 + 4);
	assert_int_equal(pacer_queued(&p), 0);
	teardown_record(&r, &p);
}

/* A batch that arrives while one is still leaving shares the new span. */
static void test_new_batch_respreads_the_queue(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 12 * S);
	add_range(&p, 0, 10 * S, 10);      /* a slice per tick */
	assert_int_equal(r.n, S);
	add_range(&p, 10 * S, 2 * S, 2);   /* 11 slices queued over 2 ticks */
	assert_int_equal(p.per_tick, (11 * S + 1) / 2);
	assert_int_equal(loop_run(r.loop), 0);
	for (size_t i = 0; i < 12 * S; i++)
		assert_int_equal(r.ids[i], (int)i);
	/* the first tick after the second batch releases half of them */
	assert_true(r.at[S] == r.at[S + p.per_tick - 1]);
	assert_true(r.at[S + p.per_tick] > r.at[S]);
	teardown_record(&r, &p);
}

/* No span, or a batch of a slice or less, releases everything now; a
 * long span is capped. */
static void test_span_is_clamped(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 0);
	add_range(&p, 0, 4 * S, 0);
	assert_int_equal(r.n, 4 * S);
	add_range(&p, 4 * S, S, PACER_MAX_SPREAD_MS);
	assert_int_equal(r.n, 5 * S);
	assert_int_equal(pacer_queued(&p), 0);
	add_range(&p, 5 * S, 2000, 10000);
	assert_int_equal(p.per_tick, (2000 + PACER_MAX_SPREAD_MS - 1) /
					     PACER_MAX_SPREAD_MS);
	assert_int_equal(r.n, 5 * S + p.per_tick);
	teardown_record(&r, &p);
}

/* Flushing releases what is queued, in order, without the loop running. */
static void test_flush_releases_everything(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 0);
	add_range(&p, 0, 100, PACER_MAX_SPREAD_MS);
	assert_int_equal(r.n, S);
	pacer_flush(&p);
	assert_int_equal(r.n, 100);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(r.ids[i], (int)i);
	/* the queue is usable again after a flush */
	add_range(&p, 100, 3, 1);
	assert_int_equal(r.n, 103);
	teardown_record(&r, &p);
}

/* The ring wraps and grows while items are queued, keeping their order. */
static void test_ring_grows_while_wrapped(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 164 + S);
	add_range(&p, 0, 60, 30);          /* a slice leaves: ring of 64 */
	add_range(&p, 60, S, 1000);        /* fills it, wrapping past its end */
	assert_int_equal(r.n, S);
	add_range(&p, 60 + S, 104, 1);     /* grows while wrapped */
	assert_int_equal(loop_run(r.loop), 0);
	for (size_t i = 0; i < 164 + S; i++)
		assert_int_equal(r.ids[i], (int)i);
	teardown_record(&r, &p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_spread_over_ticks),
		cmocka_unit_test(test_new_batch_respreads_the_queue),
		cmocka_unit_test(test_span_is_clamped),
		cmocka_unit_test(test_flush_releases_everything),
		cmocka_unit_test(test_ring_grows_while_wrapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
