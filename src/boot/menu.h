/* SPDX-License-Identifier: MIT */
/*
 * boot/menu.h - what the boot loaders read, rendered from the profiles
 * and [menu]: pxelinux.cfg files (BIOS pxelinux, syslinux.efi), grub.cfg
 * (the network GRUB of UEFI clients) and iPXE scripts.
 *
 * Pure functions: the caller says who the client is and where the server
 * is; nothing here reads files or clocks. A client with a host profile
 * gets a config that boots it straight; everyone else the menu.
 *
 * Paths: pxelinux and GRUB load the kernel and initrd by TFTP from the
 * tree, "/TREE/KERNEL"; iPXE by HTTP, "SERVER_URL/TREE/KERNEL".
 */
#ifndef PXED_BOOT_MENU_H
#define PXED_BOOT_MENU_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

enum boot_menu_format {
	BOOT_MENU_PXELINUX,
	BOOT_MENU_GRUB,
	BOOT_MENU_IPXE,
};

/* The ${variables} of an `append` line and of a kickstart template. */
enum boot_var {
	BOOT_VAR_SERVER,         /* 172.25.254.100 */
	BOOT_VAR_SERVER_URL,     /* http://172.25.254.100 (:PORT unless 80) */
	BOOT_VAR_TREE,           /* the profile's tree */
	BOOT_VAR_TREE_URL,       /* SERVER_URL/TREE/ */
	BOOT_VAR_KICKSTART_URL,  /* SERVER_URL/ks/PROFILE.ks; "" without one */
	BOOT_VAR_PROFILE,
	BOOT_VAR_MAC,            /* 52:54:00:12:34:56, "" when unknown */
	BOOT_VAR_HOST,           /* the [host] name, "" when unknown */
	BOOT_VARS
};

extern const char *const boot_var_names[BOOT_VARS];

/* Who asks and where from; the strings are the caller's. */
struct boot_view {
	const struct config *config;     /* [menu] */
	/* The profiles with kernel and initrd known (see boot/profile.c). */
	const struct config_profile *profiles;
	size_t n_profiles;
	const struct config_profile *profile;  /* the host's, or NULL: menu */
	const char *server;
	const char *server_url;
	const char *mac;                 /* "" when unknown */
	const char *host;                /* "" when unknown */
	bool has_menu_c32;               /* pxelinux can show a menu */
};

/*
 * The values of boot_var_names for `pr` as seen by `v`, into `values`;
 * `buf` holds the URLs it builds. -ENOMEM.
 */
#define BOOT_URL_MAX 512
struct boot_values {
	const char *v[BOOT_VARS];
	char tree_url[BOOT_URL_MAX];
	char kickstart_url[BOOT_URL_MAX];
};
void boot_values_fill(const struct boot_view *v,
		      const struct config_profile *pr, struct boot_values *ret);

/*
 * `pr`'s append line with its variables expanded: 0 and a malloc'ed
 * string, -EINVAL if it names an unknown variable (`pxed check` reports
 * that first), -ENOMEM.
 */
int boot_append_expand(const struct boot_view *v,
		       const struct config_profile *pr, char **ret);

/* Render `fmt` for `v`: 0 and a malloc'ed text, or negative errno. */
int boot_menu_render(enum boot_menu_format fmt, const struct boot_view *v,
		     char **ret, size_t *ret_len);

/*
 * What grub/mac/MAC (sourced by the GRUB menu) holds for a client whose
 * host profile is `pr` (NULL: none): a configfile of its own grub.cfg,
 * or only a comment. `mac_hyphens` is "52-54-00-12-34-56".
 */
int boot_grub_hook_render(const struct config_profile *pr,
			  const char *mac_hyphens, char **ret, size_t *ret_len);

/* The script iPXE is pointed at by DHCP: it chains to ipxe/MAC.ipxe. */
int boot_ipxe_entry_render(char **ret, size_t *ret_len);

#endif
