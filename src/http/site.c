/* SPDX-License-Identifier: MIT */
/* site.c - see site.h */
#include "http/site.h"
#include "http/listing.h"
#include "http/template.h"

#include "config.h"
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deeper directories are not searched for templates. */
#define SITE_MAX_DEPTH 8
/* A template is a text file; anything bigger is a mistake. */
#define SITE_MAX_TEMPLATE (1024 * 1024)

/* The order of the values passed to render; tree ones last (see below). */
static const char *const site_vars[] = {
	"server", "server_url", "client_ip", "host", "mac", "tree", "tree_url",
};
#define SITE_N_VARS (sizeof(site_vars) / sizeof(site_vars[0]))
/* Outside a tree, tree and tree_url do not exist: using one is an error. */
#define SITE_N_ROOT_VARS (SITE_N_VARS - 2)

struct site_template {
	const struct http_site *site;
	struct http_template *tmpl;
	const char *tree;          /* the config's tree name, or NULL */
};

struct http_site {
	const struct config *cfg;
	struct fs_namespace *ns;
	struct site_template **templates;
	size_t n_templates;
};

/* Walking state: the directory, percent-encoded and as names. */
struct site_walk {
	struct http_site *site;
	char **error;
	const char *url;           /* "/a%20b/", for fs_list and fs_open */
	const char *names;         /* "a b/", for generator paths */
	const char *tree;
	unsigned depth;
};

const struct fs_namespace *http_site_namespace(const struct http_site *site)
{
	return site->ns;
}

void http_site_identify(const struct http_site *site,
			http_host_lookup_fn *lookup, void *data,
			struct http_client *client)
{
	const struct config *cfg = site->cfg;
	uint32_t ip = ntohl(client->fs.addr.s_addr);

	client->host[0] = '\0';
	if (lookup && lookup(data, client->fs.addr, client->host,
			     sizeof(client->host), client->fs.mac)) {
		const struct config_host *h;

		client->fs.has_mac = true;
		h = config_host_by_mac(cfg, client->fs.mac);
		if (!client->host[0] && h)
			snprintf(client->host, sizeof(client->host), "%s",
				 h->name);
		return;
	}
	for (size_t i = 0; i < cfg->n_hosts; i++) {
		const struct config_host *h = &cfg->hosts[i];

		if (!h->ip || h->ip != ip)
			continue;
		snprintf(client->host, sizeof(client->host), "%s", h->name);
		if (h->has_mac) {
			memcpy(client->fs.mac, h->mac, 6);
			client->fs.has_mac = true;
		}
		return;
	}
}

/* Generators get a client from http/server.c only: see struct http_client. */
static int template_generate(const char *rest, const struct fs_client *fc,
			     void *userdata, struct fs_file *ret)
{
	const struct site_template *t = userdata;
	const struct http_client *c = container_of(fc, struct http_client, fs);
	const struct config *cfg = t->site->cfg;
	char server[INET_ADDRSTRLEN], client_ip[INET_ADDRSTRLEN], mac[18] = "";
	char server_url[INET_ADDRSTRLEN + 16], *tree_url = NULL;
	const char *values[SITE_N_VARS];
	char *text;
	size_t len;
	struct in_addr srv = cfg->server.address.s_addr ? cfg->server.address
							 : c->local;
	int r;

	(void)rest;
	inet_ntop(AF_INET, &srv, server, sizeof(server));
	inet_ntop(AF_INET, &fc->addr, client_ip, sizeof(client_ip));
	if (cfg->http.port == 80)
		snprintf(server_url, sizeof(server_url), "http://%s", server);
	else
		snprintf(server_url, sizeof(server_url), "http://%s:%u", server,
			 cfg->http.port);
	if (fc->has_mac)
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 fc->mac[0], fc->mac[1], fc->mac[2], fc->mac[3],
			 fc->mac[4], fc->mac[5]);
	if (t->tree && asprintf(&tree_url, "%s/%s/", server_url, t->tree) < 0)
		return -ENOMEM;
	values[0] = server;
	values[1] = server_url;
	values[2] = client_ip;
	values[3] = c->host;
	values[4] = mac;
	values[5] = t->tree ? t->tree : "";
	values[6] = tree_url ? tree_url : "";
	r = http_template_render(t->tmpl, values, &text, &len);
	free(tree_url);
	if (r >= 0)
		fs_file_set_data(ret, text, len);
	return r;
}

/* The template's source is not served: it would show the raw variables. */
static int template_hide(const char *rest, const struct fs_client *fc,
			 void *userdata, struct fs_file *ret)
{
	(void)rest;
	(void)fc;
	(void)userdata;
	(void)ret;
	return -EACCES;
}

static int read_whole(const struct fs_file *f, char **ret)
{
	char *buf = malloc(f->size ? f->size : 1);
	uint64_t at = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	if (f->fd < 0)
		memcpy(buf, f->data, f->size);
	for (at = f->fd < 0 ? f->size : 0; at < f->size; at += (uint64_t)n) {
		n = pread(f->fd, buf + at, f->size - at,
			  (off_t)(f->offset + at));
		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -EIO;
		}
	}
	*ret = buf;
	return 0;
}

static int site_add_template(struct site_walk *w, struct site_template *t,
			     const char *names)
{
	struct http_site *s = w->site;
	size_t len = strlen(names) - strlen(HTTP_TEMPLATE_SUFFIX);
	struct fs_generator gen = {
		.protocols = 1u << FS_PROTO_HTTP,
		.generate = template_generate, .userdata = t,
	};
	struct site_template **arr;
	char *served;
	int r;

	arr = realloc(s->templates, (s->n_templates + 1) * sizeof(*arr));
	if (!arr) {
		http_template_free(t->tmpl);
		free(t);
		return -ENOMEM;
	}
	/* From here on the site owns t, also on failure. */
	s->templates = arr;
	s->templates[s->n_templates++] = t;
	served = strndup(names, len);
	if (!served)
		return -ENOMEM;
	gen.path = served;
	r = fs_namespace_add_generator(s->ns, &gen);
	free(served);
	if (r < 0)
		return r;
	gen = (struct fs_generator){
		.path = names,
		.protocols = (1u << FS_PROTO_HTTP) | (1u << FS_PROTO_TFTP),
		.generate = template_hide,
	};
	return fs_namespace_add_generator(s->ns, &gen);
}

static int site_load_template(struct site_walk *w, const char *url,
			      const char *names)
{
	struct fs_file f = FS_FILE_INIT;
	struct site_template *t;
	char *text = NULL, *why = NULL;
	size_t size;
	int r;

	r = fs_open(w->site->ns, FS_PROTO_HTTP, url, strlen(url), NULL, &f);
	if (r >= 0 && f.size > SITE_MAX_TEMPLATE)
		r = -EFBIG;
	if (r >= 0)
		r = read_whole(&f, &text);
	size = (size_t)f.size;
	fs_file_close(&f);
	if (r < 0) {
		if (asprintf(w->error, "template %s: %s", url,
			     strerror(-r)) < 0)
			*w->error = NULL;
		return r;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		free(text);
		return -ENOMEM;
	}
	*t = (struct site_template){ .site = w->site, .tree = w->tree };
	r = http_template_compile(text, size, site_vars,
				  w->tree ? SITE_N_VARS : SITE_N_ROOT_VARS,
				  &t->tmpl, &why);
	free(text);
	if (r < 0) {
		free(t);
		if (asprintf(w->error, "template %s: %s", url,
			     why ? why : strerror(-r)) < 0)
			*w->error = NULL;
		free(why);
		return r;
	}
	r = site_add_template(w, t, names);
	if (r < 0 && asprintf(w->error, "template %s: %s", url,
			      strerror(-r)) < 0)
		*w->error = NULL;
	return r;
}

static int site_walk_dir(struct site_walk *w);

/* Which tree a top-level directory is; *is_iso when it is an image. */
static const char *tree_named(const struct config *cfg, const char *name,
			      bool *is_iso)
{
	for (size_t i = 0; i < cfg->n_trees; i++)
		if (!strcmp(cfg->trees[i].name, name)) {
			*is_iso = cfg->trees[i].iso != NULL;
			return cfg->trees[i].name;
		}
	*is_iso = false;
	return NULL;
}

static int site_visit(struct site_walk *w, const struct fs_dirent *e)
{
	size_t len = strlen(e->name), sfx = strlen(HTTP_TEMPLATE_SUFFIX);
	struct site_walk sub = *w;
	char *url = NULL, *names = NULL;
	size_t url_len;
	FILE *f;
	bool is_iso = false;
	int r;

	if (e->is_dir && w->depth == 0)
		sub.tree = tree_named(w->site->cfg, e->name, &is_iso);
	if (is_iso || (e->is_dir && w->depth >= SITE_MAX_DEPTH) ||
	    (!e->is_dir && (len <= sfx ||
			    strcmp(e->name + len - sfx, HTTP_TEMPLATE_SUFFIX))))
		return 0;
	f = open_memstream(&url, &url_len);
	if (!f)
		return -ENOMEM;
	fputs(w->url, f);
	http_put_url_component(f, e->name, len);
	fputs(e->is_dir ? "/" : "", f);
	r = fclose(f) ? -ENOMEM : 0;
	if (!r && asprintf(&names, "%s%s%s", w->names, e->name,
			   e->is_dir ? "/" : "") < 0)
		r = -ENOMEM;
	if (!r && e->is_dir) {
		sub.url = url;
		sub.names = names;
		sub.depth++;
		r = site_walk_dir(&sub);
	} else if (!r) {
		r = site_load_template(w, url, names);
	}
	free(url);
	free(names);
	return r;
}

static int site_walk_dir(struct site_walk *w)
{
	struct fs_listing l = { 0 };
	int r;

	r = fs_list(w->site->ns, FS_PROTO_HTTP, w->url, strlen(w->url), &l);
	if (r < 0)
		/* Unlistable (a symlink out, no http root): nothing to find. */
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; i < l.len && r >= 0; i++)
		r = site_visit(w, &l.items[i]);
	fs_listing_clear(&l);
	return r;
}

int http_site_new(const struct config *cfg, struct fs_namespace *ns,
		  struct http_site **ret, char **ret_error)
{
	struct http_site *s;
	struct site_walk w;
	int r;

	*ret_error = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = cfg;
	s->ns = ns;
	w = (struct site_walk){ .site = s, .error = ret_error, .url = "/",
				.names = "" };
	r = site_walk_dir(&w);
	if (r < 0) {
		http_site_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

struct http_site *http_site_free(struct http_site *site)
{
	if (!site)
		return NULL;
	for (size_t i = 0; i < site->n_templates; i++) {
		http_template_free(site->templates[i]->tmpl);
		free(site->templates[i]);
	}
	free(site->templates);
	free(site);
	return NULL;
}
