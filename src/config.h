/* SPDX-License-Identifier: MIT */
/*
 * config.h - pxed.conf parsed into one immutable struct config.
 *
 * The file is INI (libinih). Every mistake is collected as a diagnostic
 * "FILE:LINE: message"; loading never stops at the first one, so
 * `pxed check` shows them all. A loaded config is never modified: reload
 * builds a new one and swaps it whole.
 */
#ifndef PXED_CONFIG_H
#define PXED_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_diag {
	char *file;
	unsigned line;
	char *message;
};

struct config_diags {
	struct config_diag *items;
	size_t len;
};

void config_diags_clear(struct config_diags *d);

/* One DHCP option to send, already in wire form (code, len, data). */
struct config_option {
	uint8_t code;
	uint8_t len;
	uint8_t data[255];
};

struct config_options {
	struct config_option *items;
	size_t len;
};

/* Boot files by what the client is; see boot_arch in dhcp/server.h. */
enum config_boot_kind {
	CONFIG_BOOT_DEFAULT,   /* `filename`: anything not matched below */
	CONFIG_BOOT_BIOS,      /* option 93 = 0 */
	CONFIG_BOOT_UEFI32,    /* option 93 = 6 */
	CONFIG_BOOT_UEFI64,    /* option 93 = 7 or 9 */
	CONFIG_BOOT_ARM64,     /* option 93 = 11 */
	CONFIG_BOOT_HTTP,      /* UEFI HTTP boot: 93 = 15/16/19, class HTTPClient */
	CONFIG_BOOT_IPXE,      /* user class (77) "iPXE": breaks the chainload loop */
	CONFIG_BOOT_KINDS
};

struct config_boot {
	char *filename[CONFIG_BOOT_KINDS];
	struct in_addr next_server;   /* 0: our own address */
	char *server_name;            /* sname, optional */
};

struct config_range {
	uint32_t first;  /* host byte order, inclusive */
	uint32_t last;
	unsigned line;
};

enum config_subnet_mode {
	CONFIG_MODE_FULL,    /* we hand out addresses */
	CONFIG_MODE_PROXY,   /* proxyDHCP: boot information only */
};

struct config_subnet {
	char *name;               /* as written: "172.25.254.0/24" */
	uint32_t network;         /* host byte order */
	uint32_t netmask;
	unsigned prefix;
	enum config_subnet_mode mode;
	struct config_range *ranges;
	size_t n_ranges;
	uint32_t lease_time;      /* seconds */
	uint32_t max_lease_time;
	struct config_options options;  /* routers, dns, domain, option-NN ... */
	struct config_boot boot;
	char *file;
	unsigned line;
};

struct config_host {
	char *name;
	uint8_t mac[6];
	bool has_mac;
	uint8_t *client_id;       /* option 61 as received, or NULL */
	size_t client_id_len;
	uint32_t ip;              /* host byte order; 0: dynamic */
	struct config_options options;
	struct config_boot boot;
	char *profile;            /* boot profile name, or NULL */
	char *file;
	unsigned line;
};

/* [server] include = PATTERN: files (a glob, sorted) read after the main
 * one, as if appended to it, each starting outside any section. */
struct config_include {
	char *pattern;            /* absolute: made so against the main file */
	unsigned line;
};

struct config_server {
	char **interfaces;
	size_t n_interfaces;
	struct in_addr address;   /* 0: each interface's own */
	char *state_dir;
	char *user;               /* NULL: stay as started */
	uint16_t dhcp_port;       /* 67; other values only for tests */
	uint16_t proxy_port;      /* 4011 */
	bool quiet_dhcp;          /* no log line per DHCP reply */
	bool ipv6_ra;             /* answer router solicitations: ra/ */
	struct config_include *includes;  /* read after the main file */
	size_t n_includes;
};

struct config_tftp {
	bool enabled;
	char *root;               /* NULL: serve only the trees */
	uint16_t port;
	uint16_t blksize_max;     /* 0: from the interface MTU */
	unsigned timeout_ms;      /* first retransmission timeout */
	unsigned retries;
};

struct config_http {
	bool enabled;
	char *root;               /* a plain directory, optional */
	uint16_t port;
	char *access_log;         /* NULL: to the main log */
	unsigned max_connections; /* beyond this, new connections wait */
	unsigned timeout_s;       /* an idle or stalled connection is closed */
};

struct config_tree {
	char *name;               /* published at /NAME/ over HTTP and TFTP */
	char *iso;                /* an ISO image, or */
	char *path;               /* a directory */
	char *file;
	unsigned line;
};

/* How a profile's kernel and initrd reach the client. */
enum config_boot_via {
	CONFIG_VIA_TFTP,   /* the firmware's own loader: pxelinux or GRUB */
	CONFIG_VIA_IPXE,   /* chainload iPXE, then HTTP */
};

/* [profile NAME]: one thing a client can boot (see boot/profile.h). */
struct config_profile {
	char *name;
	char *label;              /* menu text; NULL: the name */
	char *tree;               /* a [tree] name */
	char *kernel;             /* paths inside the tree; NULL: found from
				     its .treeinfo (boot/profile.c) */
	char *initrd;
	char *append;             /* kernel command line, with ${vars} */
	char *kickstart;          /* a template file, served per client */
	enum config_boot_via via;
	char *file;
	unsigned line;
	unsigned tree_line;       /* where `tree` and `append` were set */
	unsigned append_line;
};

/* [menu]: what clients without a host profile see. */
struct config_menu {
	char *title;
	char *default_entry;      /* a profile name or "local"; NULL: local */
	unsigned timeout_s;       /* 0: boot the default at once */
	bool timeout_set;         /* else 10 s */
	enum config_boot_via via;
	char *file;
	unsigned line;
};

/* Boot loader binaries, served by these names from where they are. */
enum config_loader {
	CONFIG_LOADER_PXELINUX,   /* pxelinux.0 */
	CONFIG_LOADER_LDLINUX,    /* ldlinux.c32 */
	CONFIG_LOADER_MENU,       /* menu.c32 */
	CONFIG_LOADER_LIBUTIL,    /* libutil.c32, needed by menu.c32 */
	CONFIG_LOADER_LIBCOM32,   /* libcom32.c32, likewise */
	CONFIG_LOADER_GRUB_X64,   /* grubx64.efi (a network GRUB) */
	CONFIG_LOADER_GRUB_ARM64, /* grubaa64.efi */
	/* syslinux.efi looks for its modules and pxelinux.cfg/ beside
	   itself: its own directory keeps them apart from the BIOS ones. */
	CONFIG_LOADER_SYSLINUX_EFI64, /* efi64/syslinux.efi */
	CONFIG_LOADER_LDLINUX_E64,    /* efi64/ldlinux.e64 */
	CONFIG_LOADER_MENU_E64,       /* efi64/menu.c32 */
	CONFIG_LOADER_LIBUTIL_E64,    /* efi64/libutil.c32 */
	CONFIG_LOADER_LIBCOM32_E64,   /* efi64/libcom32.c32 */
	CONFIG_LOADER_IPXE_BIOS,  /* undionly.kpxe */
	CONFIG_LOADER_IPXE_EFI,   /* ipxe.efi */
	CONFIG_LOADERS
};

struct config_bootloaders {
	char *path[CONFIG_LOADERS];   /* absolute; NULL: none found */
};

struct config {
	char *path;
	struct config_server server;
	struct config_subnet *subnets;
	size_t n_subnets;
	struct config_host *hosts;
	size_t n_hosts;
	struct config_tftp tftp;
	struct config_http http;
	struct config_tree *trees;
	size_t n_trees;
	struct config_profile *profiles;
	size_t n_profiles;
	struct config_menu menu;
	struct config_bootloaders bootloaders;
};

/*
 * Load and validate. Returns 0 and a config, or -EINVAL with every problem
 * in `diags` (which the caller clears). Other negative errno: the file
 * could not be read at all (also described in diags).
 */
int config_load(const char *path, struct config **ret_config,
		struct config_diags *diags);
struct config *config_free(struct config *config);

const struct config_profile *config_profile_find(const struct config *config,
						const char *name);
const struct config_tree *config_tree_find(const struct config *config,
					   const char *name);
/* The name a loader is served as ("pxelinux.0"), or NULL. */
const char *config_loader_name(enum config_loader loader);

const struct config_subnet *config_subnet_find(const struct config *config,
					       uint32_t addr);
const struct config_host *config_host_by_mac(const struct config *config,
					     const uint8_t mac[6]);
const struct config_host *config_host_by_client_id(const struct config *config,
						   const uint8_t *id,
						   size_t len);

#endif
