/* SPDX-License-Identifier: MIT */
/*
 * workers.h - the threads that run HTTP connections: one per CPU (a few
 * at most), each with an epoll set of its own holding the shared
 * listening socket and the connections it accepted. A thread sleeps
 * until one of its sockets is ready and runs that connection's state
 * machine (conn.h) until the socket would block. New connections go to
 * the thread that has the fewest, so a burst of big downloads is spread
 * over the CPUs rather than served by whichever thread woke first.
 *
 * Why not a thread per connection: on a virtual machine a context
 * switch is dear, and a hundred threads each woken as its socket drains
 * spent 2.6× nginx's CPU per GiB here (bench/http). Why not a library's
 * event loop: libmicrohttpd's sends 128 KiB per sendfile and polls
 * again; these send while the socket takes bytes.
 *
 * Limits: over max_connections a new connection is closed at once (a
 * client sees "refused" at once, not a wait in the backlog); one idle
 * for timeout_s (no byte in or out) is closed.
 */
#ifndef PXED_HTTP_WORKERS_H
#define PXED_HTTP_WORKERS_H

#include "http/conn.h"

struct http_workers;

struct http_workers_config {
	int listen_fd;               /* taken (closed on stop) */
	unsigned max_connections;
	unsigned timeout_s;
	const struct http_conn_ops *ops;
	void *data;
};

/* Start the threads (with the calling thread's credentials). */
int http_workers_start(const struct http_workers_config *cfg,
		       struct http_workers **ret);

/* Stop and join them; open connections are cut (and logged so).
   Takes NULL. */
void http_workers_stop(struct http_workers *w);

#endif
