/* SPDX-License-Identifier: MIT */
/* loop.c - see loop.h */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_SIGNALS 8
#define LOOP_MAX_EVENTS 64

struct loop_signal {
	int signo;
	loop_signal_fn *fn;
	void *data;
};

struct loop {
	int epfd;
	bool quit;
	uint64_t now;

	struct loop_timer **heap;
	size_t heap_len;
	size_t heap_cap;

	struct loop_io signal_io;
	sigset_t sigmask;
	struct loop_signal signals[LOOP_MAX_SIGNALS];
	size_t n_signals;

	struct loop_idle *idles;

	void **deferred;
	size_t n_deferred;
	size_t deferred_cap;
};

uint64_t loop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_new(struct loop **ret_loop)
{
	struct loop *loop;

	loop = calloc(1, sizeof(*loop));
	if (!loop)
		return -ENOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return -errno;
	}
	loop->signal_io.fd = -1;
	sigemptyset(&loop->sigmask);
	loop->now = loop_clock_ms();
	*ret_loop = loop;
	return 0;
}

struct loop *loop_free(struct loop *loop)
{
	if (!loop)
		return NULL;
	if (loop->signal_io.fd >= 0)
		close(loop->signal_io.fd);
	close(loop->epfd);
	free(loop->heap);
	for (size_t i = 0; i < loop->n_deferred; i++)
		free(loop->deferred[i]);
	free(loop->deferred);
	free(loop);
	return NULL;
}

int loop_io_add(struct loop *loop, struct loop_io *io, int fd,
		uint32_t events, loop_io_fn *fn)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->fd = fd;
	io->fn = fn;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

int loop_io_modify(struct loop *loop, struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	return 0;
}

void loop_io_remove(struct loop *loop, struct loop_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

/* --- timer heap: a min-heap on deadline, each timer knows its index --- */

static void heap_place(struct loop *loop, size_t i, struct loop_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void heap_sift_up(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->deadline <= t->deadline)
			break;
		heap_place(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_place(loop, i, t);
}

static void heap_sift_down(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= loop->heap_len)
			break;
		if (child + 1 < loop->heap_len &&
		    loop->heap[child + 1]->deadline < loop->heap[child]->deadline)
			child++;
		if (t->deadline <= loop->heap[child]->deadline)
			break;
		heap_place(loop, i, loop->heap[child]);
		i = child;
	}
	heap_place(loop, i, t);
}

void loop_timer_init(struct loop_timer *timer, loop_timer_fn *fn)
{
	timer->deadline = 0;
	timer->heap_index = LOOP_TIMER_IDLE;
	timer->fn = fn;
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *timer)
{
	size_t i = timer->heap_index;
	struct loop_timer *last;

	if (i == LOOP_TIMER_IDLE)
		return;
	timer->heap_index = LOOP_TIMER_IDLE;
	last = loop->heap[--loop->heap_len];
	if (last == timer)
		return;
	heap_place(loop, i, last);
	heap_sift_up(loop, i);
	heap_sift_down(loop, last->heap_index);
}

int loop_timer_arm(struct loop *loop, struct loop_timer *timer,
		   uint64_t deadline)
{
	if (timer->heap_index != LOOP_TIMER_IDLE) {
		uint64_t old = timer->deadline;

		timer->deadline = deadline;
		if (deadline < old)
			heap_sift_up(loop, timer->heap_index);
		else
			heap_sift_down(loop, timer->heap_index);
		return 0;
	}
	if (loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		struct loop_timer **heap;

		heap = realloc(loop->heap, cap * sizeof(*heap));
		if (!heap)
			return -ENOMEM;
		loop->heap = heap;
		loop->heap_cap = cap;
	}
	timer->deadline = deadline;
	heap_place(loop, loop->heap_len++, timer);
	heap_sift_up(loop, timer->heap_index);
	return 0;
}

uint64_t loop_now(const struct loop *loop)
{
	return loop->now;
}

static void run_due_timers(struct loop *loop)
{
	while (loop->heap_len > 0 && loop->heap[0]->deadline <= loop->now) {
		struct loop_timer *t = loop->heap[0];

		loop_timer_cancel(loop, t);
		t->fn(t, loop->now);
	}
}

static int next_timeout(const struct loop *loop)
{
	uint64_t wait;

	if (loop->heap_len == 0)
		return -1;
	if (loop->heap[0]->deadline <= loop->now)
		return 0;
	wait = loop->heap[0]->deadline - loop->now;
	return wait > 60000 ? 60000 : (int)wait;
}

/* --- signals --- */

static void signal_ready(struct loop_io *io, uint32_t events)
{
	struct loop *loop = container_of(io, struct loop, signal_io);
	struct signalfd_siginfo si;

	(void)events;
	while (read(io->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (size_t i = 0; i < loop->n_signals; i++)
			if (loop->signals[i].signo == (int)si.ssi_signo)
				loop->signals[i].fn(loop, (int)si.ssi_signo,
						    loop->signals[i].data);
	}
}

int loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn,
		    void *data)
{
	int fd;

	if (loop->n_signals == LOOP_MAX_SIGNALS)
		return -ENOSPC;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0)
		return -errno;
	fd = signalfd(loop->signal_io.fd, &loop->sigmask,
		      SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->signal_io.fd < 0) {
		int r = loop_io_add(loop, &loop->signal_io, fd, EPOLLIN,
				    signal_ready);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	loop->signals[loop->n_signals++] =
		(struct loop_signal){ .signo = signo, .fn = fn, .data = data };
	return 0;
}

void loop_idle_add(struct loop *loop, struct loop_idle *idle,
		   loop_idle_fn *fn)
{
	idle->fn = fn;
	idle->next = loop->idles;
	loop->idles = idle;
}

void loop_idle_remove(struct loop *loop, struct loop_idle *idle)
{
	for (struct loop_idle **pp = &loop->idles; *pp; pp = &(*pp)->next)
		if (*pp == idle) {
			*pp = idle->next;
			return;
		}
}

int loop_defer_free(struct loop *loop, void *ptr)
{
	if (loop->n_deferred == loop->deferred_cap) {
		size_t cap = loop->deferred_cap ? loop->deferred_cap * 2 : 16;
		void **d = realloc(loop->deferred, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		loop->deferred = d;
		loop->deferred_cap = cap;
	}
	loop->deferred[loop->n_deferred++] = ptr;
	return 0;
}

static void free_deferred(struct loop *loop)
{
	for (size_t i = 0; i < loop->n_deferred; i++)
		free(loop->deferred[i]);
	loop->n_deferred = 0;
}

void loop_quit(struct loop *loop)
{
	loop->quit = true;
}

int loop_run(struct loop *loop)
{
	struct epoll_event events[LOOP_MAX_EVENTS];

	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, events, LOOP_MAX_EVENTS,
				   next_timeout(loop));

		if (n < 0 && errno != EINTR)
			return -errno;
		loop->now = loop_clock_ms();
		for (int i = 0; i < n; i++) {
			struct loop_io *io = events[i].data.ptr;

			io->fn(io, events[i].events);
		}
		free_deferred(loop);
		run_due_timers(loop);
		free_deferred(loop);
		for (struct loop_idle *idle = loop->idles; idle;
		     idle = idle->next)
			idle->fn(idle);
	}
	return 0;
}
