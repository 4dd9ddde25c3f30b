/* SPDX-License-Identifier: MIT */
/*
 * boot/menu.c - see menu.h. Each format is a header, one entry per
 * profile and the "local" entry (boot from the disk); a host with a
 * profile gets only its entry and no waiting.
 *
 * Syntax followed: syslinux's doc/menu.txt and syslinux.txt (DEFAULT,
 * TIMEOUT in tenths of a second, where 0 means wait forever, LABEL,
 * KERNEL, INITRD, APPEND, LOCALBOOT); GRUB 2's manual (menuentry --id,
 * `set default` by id, timeout in seconds; a word's $, quotes and
 * metacharacters need a backslash); iPXE's scripting (menu, item,
 * choose --timeout in ms, goto, `initrd --name` so that the EFI stub
 * finds it by the initrd= argument).
 */
#include "boot/menu.h"

#include "http/template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const boot_var_names[BOOT_VARS] = {
	[BOOT_VAR_SERVER] = "server",
	[BOOT_VAR_SERVER_URL] = "server_url",
	[BOOT_VAR_TREE] = "tree",
	[BOOT_VAR_TREE_URL] = "tree_url",
	[BOOT_VAR_KICKSTART_URL] = "kickstart_url",
	[BOOT_VAR_PROFILE] = "profile",
	[BOOT_VAR_MAC] = "mac",
	[BOOT_VAR_HOST] = "host",
};

void boot_values_fill(const struct boot_view *v,
		      const struct config_profile *pr, struct boot_values *ret)
{
	snprintf(ret->tree_url, sizeof(ret->tree_url), "%s/%s/",
		 v->server_url, pr->tree);
	ret->kickstart_url[0] = '\0';
	if (pr->kickstart)
		snprintf(ret->kickstart_url, sizeof(ret->kickstart_url),
			 "%s/ks/%s.ks", v->server_url, pr->name);
	ret->v[BOOT_VAR_SERVER] = v->server;
	ret->v[BOOT_VAR_SERVER_URL] = v->server_url;
	ret->v[BOOT_VAR_TREE] = pr->tree;
	ret->v[BOOT_VAR_TREE_URL] = ret->tree_url;
	ret->v[BOOT_VAR_KICKSTART_URL] = ret->kickstart_url;
	ret->v[BOOT_VAR_PROFILE] = pr->name;
	ret->v[BOOT_VAR_MAC] = v->mac;
	ret->v[BOOT_VAR_HOST] = v->host;
}

int boot_append_expand(const struct boot_view *v,
		       const struct config_profile *pr, char **ret)
{
	struct http_template *t = NULL;
	struct boot_values vals;
	char *out = NULL, *error = NULL;
	size_t len;
	int r;

	if (!pr->append)
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	r = http_template_compile(pr->append, strlen(pr->append),
				  boot_var_names, BOOT_VARS, &t, &error);
	free(error);
	if (r < 0)
		return r;
	boot_values_fill(v, pr, &vals);
	r = http_template_render(t, vals.v, &out, &len);
	http_template_free(t);
	if (r < 0)
		return r;
	*ret = strndup(out, len);
	free(out);
	return *ret ? 0 : -ENOMEM;
}

static const char *menu_default(const struct boot_view *v)
{
	if (v->profile)
		return v->profile->name;
	return v->config->menu.default_entry ? v->config->menu.default_entry
					     : "local";
}

static const char *label_of(const struct config_profile *pr)
{
	return pr->label ? pr->label : pr->name;
}

/* --- pxelinux.cfg --- */

static void pxelinux_header(FILE *f, const struct boot_view *v)
{
	unsigned t = v->config->menu.timeout_s;

	fprintf(f, "DEFAULT %s\nPROMPT 0\n", menu_default(v));
	if (v->profile || !v->has_menu_c32)
		return;
	/* TIMEOUT 0 would wait forever: a tenth of a second is "at once". */
	fprintf(f, "TIMEOUT %u\nUI menu.c32\nMENU TITLE %s\n",
		t ? t * 10 : 1, v->config->menu.title);
}

static void pxelinux_entry(FILE *f, const struct config_profile *pr,
			   const char *append)
{
	fprintf(f, "\nLABEL %s\n  MENU LABEL %s\n  KERNEL /%s/%s\n"
		"  INITRD /%s/%s\n", pr->name, label_of(pr), pr->tree,
		pr->kernel, pr->tree, pr->initrd);
	if (*append)
		fprintf(f, "  APPEND %s\n", append);
}

static void pxelinux_local(FILE *f)
{
	fputs("\nLABEL local\n  MENU LABEL Boot from the local disk\n"
	      "  LOCALBOOT 0\n", f);
}

/* --- grub.cfg --- */

/*
 * Some GRUB builds ask only for grub.cfg (Debian's signed network image
 * never tries grub.cfg-01-MAC): the menu asks for its client's hook by
 * MAC, which is a `configfile` of the host's own config, or nothing.
 */
static void grub_header(FILE *f, const struct boot_view *v)
{
	if (!v->profile)
		fputs("if [ -n \"$net_default_mac\" ]; then\n"
		      "  source \"$prefix/mac/$net_default_mac\"\n"
		      "fi\n", f);
	fprintf(f, "set default=%s\nset timeout=%u\n", menu_default(v),
		v->profile ? 0 : v->config->menu.timeout_s);
}

static void grub_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* A word list for GRUB's `linux`: its own $ and quotes stay literal. */
static void grub_words(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("$\\'\"{}<>|&;#", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void grub_entry(FILE *f, const struct config_profile *pr,
		       const char *append)
{
	fputs("\nmenuentry ", f);
	grub_quoted(f, label_of(pr));
	fprintf(f, " --id %s {\n  linux /%s/%s%s", pr->name, pr->tree,
		pr->kernel, *append ? " " : "");
	grub_words(f, append);
	fprintf(f, "\n  initrd /%s/%s\n}\n", pr->tree, pr->initrd);
}

static void grub_local(FILE *f)
{
	fputs("\nmenuentry 'Boot from the local disk' --id local {\n"
	      "  exit\n}\n", f);
}

/* --- iPXE --- */

static void ipxe_header(FILE *f, const struct boot_view *v)
{
	const struct config *c = v->config;

	fputs("#!ipxe\n", f);
	if (v->profile) {
		fprintf(f, "goto %s\n", v->profile->name);
		return;
	}
	fprintf(f, "menu %s\n", c->menu.title);
	for (size_t i = 0; i < v->n_profiles; i++)
		fprintf(f, "item %s %s\n", v->profiles[i].name,
			label_of(&v->profiles[i]));
	fputs("item local Boot from the local disk\n", f);
	/* Escape (or a failed menu) boots from the disk. */
	fprintf(f, "choose --default %s --timeout %u target || goto local\n"
		"goto ${target}\n", menu_default(v), c->menu.timeout_s * 1000);
}

static void ipxe_entry(FILE *f, const struct boot_view *v,
		       const struct config_profile *pr, const char *append)
{
	fprintf(f, "\n:%s\nkernel %s/%s/%s initrd=initrd%s%s\n"
		"initrd --name initrd %s/%s/%s\nboot\n", pr->name,
		v->server_url, pr->tree, pr->kernel, *append ? " " : "", append,
		v->server_url, pr->tree, pr->initrd);
}

static void ipxe_local(FILE *f)
{
	fputs("\n:local\nexit\n", f);
}

/* --- all formats --- */

static int render_entry(FILE *f, enum boot_menu_format fmt,
			const struct boot_view *v,
			const struct config_profile *pr)
{
	char *append;
	int r = boot_append_expand(v, pr, &append);

	if (r < 0)
		return r;
	if (fmt == BOOT_MENU_PXELINUX)
		pxelinux_entry(f, pr, append);
	else if (fmt == BOOT_MENU_GRUB)
		grub_entry(f, pr, append);
	else
		ipxe_entry(f, v, pr, append);
	free(append);
	return 0;
}

static int render_entries(FILE *f, enum boot_menu_format fmt,
			  const struct boot_view *v)
{
	int r;

	if (v->profile)
		return render_entry(f, fmt, v, v->profile);
	for (size_t i = 0; i < v->n_profiles; i++) {
		r = render_entry(f, fmt, v, &v->profiles[i]);
		if (r < 0)
			return r;
	}
	if (fmt == BOOT_MENU_PXELINUX)
		pxelinux_local(f);
	else if (fmt == BOOT_MENU_GRUB)
		grub_local(f);
	else
		ipxe_local(f);
	return 0;
}

int boot_menu_render(enum boot_menu_format fmt, const struct boot_view *v,
		     char **ret, size_t *ret_len)
{
	FILE *f = open_memstream(ret, ret_len);
	int r;

	if (!f)
		return -ENOMEM;
	fputs(fmt == BOOT_MENU_IPXE ? "" : "# generated by pxed\n", f);
	if (fmt == BOOT_MENU_PXELINUX)
		pxelinux_header(f, v);
	else if (fmt == BOOT_MENU_GRUB)
		grub_header(f, v);
	else
		ipxe_header(f, v);
	r = render_entries(f, fmt, v);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(*ret);
		*ret = NULL;
	}
	return r;
}

int boot_grub_hook_render(const struct config_profile *pr,
			  const char *mac_hyphens, char **ret, size_t *ret_len)
{
	int n = pr ? asprintf(ret, "configfile \"$prefix/grub.cfg-01-%s\"\n",
			      mac_hyphens)
		   /* Not empty: curl and GRUB give up on a TFTP tsize of 0. */
		   : asprintf(ret, "# no host profile for this MAC\n");

	if (n < 0)
		return -ENOMEM;
	*ret_len = (size_t)n;
	return 0;
}

int boot_ipxe_entry_render(char **ret, size_t *ret_len)
{
	static const char script[] =
		"#!ipxe\n"
		"# per-client script, relative to this one (TFTP or HTTP)\n"
		"chain ipxe/${mac:hexhyp}.ipxe\n";

	*ret = strdup(script);
	*ret_len = sizeof(script) - 1;
	return *ret ? 0 : -ENOMEM;
}
