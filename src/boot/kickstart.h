/* SPDX-License-Identifier: MIT */
/*
 * boot/kickstart.h - a minimal automated install, written for the tree it
 * will be served with: an Anaconda kickstart (RHEL and its family) or a
 * debian-installer preseed. The output is a pxed template: ${tree_url}
 * (and ${server}, ${tree} in a preseed) are filled in per client when the
 * profile's `kickstart` serves it.
 */
#ifndef PXED_BOOT_KICKSTART_H
#define PXED_BOOT_KICKSTART_H

enum kickstart_format {
	KICKSTART_ANACONDA,
	KICKSTART_PRESEED,
};

struct kickstart_opts {
	enum kickstart_format format;
	const char *root_hash;   /* crypt(3) hash; NULL: root locked */
	const char *timezone;    /* NULL: UTC */
	const char *lang;        /* NULL: en_US.UTF-8 */
	const char *keyboard;    /* NULL: us */
	const char *packages;    /* comma or space separated; NULL: none */
	const char *disk;        /* NULL or "auto": every disk; else sda */
};

/*
 * Render. 0 and a malloc'ed text; -EINVAL with a static reason in
 * *ret_reason when a value could break the file (a newline, a quote, a
 * character no such value has).
 */
int kickstart_render(const struct kickstart_opts *o, char **ret,
		     const char **ret_reason);

/* SHA-512 crypt(3) of `plain` with a random salt: 0 and malloc'ed. */
int kickstart_hash_password(const char *plain, char **ret);

/*
 * `pxed kickstart`: hash the first line of `password_file` if given
 * (instead of o->root_hash), render, write to `out` (NULL: stdout).
 * 0, or a negative errno after saying why on stderr.
 */
int kickstart_run(struct kickstart_opts *o, const char *password_file,
		  const char *out);

#endif
