/* SPDX-License-Identifier: MIT */
/*
 * mime.h - Content-Type by file name extension, for what install trees
 * and boot servers hold: kernels and images are octet streams, kickstarts
 * and configs are text, repository metadata is XML or compressed.
 */
#ifndef PXED_HTTP_MIME_H
#define PXED_HTTP_MIME_H

/* Never NULL: unknown extensions are application/octet-stream. */
const char *http_mime_type(const char *name);

#endif
