/* SPDX-License-Identifier: MIT */
/*
 * fs/namespace.h - the one served namespace behind TFTP and HTTP.
 *
 * Built from the config and immutable afterwards (reload builds a new one
 * and swaps it), so any thread may look things up without locks. Each
 * protocol has its own "/" (tftp.root, http.root, either optional); every
 * [tree NAME] is mounted at /NAME/ for both, from a directory or an ISO
 * image. A tree from an image also publishes the image file itself as
 * /NAME.iso for both (Ubuntu's casper loads the whole image by url=).
 * Names in "/" go to a tree first, then to an image, then to the root: a
 * tree or an image hides the root's entry of its name (and everything
 * below it), a tree called NAME.iso hides the image of tree NAME. All
 * roots and images are opened as descriptors when the namespace is built,
 * so lookups keep working after privileges are dropped and no lookup ever
 * walks an absolute path.
 *
 * Every request path goes through one normaliser (fs/path.h) and every
 * directory lookup through openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS):
 * `..`, `%2e%2e`, backslashes over HTTP, NUL bytes and symlinks that lead
 * out of a root are refused the same way whoever asks. Symlinks that stay
 * inside are followed (Debian's netboot tree is built of them).
 *
 * Errors, the same for both protocols (negative errno):
 *   -ENOENT  nothing there (TFTP error 1, HTTP 404)
 *   -EACCES  refused: escape attempt, NUL, device, FIFO, socket, a
 *            symlink leading out (TFTP error 2, HTTP 403)
 *   -EISDIR  a directory (HTTP: list it with fs_list or redirect to "/")
 *   -EINVAL  malformed name: bad percent-encoding, empty, overlong
 *            (TFTP error 0 or 2, HTTP 400)
 *   -ENOMEM
 */
#ifndef PXED_FS_NAMESPACE_H
#define PXED_FS_NAMESPACE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct fs_namespace;

enum fs_protocol {
	FS_PROTO_TFTP,   /* `\` is a separator, a leading `/` is optional */
	FS_PROTO_HTTP,   /* percent-encoded; `\` and `%00` are refused */
	FS_PROTOS
};

/* Who asks; generated files (pxelinux.cfg/01-MAC, ...) depend on it. */
struct fs_client {
	struct in_addr addr;     /* INADDR_ANY: unknown */
	uint8_t mac[6];
	bool has_mac;            /* HTTP usually knows only the address */
};

/*
 * An open file, ready to be sent. Exactly one of:
 *  - fd >= 0: the content is bytes [offset, offset + size) of fd. A plain
 *    file has offset 0; a file inside an ISO image is the image itself
 *    (a dup of it) at the file's extent. The descriptor may share its
 *    file position with other transfers: use only pread(2) and
 *    sendfile(2) with an explicit offset, never read(2) or lseek(2).
 *  - fd == -1: the content is `data` (generated for this client).
 * The file owns its descriptor or buffer and stays valid after the
 * namespace it came from is freed, so a reload never cuts a transfer.
 */
struct fs_file {
	int fd;
	uint64_t offset;
	uint64_t size;
	void *data;              /* generated content, or NULL */
	struct timespec mtime;   /* of the file; of the image inside an ISO;
				    the time of generation for generated data */
	/* Identity for ETags: (dev, ino) of the file or the image, plus offset,
	   size and mtime. Generated content: dev = ino = 0, see fs_file_etag. */
	uint64_t dev;
	uint64_t ino;
};

#define FS_FILE_INIT { .fd = -1 }

/*
 * Build the namespace for `cfg`. On failure returns a negative errno and,
 * if ret_error is not NULL, a malloc'ed message naming the config
 * file:line that could not be served (a missing root, an unreadable or
 * damaged ISO image), e.g.
 *   "/etc/pxed.conf:12: tree rhel7: /srv/rhel7.iso: not an ISO9660 image"
 * (NULL after -ENOMEM). Indexing an ISO image reads all its directories:
 * up to seconds for a DVD with thousands of directories (fs/iso.c), so a
 * reload should build the new namespace outside the event loop thread.
 */
int fs_namespace_new(const struct config *cfg, struct fs_namespace **ret,
		     char **ret_error);
/* Takes NULL; returns NULL. Files opened from it stay valid. */
struct fs_namespace *fs_namespace_free(struct fs_namespace *ns);

/*
 * Generated files. A generator produces the content of one path for one
 * client, e.g. the boot-profile code registers "pxelinux.cfg/" to answer
 * pxelinux.cfg/01-52-54-00-12-34-56. `path` in struct fs_generator is a
 * normalised path (no leading '/'): ending in '/', it matches every file
 * below it (the generator gets the rest, e.g. "01-52-54-00-12-34-56");
 * otherwise only that exact path (the generator gets "").
 *
 * The generator fills `ret` (FS_FILE_INIT on entry) with
 * fs_file_set_data (content made for this client) or fs_file_set_fd (a
 * file it opened, e.g. a boot loader: sent like any other file, so
 * memory per transfer stays small however big the file), and returns 0.
 * It returns -ENOENT to decline so that the real file of that name, if
 * any, is served, or another negative errno which is returned to the
 * caller; either way it leaves `ret` as it got it. Generators run in
 * whatever thread asks (HTTP has several): they must be thread-safe.
 * Generated paths are not shown by fs_list (they exist per client).
 */
typedef int fs_generate_fn(const char *rest, const struct fs_client *client,
			   void *userdata, struct fs_file *ret);

struct fs_generator {
	const char *path;        /* copied by fs_namespace_add_generator */
	unsigned protocols;      /* bit mask of 1u << FS_PROTO_* */
	fs_generate_fn *generate;
	void *userdata;          /* not owned */
};

/*
 * Register before the namespace is published to other threads (it is
 * immutable afterwards). Checked in the order added; the first that does
 * not decline wins. -EINVAL if the path is not normalised.
 */
int fs_namespace_add_generator(struct fs_namespace *ns,
			       const struct fs_generator *gen);

/*
 * Open `path` (the raw request bytes, `len` long; not NUL-terminated
 * necessarily, and an embedded NUL is refused) as `proto` sees it.
 * HTTP: the path part of the request target, still percent-encoded
 * (decoding is this function's, so that it happens once, before the
 * confinement), without the query.
 * TFTP: the filename of the RRQ as sent.
 * `client` may be NULL (nothing is generated then). On success *ret is
 * filled and must be closed with fs_file_close. -EISDIR for directories.
 */
int fs_open(const struct fs_namespace *ns, enum fs_protocol proto,
	    const char *path, size_t len, const struct fs_client *client,
	    struct fs_file *ret);
/* Releases the fd or buffer; takes a FS_FILE_INIT file; may be repeated. */
void fs_file_close(struct fs_file *f);

/* For generators: `f` serves (and owns) the malloc'ed `data`, `size`
   bytes (0 is allowed, `data` may then be NULL), generated now. */
void fs_file_set_data(struct fs_file *f, void *data, size_t size);
/*
 * `f` serves the whole regular file open as `fd`, which it takes, also on
 * failure (closed then): -EACCES if it is not a regular file (a FIFO or
 * device would block or have side effects; open it O_NONBLOCK).
 */
int fs_file_set_fd(struct fs_file *f, int fd);

/*
 * A strong ETag (with quotes, as sent) for `f`: from its identity for
 * files, from a hash of the content for generated data.
 */
#define FS_ETAG_MAX 72
void fs_file_etag(const struct fs_file *f, char etag[FS_ETAG_MAX]);

/* One entry of a directory listing. */
struct fs_dirent {
	char *name;              /* one component, no '/' */
	bool is_dir;
	uint64_t size;           /* 0 for directories */
	struct timespec mtime;   /* inside an ISO: as the image records it */
};

struct fs_listing {
	struct fs_dirent *items; /* sorted by name (strcmp) */
	size_t len;
};

/*
 * List the directory at `path` (same rules as fs_open; "/" is the
 * protocol's root, where the trees appear as directories and their
 * images, NAME.iso, as files). Only regular files and directories are
 * listed; symlinks appear as what they point to, and are left out if that
 * is outside the root or not listable.
 * -ENOTDIR if `path` is a file.
 */
int fs_list(const struct fs_namespace *ns, enum fs_protocol proto,
	    const char *path, size_t len, struct fs_listing *ret);
void fs_listing_clear(struct fs_listing *l);

#endif
