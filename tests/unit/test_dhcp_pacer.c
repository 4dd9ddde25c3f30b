/* SPDX-License-Identifier: MIT */
/* Unit tests for dhcp/pacer: batches spread over ticks, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dhcp/pacer.h"

#define MAX_ITEMS 256

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

/* 10 items over 5 ms: 2 at once, then 2 per tick, each tick a later ms. */
static void test_batch_spread_over_ticks(void **state)
{
	struct record r;
	struct pacer p;
	uint64_t t0;

	(void)state;
	setup_record(&r, &p, 10);
	t0 = loop_now(r.loop);
	add_range(&p, 0, 10, 5);
	assert_int_equal(r.n, 2);
	assert_int_equal(pacer_queued(&p), 8);
	assert_int_equal(loop_run(r.loop), 0);
	assert_int_equal(r.n, 10);
	for (size_t i = 0; i < 10; i++) {
		assert_int_equal(r.ids[i], (int)i);
		/* pairs leave together, each pair later than the one before */
		if (i % 2)
			assert_true(r.at[i] == r.at[i - 1]);
		else if (i)
			assert_true(r.at[i] > r.at[i - 1]);
	}
	assert_true(r.at[9] >= t0 + 4);
	assert_int_equal(pacer_queued(&p), 0);
	teardown_record(&r, &p);
}

/* A batch that arrives while one is still leaving shares the new span. */
static void test_new_batch_respreads_the_queue(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 20);
	add_range(&p, 0, 10, 10);          /* one per tick */
	assert_int_equal(r.n, 1);
	add_range(&p, 10, 10, 2);          /* 19 queued over 2 ticks */
	assert_int_equal(p.per_tick, 10);
	assert_int_equal(loop_run(r.loop), 0);
	for (size_t i = 0; i < 20; i++)
		assert_int_equal(r.ids[i], (int)i);
	/* the first tick after the second batch releases 10 at once */
	assert_true(r.at[1] == r.at[10]);
	assert_true(r.at[11] > r.at[10]);
	teardown_record(&r, &p);
}

/* No span releases everything now; a long one is capped. */
static void test_span_is_clamped(void **state)
{
	struct record r;
	struct pacer p;

	(void)state;
	setup_record(&r, &p, 0);
	add_range(&p, 0, 7, 0);
	assert_int_equal(r.n, 7);
	assert_int_equal(pacer_queued(&p), 0);
	add_range(&p, 7, 200, 10000);
	assert_int_equal(p.per_tick, (200 + PACER_MAX_SPREAD_MS - 1) /
					     PACER_MAX_SPREAD_MS);
	assert_int_equal(r.n, 7 + p.per_tick);
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
	assert_int_equal(r.n, 2);
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
	setup_record(&r, &p, 166);
	add_range(&p, 0, 60, 30);          /* 2 leave: ring of 64, head at 2 */
	add_range(&p, 60, 6, 1000);        /* fills it, wrapping to 0 and 1 */
	assert_int_equal(r.n, 2);
	add_range(&p, 66, 100, 1);         /* grows while wrapped */
	assert_int_equal(loop_run(r.loop), 0);
	for (size_t i = 0; i < 166; i++)
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
