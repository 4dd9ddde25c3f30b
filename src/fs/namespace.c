/* SPDX-License-Identifier: MIT */
/*
 * fs/namespace.c - mounts (protocol roots, trees) and generated files put
 * together into the namespace of fs/namespace.h.
 *
 * A request is normalised once (fs/path.c), offered to the generators,
 * then split into mount and path within it: "/NAME/..." goes to the tree
 * NAME, "/NAME.iso" to the image of tree NAME if it has one, anything else
 * to the protocol's own root. Directories are resolved by the kernel
 * (fs/dir.c), ISO images by their index (fs/iso.c).
 */
#include "fs/namespace.h"
#include "config.h"
#include "fs/dir.h"
#include "fs/iso.h"
#include "fs/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory (dirfd >= 0), an image (iso), or nothing. */
struct fs_mount {
	int dirfd;
	struct iso_image *iso;
};

struct fs_tree {
	char *name;
	char *image;             /* "NAME.iso" if from an image, else NULL */
	struct fs_mount mount;
};

struct fs_gen {
	char *path;              /* without the trailing '/' of a prefix */
	size_t len;
	bool prefix;
	unsigned protocols;
	fs_generate_fn *generate;
	void *userdata;
};

struct fs_namespace {
	struct fs_mount roots[FS_PROTOS];
	struct fs_tree *trees;
	size_t n_trees;
	struct fs_gen *gens;
	size_t n_gens;
};

/* --- building --- */

static void fs_mount_clear(struct fs_mount *m)
{
	if (m->dirfd >= 0)
		close(m->dirfd);
	m->dirfd = -1;
	m->iso = iso_image_free(m->iso);
}

struct fs_namespace *fs_namespace_free(struct fs_namespace *ns)
{
	if (!ns)
		return NULL;
	for (size_t i = 0; i < FS_PROTOS; i++)
		fs_mount_clear(&ns->roots[i]);
	for (size_t i = 0; i < ns->n_trees; i++) {
		fs_mount_clear(&ns->trees[i].mount);
		free(ns->trees[i].name);
		free(ns->trees[i].image);
	}
	free(ns->trees);
	for (size_t i = 0; i < ns->n_gens; i++)
		free(ns->gens[i].path);
	free(ns->gens);
	free(ns);
	return NULL;
}

static int fs_fail(char **ret_error, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fs_fail(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;

	if (ret_error) {
		va_start(ap, fmt);
		if (vasprintf(ret_error, fmt, ap) < 0)
			*ret_error = NULL;
		va_end(ap);
	}
	return r;
}

/* The root of one protocol, if that protocol is on and has one. */
static int fs_root_open(struct fs_mount *m, const struct config *cfg,
			const char *what, bool enabled, const char *path,
			char **ret_error)
{
	int r;

	if (!enabled || !path)
		return 0;
	r = dir_root_open(path, &m->dirfd);
	if (r < 0)
		return fs_fail(ret_error, r, "%s: %s root %s: %s", cfg->path,
			       what, path, strerror(-r));
	return 0;
}

static int fs_tree_open(struct fs_tree *t, const struct config_tree *ct,
			char **ret_error)
{
	const char *reason;
	int r;

	t->name = strdup(ct->name);
	if (!t->name)
		return -ENOMEM;
	if (ct->iso) {
		/* casper (Ubuntu) loads the whole image by url=. */
		if (asprintf(&t->image, "%s.iso", ct->name) < 0) {
			t->image = NULL;
			return -ENOMEM;
		}
		r = iso_image_open(ct->iso, &t->mount.iso, &reason);
		if (r < 0)
			return fs_fail(ret_error, r, "%s:%u: tree %s: %s: %s",
				       ct->file, ct->line, ct->name, ct->iso,
				       reason);
		return 0;
	}
	r = dir_root_open(ct->path, &t->mount.dirfd);
	if (r < 0)
		return fs_fail(ret_error, r, "%s:%u: tree %s: %s: %s", ct->file,
			       ct->line, ct->name, ct->path, strerror(-r));
	return 0;
}

static int fs_namespace_open(struct fs_namespace *ns, const struct config *cfg,
			     char **ret_error)
{
	int r;

	r = fs_root_open(&ns->roots[FS_PROTO_TFTP], cfg, "tftp",
			 cfg->tftp.enabled, cfg->tftp.root, ret_error);
	if (r < 0)
		return r;
	r = fs_root_open(&ns->roots[FS_PROTO_HTTP], cfg, "http",
			 cfg->http.enabled, cfg->http.root, ret_error);
	if (r < 0)
		return r;
	ns->trees = calloc(cfg->n_trees ? cfg->n_trees : 1, sizeof(*ns->trees));
	if (!ns->trees)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_trees; i++) {
		ns->trees[i].mount.dirfd = -1;
		ns->n_trees++;
		r = fs_tree_open(&ns->trees[i], &cfg->trees[i], ret_error);
		if (r < 0)
			return r;
	}
	return 0;
}

int fs_namespace_new(const struct config *cfg, struct fs_namespace **ret,
		     char **ret_error)
{
	struct fs_namespace *ns;
	int r;

	if (ret_error)
		*ret_error = NULL;
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < FS_PROTOS; i++)
		ns->roots[i].dirfd = -1;
	r = fs_namespace_open(ns, cfg, ret_error);
	if (r < 0) {
		fs_namespace_free(ns);
		return r;
	}
	*ret = ns;
	return 0;
}

int fs_namespace_add_generator(struct fs_namespace *ns,
			       const struct fs_generator *gen)
{
	char norm[FS_PATH_MAX];
	size_t len = strlen(gen->path);
	bool prefix = len && gen->path[len - 1] == '/';
	struct fs_gen *gens;

	if (prefix)
		len--;
	if (fs_path_normalize(FS_PROTO_TFTP, gen->path, len, norm) !=
		    (int)len ||
	    memcmp(norm, gen->path, len) || !gen->generate)
		return -EINVAL;
	gens = realloc(ns->gens, (ns->n_gens + 1) * sizeof(*gens));
	if (!gens)
		return -ENOMEM;
	ns->gens = gens;
	gens[ns->n_gens] = (struct fs_gen){
		.path = strndup(gen->path, len),
		.len = len,
		.prefix = prefix,
		.protocols = gen->protocols,
		.generate = gen->generate,
		.userdata = gen->userdata,
	};
	if (!gens[ns->n_gens].path)
		return -ENOMEM;
	ns->n_gens++;
	return 0;
}

/* --- lookups --- */

/* What `gen` is asked for when `norm` is requested, or NULL. */
static const char *fs_gen_match(const struct fs_gen *gen, const char *norm)
{
	if (strncmp(norm, gen->path, gen->len))
		return NULL;
	if (gen->prefix)
		return norm[gen->len] == '/' ? norm + gen->len + 1 : NULL;
	return norm[gen->len] ? NULL : norm + gen->len;
}

static int fs_generate(const struct fs_namespace *ns, enum fs_protocol proto,
		       const char *norm, const struct fs_client *client,
		       struct fs_file *ret)
{
	const struct fs_gen *gen;
	const char *rest;
	int r;

	for (size_t i = 0; i < ns->n_gens; i++) {
		gen = &ns->gens[i];
		rest = fs_gen_match(gen, norm);
		if (!(gen->protocols & 1u << proto) || !rest)
			continue;
		r = gen->generate(rest, client, gen->userdata, ret);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

static bool fs_name_is(const char *name, const char *s, size_t len)
{
	return name && strlen(name) == len && !memcmp(name, s, len);
}

/* The tree called `name` or (image) publishing its image so, or NULL. */
static const struct fs_tree *fs_tree_named(const struct fs_namespace *ns,
					   const char *name, size_t len,
					   bool image)
{
	for (size_t i = 0; i < ns->n_trees; i++)
		if (fs_name_is(image ? ns->trees[i].image : ns->trees[i].name,
			       name, len))
			return &ns->trees[i];
	return NULL;
}

/*
 * Which mount `norm` is in, and its path there; NULL with *ret_image set
 * if it is at or below a tree's image. A tree wins over an image of its
 * name, both over the root's entry.
 */
static const struct fs_mount *fs_resolve(const struct fs_namespace *ns,
					 enum fs_protocol proto,
					 const char *norm, const char **ret_rest,
					 const struct iso_image **ret_image)
{
	const struct fs_tree *tree;
	size_t len;

	*ret_image = NULL;
	len = fs_path_first(norm, ret_rest);
	tree = fs_tree_named(ns, norm, len, false);
	if (tree)
		return &tree->mount;
	tree = fs_tree_named(ns, norm, len, true);
	if (tree) {
		*ret_image = tree->mount.iso;
		return NULL;
	}
	*ret_rest = norm;
	return &ns->roots[proto];
}

/* The whole file behind `fd`, whose status is `st`. */
static void fs_file_set_stat(struct fs_file *f, int fd, const struct stat *st)
{
	f->fd = fd;
	f->offset = 0;
	f->size = (uint64_t)st->st_size;
	f->mtime = st->st_mtim;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
}

int fs_file_set_fd(struct fs_file *f, int fd)
{
	struct stat st;
	int r = 0;

	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EACCES;
	if (r < 0) {
		close(fd);
		return r;
	}
	fs_file_set_stat(f, fd, &st);
	return 0;
}

void fs_file_set_data(struct fs_file *f, void *data, size_t size)
{
	f->data = data;
	f->size = size;
	clock_gettime(CLOCK_REALTIME, &f->mtime);
}

/* Bytes [offset, offset + size) of the image, on a descriptor of its own
   so that the file outlives a reload that frees the image. */
static int fs_open_extent(const struct iso_image *img, uint64_t offset,
			  uint64_t size, struct fs_file *ret)
{
	int fd = fcntl(iso_image_fd(img), F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	fs_file_set_stat(ret, fd, iso_image_stat(img));
	ret->offset = offset;
	ret->size = size;
	return 0;
}

static int fs_open_iso(const struct iso_image *img, const char *path,
		       struct fs_file *ret)
{
	struct iso_entry e;
	int r;

	r = iso_image_lookup(img, path, &e);
	if (r < 0)
		return r;
	if (e.is_dir)
		return -EISDIR;
	return fs_open_extent(img, e.offset, e.size, ret);
}

/* The image file itself; "NAME.iso/x" does not exist. */
static int fs_open_image(const struct iso_image *img, const char *rest,
			 struct fs_file *ret)
{
	if (rest[0])
		return -ENOENT;
	return fs_open_extent(img, 0, (uint64_t)iso_image_stat(img)->st_size,
			      ret);
}

static int fs_open_dir(int rootfd, const char *path, struct fs_file *ret)
{
	struct stat st;
	int fd, r;

	/* No second fstat: dir_file_open found st a regular file. */
	r = dir_file_open(rootfd, path, &fd, &st);
	if (r < 0)
		return r;
	fs_file_set_stat(ret, fd, &st);
	return 0;
}

int fs_open(const struct fs_namespace *ns, enum fs_protocol proto,
	    const char *path, size_t len, const struct fs_client *client,
	    struct fs_file *ret)
{
	const struct iso_image *image;
	const struct fs_mount *mount;
	char norm[FS_PATH_MAX];
	const char *rest;
	int r;

	*ret = (struct fs_file)FS_FILE_INIT;
	r = fs_path_normalize(proto, path, len, norm);
	if (r < 0)
		return r;
	if (client) {
		r = fs_generate(ns, proto, norm, client, ret);
		if (r != -ENOENT)
			return r;
	}
	if (!norm[0])
		return -EISDIR;
	mount = fs_resolve(ns, proto, norm, &rest, &image);
	if (image)
		return fs_open_image(image, rest, ret);
	if (mount->iso)
		return fs_open_iso(mount->iso, rest, ret);
	if (mount->dirfd >= 0)
		return fs_open_dir(mount->dirfd, rest, ret);
	return -ENOENT;
}

void fs_file_close(struct fs_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->data);
	*f = (struct fs_file)FS_FILE_INIT;
}

/* FNV-1a, 64 bits: an ETag needs to change, not to resist attackers. */
static uint64_t fs_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

void fs_file_etag(const struct fs_file *f, char etag[FS_ETAG_MAX])
{
	const uint64_t id[] = {
		f->dev, f->ino, f->offset, f->size,
		(uint64_t)f->mtime.tv_sec, (uint64_t)f->mtime.tv_nsec,
	};
	uint64_t h = 0xcbf29ce484222325ULL;

	if (f->fd < 0)
		h = fs_hash(h, f->data, f->data ? f->size : 0);
	else
		h = fs_hash(h, id, sizeof(id));
	snprintf(etag, FS_ETAG_MAX, "\"%s%016llx\"", f->fd < 0 ? "g" : "",
		 (unsigned long long)h);
}

/* --- listings --- */

static int fs_listing_push(struct fs_listing *l, const char *name,
			   bool is_dir, uint64_t size, struct timespec mtime)
{
	struct fs_dirent *items;

	items = realloc(l->items, (l->len + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	l->items = items;
	items[l->len] = (struct fs_dirent){
		.name = strdup(name),
		.is_dir = is_dir,
		.size = is_dir ? 0 : size,
		.mtime = mtime,
	};
	if (!items[l->len].name)
		return -ENOMEM;
	l->len++;
	return 0;
}

void fs_listing_clear(struct fs_listing *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i].name);
	free(l->items);
	*l = (struct fs_listing){ 0 };
}

struct fs_list_ctx {
	struct fs_listing *listing;
	const struct fs_namespace *ns;   /* at "/": trees and images hide
					    these names */
};

static bool fs_list_hidden(const struct fs_list_ctx *ctx, const char *name)
{
	size_t len = strlen(name);

	return ctx->ns && (fs_tree_named(ctx->ns, name, len, false) ||
			   fs_tree_named(ctx->ns, name, len, true));
}

static int fs_list_iso_entry(void *userdata, const char *name,
			     const struct iso_entry *e)
{
	struct fs_list_ctx *ctx = userdata;
	struct timespec mtime = { .tv_sec = e->mtime };

	if (fs_list_hidden(ctx, name))
		return 0;
	return fs_listing_push(ctx->listing, name, e->is_dir, e->size, mtime);
}

static int fs_list_dir_entry(void *userdata, const char *name,
			     const struct stat *st)
{
	struct fs_list_ctx *ctx = userdata;

	if (fs_list_hidden(ctx, name))
		return 0;
	return fs_listing_push(ctx->listing, name, S_ISDIR(st->st_mode),
			       (uint64_t)st->st_size, st->st_mtim);
}

static int fs_list_mount(const struct fs_mount *m, const char *path,
			 struct fs_list_ctx *ctx)
{
	if (m->iso)
		return iso_image_list(m->iso, path, fs_list_iso_entry, ctx);
	if (m->dirfd >= 0)
		return dir_list(m->dirfd, path, fs_list_dir_entry, ctx);
	return path[0] ? -ENOENT : 0;   /* no root: "/" holds only trees */
}

static int fs_list_trees(const struct fs_namespace *ns, struct fs_listing *l)
{
	struct stat st;
	int r;

	for (size_t i = 0; i < ns->n_trees; i++) {
		const struct fs_tree *t = &ns->trees[i];

		if (t->mount.iso)
			st = *iso_image_stat(t->mount.iso);
		else if (fstat(t->mount.dirfd, &st) < 0)
			return -errno;
		r = fs_listing_push(l, t->name, true, 0, st.st_mtim);
		/* The image beside it, unless a tree has its name. */
		if (r >= 0 && t->image &&
		    !fs_tree_named(ns, t->image, strlen(t->image), false))
			r = fs_listing_push(l, t->image, false,
					    (uint64_t)st.st_size, st.st_mtim);
		if (r < 0)
			return r;
	}
	return 0;
}

static int fs_dirent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fs_dirent *)a)->name,
		      ((const struct fs_dirent *)b)->name);
}

int fs_list(const struct fs_namespace *ns, enum fs_protocol proto,
	    const char *path, size_t len, struct fs_listing *ret)
{
	struct fs_list_ctx ctx = { .listing = ret };
	const struct iso_image *image;
	const struct fs_mount *mount;
	char norm[FS_PATH_MAX];
	const char *rest;
	int r;

	*ret = (struct fs_listing){ 0 };
	r = fs_path_normalize(proto, path, len, norm);
	if (r < 0)
		return r;
	mount = fs_resolve(ns, proto, norm, &rest, &image);
	if (image)
		return -ENOTDIR;
	if (!norm[0]) {
		ctx.ns = ns;
		r = fs_list_trees(ns, ret);
	}
	if (r >= 0)
		r = fs_list_mount(mount, rest, &ctx);
	if (r < 0) {
		fs_listing_clear(ret);
		return r;
	}
	qsort(ret->items, ret->len, sizeof(*ret->items), fs_dirent_cmp);
	return 0;
}
