/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for ISO9660 images, built here with xorriso: Rock Ridge,
 * Joliet and plain names, deep trees, symlinks in and out, extents
 * checked by pread from the image, damaged images, a file over 4 GiB
 * (multi-extent) when the disk has room for one, and the namespace over
 * an image (its files, and the image itself as NAME.iso).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "fs/iso.h"
#include "fs/namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define DEEP "a/b/c/d/e/f/g/h/i/j/k/l"
#define LONG_NAME "MixedCase_file_name_longer_than_thirty_one_characters.data"
#define BIG_SIZE (4700ULL << 20)   /* over 4 GiB: two extents */

static char top[64];
static char path[512];

static const char *at(const char *rel)
{
	snprintf(path, sizeof(path), "%s/%s", top, rel);
	return path;
}

static void put(const char *rel, const char *text)
{
	FILE *fp = fopen(at(rel), "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* The source tree every image is made of. */
static int setup(void **state)
{
	strcpy(top, "/tmp/pxed-test-iso-XXXXXX");
	assert_non_null(mkdtemp(top));
	run("mkdir -p %s/src/sub %s/src/" DEEP " %s/plain/Dir.x", top, top,
	    top);
	put("src/Hello.txt", "hello from the image\n");
	put("src/sub/" LONG_NAME, "long\n");
	put("src/" DEEP "/deep.txt", "twelve levels down\n");
	run("cd %s/src && ln -s ../Hello.txt sub/link && ln -s sub dlink && "
	    "ln -s /etc/passwd abs && ln -s ../x up && "
	    "ln -s ../../Hello.txt sub/up2 && ln -s loop2 loop1 && "
	    "ln -s loop1 loop2 && ln -s sub/../Hello.txt dotdot_in",
	    top);
	put("plain/ReadMe", "plain\n");
	put("plain/Dir.x/noext", "noext\n");
	put("junk", "this is not an ISO9660 image, not even close\n");
	return 0;
}

static int teardown(void **state)
{
	run("rm -rf %s", top);
	return 0;
}

static struct iso_image *open_image(const char *rel)
{
	struct iso_image *img = NULL;
	const char *reason = NULL;
	int r;

	r = iso_image_open(at(rel), &img, &reason);
	if (r < 0)
		fail_msg("%s: %s", rel, reason);
	return img;
}

/* Look `p` up and check its bytes, read from the image at its extent. */
static void expect_file(const struct iso_image *img, const char *p,
			const char *want)
{
	struct iso_entry e;
	char buf[256] = "";
	int r;

	r = iso_image_lookup(img, p, &e);
	if (r < 0)
		fail_msg("%s: %s", p, strerror(-r));
	assert_false(e.is_dir);
	assert_int_equal(e.size, strlen(want));
	assert_int_equal(e.offset % 2048, 0);
	assert_true(e.offset >= 16 * 2048);   /* past the system area */
	assert_int_equal(pread(iso_image_fd(img), buf, e.size,
			       (off_t)e.offset),
			 (ssize_t)e.size);
	assert_string_equal(buf, want);
}

static void expect_lookup_error(const struct iso_image *img, const char *p,
				int want)
{
	struct iso_entry e;
	int r = iso_image_lookup(img, p, &e);

	if (r != want)
		fail_msg("%s: got %d, want %d", p, r, want);
}

static void test_rock_ridge(void **state)
{
	struct iso_image *img;
	struct iso_entry e;
	struct stat st;

	run("xorriso -as mkisofs -R -J -o %s/rr.iso %s/src >/dev/null 2>&1",
	    top, top);
	img = open_image("rr.iso");
	expect_file(img, "Hello.txt", "hello from the image\n");
	expect_file(img, "sub/" LONG_NAME, "long\n");
	expect_file(img, DEEP "/deep.txt", "twelve levels down\n");
	/* Rock Ridge names are exact, as on a disk */
	expect_lookup_error(img, "hello.txt", -ENOENT);
	expect_lookup_error(img, "HELLO.TXT", -ENOENT);
	expect_lookup_error(img, "Hello.txt/x", -ENOENT);
	expect_lookup_error(img, "sub/missing", -ENOENT);

	assert_int_equal(iso_image_lookup(img, "sub", &e), 0);
	assert_true(e.is_dir);
	assert_int_equal(iso_image_lookup(img, "", &e), 0);
	assert_true(e.is_dir);
	assert_int_equal(stat(at("src/Hello.txt"), &st), 0);
	assert_int_equal(iso_image_lookup(img, "Hello.txt", &e), 0);
	assert_int_equal(e.mtime, st.st_mtime);
	iso_image_free(img);
}

static void test_symlinks(void **state)
{
	struct iso_image *img;
	struct iso_entry e;

	run("xorriso -as mkisofs -R -o %s/rr.iso %s/src >/dev/null 2>&1",
	    top, top);
	img = open_image("rr.iso");
	expect_file(img, "sub/link", "hello from the image\n");
	expect_file(img, "dlink/link", "hello from the image\n");
	expect_file(img, "dlink/" LONG_NAME, "long\n");
	expect_file(img, "dotdot_in", "hello from the image\n");
	assert_int_equal(iso_image_lookup(img, "dlink", &e), 0);
	assert_true(e.is_dir);
	expect_lookup_error(img, "abs", -EACCES);
	expect_lookup_error(img, "up", -EACCES);
	expect_lookup_error(img, "sub/up2", -EACCES);
	expect_lookup_error(img, "dlink/up2", -EACCES);
	expect_lookup_error(img, "loop1", -EACCES);
	iso_image_free(img);
}

struct names {
	char text[512];
	unsigned dirs;
};

static int collect(void *userdata, const char *name,
		   const struct iso_entry *entry)
{
	struct names *n = userdata;

	strcat(n->text, name);
	strcat(n->text, " ");
	n->dirs += entry->is_dir;
	return 0;
}

static void test_list(void **state)
{
	struct iso_image *img;
	struct names n = { .dirs = 0 };

	run("xorriso -as mkisofs -R -o %s/rr.iso %s/src >/dev/null 2>&1",
	    top, top);
	img = open_image("rr.iso");
	assert_int_equal(iso_image_list(img, "", collect, &n), 0);
	/* sorted; links resolved; those leading out or looping left out */
	assert_string_equal(n.text, "Hello.txt a dlink dotdot_in sub ");
	assert_int_equal(n.dirs, 3);
	assert_int_equal(iso_image_list(img, "Hello.txt", collect, &n),
			 -ENOTDIR);
	assert_int_equal(iso_image_list(img, "nope", collect, &n), -ENOENT);
	iso_image_free(img);
}

/* No Rock Ridge, no Joliet: "README.;1" is asked for as "readme". */
static void test_plain_names(void **state)
{
	struct iso_image *img;

	run("xorriso -outdev %s/plain.iso -rockridge off -joliet off "
	    "-map %s/plain / >/dev/null 2>&1",
	    top, top);
	img = open_image("plain.iso");
	expect_file(img, "readme", "plain\n");
	expect_file(img, "ReadMe", "plain\n");
	expect_file(img, "README", "plain\n");
	expect_file(img, "dir_x/noext", "noext\n");
	expect_file(img, "DIR_X/NOEXT", "noext\n");
	expect_lookup_error(img, "readme.", -ENOENT);
	iso_image_free(img);
}

static void test_joliet(void **state)
{
	struct iso_image *img;

	run("xorriso -outdev %s/joliet.iso -rockridge off -joliet on "
	    "-map %s/src / >/dev/null 2>&1",
	    top, top);
	img = open_image("joliet.iso");
	expect_file(img, "Hello.txt", "hello from the image\n");
	expect_file(img, DEEP "/deep.txt", "twelve levels down\n");
	expect_lookup_error(img, "hello.txt", -ENOENT);
	iso_image_free(img);
}

static void expect_open_error(const char *rel, int want, const char *reason)
{
	struct iso_image *img = NULL;
	const char *got = NULL;

	assert_int_equal(iso_image_open(at(rel), &img, &got), want);
	assert_null(img);
	assert_string_equal(got, reason);
}

static void test_damaged(void **state)
{
	run("xorriso -as mkisofs -R -o %s/rr.iso %s/src >/dev/null 2>&1",
	    top, top);
	expect_open_error("junk", -EBADMSG, "not an ISO9660 image");
	expect_open_error("nope.iso", -ENOENT, strerror(ENOENT));
	expect_open_error("src", -EINVAL, "not a regular file");
	/* the volume descriptors, but not the directories they point at */
	run("head -c 36864 %s/rr.iso > %s/cut.iso", top, top);
	expect_open_error("cut.iso", -EBADMSG, "damaged directory tree");
	/* a root record longer than its 34 bytes in the primary volume
	   descriptor: libiso9660 would read the fields after it as Rock
	   Ridge entries */
	run("cp %s/rr.iso %s/root.iso && printf '\\043' | dd of=%s/root.iso "
	    "bs=1 seek=$((16 * 2048 + 156)) conv=notrunc 2>/dev/null",
	    top, top, top);
	expect_open_error("root.iso", -EBADMSG, "damaged directory tree");
	/* a root directory that claims 4 GiB of records (found by fuzzing:
	   libiso9660 allocates what it is told before reading); the size
	   is both-endian at byte 10 of the root record, byte 156 of the
	   primary volume descriptor in sector 16 */
	run("printf '\\000\\370\\377\\377\\377\\377\\370\\000' | "
	    "dd of=%s/rr.iso bs=1 seek=$((16 * 2048 + 156 + 10)) "
	    "conv=notrunc 2>/dev/null",
	    top);
	expect_open_error("rr.iso", -EBADMSG, "damaged directory tree");
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_both_endian(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/* The record called `name` in a directory's first block, or NULL. */
static uint8_t *find_record(uint8_t *dir, const char *name)
{
	for (size_t i = 0; i < 2048 && dir[i]; i += dir[i])
		if (dir[i + 32] == strlen(name) &&
		    !memcmp(dir + i + 33, name, strlen(name)))
			return dir + i;
	return NULL;
}

/*
 * Read the first block of the root directory of the image open at `fd`,
 * or with `write_back` write `dir` there; returns the block's number. A
 * record has its block number both-endian at byte 2, its name at byte 33
 * (length at 32); the root's record is at byte 156 of the primary volume
 * descriptor, in sector 16.
 */
static uint32_t root_dir_io(int fd, uint8_t dir[2048], bool write_back)
{
	uint8_t pvd[2048];
	uint32_t root;

	assert_int_equal(pread(fd, pvd, sizeof(pvd), 16 * 2048), 2048);
	root = le32(pvd + 156 + 2);
	assert_int_equal(write_back ? pwrite(fd, dir, 2048, (off_t)root * 2048)
				    : pread(fd, dir, 2048, (off_t)root * 2048),
			 2048);
	return root;
}

/* The first block of an image's root directory, patched in place. */
struct root_block {
	int fd;
	uint32_t lba;
	uint8_t dir[2048];
};

static void root_open(struct root_block *rb, const char *rel)
{
	rb->fd = open(at(rel), O_RDWR);
	assert_true(rb->fd >= 0);
	rb->lba = root_dir_io(rb->fd, rb->dir, false);
}

/* Write the block back. */
static void root_close(struct root_block *rb)
{
	root_dir_io(rb->fd, rb->dir, true);
	close(rb->fd);
}

/* Point the record of directory `name` in the root at the block of
   directory `target` (NULL: the root itself). */
static void redirect_dir(const char *rel, const char *name,
			 const char *target)
{
	struct root_block rb;
	uint8_t *rec, *to;

	root_open(&rb, rel);
	rec = find_record(rb.dir, name);
	to = target ? find_record(rb.dir, target) : NULL;
	assert_non_null(rec);
	put_both_endian(rec + 2, to ? le32(to + 2) : rb.lba);
	root_close(&rb);
}

/* Rename record `name` in the root to `to`, of the same length. */
static void rename_record(const char *rel, const char *name, const char *to)
{
	struct root_block rb;
	uint8_t *rec;

	assert_int_equal(strlen(name), strlen(to));
	root_open(&rb, rel);
	rec = find_record(rb.dir, name);
	assert_non_null(rec);
	memcpy(rec + 33, to, strlen(to));
	root_close(&rb);
}

/* Set byte `i` of the SUSP entry `sig` (Rock Ridge) of record `name` in
   the root. The entries follow the name, padded to an even offset. */
static void patch_entry(const char *rel, const char *name, const char *sig,
			size_t i, uint8_t value)
{
	struct root_block rb;
	uint8_t *rec, *e = NULL;

	root_open(&rb, rel);
	rec = find_record(rb.dir, name);
	assert_non_null(rec);
	for (size_t off = 33 + rec[32] + !(rec[32] % 2);
	     !e && off + 4 <= rec[0] && rec[off + 2]; off += rec[off + 2])
		if (!memcmp(rec + off, sig, 2))
			e = rec + off;
	assert_non_null(e);
	e[i] = value;
	root_close(&rb);
}

/*
 * Plain names are folded after the checks on recorded names: "..;1"
 * becomes "." and "...;1" "..". Such entries are left out, not listed
 * under a name that means something else when asked for.
 */
static void test_plain_dot_names(void **state)
{
	struct iso_image *img;
	struct names n = { .dirs = 0 };

	run("mkdir -p %s/dots && echo a >%s/dots/A && echo b >%s/dots/AB && "
	    "echo c >%s/dots/C && xorriso -outdev %s/dots.iso -rockridge off "
	    "-joliet off -map %s/dots / >/dev/null 2>&1",
	    top, top, top, top, top, top);
	rename_record("dots.iso", "A.;1", "..;1");
	rename_record("dots.iso", "AB.;1", "...;1");
	img = open_image("dots.iso");
	assert_int_equal(iso_image_list(img, "", collect, &n), 0);
	assert_string_equal(n.text, "c ");
	expect_file(img, "c", "c\n");
	iso_image_free(img);
}

/*
 * A directory that is its own ancestor would make the tree endless; two
 * records of one directory (no tool writes them) would multiply it with
 * every level. Both are refused.
 */
static void test_directory_loop(void **state)
{
	static const char reason[] =
		"directories nested too deep, in a loop or shared";

	run("xorriso -as mkisofs -R -o %s/loop.iso %s/src >/dev/null 2>&1",
	    top, top);
	run("cp %s/loop.iso %s/alias.iso", top, top);
	redirect_dir("loop.iso", "SUB", NULL);
	expect_open_error("loop.iso", -ELOOP, reason);
	redirect_dir("alias.iso", "A", "SUB");
	expect_open_error("alias.iso", -ELOOP, reason);
}

/*
 * libiso9660 2.1 builds a Rock Ridge symlink's target from its SL entry
 * trusting it (found by fuzzing). Where the entry says the target goes
 * on in a next one after a complete component, it counts a byte for the
 * '/' without allocating it; "a/bb/ccc" just fills its buffer, so it
 * then copies a byte past it. Where a component runs past the entry, it
 * walks on beyond. Both are refused before it reads the directory. An SL
 * entry: signature, length, version, flags (4), then components: flags,
 * length (6 for the first), text.
 */
static void test_damaged_symlink(void **state)
{
	run("mkdir -p %s/sl && ln -sfn a/bb/ccc %s/sl/lnk && "
	    "xorriso -as mkisofs -R -o %s/sl.iso %s/sl >/dev/null 2>&1 && "
	    "cp %s/sl.iso %s/sl2.iso",
	    top, top, top, top, top, top);
	iso_image_free(open_image("sl.iso"));
	patch_entry("sl.iso", "LNK.;1", "SL", 4, 1);
	expect_open_error("sl.iso", -EBADMSG, "damaged directory tree");
	patch_entry("sl2.iso", "LNK.;1", "SL", 6, 2);
	expect_open_error("sl2.iso", -EBADMSG, "damaged directory tree");
}

static struct fs_namespace *namespace_of(struct config_tree *trees,
					 size_t n, char *http_root)
{
	struct config cfg = { .path = "t.conf", .trees = trees, .n_trees = n,
			      .tftp = { .enabled = true },
			      .http = { .enabled = true, .root = http_root } };
	struct fs_namespace *ns = NULL;

	assert_int_equal(fs_namespace_new(&cfg, &ns, NULL), 0);
	return ns;
}

/* Through the namespace: the fd is the image, the offset the extent. */
static void test_namespace(void **state)
{
	char iso[300];
	struct config_tree tree = { .name = "img", .iso = iso,
				    .file = "t.conf", .line = 3 };
	struct fs_namespace *ns;
	struct fs_listing l;
	struct fs_file f;
	char buf[64] = "";
	struct stat st;

	run("xorriso -as mkisofs -R -o %s/rr.iso %s/src >/dev/null 2>&1",
	    top, top);
	snprintf(iso, sizeof(iso), "%s/rr.iso", top);
	ns = namespace_of(&tree, 1, NULL);
	assert_int_equal(fs_open(ns, FS_PROTO_HTTP, "/img/sub/link", 13, NULL,
				 &f), 0);
	assert_true(f.offset > 0);
	assert_int_equal(f.size, 21);
	assert_int_equal(pread(f.fd, buf, f.size, (off_t)f.offset), 21);
	assert_string_equal(buf, "hello from the image\n");
	assert_int_equal(fstat(f.fd, &st), 0);
	assert_int_equal(st.st_ino, f.ino);   /* the image's identity */
	fs_file_close(&f);
	assert_int_equal(fs_open(ns, FS_PROTO_TFTP, "img\\sub", 7, NULL, &f),
			 -EISDIR);
	assert_int_equal(fs_open(ns, FS_PROTO_TFTP, "img/abs", 7, NULL, &f),
			 -EACCES);
	assert_int_equal(fs_list(ns, FS_PROTO_HTTP, "/img/sub/", 9, &l), 0);
	assert_int_equal(l.len, 2);   /* LONG_NAME and link; up2 leads out */
	assert_string_equal(l.items[0].name, LONG_NAME);
	assert_int_equal(l.items[0].size, 5);
	assert_string_equal(l.items[1].name, "link");
	fs_listing_clear(&l);
	fs_namespace_free(ns);
}

static void expect_root_entry(const struct fs_listing *l, size_t i,
			      const char *name, bool is_dir)
{
	assert_true(i < l->len);
	assert_string_equal(l->items[i].name, name);
	assert_int_equal(l->items[i].is_dir, is_dir);
}

/*
 * A tree from an image publishes the image too, as NAME.iso at the top of
 * both protocols (casper's url=), over the http root's own file of that
 * name; a tree from a directory publishes nothing; a tree called NAME.iso
 * hides the image.
 */
static void test_namespace_image(void **state)
{
	char iso[300], src[300], www[300];
	struct config_tree trees[] = {
		{ .name = "img", .iso = iso, .file = "t.conf", .line = 3 },
		{ .name = "dir", .path = src, .file = "t.conf", .line = 5 },
		{ .name = "img.iso", .path = src, .file = "t.conf", .line = 7 },
	};
	struct fs_namespace *ns;
	struct fs_listing l;
	struct fs_file f;
	char magic[5];
	struct stat st;

	run("xorriso -as mkisofs -R -o %s/rr.iso %s/src >/dev/null 2>&1 && "
	    "mkdir -p %s/www", top, top, top);
	put("www/img.iso", "the root's own, hidden\n");
	snprintf(iso, sizeof(iso), "%s/rr.iso", top);
	snprintf(src, sizeof(src), "%s/src", top);
	snprintf(www, sizeof(www), "%s/www", top);
	assert_int_equal(stat(iso, &st), 0);
	ns = namespace_of(trees, 2, www);
	assert_int_equal(fs_open(ns, FS_PROTO_HTTP, "/img.iso", 8, NULL, &f),
			 0);
	assert_int_equal(f.offset, 0);
	assert_int_equal(f.size, st.st_size);
	assert_int_equal(f.ino, st.st_ino);
	assert_int_equal(f.mtime.tv_sec, st.st_mtim.tv_sec);
	/* The primary volume descriptor: the image, not the root's file. */
	assert_int_equal(pread(f.fd, magic, 5, 16 * 2048 + 1), 5);
	assert_memory_equal(magic, "CD001", 5);
	fs_file_close(&f);
	assert_int_equal(fs_open(ns, FS_PROTO_TFTP, "img.iso", 7, NULL, &f), 0);
	assert_int_equal(f.size, st.st_size);
	fs_file_close(&f);
	assert_int_equal(fs_open(ns, FS_PROTO_HTTP, "/img.iso/x", 10, NULL,
				 &f), -ENOENT);
	assert_int_equal(fs_open(ns, FS_PROTO_HTTP, "/dir.iso", 8, NULL, &f),
			 -ENOENT);
	assert_int_equal(fs_list(ns, FS_PROTO_HTTP, "/img.iso/", 9, &l),
			 -ENOTDIR);
	assert_int_equal(fs_list(ns, FS_PROTO_HTTP, "/", 1, &l), 0);
	assert_int_equal(l.len, 3);
	expect_root_entry(&l, 0, "dir", true);
	expect_root_entry(&l, 1, "img", true);
	expect_root_entry(&l, 2, "img.iso", false);
	assert_int_equal(l.items[2].size, st.st_size);
	fs_listing_clear(&l);
	fs_namespace_free(ns);

	ns = namespace_of(trees, 3, NULL);
	assert_int_equal(fs_open(ns, FS_PROTO_TFTP, "img.iso", 7, NULL, &f),
			 -EISDIR);
	assert_int_equal(fs_list(ns, FS_PROTO_TFTP, "/", 1, &l), 0);
	assert_int_equal(l.len, 3);
	expect_root_entry(&l, 2, "img.iso", true);
	fs_listing_clear(&l);
	fs_namespace_free(ns);
}

#define NETBOOT "/usr/lib/debian-installer/images/12/amd64/text"

/*
 * Debian's netboot tree made into an image: its symlinks become Rock
 * Ridge symlinks, pxelinux.cfg/default one with ".." through a symlinked
 * directory, and must resolve as they do on disk.
 */
static void test_debian_netboot(void **state)
{
	static const char *const files[] = {
		"pxelinux.0", "ldlinux.c32", "pxelinux.cfg/default",
		"debian-installer/amd64/linux",
	};
	struct iso_image *img;
	struct iso_entry e;
	struct stat st;
	char real[300];

	if (access(NETBOOT, R_OK) < 0) {
		print_message("SKIPPED: %s is not installed\n", NETBOOT);
		skip();
	}
	run("xorriso -as mkisofs -R -o %s/netboot.iso " NETBOOT
	    " >/dev/null 2>&1",
	    top);
	img = open_image("netboot.iso");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(real, sizeof(real), NETBOOT "/%s", files[i]);
		assert_int_equal(stat(real, &st), 0);
		if (iso_image_lookup(img, files[i], &e) < 0)
			fail_msg("%s not found", files[i]);
		assert_int_equal(e.size, (uint64_t)st.st_size);
	}
	iso_image_free(img);
	unlink(at("netboot.iso"));
}

/*
 * 4.6 GiB of (sparse) zeros ending in "END", then a small file: the
 * first is two extents joined into one range, the second lies beyond
 * 4 GiB in the image. Writing the image takes ~5 GiB and ~20 s.
 */
static void test_big_file(void **state)
{
	struct iso_image *img;
	struct iso_entry e;
	struct statvfs vfs;
	char buf[4];
	int fd;

	assert_int_equal(statvfs(top, &vfs), 0);
	if ((uint64_t)vfs.f_bavail * vfs.f_frsize < 2 * BIG_SIZE) {
		print_message("SKIPPED: %s has no room for a %llu MiB image\n",
			      top, BIG_SIZE >> 20);
		skip();
	}
	run("mkdir -p %s/big", top);
	fd = open(at("big/huge.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "END", 3, BIG_SIZE - 3), 3);
	close(fd);
	put("big/zz_after.txt", "after\n");
	run("xorriso -as mkisofs -iso-level 3 -R -o %s/big.iso %s/big "
	    ">/dev/null 2>&1",
	    top, top);
	unlink(at("big/huge.bin"));

	img = open_image("big.iso");
	assert_int_equal(iso_image_lookup(img, "huge.bin", &e), 0);
	assert_int_equal(e.size, BIG_SIZE);
	assert_int_equal(pread(iso_image_fd(img), buf, 3,
			       (off_t)(e.offset + e.size - 3)), 3);
	assert_memory_equal(buf, "END", 3);
	expect_file(img, "zz_after.txt", "after\n");
	assert_int_equal(iso_image_lookup(img, "zz_after.txt", &e), 0);
	assert_true(e.offset > (4ULL << 30));
	iso_image_free(img);
	unlink(at("big.iso"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rock_ridge),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_plain_names),
		cmocka_unit_test(test_joliet),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_directory_loop),
		cmocka_unit_test(test_plain_dot_names),
		cmocka_unit_test(test_damaged_symlink),
		cmocka_unit_test(test_namespace),
		cmocka_unit_test(test_namespace_image),
		cmocka_unit_test(test_debian_netboot),
		cmocka_unit_test(test_big_file),
	};

	if (system("xorriso -version >/dev/null 2>&1") != 0) {
		printf("SKIPPED: xorriso is not installed\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
