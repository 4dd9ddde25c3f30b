/* SPDX-License-Identifier: MIT */
/*
 * boot/oneshot.h - `pxed serve --iso FILE --interface IF`: everything
 * from one command, no config file. The interface gives the address and
 * the subnet, the image its tree and profile (boot/import.h), and a
 * kickstart or preseed is written for it (boot/kickstart.h) unless the
 * installer's own menu is asked for. The result is an ordinary config
 * file, which --print-config shows so a user can grow from the command to
 * a file.
 */
#ifndef PXED_BOOT_ONESHOT_H
#define PXED_BOOT_ONESHOT_H

#include <stdbool.h>

struct oneshot_opts {
	const char *iso;
	const char *interface;
	const char *state_dir;       /* NULL: /var/lib/pxed */
	const char *password_file;   /* root password for the kickstart */
	bool proxy;                  /* proxyDHCP: another server owns
					addresses */
	bool interactive;            /* the installer's menu, no kickstart */
};

/*
 * Write the kickstart (if any) and the config into the state directory;
 * 0 and the config's malloc'ed path, or a negative errno after saying why
 * on stderr.
 */
int oneshot_prepare(const struct oneshot_opts *o, char **ret_config_path);

#endif
