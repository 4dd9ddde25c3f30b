/* SPDX-License-Identifier: MIT */
/*
 * boot/import.h - recognise an install ISO from the image itself and
 * describe it as a [tree] and a [profile].
 *
 * What is looked at, in this order:
 *   .treeinfo   RHEL, CentOS, Fedora, AlmaLinux, Rocky: family, version,
 *               arch and [images-ARCH] kernel/initrd (both the old
 *               [general] and the productmd [release]/[tree] layouts)
 *   .discinfo   the same family's older marker: "timestamp\nNAME VER\nARCH"
 *   .disk/info  Debian (install.ARCH/vmlinuz), Ubuntu (casper/vmlinuz)
 * The parsers take outside bytes (any length, not NUL-terminated) and
 * never read past them; tests/fuzz/fuzz_boot_import.c runs them.
 */
#ifndef PXED_BOOT_IMPORT_H
#define PXED_BOOT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

struct iso_image;

enum import_family {
	IMPORT_UNKNOWN,
	IMPORT_RHEL,      /* RHEL and its rebuilds, Fedora: Anaconda */
	IMPORT_DEBIAN,    /* debian-installer */
	IMPORT_UBUNTU,    /* casper (live server) */
};

#define IMPORT_STR_MAX 128

struct import_info {
	enum import_family family;
	char name[IMPORT_STR_MAX];      /* "Rocky Linux", "Debian GNU/Linux" */
	char version[IMPORT_STR_MAX];   /* "9.3", "12.5.0" */
	char arch[IMPORT_STR_MAX];      /* "x86_64", "amd64" */
	char kernel[IMPORT_STR_MAX];    /* inside the image */
	char initrd[IMPORT_STR_MAX];
};

/* Parsers: 0 if the text says what it is, else -EBADMSG. */
int import_parse_treeinfo(const char *text, size_t len,
			  struct import_info *ret);
int import_parse_discinfo(const char *text, size_t len,
			  struct import_info *ret);
int import_parse_disk_info(const char *text, size_t len,
			   struct import_info *ret);

/* Metadata files are small; larger ones are not what we look for. */
#define IMPORT_FILE_MAX (256u << 10)

/* Where the markers are read from: an ISO image, or a served tree. */
struct import_source {
	/* 0 and a malloc'ed copy of the file (at most IMPORT_FILE_MAX). */
	int (*read)(void *data, const char *path, char **ret,
		    size_t *ret_len);
	bool (*exists)(void *data, const char *path);   /* a regular file */
	void *data;
};

/*
 * Look at `src`: 0 and what it is, -ENOENT if none of the markers above
 * is there (or names no kernel and initrd present in the tree), -ENOMEM.
 */
int import_detect_source(const struct import_source *src,
			 struct import_info *ret);
/* The same for an ISO image. */
int import_detect(const struct iso_image *img, struct import_info *ret);

/* RHEL 7 and older want repo=/ks= rather than inst.repo=/inst.ks=. */
bool import_is_legacy_anaconda(const struct import_info *info);

/*
 * The [tree NAME] and [profile NAME] sections for the image at `iso_path`
 * (absolute), with the append line of its family; `kickstart` (a
 * kickstart or preseed template, absolute) may be NULL. Malloc'ed.
 */
char *import_config_text(const struct import_info *info, const char *name,
			 const char *iso_path, const char *kickstart);

/* A default name: "rocky-9.3-x86_64". Into buf. */
void import_default_name(const struct import_info *info, char *buf,
			 size_t size);

/*
 * `pxed import`: recognise `iso`, print what it is (as comments) and the
 * sections, to stdout or appended to `config_path` (whose names must not
 * be taken). 0, or a negative errno after printing why to stderr.
 */
int import_run(const char *iso, const char *name, const char *config_path,
	       const char *kickstart);

#endif
