/* SPDX-License-Identifier: MIT */
/*
 * serve.c - see serve.h. The order matters: everything that needs root
 * (ports below 1024, the packet socket, the state directory) happens
 * before privileges are dropped, and nothing after.
 */
#include "serve.h"

#include "boot/profile.h"
#include "dhcp/service.h"
#include "fs/namespace.h"
#include "http/server.h"
#include "log.h"
#include "loop.h"
#include "privdrop.h"
#include "ra/service.h"
#include "sandbox.h"
#include "tftp/server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct daemon {
	struct loop *loop;
	struct config *config;
	const char *config_path;
	struct dhcp_service *dhcp;
	struct ra_service *ra;
	struct fs_namespace *fs;
	struct boot_profiles *boot;    /* generators in fs use it */
	struct tftp_server *tftp;
	struct http_server *http;
	struct http_site *http_site;   /* built, not yet served */
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

/*
 * The state directory (and the lease database in it) must belong to the
 * user we run as, so that SQLite can write its journal after the drop.
 */
static int state_dir_prepare(const char *dir, bool chown_to, unsigned uid,
			     unsigned gid)
{
	struct dirent *e;
	DIR *d;
	int dfd;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		log_error("cannot create state-dir %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!chown_to)
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fchown(dfd, uid, gid) < 0) {
		log_error("cannot give state-dir %s to uid %u: %s", dir, uid,
			  strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -errno;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "leases.sqlite", 13))
			fchownat(dirfd(d), e->d_name, uid, gid,
				 AT_SYMLINK_NOFOLLOW);
	closedir(d);
	return 0;
}

static void on_stop(struct loop *loop, int signo, void *data)
{
	(void)data;
	log_info("%s received, stopping", strsignal(signo));
	loop_quit(loop);
}

/*
 * The served namespace for `config`, with the boot profiles' generated
 * files in it; its error names the file:line.
 */
static int fs_build(const struct config *config, struct fs_namespace **ret,
		    struct boot_profiles **ret_boot)
{
	char *error = NULL;
	int r = fs_namespace_new(config, ret, &error);

	*ret_boot = NULL;
	if (r >= 0) {
		r = boot_profiles_new(config, *ret, ret_boot, &error);
		if (r < 0)
			*ret = fs_namespace_free(*ret);
	}
	if (r < 0)
		log_error("%s", error ? error : strerror(-r));
	free(error);
	return r;
}

/*
 * What HTTP serves from `fs`: templates are found and compiled here. Only
 * if HTTP runs (or is about to); [http] enable takes effect on restart.
 */
static int http_site_build(bool wanted, const struct config *config,
			   struct fs_namespace *fs, struct http_site **ret)
{
	char *error = NULL;
	int r;

	*ret = NULL;
	if (!wanted)
		return 0;
	r = http_site_new(config, fs, ret, &error);
	if (r < 0)
		log_error("http: %s", error ? error : strerror(-r));
	free(error);
	return r;
}

/* Roots and images open, templates compile: what serving would need. */
int serve_check_resources(const struct config *config)
{
	struct fs_namespace *fs;
	struct boot_profiles *boot;
	struct http_site *site;
	int r;

	r = fs_build(config, &fs, &boot);
	if (r < 0)
		return r;
	r = http_site_build(config->http.enabled, config, fs, &site);
	http_site_free(site);
	fs_namespace_free(fs);
	boot_profiles_free(boot);
	return r;
}

static void on_reload(struct loop *loop, int signo, void *data)
{
	struct daemon *d = data;
	struct config *config;
	struct fs_namespace *fs;
	struct boot_profiles *boot;
	struct http_site *site;

	(void)loop;
	(void)signo;
	log_info("reloading %s", d->config_path);
	if (load_config(d->config_path, &config) < 0) {
		log_error("reload failed; the running configuration stays in "
			  "force");
		return;
	}
	if (fs_build(config, &fs, &boot) < 0) {
		log_error("reload failed; the running configuration stays in "
			  "force");
		config_free(config);
		return;
	}
	if (http_site_build(d->http != NULL, config, fs, &site) < 0 ||
	    (d->dhcp && dhcp_service_reload(d->dhcp, config) < 0)) {
		log_error("reload failed; the running configuration stays in "
			  "force");
		http_site_free(site);
		fs_namespace_free(fs);
		boot_profiles_free(boot);
		config_free(config);
		return;
	}
	if (d->tftp)
		tftp_server_reload(d->tftp, config, fs);
	/* Before the old namespace and config go: see http_server_swap. */
	if (d->http)
		http_server_swap(d->http, site);
	fs_namespace_free(d->fs);
	d->fs = fs;
	boot_profiles_free(d->boot);
	d->boot = boot;
	config_free(d->config);
	d->config = config;
	log_info("configuration reloaded");
}

static int services_start(struct daemon *d)
{
	const struct config *c = d->config;
	unsigned uid = 0, gid = 0;
	int r;

	if (c->server.user && privdrop_lookup(c->server.user, &uid, &gid) < 0)
		return -EINVAL;
	if (c->n_subnets) {
		r = state_dir_prepare(c->server.state_dir, false, 0, 0);
		if (r < 0)
			return r;
	}
	r = dhcp_service_start(d->loop, c, &d->dhcp);
	if (r < 0)
		return r;
	if (c->n_subnets)
		ra_service_start(d->loop, c, &d->ra);
	r = fs_build(c, &d->fs, &d->boot);
	if (r < 0)
		return r;
	r = http_site_build(c->http.enabled, c, d->fs, &d->http_site);
	if (r < 0)
		return r;
	/* The port is bound now, as root; the threads start after the drop. */
	if (c->http.enabled) {
		r = http_server_new(c, &d->http);
		if (r < 0)
			return r;
	}
	if (c->tftp.enabled) {
		r = tftp_server_new(d->loop, c, d->fs, &d->tftp);
		if (r < 0)
			return r;
	}
	if (!c->server.user) {
		if (geteuid() == 0)
			log_warn("running as root: set [server] user to drop "
				 "privileges");
		return 0;
	}
	if (c->n_subnets) {
		r = state_dir_prepare(c->server.state_dir, true, uid, gid);
		if (r < 0)
			return r;
	}
	r = privdrop_apply(uid, gid);
	if (r < 0)
		return r;
	log_info("running as %s (uid %u), no capabilities", c->server.user, uid);
	return 0;
}

/* Before any input is read; the threads that exist already get it too. */
static void sandbox_start(void)
{
	int r = sandbox_apply();

	if (r < 0)
		log_warn("no system call filter: %s", strerror(-r));
	else
		log_info("system call filter on: %d calls denied (exec, "
			 "ptrace, mount, modules, bpf, ...)", r);
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
	r = services_start(&d);
	if (r < 0)
		goto out;
	sandbox_start();
	if (d.http) {
		/* Templates know a client's MAC from its DHCP lease. */
		if (d.dhcp)
			http_server_set_host_lookup(d.http,
						    dhcp_service_client_lookup,
						    d.dhcp);
		r = http_server_start(d.http, d.http_site);
		d.http_site = NULL;
		if (r < 0)
			goto out;
	}
	log_info("pxed started");
	r = loop_run(d.loop);
out:
	/* HTTP's threads may still ask DHCP about clients: they go first. */
	d.http = http_server_free(d.http);
	d.dhcp = dhcp_service_stop(d.dhcp);
	d.ra = ra_service_stop(d.ra);
	d.tftp = tftp_server_free(d.tftp);
	d.http_site = http_site_free(d.http_site);
	d.fs = fs_namespace_free(d.fs);
	d.boot = boot_profiles_free(d.boot);
	loop_free(d.loop);
	config_free(d.config);
	if (r < 0)
		log_error("pxed stopped on an error");
	return r;
}
