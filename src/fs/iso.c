/* SPDX-License-Identifier: MIT */
/*
 * fs/iso.c - ISO9660 images indexed in memory; see fs/iso.h.
 *
 * libiso9660 reads the directory records (Rock Ridge, Joliet, plain); we
 * walk them once at open into a tree whose directories keep their children
 * sorted, so a lookup is a binary search per component. An image is
 * outside input: the walk checks every directory's extent against the
 * image, and the lengths inside its records (fs/iso_records.c),
 * before libiso9660 reads it, reads each directory once (no loops),
 * bounds depth and node count, and skips names that could not be asked
 * for (empty, ".", "..", containing '/').
 *
 * Cost: libiso9660 2.1 reads a directory only by path, scanning each
 * parent for the next name, so indexing is quadratic in the number of
 * subdirectories of one directory (measured: 30 directories of 300
 * subdirectories each, 1.7 s; one of 3,000, 3.7 s). Reading directory
 * records ourselves would make it linear; libiso9660 is kept for now as
 * the well-kept parser of Rock Ridge and Joliet.
 */
#include "fs/iso.h"
#include "fs/iso_records.h"
#include "fs/path.h"
#include "log.h"

#include <cdio/iso9660.h>
#include <cdio/logging.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct iso_node {
	char *name;                  /* as matched: lowercase if fold_case */
	struct iso_node *parent;     /* NULL for the root */
	struct iso_node *children;   /* directories: sorted by strcmp */
	size_t n_children;
	char *symlink;               /* Rock Ridge symlink target, or NULL */
	uint64_t offset;
	uint64_t size;
	time_t mtime;
	bool is_dir;
	bool unservable;             /* to be dropped (while building) */
};

struct iso_image {
	int fd;
	struct stat st;
	bool fold_case;              /* plain ISO9660 names */
	struct iso_node root;
};

struct iso_builder {
	iso9660_t *cdio;
	struct iso_image *img;
	size_t n_nodes;
	uint8_t *dirs_read;          /* bit per block: a directory read there */
	char path[FS_PATH_MAX * 2];  /* libiso9660's name of the directory */
};

static void iso_cdio_log(cdio_log_level_t level, const char *message)
{
	/* Damaged images are expected input: their complaints are debug. An
	   assertion is a bug in libiso9660 that it does not survive. */
	if (level == CDIO_LOG_ASSERT) {
		log_error("libiso9660: %s", message);
		abort();
	}
	log_debug("libiso9660: %s", message);
}

static void iso_cdio_log_init(void)
{
	cdio_log_set_handler(iso_cdio_log);
}

/* --- building the index --- */

static void iso_node_clear(struct iso_node *node)
{
	for (size_t i = 0; i < node->n_children; i++)
		iso_node_clear(&node->children[i]);
	free(node->children);
	free(node->name);
	free(node->symlink);
}

/*
 * A record's block number is unsigned 32-bit; libiso9660 keeps it in a
 * signed lsn_t. Converted back this way, offset + size never wraps.
 */
static uint64_t iso_block_offset(lsn_t lsn)
{
	return (uint64_t)(uint32_t)lsn * ISO_BLOCKSIZE;
}

/* Plain ISO9660 "VMLINUZ.;1" → "vmlinuz": what installers ask for. */
static void iso_plain_name(char *name)
{
	char *semicolon = strchr(name, ';');
	size_t len;

	if (semicolon)
		*semicolon = '\0';
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static bool iso_name_servable(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") &&
	       !strchr(name, '/') && strlen(name) <= FS_NAME_MAX;
}

/*
 * A file over 4 GiB is several directory records of the same name
 * (ISO9660 multi-extent), which libiso9660 2.1 lists one by one. Join
 * them if they are contiguous, so the file is still one range of the
 * image; if not, it cannot be sent as one range and is marked to be
 * dropped. Returns true if `s` continues `prev`.
 */
static bool iso_join_extent(struct iso_node *prev, const char *raw_prev,
			    const iso9660_stat_t *s)
{
	if (!prev || prev->is_dir || prev->symlink || s->type != _STAT_FILE ||
	    strcmp(raw_prev, s->filename))
		return false;
	if (prev->size % ISO_BLOCKSIZE ||
	    prev->offset + prev->size != iso_block_offset(s->lsn))
		prev->unservable = true;
	prev->size += s->size;
	return true;
}

static int iso_node_fill(struct iso_node *node, const iso9660_stat_t *s)
{
	struct tm tm = s->tm;   /* mktime normalises its argument */

	node->name = strdup(s->filename);
	if (!node->name)
		return -ENOMEM;
	if (s->rr.b3_rock == yep && S_ISLNK(s->rr.st_mode)) {
		/* A link without a target leads nowhere: "" gives -ENOENT. */
		node->symlink = strdup(s->rr.psz_symlink ? s->rr.psz_symlink :
							   "");
		if (!node->symlink)
			return -ENOMEM;
	}
	node->is_dir = s->type == _STAT_DIR && !node->symlink;
	node->offset = iso_block_offset(s->lsn);
	node->size = s->size;   /* of a directory: its records' extent */
	node->mtime = mktime(&tm);
	return 0;
}

static int iso_node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct iso_node *)a)->name,
		      ((const struct iso_node *)b)->name);
}

/* Sort, then drop later duplicates (plain names "A.;1" and "A.;2"). */
static void iso_sort_children(struct iso_node *dir)
{
	size_t kept = 0;

	qsort(dir->children, dir->n_children, sizeof(*dir->children),
	      iso_node_cmp);
	for (size_t i = 0; i < dir->n_children; i++) {
		if (kept && !strcmp(dir->children[kept - 1].name,
				    dir->children[i].name)) {
			iso_node_clear(&dir->children[i]);
			continue;
		}
		dir->children[kept++] = dir->children[i];
	}
	dir->n_children = kept;
}

/* Leave out the children marked unservable, as if they did not exist. */
static void iso_drop_unservable(struct iso_node *dir)
{
	size_t kept = 0;

	for (size_t i = 0; i < dir->n_children; i++) {
		if (dir->children[i].unservable) {
			iso_node_clear(&dir->children[i]);
			continue;
		}
		dir->children[kept++] = dir->children[i];
	}
	dir->n_children = kept;
}

/* The entries of one directory record list, not yet recursed into. */
static int iso_read_entries(struct iso_builder *b, struct iso_node *dir,
			    CdioList_t *list)
{
	CdioListNode_t *ln;
	const char *raw_prev = "";
	struct iso_node *prev = NULL;
	size_t cap = _cdio_list_length(list);
	int r;

	dir->children = calloc(cap ? cap : 1, sizeof(*dir->children));
	if (!dir->children)
		return -ENOMEM;
	_CDIO_LIST_FOREACH(ln, list) {
		iso9660_stat_t *s = _cdio_list_node_data(ln);

		if (!iso_name_servable(s->filename) ||
		    iso_join_extent(prev, raw_prev, s))
			continue;
		if (++b->n_nodes > ISO_MAX_NODES)
			return -EFBIG;
		prev = &dir->children[dir->n_children++];
		r = iso_node_fill(prev, s);
		if (r < 0)
			return r;
		raw_prev = s->filename;
	}
	/* A file whose bytes are not one range inside the image would be
	   cut short when sent. */
	for (size_t i = 0; i < dir->n_children; i++) {
		struct iso_node *n = &dir->children[i];

		if (!n->is_dir && !n->symlink &&
		    n->offset + n->size > (uint64_t)b->img->st.st_size)
			n->unservable = true;
	}
	iso_drop_unservable(dir);
	return 0;
}

static int iso_read_dir(struct iso_builder *b, struct iso_node *dir,
			unsigned depth);

static int iso_read_subdirs(struct iso_builder *b, struct iso_node *dir,
			    unsigned depth)
{
	size_t len = strlen(b->path);
	int r;

	for (size_t i = 0; i < dir->n_children; i++) {
		struct iso_node *child = &dir->children[i];

		child->parent = dir;
		if (!child->is_dir)
			continue;
		if (depth >= ISO_MAX_DEPTH)
			return -ELOOP;
		if (len + 1 + strlen(child->name) >= sizeof(b->path))
			return -ENAMETOOLONG;
		snprintf(b->path + len, sizeof(b->path) - len, "/%s",
			 child->name);
		r = iso_read_dir(b, child, depth + 1);
		b->path[len] = '\0';
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The records of directory `dir`, whose libiso9660 name is b->path.
 * libiso9660 allocates a directory's recorded size before reading it, so
 * that size is checked against the image first, then the records.
 */
static CdioList_t *iso_dir_records(struct iso_builder *b,
				   const struct iso_node *dir)
{
	if (dir->size > ISO_MAX_DIR_SIZE ||
	    dir->offset + dir->size > (uint64_t)b->img->st.st_size ||
	    !iso_dir_sound(b->img->fd, dir->offset, dir->size))
		return NULL;
	return iso9660_ifs_readdir(b->cdio, b->path[0] ? b->path : "/");
}

/*
 * Each directory is read once. A second record pointing at the same
 * directory is a loop, or an alias that would multiply the tree with
 * every level; images written by mastering tools have neither.
 */
static bool iso_dir_seen(struct iso_builder *b, const struct iso_node *dir)
{
	uint64_t block = dir->offset / ISO_BLOCKSIZE;
	uint8_t bit = (uint8_t)(1u << (block % 8));
	bool seen = b->dirs_read[block / 8] & bit;

	b->dirs_read[block / 8] |= bit;
	return seen;
}

/* Index the directory whose libiso9660 path is b->path. */
static int iso_read_dir(struct iso_builder *b, struct iso_node *dir,
			unsigned depth)
{
	CdioList_t *list;
	int r;

	list = iso_dir_records(b, dir);
	if (!list)
		return -EBADMSG;
	if (iso_dir_seen(b, dir)) {
		iso9660_filelist_free(list);
		return -ELOOP;
	}
	r = iso_read_entries(b, dir, list);
	iso9660_filelist_free(list);
	if (r < 0)
		return r;
	return iso_read_subdirs(b, dir, depth);
}

/*
 * Names become what lookups match only once the whole tree is read, as
 * libiso9660 finds directories by their names as recorded. Sorting moves
 * children, so their parent pointers are set again here.
 */
static void iso_finish_dir(struct iso_node *dir, bool fold_case)
{
	if (!dir->is_dir)
		return;
	/* Folded, "..;1" is "." and ";1" is "": names no one can ask for. */
	if (fold_case) {
		for (size_t i = 0; i < dir->n_children; i++) {
			struct iso_node *n = &dir->children[i];

			iso_plain_name(n->name);
			n->unservable = !iso_name_servable(n->name);
		}
		iso_drop_unservable(dir);
	}
	iso_sort_children(dir);
	for (size_t i = 0; i < dir->n_children; i++) {
		dir->children[i].parent = dir;
		iso_finish_dir(&dir->children[i], fold_case);
	}
}

/* The root's extent, as this opening of the image (Rock Ridge or
   Joliet) sees it. */
static int iso_root_stat(struct iso_builder *b)
{
	iso9660_stat_t *root = iso9660_ifs_stat(b->cdio, "/");

	if (!root)
		return -EBADMSG;
	b->img->root.offset = iso_block_offset(root->lsn);
	b->img->root.size = root->size;
	iso9660_stat_free(root);
	return 0;
}

/*
 * Whether the root directory's records carry Rock Ridge (they do when the
 * image has it: the root's "." holds its SUSP header). libiso9660's own
 * iso9660_have_rr() leaks memory on some images, as fuzzing found.
 */
static bool iso_has_rock_ridge(struct iso_builder *b)
{
	CdioList_t *list = iso_dir_records(b, &b->img->root);
	CdioListNode_t *ln;
	bool found = false;

	if (!list)
		return false;
	_CDIO_LIST_FOREACH(ln, list) {
		const iso9660_stat_t *s = _cdio_list_node_data(ln);

		found |= s->rr.b3_rock == yep;
	}
	iso9660_filelist_free(list);
	return found;
}

/*
 * Rock Ridge lives in the primary tree, Joliet in a tree of its own, so
 * the image is opened once for each in order of preference.
 */
static int iso_open_names(struct iso_builder *b, const char *path,
			  const char **ret_reason)
{
	b->cdio = iso9660_open_ext(path, ISO_EXTENSION_ROCK_RIDGE);
	if (!b->cdio) {
		*ret_reason = "not an ISO9660 image";
		return -EBADMSG;
	}
	if (!iso_roots_sound(b->img->fd))
		return -EBADMSG;
	if (iso_root_stat(b) == 0 && iso_has_rock_ridge(b))
		return 0;
	iso9660_close(b->cdio);
	b->cdio = iso9660_open_ext(path, ISO_EXTENSION_ALL);
	if (!b->cdio) {
		*ret_reason = "not an ISO9660 image";
		return -EBADMSG;
	}
	b->img->fold_case = !iso9660_ifs_get_joliet_level(b->cdio);
	return iso_root_stat(b);
}

static const char *iso_reason(int r)
{
	switch (r) {
	case -ENOMEM:
		return "out of memory";
	case -EFBIG:
		return "too many files";
	case -ELOOP:
		return "directories nested too deep, in a loop or shared";
	case -ENAMETOOLONG:
		return "path names too long";
	default:
		return "damaged directory tree";
	}
}

/* Index the image open at img->fd. */
static int iso_index(struct iso_image *img, const char **ret_reason)
{
	static pthread_once_t log_once = PTHREAD_ONCE_INIT;
	struct iso_builder b = { .img = img };
	char proc[64];
	int r;

	pthread_once(&log_once, iso_cdio_log_init);
	/* libiso9660 opens by name; naming our descriptor makes sure it
	   reads the very file we serve from, even if the path is replaced. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", img->fd);
	/* iso_dir_records keeps every directory inside the image */
	b.dirs_read = calloc((size_t)(img->st.st_size / ISO_BLOCKSIZE / 8 + 1),
			     1);
	if (!b.dirs_read) {
		*ret_reason = iso_reason(-ENOMEM);
		return -ENOMEM;
	}
	r = iso_open_names(&b, proc, ret_reason);
	if (b.cdio) {
		if (r == 0)
			r = iso_read_dir(&b, &img->root, 0);
		iso9660_close(b.cdio);
		if (r < 0)
			*ret_reason = iso_reason(r);
	}
	free(b.dirs_read);
	if (r < 0)
		return r;
	iso_finish_dir(&img->root, img->fold_case);
	return 0;
}

int iso_image_open(const char *path, struct iso_image **ret,
		   const char **ret_reason)
{
	struct iso_image *img;
	int r;

	img = calloc(1, sizeof(*img));
	if (!img) {
		*ret_reason = "out of memory";
		return -ENOMEM;
	}
	img->root.is_dir = true;
	/* O_NONBLOCK: a FIFO put where the image should be must not hang
	   the start; it is refused below. */
	img->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (img->fd < 0 || fstat(img->fd, &img->st) < 0) {
		r = -errno;
		*ret_reason = strerror(-r);
	} else if (!S_ISREG(img->st.st_mode)) {
		r = -EINVAL;
		*ret_reason = "not a regular file";
	} else {
		img->root.mtime = img->st.st_mtime;
		r = iso_index(img, ret_reason);
	}
	if (r < 0) {
		iso_image_free(img);
		return r;
	}
	*ret = img;
	return 0;
}

struct iso_image *iso_image_free(struct iso_image *img)
{
	if (!img)
		return NULL;
	iso_node_clear(&img->root);
	if (img->fd >= 0)
		close(img->fd);
	free(img);
	return NULL;
}

int iso_image_fd(const struct iso_image *img)
{
	return img->fd;
}

const struct stat *iso_image_stat(const struct iso_image *img)
{
	return &img->st;
}

/* --- lookups --- */

static const struct iso_node *iso_child(const struct iso_image *img,
					const struct iso_node *dir,
					const char *name, size_t len)
{
	char key[FS_NAME_MAX + 1];
	const struct iso_node probe = { .name = key };

	if (len > FS_NAME_MAX)
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	if (img->fold_case)
		for (size_t i = 0; i < len; i++)
			key[i] = (char)tolower((unsigned char)key[i]);
	return bsearch(&probe, dir->children, dir->n_children,
		       sizeof(*dir->children), iso_node_cmp);
}

static int iso_follow(const struct iso_image *img,
		      const struct iso_node *link, unsigned *links,
		      const struct iso_node **ret);

/*
 * Resolve `path` from `dir`. Request paths are normalised; symlink
 * targets are not, so "", "." and ".." are handled here, ".." never above
 * the root (as RESOLVE_BENEATH).
 */
static int iso_walk(const struct iso_image *img, const struct iso_node *dir,
		    const char *path, unsigned *links,
		    const struct iso_node **ret)
{
	const struct iso_node *node = dir;
	const char *rest;
	size_t len;
	int r;

	for (; *path; path = rest) {
		len = fs_path_first(path, &rest);
		if (len == 0 || (len == 1 && path[0] == '.'))
			continue;
		if (!node->is_dir)
			return -ENOENT;
		if (len == 2 && path[0] == '.' && path[1] == '.') {
			if (!node->parent)
				return -EACCES;
			node = node->parent;
			continue;
		}
		node = iso_child(img, node, path, len);
		if (!node)
			return -ENOENT;
		if (node->symlink) {
			r = iso_follow(img, node, links, &node);
			if (r < 0)
				return r;
		}
	}
	*ret = node;
	return 0;
}

static int iso_follow(const struct iso_image *img,
		      const struct iso_node *link, unsigned *links,
		      const struct iso_node **ret)
{
	if (++*links > ISO_MAX_SYMLINKS || link->symlink[0] == '/')
		return -EACCES;
	if (!link->symlink[0])
		return -ENOENT;
	return iso_walk(img, link->parent, link->symlink, links, ret);
}

static void iso_entry_fill(const struct iso_node *node, struct iso_entry *e)
{
	*e = (struct iso_entry){
		.is_dir = node->is_dir,
		.offset = node->offset,
		.size = node->is_dir ? 0 : node->size,
		.mtime = node->mtime,
	};
}

int iso_image_lookup(const struct iso_image *img, const char *path,
		     struct iso_entry *ret)
{
	const struct iso_node *node;
	unsigned links = 0;
	int r;

	r = iso_walk(img, &img->root, path, &links, &node);
	if (r < 0)
		return r;
	iso_entry_fill(node, ret);
	return 0;
}

int iso_image_list(const struct iso_image *img, const char *path,
		   iso_list_fn *fn, void *userdata)
{
	const struct iso_node *dir, *node;
	struct iso_entry e;
	unsigned links = 0;
	int r;

	r = iso_walk(img, &img->root, path, &links, &dir);
	if (r < 0)
		return r;
	if (!dir->is_dir)
		return -ENOTDIR;
	for (size_t i = 0; i < dir->n_children; i++) {
		node = &dir->children[i];
		links = 0;
		if (node->symlink && iso_follow(img, node, &links, &node) < 0)
			continue;
		iso_entry_fill(node, &e);
		r = fn(userdata, dir->children[i].name, &e);
		if (r < 0)
			return r;
	}
	return 0;
}
