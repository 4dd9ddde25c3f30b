/* SPDX-License-Identifier: MIT */
/*
 * boot/kickstart_run.c - `pxed kickstart`: the files around
 * kickstart_render (the password read from a file, never from the
 * command line where `ps` shows it; the output file).
 */
#include "boot/kickstart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_password(const char *path, char **ret)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	ssize_t n;

	*ret = NULL;
	if (!f)
		return -errno;
	n = getline(ret, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(*ret);
		return -ENODATA;
	}
	(*ret)[strcspn(*ret, "\r\n")] = '\0';
	return **ret ? 0 : -ENODATA;
}

static int write_out(const char *path, const char *text)
{
	FILE *f = path ? fopen(path, "we") : stdout;

	if (!f || fputs(text, f) < 0 || (path && fclose(f) != 0)) {
		fprintf(stderr, "pxed kickstart: cannot write %s: %s\n",
			path ? path : "stdout", strerror(errno));
		return -EIO;
	}
	return 0;
}

int kickstart_run(struct kickstart_opts *o, const char *password_file,
		  const char *out)
{
	char *plain = NULL, *hash = NULL, *text = NULL;
	const char *reason = NULL;
	int r = 0;

	if (password_file) {
		r = read_password(password_file, &plain);
		if (r < 0) {
			fprintf(stderr, "pxed kickstart: %s: %s\n",
				password_file, r == -ENODATA
				? "no password on its first line" : strerror(-r));
			return r;
		}
		r = kickstart_hash_password(plain, &hash);
		explicit_bzero(plain, strlen(plain));
		free(plain);
		if (r < 0) {
			fprintf(stderr, "pxed kickstart: cannot hash the "
				"password: %s\n", strerror(-r));
			return r;
		}
		o->root_hash = hash;
	}
	r = kickstart_render(o, &text, &reason);
	if (r == -EINVAL)
		fprintf(stderr, "pxed kickstart: %s\n", reason);
	if (r == 0)
		r = write_out(out, text);
	free(text);
	free(hash);
	return r;
}
