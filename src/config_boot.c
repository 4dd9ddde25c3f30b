/* SPDX-License-Identifier: MIT */
/*
 * config_boot.c - the sections about what clients boot: [profile NAME],
 * [menu] and [bootloaders], their cross-checks with [tree] and [host],
 * and the DHCP boot files they imply.
 *
 * Boot loaders are found where the distribution installs them (Debian's
 * pxelinux, syslinux-common, syslinux-efi, grub-efi-*-bin and ipxe
 * packages; RHEL's syslinux, grub2-efi and ipxe-bootimgs), so nobody
 * copies them into a TFTP root. A subnet that names no boot file at all
 * gets the loaders found here once profiles exist: that keeps dhcp/
 * unaware of profiles, and an explicit `filename` always wins.
 */
#include "config.h"
#include "config_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CANDIDATES 4

struct loader_info {
	const char *key;         /* in [bootloaders] */
	const char *name;        /* served as */
	const char *candidates[MAX_CANDIDATES];
};

static const struct loader_info loaders[CONFIG_LOADERS] = {
	[CONFIG_LOADER_PXELINUX] = { "pxelinux", "pxelinux.0", {
		"/usr/lib/PXELINUX/pxelinux.0",
		"/usr/share/syslinux/pxelinux.0" } },
	[CONFIG_LOADER_LDLINUX] = { "ldlinux", "ldlinux.c32", {
		"/usr/lib/syslinux/modules/bios/ldlinux.c32",
		"/usr/share/syslinux/ldlinux.c32" } },
	[CONFIG_LOADER_MENU] = { "menu", "menu.c32", {
		"/usr/lib/syslinux/modules/bios/menu.c32",
		"/usr/share/syslinux/menu.c32" } },
	[CONFIG_LOADER_LIBUTIL] = { "libutil", "libutil.c32", {
		"/usr/lib/syslinux/modules/bios/libutil.c32",
		"/usr/share/syslinux/libutil.c32" } },
	[CONFIG_LOADER_LIBCOM32] = { "libcom32", "libcom32.c32", {
		"/usr/lib/syslinux/modules/bios/libcom32.c32",
		"/usr/share/syslinux/libcom32.c32" } },
	/* The network GRUB: its prefix is /grub on the TFTP server. */
	[CONFIG_LOADER_GRUB_X64] = { "grub-x64", "grubx64.efi", {
		"/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed",
		"/usr/lib/grub/x86_64-efi/monolithic/grubnetx64.efi",
		"/boot/efi/EFI/redhat/grubx64.efi" } },
	[CONFIG_LOADER_GRUB_ARM64] = { "grub-arm64", "grubaa64.efi", {
		"/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed",
		"/usr/lib/grub/arm64-efi/monolithic/grubnetaa64.efi",
		"/boot/efi/EFI/redhat/grubaa64.efi" } },
	[CONFIG_LOADER_SYSLINUX_EFI64] = { "syslinux-efi64",
					   "efi64/syslinux.efi", {
		"/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi",
		"/usr/share/syslinux/efi64/syslinux.efi" } },
	[CONFIG_LOADER_LDLINUX_E64] = { "ldlinux-e64", "efi64/ldlinux.e64", {
		"/usr/lib/syslinux/modules/efi64/ldlinux.e64",
		"/usr/share/syslinux/efi64/ldlinux.e64" } },
	[CONFIG_LOADER_MENU_E64] = { "menu-efi64", "efi64/menu.c32", {
		"/usr/lib/syslinux/modules/efi64/menu.c32",
		"/usr/share/syslinux/efi64/menu.c32" } },
	[CONFIG_LOADER_LIBUTIL_E64] = { "libutil-efi64", "efi64/libutil.c32", {
		"/usr/lib/syslinux/modules/efi64/libutil.c32",
		"/usr/share/syslinux/efi64/libutil.c32" } },
	[CONFIG_LOADER_LIBCOM32_E64] = { "libcom32-efi64",
					 "efi64/libcom32.c32", {
		"/usr/lib/syslinux/modules/efi64/libcom32.c32",
		"/usr/share/syslinux/efi64/libcom32.c32" } },
	[CONFIG_LOADER_IPXE_BIOS] = { "ipxe-bios", "undionly.kpxe", {
		"/usr/lib/ipxe/undionly.kpxe",
		"/usr/share/ipxe/undionly.kpxe" } },
	[CONFIG_LOADER_IPXE_EFI] = { "ipxe-efi", "ipxe.efi", {
		"/usr/lib/ipxe/ipxe.efi",
		"/usr/share/ipxe/ipxe-x86_64.efi" } },
};

const char *config_loader_name(enum config_loader loader)
{
	return loader < CONFIG_LOADERS ? loaders[loader].name : NULL;
}

static bool is_regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int read_via(struct config_parser *p, const char *v,
		    enum config_boot_via *ret)
{
	if (!strcmp(v, "tftp"))
		*ret = CONFIG_VIA_TFTP;
	else if (!strcmp(v, "ipxe"))
		*ret = CONFIG_VIA_IPXE;
	else {
		config_error(p, "boot-via '%s' is not tftp or ipxe", v);
		return -EINVAL;
	}
	return 0;
}

/* A path inside a tree: relative, no "..", as the fs namespace wants. */
static int read_tree_path(struct config_parser *p, const char *v, char **ret)
{
	const char *s = v[0] == '/' ? v + 1 : v;

	if (!strcmp(s, "..") || !strncmp(s, "../", 3) || strstr(s, "/../") ||
	    (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")) || !*s) {
		config_error(p, "'%s' is not a path inside the tree", v);
		return -EINVAL;
	}
	return config_read_string(p, s, ret);
}

/* --- [profile NAME] --- */

static int profile_begin(struct config_parser *p, const char *arg)
{
	struct config *c = p->config;
	const struct config_profile *dup = config_profile_find(c, arg);
	int i;

	if (!strcmp(arg, "local") || strspn(arg, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789_.-") != strlen(arg)) {
		config_error(p, "profile name '%s' must be letters, digits, "
			     "'_', '.' or '-' (and not 'local')", arg);
		return -EINVAL;
	}
	if (dup) {
		config_error(p, "profile %s is already defined at %s:%u", arg,
			     dup->file, dup->line);
		return -EINVAL;
	}
	i = config_array_push((void **)&c->profiles, &c->n_profiles,
			      sizeof(*c->profiles));
	if (i < 0)
		return i;
	c->profiles[i].name = strdup(arg);
	c->profiles[i].file = strdup(p->file);
	c->profiles[i].line = p->line;
	return i;
}

static void *profile_object(struct config_parser *p, size_t index)
{
	return &p->config->profiles[index];
}

static int profile_set_label(struct config_parser *p, void *obj,
			     const char *v)
{
	return config_read_string(p, v, &((struct config_profile *)obj)->label);
}

static int profile_set_tree(struct config_parser *p, void *obj, const char *v)
{
	((struct config_profile *)obj)->tree_line = p->line;
	return config_read_string(p, v, &((struct config_profile *)obj)->tree);
}

static int profile_set_kernel(struct config_parser *p, void *obj,
			      const char *v)
{
	return read_tree_path(p, v, &((struct config_profile *)obj)->kernel);
}

static int profile_set_initrd(struct config_parser *p, void *obj,
			      const char *v)
{
	return read_tree_path(p, v, &((struct config_profile *)obj)->initrd);
}

static int profile_set_append(struct config_parser *p, void *obj,
			      const char *v)
{
	((struct config_profile *)obj)->append_line = p->line;
	return config_read_string(p, v, &((struct config_profile *)obj)->append);
}

static int profile_set_kickstart(struct config_parser *p, void *obj,
				 const char *v)
{
	return config_read_abs_path(p, v,
				    &((struct config_profile *)obj)->kickstart);
}

static int profile_set_via(struct config_parser *p, void *obj, const char *v)
{
	return read_via(p, v, &((struct config_profile *)obj)->via);
}

static const struct config_key profile_keys[] = {
	{ "label", profile_set_label, false },
	{ "tree", profile_set_tree, false },
	{ "kernel", profile_set_kernel, false },
	{ "initrd", profile_set_initrd, false },
	{ "append", profile_set_append, false },
	{ "kickstart", profile_set_kickstart, false },
	{ "boot-via", profile_set_via, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_profile = {
	.name = "profile",
	.takes_arg = true,
	.begin = profile_begin,
	.object = profile_object,
	.keys = profile_keys,
};

/* --- [menu] --- */

static int menu_begin(struct config_parser *p, const char *arg)
{
	(void)arg;
	p->config->menu.file = strdup(p->file);
	p->config->menu.line = p->line;
	return 0;
}

static void *menu_object(struct config_parser *p, size_t index)
{
	(void)index;
	return &p->config->menu;
}

static int menu_set_title(struct config_parser *p, void *obj, const char *v)
{
	return config_read_string(p, v, &((struct config_menu *)obj)->title);
}

static int menu_set_default(struct config_parser *p, void *obj, const char *v)
{
	((struct config_menu *)obj)->line = p->line;
	return config_read_string(p, v,
				  &((struct config_menu *)obj)->default_entry);
}

static int menu_set_timeout(struct config_parser *p, void *obj, const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 0, 3600, &n) < 0)
		return -EINVAL;
	((struct config_menu *)obj)->timeout_s = (unsigned)n;
	((struct config_menu *)obj)->timeout_set = true;
	return 0;
}

static int menu_set_via(struct config_parser *p, void *obj, const char *v)
{
	return read_via(p, v, &((struct config_menu *)obj)->via);
}

static const struct config_key menu_keys[] = {
	{ "title", menu_set_title, false },
	{ "default", menu_set_default, false },
	{ "timeout", menu_set_timeout, false },
	{ "boot-via", menu_set_via, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_menu = {
	.name = "menu",
	.unique = true,
	.begin = menu_begin,
	.object = menu_object,
	.keys = menu_keys,
};

/* --- [bootloaders] --- */

static int bootloaders_begin(struct config_parser *p, const char *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

static void *bootloaders_object(struct config_parser *p, size_t index)
{
	(void)index;
	return &p->config->bootloaders;
}

/* Keys are the loaders' names; one lookup instead of eleven setters. */
static int bootloaders_key(struct config_parser *p, void *obj, const char *key,
			   const char *v)
{
	struct config_bootloaders *b = obj;

	for (size_t i = 0; i < CONFIG_LOADERS; i++) {
		if (strcmp(loaders[i].key, key))
			continue;
		if (b->path[i]) {
			config_error(p, "'%s' is set twice in [bootloaders]",
				     key);
			return -EINVAL;
		}
		if (v[0] != '/' || !is_regular_file(v)) {
			config_error(p, "%s: '%s' is not an existing file "
				     "(an absolute path)", key, v);
			return -EINVAL;
		}
		return config_read_string(p, v, &b->path[i]);
	}
	return -ENOENT;
}

static const struct config_key no_keys[] = { { NULL, NULL, false } };

const struct config_section_kind config_section_bootloaders = {
	.name = "bootloaders",
	.unique = true,
	.begin = bootloaders_begin,
	.object = bootloaders_object,
	.keys = no_keys,
	.other_key = bootloaders_key,
};

/* --- checks across sections --- */

const struct config_profile *config_profile_find(const struct config *config,
						const char *name)
{
	for (size_t i = 0; i < config->n_profiles; i++)
		if (!strcmp(config->profiles[i].name, name))
			return &config->profiles[i];
	return NULL;
}

const struct config_tree *config_tree_find(const struct config *config,
					   const char *name)
{
	for (size_t i = 0; i < config->n_trees; i++)
		if (!strcmp(config->trees[i].name, name))
			return &config->trees[i];
	return NULL;
}

static void validate_profiles(struct config_parser *p)
{
	struct config *c = p->config;

	for (size_t i = 0; i < c->n_profiles; i++) {
		struct config_profile *pr = &c->profiles[i];

		if (!pr->tree)
			config_error_at(p, pr->file, pr->line,
					"profile %s needs 'tree'", pr->name);
		else if (!config_tree_find(c, pr->tree))
			config_error_at(p, pr->file, pr->tree_line,
					"profile %s: unknown tree '%s'",
					pr->name, pr->tree);
		if (pr->via == CONFIG_VIA_IPXE && !c->http.enabled)
			config_error_at(p, pr->file, pr->line,
					"profile %s: boot-via = ipxe needs "
					"[http]", pr->name);
	}
	for (size_t i = 0; i < c->n_hosts; i++) {
		const struct config_host *h = &c->hosts[i];

		if (h->profile && !config_profile_find(c, h->profile))
			config_error_at(p, h->file, h->line,
					"host %s: unknown profile '%s'",
					h->name, h->profile);
	}
}

static void validate_menu(struct config_parser *p)
{
	struct config *c = p->config;
	const struct config_menu *m = &c->menu;

	if (m->default_entry && strcmp(m->default_entry, "local") &&
	    !config_profile_find(c, m->default_entry))
		config_error_at(p, m->file, m->line,
				"[menu] default: unknown profile '%s' (a "
				"profile name or 'local')", m->default_entry);
	if (m->via == CONFIG_VIA_IPXE && !c->http.enabled)
		config_error_at(p, m->file, m->line,
				"[menu] boot-via = ipxe needs [http]");
	if (c->n_profiles && !c->tftp.enabled)
		config_error_at(p, c->profiles[0].file, c->profiles[0].line,
				"profiles need [tftp]: the boot loaders and "
				"their configs are served over TFTP");
}

static void detect_loaders(struct config_bootloaders *b)
{
	for (size_t i = 0; i < CONFIG_LOADERS; i++)
		for (size_t j = 0; !b->path[i] && j < MAX_CANDIDATES &&
				   loaders[i].candidates[j]; j++)
			if (is_regular_file(loaders[i].candidates[j]))
				b->path[i] = strdup(loaders[i].candidates[j]);
}

/*
 * Where an iPXE client finds its script: over HTTP when we know our
 * address, else by TFTP from next-server (the script then moves to HTTP).
 */
static char *ipxe_script_url(const struct config *c)
{
	char a[INET_ADDRSTRLEN], *url;

	if (!c->server.address.s_addr)
		return strdup("boot.ipxe");
	inet_ntop(AF_INET, &c->server.address, a, sizeof(a));
	if (c->http.port == 80) {
		if (asprintf(&url, "http://%s/boot.ipxe", a) < 0)
			return NULL;
	} else if (asprintf(&url, "http://%s:%u/boot.ipxe", a,
			    c->http.port) < 0) {
		return NULL;
	}
	return url;
}

static void boot_fill(struct config_boot *b, enum config_boot_kind kind,
		      const char *name)
{
	if (!b->filename[kind] && name)
		b->filename[kind] = strdup(name);
}

/* The boot files of `via`, for whatever `b` does not set itself. */
static void boot_fill_via(const struct config *c, struct config_boot *b,
			  enum config_boot_via via)
{
	const struct config_bootloaders *l = &c->bootloaders;

#define LOADER(x) (l->path[x] ? loaders[x].name : NULL)
	if (via == CONFIG_VIA_IPXE) {
		boot_fill(b, CONFIG_BOOT_BIOS, LOADER(CONFIG_LOADER_IPXE_BIOS));
		boot_fill(b, CONFIG_BOOT_UEFI64, LOADER(CONFIG_LOADER_IPXE_EFI));
		if (!b->filename[CONFIG_BOOT_IPXE])
			b->filename[CONFIG_BOOT_IPXE] = ipxe_script_url(c);
		return;
	}
	boot_fill(b, CONFIG_BOOT_BIOS, LOADER(CONFIG_LOADER_PXELINUX));
	boot_fill(b, CONFIG_BOOT_UEFI64, LOADER(CONFIG_LOADER_GRUB_X64));
	boot_fill(b, CONFIG_BOOT_UEFI64, LOADER(CONFIG_LOADER_SYSLINUX_EFI64));
	boot_fill(b, CONFIG_BOOT_ARM64, LOADER(CONFIG_LOADER_GRUB_ARM64));
#undef LOADER
}

static bool boot_is_empty(const struct config_boot *b)
{
	for (size_t i = 0; i < CONFIG_BOOT_KINDS; i++)
		if (b->filename[i])
			return false;
	return true;
}

/*
 * Subnets without boot files boot the menu's way; hosts whose profile
 * goes through iPXE while the menu does not are chainloaded into it.
 */
static void fill_dhcp_boot_files(struct config *c)
{
	for (size_t i = 0; i < c->n_subnets; i++)
		if (boot_is_empty(&c->subnets[i].boot))
			boot_fill_via(c, &c->subnets[i].boot, c->menu.via);
	for (size_t i = 0; i < c->n_hosts; i++) {
		struct config_host *h = &c->hosts[i];
		const struct config_profile *pr =
			h->profile ? config_profile_find(c, h->profile) : NULL;

		if (pr && pr->via == CONFIG_VIA_IPXE &&
		    c->menu.via != CONFIG_VIA_IPXE && boot_is_empty(&h->boot))
			boot_fill_via(c, &h->boot, CONFIG_VIA_IPXE);
	}
}

void config_validate_boot(struct config_parser *p)
{
	struct config *c = p->config;

	validate_profiles(p);
	validate_menu(p);
	if (!c->menu.title)
		c->menu.title = strdup("pxed boot menu");
	if (!c->menu.timeout_set)
		c->menu.timeout_s = 10;
	if (!c->n_profiles)
		return;
	detect_loaders(&c->bootloaders);
	fill_dhcp_boot_files(c);
}

void config_free_boot(struct config *config)
{
	for (size_t i = 0; i < config->n_profiles; i++) {
		struct config_profile *pr = &config->profiles[i];

		free(pr->name);
		free(pr->label);
		free(pr->tree);
		free(pr->kernel);
		free(pr->initrd);
		free(pr->append);
		free(pr->kickstart);
		free(pr->file);
	}
	free(config->profiles);
	free(config->menu.title);
	free(config->menu.default_entry);
	free(config->menu.file);
	for (size_t i = 0; i < CONFIG_LOADERS; i++)
		free(config->bootloaders.path[i]);
}
