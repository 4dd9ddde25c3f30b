/* SPDX-License-Identifier: MIT */
/*
 * fs/dir.c - files beneath a root directory descriptor; see fs/dir.h.
 *
 * glibc in Debian 12 has no openat2() wrapper, hence syscall(2).
 */
#include "fs/dir.h"
#include "fs/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int dir_errno(int e)
{
	switch (e) {
	case EXDEV:   /* ".." or a symlink leading out of the root */
	case ELOOP:   /* a symlink loop, or a magic link (/proc/self/...) */
		return -EACCES;
	case ENAMETOOLONG:
		return -EINVAL;
	default:
		return -e;
	}
}

/* openat2 beneath the root; "" is the root itself. */
static int dir_resolve(int rootfd, const char *path, uint64_t flags,
		       int *ret_fd)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, rootfd, path[0] ? path : ".", &how,
		     sizeof(how));
	if (fd < 0)
		return dir_errno(errno);
	*ret_fd = (int)fd;
	return 0;
}

/* What `path` is, without opening it for I/O. */
static int dir_stat(int rootfd, const char *path, struct stat *ret_st)
{
	int fd, r;

	r = dir_resolve(rootfd, path, O_PATH, &fd);
	if (r < 0)
		return r;
	r = fstat(fd, ret_st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int dir_root_open(const char *path, int *ret_fd)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

static int dir_check_type(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	return S_ISREG(st->st_mode) ? 0 : -EACCES;
}

int dir_file_open(int rootfd, const char *path, int *ret_fd,
		  struct stat *ret_st)
{
	struct stat before;
	int fd, r;

	r = dir_stat(rootfd, path, &before);
	if (r == -ENOTDIR)
		return -ENOENT;   /* "file/x": no such thing */
	if (r < 0)
		return r;
	r = dir_check_type(&before);
	if (r < 0)
		return r;
	/* O_NONBLOCK: should a FIFO be swapped in between the two opens,
	   opening it must still not block; the check below refuses it. */
	r = dir_resolve(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, &fd);
	if (r < 0)
		return r == -ENOTDIR ? -ENOENT : r;
	if (fstat(fd, ret_st) < 0 || !S_ISREG(ret_st->st_mode) ||
	    ret_st->st_ino != before.st_ino || ret_st->st_dev != before.st_dev) {
		close(fd);
		return -EACCES;
	}
	*ret_fd = fd;
	return 0;
}

/* Report `name` in `dir` if it resolves, beneath the root, to a file or
   directory. */
static int dir_list_entry(int rootfd, const char *dir, const char *name,
			  dir_list_fn *fn, void *userdata)
{
	char path[FS_PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] ? "/" : "",
		     name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	if (dir_stat(rootfd, path, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return 0;
	return fn(userdata, name, &st);
}

int dir_list(int rootfd, const char *path, dir_list_fn *fn, void *userdata)
{
	struct dirent *de;
	DIR *d;
	int fd, r;

	/* O_DIRECTORY is checked before any driver's open runs. */
	r = dir_resolve(rootfd, path, O_RDONLY | O_DIRECTORY, &fd);
	if (r < 0)
		return r;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = dir_list_entry(rootfd, path, de->d_name, fn, userdata);
		if (r < 0)
			break;
	}
	closedir(d);
	return r < 0 ? r : 0;
}
