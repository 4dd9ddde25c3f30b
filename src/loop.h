/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the one event loop thread: epoll for descriptors, a binary heap
 * of timers, and signalfd for signals.
 *
 * Timers are intrusive (embedded in their owner, found with container_of),
 * so arming and cancelling never allocate and cost O(log n).
 * Time is CLOCK_MONOTONIC in milliseconds, read once per loop iteration.
 */
#ifndef PXED_LOOP_H
#define PXED_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member)                                       \
	((type *)((char *)(ptr)-offsetof(type, member)))

struct loop;

struct loop_io;
typedef void loop_io_fn(struct loop_io *io, uint32_t events);

/* A watched descriptor; embed it in the object that owns the fd. */
struct loop_io {
	int fd;
	loop_io_fn *fn;
};

struct loop_timer;
typedef void loop_timer_fn(struct loop_timer *timer, uint64_t now);

struct loop_timer {
	uint64_t deadline;   /* monotonic ms */
	size_t heap_index;   /* LOOP_TIMER_IDLE when not armed */
	loop_timer_fn *fn;
};

#define LOOP_TIMER_IDLE SIZE_MAX

typedef void loop_signal_fn(struct loop *loop, int signo, void *data);

/* Called once per iteration, after all ready events were handled. */
struct loop_idle;
typedef void loop_idle_fn(struct loop_idle *idle);
struct loop_idle {
	loop_idle_fn *fn;
	struct loop_idle *next;
};

int loop_new(struct loop **ret_loop);
struct loop *loop_free(struct loop *loop);

int loop_io_add(struct loop *loop, struct loop_io *io, int fd,
		uint32_t events, loop_io_fn *fn);
int loop_io_modify(struct loop *loop, struct loop_io *io, uint32_t events);
void loop_io_remove(struct loop *loop, struct loop_io *io);

void loop_timer_init(struct loop_timer *timer, loop_timer_fn *fn);
int loop_timer_arm(struct loop *loop, struct loop_timer *timer,
		   uint64_t deadline);
void loop_timer_cancel(struct loop *loop, struct loop_timer *timer);
static inline int loop_timer_armed(const struct loop_timer *timer)
{
	return timer->heap_index != LOOP_TIMER_IDLE;
}

/* Signals are blocked for the whole process and delivered through here. */
int loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn,
		    void *data);

void loop_idle_add(struct loop *loop, struct loop_idle *idle,
		   loop_idle_fn *fn);
void loop_idle_remove(struct loop *loop, struct loop_idle *idle);

/*
 * Free `ptr` after this iteration's events are dispatched. An object that
 * owns a loop_io and dies inside a callback must use this: a later event
 * of the same epoll_wait batch may still point at it.
 */
int loop_defer_free(struct loop *loop, void *ptr);

uint64_t loop_now(const struct loop *loop);
uint64_t loop_clock_ms(void);

int loop_run(struct loop *loop);
void loop_quit(struct loop *loop);

#endif
