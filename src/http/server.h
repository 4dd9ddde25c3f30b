/* SPDX-License-Identifier: MIT */
/*
 * server.h - the HTTP server: answers GET and HEAD from the fs
 * namespace, with Range, conditional GET, directory listings, templates
 * (see site.h) and an access log. The connections themselves are
 * workers.h's and conn.h's.
 *
 * Life cycle, matching the daemon's privilege drop:
 *   http_server_new()    as root: bind the listening socket, open the
 *                        access log
 *   (the daemon drops privileges)
 *   http_server_start()  start the worker threads on that socket, so
 *                        they run with the dropped credentials
 *   http_server_swap()   on reload: serve a new site
 *   http_server_free()   stop; in-flight transfers are cut
 */
#ifndef PXED_HTTP_SERVER_H
#define PXED_HTTP_SERVER_H

#include "http/site.h"

struct config;
struct http_server;

int http_server_new(const struct config *cfg, struct http_server **ret);

/* Before start: where host names and MACs of clients come from. */
void http_server_set_host_lookup(struct http_server *srv,
				 http_host_lookup_fn *lookup, void *data);

/* Takes ownership of `site`, also on failure. */
int http_server_start(struct http_server *srv, struct http_site *site);

/*
 * Serve `site` from now on (ownership passes) and free the old one. When
 * this returns, no request uses the old site, its namespace or its config
 * any more: the caller may free them. Transfers already under way go on,
 * as they hold their own descriptors. The access log file is reopened
 * (logrotate moves it, then sends SIGHUP). The port and the access log's
 * path are those of the first config: changing them needs a restart.
 */
void http_server_swap(struct http_server *srv, struct http_site *site);

/* Takes NULL; returns NULL. */
struct http_server *http_server_free(struct http_server *srv);

#endif
