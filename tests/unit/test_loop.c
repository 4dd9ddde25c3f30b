/* SPDX-License-Identifier: MIT */
/* Unit tests for the event loop: timer heap order, cancel, re-arm, I/O. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "loop.h"

#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct probe {
	struct loop_timer timer;
	int id;
	int *log;
	size_t *n_log;
};

static void probe_fired(struct loop_timer *t, uint64_t now)
{
	struct probe *p = container_of(t, struct probe, timer);

	(void)now;
	p->log[(*p->n_log)++] = p->id;
}

static struct loop *g_loop;

static void quit_fired(struct loop_timer *t, uint64_t now)
{
	(void)t;
	(void)now;
	loop_quit(g_loop);
}

static void test_timers_fire_in_deadline_order(void **state)
{
	struct probe probes[50];
	struct loop_timer quit;
	int log[50];
	size_t n_log = 0;
	uint64_t base;

	(void)state;
	assert_int_equal(loop_new(&g_loop), 0);
	base = loop_now(g_loop);
	/* Deadlines in a scrambled order; ids equal their rank. */
	for (int i = 0; i < 50; i++) {
		int rank = (i * 17) % 50;

		probes[i] = (struct probe){ .id = rank, .log = log,
					    .n_log = &n_log };
		loop_timer_init(&probes[i].timer, probe_fired);
		assert_int_equal(loop_timer_arm(g_loop, &probes[i].timer,
						base + (uint64_t)rank), 0);
	}
	/* Cancel every fifth; they must never fire. */
	for (int i = 0; i < 50; i += 5)
		loop_timer_cancel(g_loop, &probes[i].timer);
	loop_timer_init(&quit, quit_fired);
	loop_timer_arm(g_loop, &quit, base + 60);
	assert_int_equal(loop_run(g_loop), 0);
	assert_int_equal(n_log, 40);
	for (size_t i = 1; i < n_log; i++)
		assert_true(log[i - 1] < log[i]);
	for (int i = 0; i < 50; i += 5)
		for (size_t j = 0; j < n_log; j++)
			assert_int_not_equal(log[j], probes[i].id);
	g_loop = loop_free(g_loop);
}

static void test_rearm_moves_timer(void **state)
{
	struct probe a, b;
	struct loop_timer quit;
	int log[4];
	size_t n_log = 0;
	uint64_t base;

	(void)state;
	assert_int_equal(loop_new(&g_loop), 0);
	base = loop_now(g_loop);
	a = (struct probe){ .id = 1, .log = log, .n_log = &n_log };
	b = (struct probe){ .id = 2, .log = log, .n_log = &n_log };
	loop_timer_init(&a.timer, probe_fired);
	loop_timer_init(&b.timer, probe_fired);
	loop_timer_arm(g_loop, &a.timer, base + 5);
	loop_timer_arm(g_loop, &b.timer, base + 10);
	loop_timer_arm(g_loop, &a.timer, base + 20); /* now after b */
	assert_true(loop_timer_armed(&a.timer));
	loop_timer_init(&quit, quit_fired);
	loop_timer_arm(g_loop, &quit, base + 30);
	loop_run(g_loop);
	assert_int_equal(n_log, 2);
	assert_int_equal(log[0], 2);
	assert_int_equal(log[1], 1);
	assert_false(loop_timer_armed(&a.timer));
	g_loop = loop_free(g_loop);
}

struct pipe_reader {
	struct loop_io io;
	char got;
};

static void pipe_readable(struct loop_io *io, uint32_t events)
{
	struct pipe_reader *r = container_of(io, struct pipe_reader, io);

	assert_true(events & EPOLLIN);
	assert_int_equal(read(io->fd, &r->got, 1), 1);
	loop_quit(g_loop);
}

static void test_io_dispatch(void **state)
{
	struct pipe_reader r = { 0 };
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(loop_new(&g_loop), 0);
	assert_int_equal(loop_io_add(g_loop, &r.io, fds[0], EPOLLIN,
				     pipe_readable), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	loop_run(g_loop);
	assert_int_equal(r.got, 'x');
	loop_io_remove(g_loop, &r.io);
	close(fds[0]);
	close(fds[1]);
	g_loop = loop_free(g_loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_rearm_moves_timer),
		cmocka_unit_test(test_io_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
