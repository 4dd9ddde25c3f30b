/* SPDX-License-Identifier: MIT */
/* serve.c - see serve.h */
#include "serve.h"

#include "log.h"
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct daemon {
	struct loop *loop;
	struct config *config;
	const char *config_path;
};

static void log_diags(const struct config_diags *d)
{
	for (size_t i = 0; i < d->len; i++)
		log_error("%s:%u: %s", d->items[i].file, d->items[i].line,
			  d->items[i].message);
}

static int load_config(const char *path, struct config **ret)
{
	struct config_diags diags = { 0 };
	int r;

	r = config_load(path, ret, &diags);
	log_diags(&diags);
	config_diags_clear(&diags);
	return r;
}

int serve_check_resources(const struct config *config)
{
	(void)config;
	return 0;
}

static void on_stop(struct loop *loop, int signo, void *data)
{
	(void)data;
	log_info("%s received, stopping", strsignal(signo));
	loop_quit(loop);
}

static void on_reload(struct loop *loop, int signo, void *data)
{
	struct daemon *d = data;
	struct config *config;

	(void)loop;
	(void)signo;
	log_info("reloading %s", d->config_path);
	if (load_config(d->config_path, &config) < 0) {
		log_error("reload failed; the running configuration stays in "
			  "force");
		return;
	}
	config_free(d->config);
	d->config = config;
	log_info("configuration reloaded");
}

int serve_run(const char *config_path)
{
	struct daemon d = { .config_path = config_path };
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = load_config(config_path, &d.config);
	if (r < 0)
		return r;
	r = loop_new(&d.loop);
	if (r < 0)
		goto out;
	if ((r = loop_signal_add(d.loop, SIGTERM, on_stop, &d)) < 0 ||
	    (r = loop_signal_add(d.loop, SIGINT, on_stop, &d)) < 0 ||
	    (r = loop_signal_add(d.loop, SIGHUP, on_reload, &d)) < 0) {
		log_error("cannot set up signals: %s", strerror(-r));
		goto out;
	}
	log_info("pxed started");
	r = loop_run(d.loop);
out:
	loop_free(d.loop);
	config_free(d.config);
	return r;
}
