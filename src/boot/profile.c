/* SPDX-License-Identifier: MIT */
/*
 * boot/profile.c - see profile.h. Generators run in any thread (TFTP's
 * loop, HTTP's pool): everything they read is built here, before the
 * namespace is published, and never changed.
 *
 * Where the client reaches us (for ${tree_url} and iPXE's URLs) is the
 * [server] address, else our address on the client's subnet, else our
 * first one: TFTP does not tell which local address a request came to.
 */
#include "boot/profile.h"

#include "boot/import.h"
#include "boot/menu.h"
#include "http/template.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SERVER_ADDRS 16

struct server_addr {
	uint32_t addr;           /* host byte order */
	uint32_t mask;
};

struct loader_file {
	const char *path;
};

/* Kernel and initrd of a profile that names none: from its tree. */
struct found_paths {
	char kernel[IMPORT_STR_MAX];
	char initrd[IMPORT_STR_MAX];
};

struct boot_profiles {
	const struct config *config;
	/* config->profiles with kernel and initrd filled in; what is served */
	struct config_profile *profiles;
	struct found_paths *found;
	struct server_addr servers[MAX_SERVER_ADDRS];
	size_t n_servers;
	struct http_template **kickstarts;   /* by profile index, or NULL */
	struct loader_file loaders[CONFIG_LOADERS];
};

/* --- what a client is --- */

/*
 * "52-54-00-12-34-56" (pxelinux and iPXE's hexhyp) or with ':' (GRUB's
 * $net_default_mac), either case.
 */
static bool parse_mac(const char *s, size_t len, char sep, uint8_t mac[6])
{
	unsigned b[6];

	if (len != 17)
		return false;
	for (size_t i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != sep : !strchr("0123456789abcdefABCDEF",
							s[i]))
			return false;
	if (sscanf(s, "%2x%*c%2x%*c%2x%*c%2x%*c%2x%*c%2x", &b[0], &b[1],
		   &b[2], &b[3], &b[4], &b[5]) != 6)
		return false;
	for (size_t i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

/* A client named by its address only: a [host] with that fixed ip. */
static const struct config_host *host_by_client(const struct config *c,
						const struct fs_client *fc)
{
	uint32_t ip = fc ? ntohl(fc->addr.s_addr) : 0;

	if (fc && fc->has_mac)
		return config_host_by_mac(c, fc->mac);
	for (size_t i = 0; ip && i < c->n_hosts; i++)
		if (c->hosts[i].ip == ip)
			return &c->hosts[i];
	return NULL;
}

/* The served copy of `h`'s profile, or NULL. */
static const struct config_profile *served_profile(
	const struct boot_profiles *b, const struct config_host *h)
{
	const struct config_profile *pr =
		h->profile ? config_profile_find(b->config, h->profile) : NULL;

	return pr ? &b->profiles[pr - b->config->profiles] : NULL;
}

struct view_bufs {
	char server[INET_ADDRSTRLEN];
	char url[INET_ADDRSTRLEN + 16];
	char mac[18];
};

static void view_init(const struct boot_profiles *b,
		      const struct fs_client *fc, const struct config_host *h,
		      struct boot_view *v, struct view_bufs *bufs)
{
	const struct config *c = b->config;
	uint32_t ip = fc ? ntohl(fc->addr.s_addr) : 0, srv = 0;
	struct in_addr a;

	for (size_t i = 0; i < b->n_servers && !srv; i++)
		if ((ip & b->servers[i].mask) ==
		    (b->servers[i].addr & b->servers[i].mask))
			srv = b->servers[i].addr;
	if (!srv && b->n_servers)
		srv = b->servers[0].addr;
	a.s_addr = htonl(srv);
	inet_ntop(AF_INET, &a, bufs->server, sizeof(bufs->server));
	if (c->http.port == 80)
		snprintf(bufs->url, sizeof(bufs->url), "http://%s",
			 bufs->server);
	else
		snprintf(bufs->url, sizeof(bufs->url), "http://%s:%u",
			 bufs->server, c->http.port);
	bufs->mac[0] = '\0';
	if (h && h->has_mac)
		snprintf(bufs->mac, sizeof(bufs->mac),
			 "%02x:%02x:%02x:%02x:%02x:%02x", h->mac[0], h->mac[1],
			 h->mac[2], h->mac[3], h->mac[4], h->mac[5]);
	*v = (struct boot_view){
		.config = c,
		.profiles = b->profiles,
		.n_profiles = c->n_profiles,
		.profile = h ? served_profile(b, h) : NULL,
		.server = bufs->server,
		.server_url = bufs->url,
		.mac = bufs->mac,
		.host = h ? h->name : "",
		.has_menu_c32 = b->loaders[CONFIG_LOADER_MENU].path != NULL,
	};
}

/*
 * Render `fmt` for the host named by `name_mac` (NULL: by the request's
 * client). A MAC without a profile declines when `decline` is set, so
 * the loader tries its next name and ends at the menu.
 */
static int render_for(const struct boot_profiles *b, enum boot_menu_format fmt,
		      const char *name_mac, size_t mac_len, bool decline,
		      const struct fs_client *fc, struct fs_file *ret)
{
	const struct config_host *h;
	struct view_bufs bufs;
	struct boot_view v;
	uint8_t mac[6];
	size_t len;
	char *text;
	int r;

	if (name_mac) {
		if (!parse_mac(name_mac, mac_len, '-', mac))
			return -ENOENT;
		h = config_host_by_mac(b->config, mac);
	} else {
		h = host_by_client(b->config, fc);
	}
	view_init(b, fc, h, &v, &bufs);
	if (name_mac && !v.profile) {
		if (decline)
			return -ENOENT;
		/* Still say who it is, for ${mac} in the menu's lines. */
		snprintf(bufs.mac, sizeof(bufs.mac), "%.17s", name_mac);
		for (char *p = bufs.mac; *p; p++)
			*p = *p == '-' ? ':' : *p;
	}
	r = boot_menu_render(fmt, &v, &text, &len);
	if (r >= 0)
		fs_file_set_data(ret, text, len);
	return r;
}

/* --- generators --- */

static int gen_pxelinux(const char *rest, const struct fs_client *fc,
			void *userdata, struct fs_file *ret)
{
	if (!strcmp(rest, "default"))
		return render_for(userdata, BOOT_MENU_PXELINUX, NULL, 0, false,
				  NULL, ret);
	/* "01-" is ARP type 1 (Ethernet), as pxelinux asks. */
	if (strncmp(rest, "01-", 3))
		return -ENOENT;
	return render_for(userdata, BOOT_MENU_PXELINUX, rest + 3,
			  strlen(rest + 3), true, fc, ret);
}

/* grub/mac/52:54:00:12:34:56: see boot_grub_hook_render. */
static int grub_hook(const struct boot_profiles *b, const char *mac_colons,
		     struct fs_file *ret)
{
	const struct config_host *h;
	char hyphens[18], *text;
	uint8_t mac[6];
	size_t len;
	int r;

	if (!parse_mac(mac_colons, strlen(mac_colons), ':', mac))
		return -ENOENT;
	snprintf(hyphens, sizeof(hyphens), "%02x-%02x-%02x-%02x-%02x-%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	h = config_host_by_mac(b->config, mac);
	r = boot_grub_hook_render(h ? served_profile(b, h) : NULL, hyphens,
				  &text, &len);
	if (r >= 0)
		fs_file_set_data(ret, text, len);
	return r;
}

static int gen_grub(const char *rest, const struct fs_client *fc,
		    void *userdata, struct fs_file *ret)
{
	if (!strncmp(rest, "mac/", 4))
		return grub_hook(userdata, rest + 4, ret);
	if (!strcmp(rest, "grub.cfg"))
		return render_for(userdata, BOOT_MENU_GRUB, NULL, 0, false, fc,
				  ret);
	if (strncmp(rest, "grub.cfg-01-", 12))
		return -ENOENT;
	return render_for(userdata, BOOT_MENU_GRUB, rest + 12,
			  strlen(rest + 12), true, fc, ret);
}

static int gen_ipxe(const char *rest, const struct fs_client *fc,
		    void *userdata, struct fs_file *ret)
{
	size_t len = strlen(rest);

	if (len < 5 || strcmp(rest + len - 5, ".ipxe"))
		return -ENOENT;
	/* iPXE has no next name to try: a MAC without a profile gets the menu. */
	return render_for(userdata, BOOT_MENU_IPXE, rest, len - 5, false, fc,
			  ret);
}

static int gen_ipxe_entry(const char *rest, const struct fs_client *fc,
			  void *userdata, struct fs_file *ret)
{
	size_t len;
	char *text;
	int r;

	(void)rest;
	(void)fc;
	(void)userdata;
	r = boot_ipxe_entry_render(&text, &len);
	if (r >= 0)
		fs_file_set_data(ret, text, len);
	return r;
}

static int gen_kickstart(const char *rest, const struct fs_client *fc,
			 void *userdata, struct fs_file *ret)
{
	const struct boot_profiles *b = userdata;
	const struct config *c = b->config;
	size_t len = strlen(rest);
	struct boot_values vals;
	struct view_bufs bufs;
	struct boot_view v;
	size_t text_len;
	char *text;
	int r;

	if (len < 4 || strcmp(rest + len - 3, ".ks"))
		return -ENOENT;
	for (size_t i = 0; i < c->n_profiles; i++) {
		const struct config_profile *pr = &b->profiles[i];

		if (!b->kickstarts[i] || strlen(pr->name) != len - 3 ||
		    strncmp(pr->name, rest, len - 3))
			continue;
		view_init(b, fc, host_by_client(c, fc), &v, &bufs);
		boot_values_fill(&v, pr, &vals);
		r = http_template_render(b->kickstarts[i], vals.v, &text,
					 &text_len);
		if (r >= 0)
			fs_file_set_data(ret, text, text_len);
		return r;
	}
	return -ENOENT;
}

/*
 * Opened per request, so a loader updated by the package manager is
 * served, and sent from the file: never the whole loader in memory.
 * O_NONBLOCK: a FIFO in its place must not block before it is refused.
 */
static int gen_loader(const char *rest, const struct fs_client *fc,
		      void *userdata, struct fs_file *ret)
{
	const struct loader_file *l = userdata;
	int fd;

	(void)rest;
	(void)fc;
	fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -ENOENT;
	return fs_file_set_fd(ret, fd);
}

/* --- building --- */

static int fail(char **ret_error, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_error, fmt, ap) < 0)
		*ret_error = NULL;
	va_end(ap);
	return r;
}

/* Our IPv4 addresses, unless [server] address says which one to use. */
static void servers_collect(struct boot_profiles *b)
{
	const struct config *c = b->config;
	struct ifaddrs *ifs, *i;

	if (c->server.address.s_addr) {
		b->servers[b->n_servers++] = (struct server_addr){
			ntohl(c->server.address.s_addr), 0 };
		return;
	}
	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i && b->n_servers < MAX_SERVER_ADDRS; i = i->ifa_next) {
		const struct sockaddr_in *a = (void *)i->ifa_addr;
		const struct sockaddr_in *m = (void *)i->ifa_netmask;

		if (!a || a->sin_family != AF_INET || !m ||
		    ntohl(a->sin_addr.s_addr) >> 24 == 127)
			continue;
		b->servers[b->n_servers++] = (struct server_addr){
			ntohl(a->sin_addr.s_addr), ntohl(m->sin_addr.s_addr) };
	}
	freeifaddrs(ifs);
}

static int check_in_tree(const struct fs_namespace *ns,
			 const struct config_profile *pr, const char *what,
			 const char *path, char **ret_error)
{
	struct fs_file f = FS_FILE_INIT;
	char *full;
	int r;

	if (asprintf(&full, "%s/%s", pr->tree, path) < 0)
		return -ENOMEM;
	r = fs_open(ns, FS_PROTO_TFTP, full, strlen(full), NULL, &f);
	free(full);
	fs_file_close(&f);
	if (r < 0)
		return fail(ret_error, r, "%s:%u: profile %s: %s %s is not in "
			    "tree %s (%s)", pr->file, pr->line, pr->name, what,
			    path, pr->tree, strerror(-r));
	return 0;
}

static int read_text(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re"), *out;
	char buf[4096];
	size_t n;
	int r = 0;

	if (!f)
		return -errno;
	out = open_memstream(ret, ret_len);
	if (!out) {
		fclose(f);
		return -ENOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	if (ferror(f))
		r = -EIO;
	fclose(out);
	fclose(f);
	if (r < 0)
		free(*ret);
	return r;
}

static int kickstart_compile(const struct config_profile *pr,
			     struct http_template **ret, char **ret_error)
{
	char *text, *error = NULL;
	size_t len;
	int r;

	r = read_text(pr->kickstart, &text, &len);
	if (r < 0)
		return fail(ret_error, r, "%s:%u: profile %s: kickstart %s: %s",
			    pr->file, pr->line, pr->name, pr->kickstart,
			    strerror(-r));
	r = http_template_compile(text, len, boot_var_names, BOOT_VARS, ret,
				  &error);
	free(text);
	if (r < 0)
		r = fail(ret_error, r, "%s:%u: profile %s: kickstart %s: %s",
			 pr->file, pr->line, pr->name, pr->kickstart,
			 error ? error : strerror(-r));
	free(error);
	return r;
}

static int append_check(const struct config_profile *pr, char **ret_error)
{
	struct http_template *t = NULL;
	char *error = NULL;
	int r;

	if (!pr->append)
		return 0;
	r = http_template_compile(pr->append, strlen(pr->append),
				  boot_var_names, BOOT_VARS, &t, &error);
	http_template_free(t);
	if (r < 0)
		r = fail(ret_error, r, "%s:%u: profile %s: append: %s",
			 pr->file, pr->append_line, pr->name,
			 error ? error : strerror(-r));
	free(error);
	return r;
}

/* A tree of the namespace as boot/import.h reads it. */
struct tree_source {
	const struct fs_namespace *ns;
	const char *tree;
};

static int tree_open(const struct tree_source *t, const char *path,
		     struct fs_file *f)
{
	char *full;
	int r;

	if (asprintf(&full, "%s/%s", t->tree, path) < 0)
		return -ENOMEM;
	r = fs_open(t->ns, FS_PROTO_TFTP, full, strlen(full), NULL, f);
	free(full);
	return r;
}

static int tree_read(void *data, const char *path, char **ret,
		     size_t *ret_len)
{
	struct fs_file f = FS_FILE_INIT;
	int r = tree_open(data, path, &f);

	if (r >= 0 && f.size > IMPORT_FILE_MAX)
		r = -EFBIG;
	if (r >= 0 && !(*ret = malloc(f.size ? f.size : 1)))
		r = -ENOMEM;
	if (r >= 0 && f.fd < 0)
		memcpy(*ret, f.data, f.size);
	else if (r >= 0 &&
		 pread(f.fd, *ret, f.size, (off_t)f.offset) != (ssize_t)f.size) {
		free(*ret);
		r = -EIO;
	}
	*ret_len = f.size;
	fs_file_close(&f);
	return r;
}

static bool tree_exists(void *data, const char *path)
{
	struct fs_file f = FS_FILE_INIT;
	int r = tree_open(data, path, &f);

	fs_file_close(&f);
	return r >= 0;
}

/* A profile without kernel or initrd boots what its tree says. */
static int profile_complete(struct boot_profiles *b,
			    const struct fs_namespace *ns, size_t i,
			    char **ret_error)
{
	struct config_profile *pr = &b->profiles[i];
	struct tree_source t = { ns, pr->tree };
	const struct import_source src = { tree_read, tree_exists, &t };
	struct import_info info;
	int r;

	if (pr->kernel && pr->initrd)
		return 0;
	r = import_detect_source(&src, &info);
	if (r < 0)
		return fail(ret_error, r, "%s:%u: profile %s: no 'kernel' and "
			    "'initrd', and tree %s names none (looked for "
			    ".treeinfo, .discinfo, .disk/info)", pr->file,
			    pr->line, pr->name, pr->tree);
	memcpy(b->found[i].kernel, info.kernel, sizeof(info.kernel));
	memcpy(b->found[i].initrd, info.initrd, sizeof(info.initrd));
	if (!pr->kernel)
		pr->kernel = b->found[i].kernel;
	if (!pr->initrd)
		pr->initrd = b->found[i].initrd;
	return 0;
}

static int profiles_check(struct boot_profiles *b,
			  const struct fs_namespace *ns, char **ret_error)
{
	const struct config *c = b->config;
	int r;

	for (size_t i = 0; i < c->n_profiles; i++) {
		const struct config_profile *pr = &b->profiles[i];

		if ((r = profile_complete(b, ns, i, ret_error)) < 0 ||
		    (r = check_in_tree(ns, pr, "kernel", pr->kernel,
				       ret_error)) < 0 ||
		    (r = check_in_tree(ns, pr, "initrd", pr->initrd,
				       ret_error)) < 0 ||
		    (r = append_check(pr, ret_error)) < 0)
			return r;
		if (pr->kickstart &&
		    (r = kickstart_compile(pr, &b->kickstarts[i],
					   ret_error)) < 0)
			return r;
	}
	return 0;
}

static int generators_add(struct boot_profiles *b, struct fs_namespace *ns)
{
	const unsigned both = 1u << FS_PROTO_TFTP | 1u << FS_PROTO_HTTP;
	const struct fs_generator gens[] = {
		{ "pxelinux.cfg/", both, gen_pxelinux, b },
		/* syslinux.efi, served from efi64/, looks there. */
		{ "efi64/pxelinux.cfg/", both, gen_pxelinux, b },
		{ "grub/", both, gen_grub, b },
		{ "boot.ipxe", both, gen_ipxe_entry, b },
		{ "ipxe/", both, gen_ipxe, b },
		{ "ks/", both, gen_kickstart, b },
	};
	int r;

	for (size_t i = 0; i < sizeof(gens) / sizeof(gens[0]); i++) {
		r = fs_namespace_add_generator(ns, &gens[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < CONFIG_LOADERS; i++) {
		struct fs_generator g = {
			config_loader_name(i), both, gen_loader, &b->loaders[i]
		};

		b->loaders[i].path = b->config->bootloaders.path[i];
		if (b->loaders[i].path &&
		    (r = fs_namespace_add_generator(ns, &g)) < 0)
			return r;
	}
	return 0;
}

/*
 * Loaders are found on the machine, so a missing one is no config error;
 * but clients of that kind will get no boot file: say which package.
 */
static void loaders_warn(const struct config *c)
{
	static const struct {
		enum config_loader loader;
		const char *what;
	} needed[] = {
		{ CONFIG_LOADER_PXELINUX, "BIOS clients (package pxelinux)" },
		{ CONFIG_LOADER_LDLINUX, "pxelinux (package syslinux-common)" },
		{ CONFIG_LOADER_GRUB_X64, "UEFI clients (package "
					  "grub-efi-amd64-bin)" },
		{ CONFIG_LOADER_IPXE_BIOS, "boot-via = ipxe (package ipxe)" },
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!c->bootloaders.path[needed[i].loader])
			log_warn("no %s found for %s; set it in [bootloaders]",
				 config_loader_name(needed[i].loader),
				 needed[i].what);
}

int boot_profiles_new(const struct config *config, struct fs_namespace *ns,
		      struct boot_profiles **ret, char **ret_error)
{
	struct boot_profiles *b;
	int r;

	*ret = NULL;
	*ret_error = NULL;
	if (!config->n_profiles)
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->config = config;
	b->kickstarts = calloc(config->n_profiles, sizeof(*b->kickstarts));
	b->found = calloc(config->n_profiles, sizeof(*b->found));
	b->profiles = malloc(config->n_profiles * sizeof(*b->profiles));
	if (!b->kickstarts || !b->found || !b->profiles) {
		boot_profiles_free(b);
		return -ENOMEM;
	}
	/* Shallow copies: the strings stay the config's, or found[]'s. */
	memcpy(b->profiles, config->profiles,
	       config->n_profiles * sizeof(*b->profiles));
	servers_collect(b);
	r = profiles_check(b, ns, ret_error);
	if (r >= 0)
		r = generators_add(b, ns);
	if (r >= 0)
		loaders_warn(config);
	if (r < 0) {
		boot_profiles_free(b);
		return r;
	}
	*ret = b;
	return 0;
}

struct boot_profiles *boot_profiles_free(struct boot_profiles *b)
{
	if (!b)
		return NULL;
	for (size_t i = 0; b->kickstarts && i < b->config->n_profiles; i++)
		http_template_free(b->kickstarts[i]);
	free(b->kickstarts);
	free(b->found);
	free(b->profiles);
	free(b);
	return NULL;
}
