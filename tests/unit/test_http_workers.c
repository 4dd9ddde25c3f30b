/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP worker threads (workers.c) over loopback TCP:
 * connections opened in a burst are spread evenly over the threads, and
 * one over the connection limit is closed at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/workers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNS 16

/* Which thread answered each request, in answer order. */
struct answers {
	pthread_mutex_t lock;
	pthread_t by[CONNS];
	unsigned n;
};

static void answer(void *data, const struct http_conn *c,
		   const struct http_request *req, struct http_response *resp)
{
	struct answers *a = data;

	(void)c;
	(void)req;
	pthread_mutex_lock(&a->lock);
	if (a->n < CONNS)
		a->by[a->n++] = pthread_self();
	pthread_mutex_unlock(&a->lock);
	http_response_init(resp, 200);
	http_response_text(resp, "ok\n");
}

static void log_access(void *data, const struct http_access *a)
{
	(void)data;
	(void)a;
}

static const struct http_conn_ops ops = { answer, log_access };

/* Start workers on a loopback port; its address in *addr. */
static struct http_workers *start(struct answers *a, unsigned max_conns,
				  struct sockaddr_in *addr)
{
	struct http_workers *w = NULL;
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct http_workers_config cfg = {
		.listen_fd = fd,
		.max_connections = max_conns,
		.timeout_s = 30,
		.ops = &ops,
		.data = a,
	};

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	assert_int_equal(http_workers_start(&cfg, &w), 0);
	return w;
}

static int dial(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(connect(fd, (const struct sockaddr *)addr,
				 sizeof(*addr)),
			 0);
	return fd;
}

/* Send a request and read the answer's first bytes; 0 if none came. */
static size_t ask(int fd, char *buf, size_t size)
{
	static const char get[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (send(fd, get, sizeof(get) - 1, MSG_NOSIGNAL) < 0)
		return 0;
	if (poll(&pfd, 1, 5000) != 1)
		return 0;
	n = recv(fd, buf, size - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

static void spread_over_threads(void **state)
{
	struct answers a = { .lock = PTHREAD_MUTEX_INITIALIZER };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct sockaddr_in addr;
	struct http_workers *w = start(&a, 100, &addr);
	unsigned per[CONNS] = { 0 }, threads = 0, most = 0, fewest = CONNS;
	pthread_t seen[CONNS];
	int fds[CONNS];
	char buf[256];

	(void)state;
	/* All open before any request: a burst, as clients make them. */
	for (int i = 0; i < CONNS; i++)
		fds[i] = dial(&addr);
	for (int i = 0; i < CONNS; i++) {
		assert_true(ask(fds[i], buf, sizeof(buf)) > 0);
		assert_non_null(strstr(buf, "200 OK"));
	}
	pthread_mutex_lock(&a.lock);
	assert_int_equal(a.n, CONNS);
	for (unsigned i = 0; i < a.n; i++) {
		unsigned t = 0;

		while (t < threads && !pthread_equal(seen[t], a.by[i]))
			t++;
		if (t == threads)
			seen[threads++] = a.by[i];
		per[t]++;
	}
	pthread_mutex_unlock(&a.lock);
	for (unsigned t = 0; t < threads; t++) {
		most = per[t] > most ? per[t] : most;
		fewest = per[t] < fewest ? per[t] : fewest;
	}
	/* One thread per CPU, each with its share (the threads race to
	   accept, so a share may be one or two off). */
	assert_int_equal(threads, cpus > 8 ? 8 : cpus);
	assert_true(most - fewest <= 2);
	for (int i = 0; i < CONNS; i++)
		close(fds[i]);
	http_workers_stop(w);
}

static void over_the_limit_closed(void **state)
{
	struct answers a = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct sockaddr_in addr;
	struct http_workers *w = start(&a, 2, &addr);
	int fds[3];
	char buf[256];

	(void)state;
	/* One after the other, so that the third is the one over the
	   limit: it gets no answer, only the end of the connection. */
	for (int i = 0; i < 3; i++) {
		fds[i] = dial(&addr);
		assert_int_equal(ask(fds[i], buf, sizeof(buf)) > 0, i < 2);
	}
	pthread_mutex_lock(&a.lock);
	assert_int_equal(a.n, 2);
	pthread_mutex_unlock(&a.lock);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	http_workers_stop(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spread_over_threads),
		cmocka_unit_test(over_the_limit_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
