/* SPDX-License-Identifier: MIT */
/*
 * fs/iso.h - an ISO9660 image as a read-only tree of extents.
 *
 * The image is opened once and indexed in memory (path → byte offset and
 * size inside the image), so a file is served with pread/sendfile straight
 * from the image descriptor: no mount, no root, no re-reading the
 * directory records per request. Names are Rock Ridge if the image has
 * them, else Joliet, else plain ISO9660 names with the ";1" version and a
 * trailing '.' dropped, matched without regard to case (installers ask for
 * "isolinux/vmlinuz" on images that say "ISOLINUX/VMLINUZ.;1").
 *
 * Rock Ridge symlinks are followed if they stay inside the image, with
 * the rules of RESOLVE_BENEATH: no absolute targets, no ".." above the
 * root, at most ISO_MAX_SYMLINKS on the way.
 */
#ifndef PXED_FS_ISO_H
#define PXED_FS_ISO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#define ISO_MAX_SYMLINKS 40   /* as the kernel's MAXSYMLINKS */
#define ISO_MAX_DEPTH 64      /* directories below the root */
#define ISO_MAX_NODES (1u << 21)
#define ISO_MAX_DIR_SIZE (16u << 20)   /* bytes of records in a directory */

struct iso_image;

struct iso_entry {
	bool is_dir;
	uint64_t offset;   /* bytes from the start of the image */
	uint64_t size;     /* bytes; 0 for directories */
	time_t mtime;      /* as recorded in the image */
};

/*
 * Open and index the image at `path`. On failure returns a negative errno
 * and points *ret_reason at a static description ("not an ISO9660 image").
 */
int iso_image_open(const char *path, struct iso_image **ret,
		   const char **ret_reason);
/* Takes NULL; returns NULL. */
struct iso_image *iso_image_free(struct iso_image *img);

/* The image's descriptor (owned by the image) and its fstat at open. */
int iso_image_fd(const struct iso_image *img);
const struct stat *iso_image_stat(const struct iso_image *img);

/*
 * Look up a normalised path (fs/path.h; "" is the root). -ENOENT if it is
 * not there (also through a non-directory), -EACCES if a symlink on the
 * way leads out of the image or loops.
 */
int iso_image_lookup(const struct iso_image *img, const char *path,
		     struct iso_entry *ret);

/* Called per entry of a listed directory; a negative return stops. */
typedef int iso_list_fn(void *userdata, const char *name,
			const struct iso_entry *entry);

/*
 * Call `fn` for each entry of the directory at `path`, symlinks resolved
 * (entries whose symlink leads out are skipped). -ENOTDIR for a file.
 */
int iso_image_list(const struct iso_image *img, const char *path,
		   iso_list_fn *fn, void *userdata);

#endif
