/* SPDX-License-Identifier: MIT */
/*
 * workers.c - see workers.h.
 */
#include "http/workers.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WORKERS_MAX 8
/* How long a closing connection waits for the client to close. */
#define LINGER_MS 2000
/* Accepts per wake-up, so that a flood of connections cannot keep a
   thread from the ones it already has. */
#define ACCEPT_BURST 32

struct worker {
	struct http_workers *pool;
	pthread_t thread;
	bool started;
	int epfd;
	struct http_conn *conns;     /* all of this thread's, any order */
	atomic_uint count;           /* of conns: read by the other threads */
	int nudge_fd;                /* eventfd: "accept for the others" */
	struct http_conn_env env;
	time_t date_of;              /* env.date is of this second */
};

struct http_workers {
	int listen_fd;
	int stop_fd;                 /* eventfd: readable once stopping */
	unsigned max_connections;
	uint64_t timeout_ms;
	atomic_uint connections;
	unsigned n;
	struct worker w[WORKERS_MAX];
};

/* The tags are addresses no connection has. */
static char listen_tag, stop_tag, nudge_tag;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void conn_close(struct worker *w, struct http_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	http_conn_free(c, &w->env);
	atomic_fetch_sub(&w->count, 1);
	atomic_fetch_sub(&w->pool->connections, 1);
}

static void conn_run(struct worker *w, struct http_conn *c, uint64_t now)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.ptr = c,
	};

	switch (http_conn_run(c, &w->env)) {
	case HTTP_CONN_CLOSE:
		conn_close(w, c);
		return;
	case HTTP_CONN_AGAIN:
		/* Re-arming an edge-triggered socket that is still
		   writable queues it again, behind the others. */
		epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		break;
	case HTTP_CONN_WAIT:
		break;
	}
	c->expires = now + (c->state == HTTP_CONN_LINGERING
				    ? LINGER_MS
				    : w->pool->timeout_ms);
}

static void conn_add(struct worker *w, int fd, uint64_t now)
{
	struct sockaddr_in peer, local;
	socklen_t len = sizeof(local);
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
	};
	struct http_conn *c;
	int one = 1;

	len = sizeof(peer);
	getpeername(fd, (struct sockaddr *)&peer, &len);
	len = sizeof(local);
	getsockname(fd, (struct sockaddr *)&local, &len);
	/* Answers go out whole (one writev, or corked ahead of sendfile):
	   Nagle would only hold back the last segment. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = http_conn_new(fd, peer.sin_addr, local.sin_addr);
	if (!c) {
		atomic_fetch_sub(&w->pool->connections, 1);
		return;
	}
	ev.data.ptr = c;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		http_conn_free(c, &w->env);
		atomic_fetch_sub(&w->pool->connections, 1);
		return;
	}
	c->expires = now + w->pool->timeout_ms;
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	atomic_fetch_add(&w->count, 1);
}

/* The thread with the fewest connections; w itself on a tie. */
static struct worker *least_busy(struct worker *w)
{
	struct http_workers *pool = w->pool;
	struct worker *best = w;
	unsigned fewest = atomic_load(&w->count);

	for (unsigned i = 0; i < pool->n; i++) {
		unsigned n = atomic_load(&pool->w[i].count);

		if (n < fewest) {
			fewest = n;
			best = &pool->w[i];
		}
	}
	return best;
}

static void nudge(struct worker *w)
{
	uint64_t one = 1;

	if (write(w->nudge_fd, &one, sizeof(one)) < 0)
		log_limited(LOG_LEVEL_WARN, "http: cannot wake a worker: %s",
			    strerror(errno));
}

/* accept(2) also reports errors of the connection it took (which is
   then gone), not of the listening socket: go on to the next. */
static bool accept_retry(int e)
{
	switch (e) {
	case EINTR:
	case ECONNABORTED:
	case EPROTO:
	case EPERM:
	case ENETDOWN:
	case ENETUNREACH:
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ENONET:
	case ENOPROTOOPT:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

/*
 * Connections go to the thread that has the fewest: the kernel wakes one
 * idle thread per arrival (EPOLLEXCLUSIVE), but clients open theirs in a
 * burst, and a thread that took them all would serve them on one core
 * (seen in bench/http: 16 connections of 512 MiB each on one thread).
 * A thread that has more than another leaves the queue to that one and
 * wakes it. The listening socket is edge-triggered, so nobody spins on a
 * connection left waiting; whoever stops before the queue is empty wakes
 * a thread to go on, and the sweep retries after an error (EMFILE).
 */
static void accept_burst(struct worker *w, uint64_t now)
{
	struct http_workers *pool = w->pool;

	for (int i = 0; i < ACCEPT_BURST; i++) {
		struct worker *to = least_busy(w);
		int fd;

		if (to != w) {
			nudge(to);
			return;
		}
		fd = accept4(pool->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && accept_retry(errno))
			continue;
		if (fd < 0) {
			if (errno != EAGAIN)
				log_limited(LOG_LEVEL_WARN, "http: accept: %s",
					    strerror(errno));
			return;
		}
		if (atomic_fetch_add(&pool->connections, 1) >=
		    pool->max_connections) {
			atomic_fetch_sub(&pool->connections, 1);
			close(fd);
			log_limited(LOG_LEVEL_WARN,
				    "http: %u connections open, refusing more",
				    pool->max_connections);
			continue;
		}
		conn_add(w, fd, now);
	}
	/* More may wait: back to them after this thread's other events. */
	nudge(w);
}

/* Close the connections whose time is up. */
static void sweep(struct worker *w, uint64_t now)
{
	struct http_conn *c = w->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (now >= c->expires)
			conn_close(w, c);
	}
}

static void date_update(struct worker *w)
{
	time_t t = time(NULL);

	if (t != w->date_of) {
		http_date_format(t, w->env.date);
		w->date_of = t;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event events[64];
	uint64_t next_sweep = now_ms() + 1000;
	bool stopping = false;

	while (!stopping) {
		int n = epoll_wait(w->epfd, events, 64, 1000);
		uint64_t now = now_ms();

		date_update(w);
		for (int i = 0; i < n; i++) {
			void *p = events[i].data.ptr;

			if (p == &stop_tag) {
				stopping = true;
			} else if (p == &nudge_tag) {
				uint64_t nudges;

				if (read(w->nudge_fd, &nudges, sizeof(nudges)) > 0)
					accept_burst(w, now);
			} else if (p == &listen_tag) {
				accept_burst(w, now);
			} else {
				conn_run(w, p, now);
			}
		}
		if (now >= next_sweep) {
			sweep(w, now);
			accept_burst(w, now);
			next_sweep = now + 1000;
		}
	}
	while (w->conns)
		conn_close(w, w->conns);
	return NULL;
}

static int worker_init(struct http_workers *pool, struct worker *w,
		       const struct http_workers_config *cfg)
{
	struct epoll_event listen_ev = {
		/* One thread woken per new connection, not all. */
		.events = EPOLLIN | EPOLLET | EPOLLEXCLUSIVE,
		.data.ptr = &listen_tag,
	};
	struct epoll_event nudge_ev = {
		.events = EPOLLIN,
		.data.ptr = &nudge_tag,
	};
	struct epoll_event stop_ev = {
		.events = EPOLLIN,
		.data.ptr = &stop_tag,
	};

	w->pool = pool;
	w->env.ops = cfg->ops;
	w->env.data = cfg->data;
	w->date_of = -1;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->nudge_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->epfd < 0 || w->nudge_fd < 0)
		return -errno;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, pool->listen_fd, &listen_ev) <
		    0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, pool->stop_fd, &stop_ev) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->nudge_fd, &nudge_ev) < 0)
		return -errno;
	return 0;
}

static unsigned worker_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > WORKERS_MAX ? WORKERS_MAX : (unsigned)cpus;
}

int http_workers_start(const struct http_workers_config *cfg,
		       struct http_workers **ret)
{
	struct http_workers *pool = calloc(1, sizeof(*pool));
	int r = 0;

	if (!pool) {
		close(cfg->listen_fd);
		return -ENOMEM;
	}
	pool->listen_fd = cfg->listen_fd;
	/* Several threads may wake for one connection: none may block. */
	if (fcntl(pool->listen_fd, F_SETFL, O_NONBLOCK) < 0)
		r = -errno;
	pool->max_connections = cfg->max_connections;
	pool->timeout_ms = (uint64_t)cfg->timeout_s * 1000;
	pool->n = worker_count();
	for (unsigned i = 0; i < WORKERS_MAX; i++)
		pool->w[i].epfd = pool->w[i].nudge_fd = -1;
	pool->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!r && pool->stop_fd < 0)
		r = -errno;
	for (unsigned i = 0; !r && i < pool->n; i++)
		r = worker_init(pool, &pool->w[i], cfg);
	for (unsigned i = 0; !r && i < pool->n; i++) {
		r = -pthread_create(&pool->w[i].thread, NULL, worker_main,
				    &pool->w[i]);
		pool->w[i].started = !r;
	}
	if (r < 0) {
		http_workers_stop(pool);
		return r;
	}
	*ret = pool;
	return 0;
}

void http_workers_stop(struct http_workers *pool)
{
	uint64_t one = 1;

	if (!pool)
		return;
	if (pool->stop_fd >= 0 &&
	    write(pool->stop_fd, &one, sizeof(one)) < 0)
		log_warn("http: cannot stop the workers: %s", strerror(errno));
	for (unsigned i = 0; i < WORKERS_MAX; i++)
		if (pool->w[i].started)
			pthread_join(pool->w[i].thread, NULL);
	/* Only now: a thread still running may wake any other. */
	for (unsigned i = 0; i < WORKERS_MAX; i++) {
		if (pool->w[i].epfd >= 0)
			close(pool->w[i].epfd);
		if (pool->w[i].nudge_fd >= 0)
			close(pool->w[i].nudge_fd);
	}
	if (pool->stop_fd >= 0)
		close(pool->stop_fd);
	close(pool->listen_fd);
	free(pool);
}
