/* SPDX-License-Identifier: MIT */
/*
 * fs/dir.h - files beneath a root directory descriptor.
 *
 * Every name is resolved by the kernel with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS) from the root's descriptor: symlinks are followed
 * while they stay beneath the root, and refused (-EACCES) as soon as one
 * leads out, whether by an absolute target, by "..", or through a chain.
 * Only regular files are opened for reading; a device, FIFO or socket is
 * refused without ever being opened for I/O (opening some devices has
 * side effects, opening a FIFO blocks).
 */
#ifndef PXED_FS_DIR_H
#define PXED_FS_DIR_H

#include <sys/stat.h>

/* Open `path` (absolute, from the config) as a root: an O_PATH descriptor. */
int dir_root_open(const char *path, int *ret_fd);

/*
 * Open the regular file at normalised `path` ("" is the root) beneath
 * `rootfd` for reading. -EISDIR for a directory, -EACCES for anything
 * else that is not a regular file or for an escape, -ENOENT.
 */
int dir_file_open(int rootfd, const char *path, int *ret_fd,
		  struct stat *ret_st);

/* Called per entry of a listed directory; a negative return stops. */
typedef int dir_list_fn(void *userdata, const char *name,
			const struct stat *st);

/*
 * Call `fn` for each regular file and directory in the directory at
 * `path` beneath `rootfd`, with symlinks resolved (left out if they lead
 * out of the root). -ENOTDIR for a file.
 */
int dir_list(int rootfd, const char *path, dir_list_fn *fn, void *userdata);

#endif
