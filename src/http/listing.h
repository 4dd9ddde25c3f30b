/* SPDX-License-Identifier: MIT */
/*
 * listing.h - a plain HTML index of one directory, for people and for
 * installers that browse a tree (anaconda's and wget's link scraping).
 * Names are percent-encoded in links and HTML-escaped in text, so any
 * file name the tree holds makes a valid page.
 */
#ifndef PXED_HTTP_LISTING_H
#define PXED_HTTP_LISTING_H

#include "fs/namespace.h"

#include <stddef.h>
#include <stdio.h>

/* Templates "NAME.tmpl" are shown as the NAME they are served as. */
#define HTTP_TEMPLATE_SUFFIX ".tmpl"

/* RFC 3986 unreserved characters pass; everything else is written %XX. */
void http_put_url_component(FILE *f, const char *s, size_t len);

/*
 * Render the listing of `l` for the directory requested as `url_path`
 * (as the client sent it, ending in '/'). Returns 0 and a malloc'ed page
 * of *ret_len bytes, or -ENOMEM.
 */
int http_listing_render(const char *url_path, const struct fs_listing *l,
			char **ret, size_t *ret_len);

#endif
