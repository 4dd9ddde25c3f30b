/* SPDX-License-Identifier: MIT */
/*
 * fs/path.h - the one place where a requested name becomes a path that is
 * safe to resolve beneath a root.
 *
 * The raw bytes of a request are decoded the way their protocol writes
 * them, then split into components and checked, in this order, so that no
 * encoding can hide what is checked:
 *   TFTP: `\` becomes `/` (PXE firmware and Windows clients send it).
 *   HTTP: %XX is decoded; `\` (raw or %5c) and %00 are refused.
 *   Both: NUL is refused; `..` is refused (not resolved: a client asking
 *   for it is probing); empty and `.` components are dropped; each
 *   component is at most FS_NAME_MAX bytes, the whole at most FS_PATH_MAX.
 * The result has no leading, trailing or doubled `/`; "" is the root.
 * Symlinks are not this module's business: openat2(RESOLVE_BENEATH) and
 * the ISO index confine them.
 */
#ifndef PXED_FS_PATH_H
#define PXED_FS_PATH_H

#include "fs/namespace.h"

#include <stddef.h>

#define FS_NAME_MAX 255
#define FS_PATH_MAX 1024   /* including the terminating NUL */

/*
 * Normalise `len` bytes of `raw` into `out` (FS_PATH_MAX bytes). Returns
 * the length of the result, -EACCES for an escape attempt (`..`, NUL,
 * %00, backslash over HTTP), -EINVAL for a malformed name (empty, bad
 * percent-encoding, overlong).
 */
int fs_path_normalize(enum fs_protocol proto, const char *raw, size_t len,
		      char out[FS_PATH_MAX]);

/*
 * Split off the first component of a normalised path: returns its length
 * and points *rest past it (and its '/'), at "" if it was the last one.
 */
size_t fs_path_first(const char *path, const char **rest);

#endif
