/* SPDX-License-Identifier: MIT */
/*
 * site.h - what HTTP serves under one configuration: the fs namespace,
 * plus the templates found in it, compiled and hooked in as generated
 * files.
 *
 * Templates: a regular file NAME.tmpl in the http root or in a tree from
 * a directory (trees from ISO images are not searched: images do not
 * carry pxed templates) is served as NAME, rendered for each request;
 * NAME.tmpl itself is refused (403). Templates are found, read and
 * compiled when the site is built (start and reload), so a template with
 * an unknown variable stops start-up with its file and line, and an
 * edited template takes effect on reload. Variables:
 *   server      the address the client reached us on (or [server] address)
 *   server_url  http://SERVER, with :PORT unless it is 80
 *   client_ip   the client's address
 *   host, mac   the [host] (or lease) with that address; empty if none
 *   tree        the tree the template is in (only inside a tree)
 *   tree_url    SERVER_URL/TREE/ (only inside a tree)
 */
#ifndef PXED_HTTP_SITE_H
#define PXED_HTTP_SITE_H

#include "fs/namespace.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct http_site;

/*
 * Everything a request knows about its client. Generators registered by
 * the site are HTTP-only, so the fs_client they receive is always the
 * `fs` member of one of these (container_of).
 */
struct http_client {
	struct fs_client fs;
	struct in_addr local;     /* the address the client connected to */
	char host[64];            /* "" when unknown */
};

/*
 * Who has this address? Fill name (NUL-terminated) and mac and return
 * true, or return false. The daemon can supply one backed by DHCP leases;
 * it runs in HTTP threads, so it must be thread-safe.
 */
typedef bool http_host_lookup_fn(void *data, struct in_addr addr,
				 char *name, size_t name_size,
				 uint8_t mac[6]);

/*
 * Build a site over `ns` for `cfg`: find and compile the templates and
 * register their generators in `ns`, which must not be published to
 * other threads yet. Both must outlive the site. On failure, a negative
 * errno and a malloc'ed message naming the template and line.
 */
int http_site_new(const struct config *cfg, struct fs_namespace *ns,
		  struct http_site **ret, char **ret_error);
struct http_site *http_site_free(struct http_site *site);

const struct fs_namespace *http_site_namespace(const struct http_site *site);

/*
 * Fill in the client's host name and MAC: from `lookup` (may be NULL) if
 * it knows the address, else from the config's [host] with that fixed ip.
 */
void http_site_identify(const struct http_site *site,
			http_host_lookup_fn *lookup, void *data,
			struct http_client *client);

#endif
