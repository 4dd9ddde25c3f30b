/* SPDX-License-Identifier: MIT */
/*
 * serve.h - the daemon's life: load the config, open every socket and
 * file, drop privileges, run the loop, reload on SIGHUP, stop on SIGTERM.
 */
#ifndef PXED_SERVE_H
#define PXED_SERVE_H

#include "config.h"

int serve_run(const char *config_path);

/*
 * Checks that need the filesystem (state dir, roots, ISO images), for
 * `pxed check`; problems are printed as FILE:LINE: message.
 */
int serve_check_resources(const struct config *config);

#endif
