/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: an ISO9660 image is outside input (downloaded, made
 * by anyone). Index it, then walk every directory it lists and look every
 * entry up again, so the symlink resolver runs on whatever the image says.
 * Every extent a lookup returns must lie inside the image.
 */
#include "fs/iso.h"
#include "fs/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libiso9660 2.1 itself leaks a byte or two while walking some damaged
 * directory trees (inside iso9660_ifs_readdir and iso9660_have_rr, which
 * is why we do not call the latter). That is upstream's to fix; at one
 * image per start or reload it does not matter. The unit tests run
 * LeakSanitizer without this, on sound images, to catch our own leaks.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libiso9660.so\n";
}

struct walk {
	const struct iso_image *img;
	uint64_t image_size;
	char path[FS_PATH_MAX];
	unsigned depth;
	unsigned visited;
};

static int walk_dir(struct walk *w);

static int walk_entry(void *userdata, const char *name,
		      const struct iso_entry *entry)
{
	struct walk *w = userdata;
	size_t len = strlen(w->path);
	struct iso_entry again;
	int r;

	if (++w->visited > 10000 ||
	    len + 1 + strlen(name) >= sizeof(w->path))
		return 0;
	snprintf(w->path + len, sizeof(w->path) - len, "%s%s",
		 len ? "/" : "", name);
	/* What a listing shows can be looked up, unless the whole path now
	   crosses more than ISO_MAX_SYMLINKS links ("d -> ." walked as
	   d/d/d/...), which refuses it as the kernel would. */
	r = iso_image_lookup(w->img, w->path, &again);
	if (r == -EACCES)
		goto out;
	if (r < 0 || again.is_dir != entry->is_dir ||
	    again.offset != entry->offset || again.size != entry->size ||
	    (!entry->is_dir && entry->offset + entry->size > w->image_size))
		abort();
	if (entry->is_dir && w->depth < ISO_MAX_DEPTH) {
		w->depth++;
		walk_dir(w);
		w->depth--;
	}
out:
	w->path[len] = '\0';
	return 0;
}

static int walk_dir(struct walk *w)
{
	return iso_image_list(w->img, w->path, walk_entry, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct iso_image *img;
	const char *reason;
	struct walk w = { .visited = 0 };
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/pxed-fuzz-iso-%d", getpid());
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (iso_image_open(path, &img, &reason) < 0)
		return 0;
	w.img = img;
	w.image_size = size;
	walk_dir(&w);
	iso_image_free(img);
	return 0;
}
