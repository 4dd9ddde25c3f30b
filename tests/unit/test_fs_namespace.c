/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the served namespace over real directories: roots per
 * protocol, trees, symlinks in and out, things that are not files,
 * listings, generated files, ETags and config errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/profile.h"
#include "config.h"
#include "fs/namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#define T FS_PROTO_TFTP
#define H FS_PROTO_HTTP

struct fixture {
	char top[64];            /* tftp/ www/ netboot/ outside/ */
	char path[256];          /* scratch for building names */
	struct config cfg;
	struct config_tree trees[2];
	struct fs_namespace *ns;
	int sock;                /* bound in tftp/, refused as a file */
	bool have_device;
};

static const char *at(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->top, rel);
	return f->path;
}

static void put(struct fixture *f, const char *rel, const char *text)
{
	FILE *fp = fopen(at(f, rel), "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void link_to(struct fixture *f, const char *target, const char *rel)
{
	assert_int_equal(symlink(target, at(f, rel)), 0);
}

static void dir(struct fixture *f, const char *rel)
{
	assert_int_equal(mkdir(at(f, rel), 0755), 0);
}

static void make_tree(struct fixture *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char target[300];

	dir(f, "tftp");
	dir(f, "tftp/sub");
	dir(f, "tftp/pxelinux.cfg");
	dir(f, "www");
	dir(f, "outside");
	dir(f, "netboot");
	dir(f, "netboot/debian-installer");
	dir(f, "netboot/debian-installer/amd64");
	put(f, "tftp/pxelinux.0", "PXE");
	put(f, "tftp/sub/file.txt", "inside");
	put(f, "tftp/pxelinux.cfg/default", "DEFAULT");
	put(f, "www/index.html", "<html>");
	put(f, "www/netboot", "hidden by the tree of that name");
	put(f, "outside/secret", "SECRET");
	put(f, "netboot/debian-installer/amd64/pxelinux.0", "DEBIAN PXE");

	/* followed: they stay inside */
	link_to(f, "sub/file.txt", "tftp/link_in");
	link_to(f, "sub", "tftp/dirlink");
	link_to(f, "chain2", "tftp/chain1");
	link_to(f, "dirlink/file.txt", "tftp/chain2");
	link_to(f, "../pxelinux.0", "tftp/sub/up");
	/* as Debian's netboot tree is built */
	link_to(f, "debian-installer/amd64/pxelinux.0", "netboot/pxelinux.0");

	/* refused: they lead out, or are not plain links */
	link_to(f, "/etc/passwd", "tftp/abs");
	link_to(f, "../outside/secret", "tftp/out");
	link_to(f, "chainout2", "tftp/chainout1");
	link_to(f, "sub/../../outside/secret", "tftp/chainout2");
	link_to(f, "/proc/self/root/etc/passwd", "tftp/magic");
	link_to(f, "loop", "tftp/loop");
	link_to(f, "../outside", "tftp/dirout");
	/* absolute, even though it names a file inside: beneath means
	   relative to the root, and an absolute target is not */
	snprintf(target, sizeof(target), "%s/tftp/pxelinux.0", f->top);
	link_to(f, target, "tftp/absin");

	assert_int_equal(mkfifo(at(f, "tftp/fifo"), 0644), 0);
	f->have_device = mknod(at(f, "tftp/null"), S_IFCHR | 0666,
			       makedev(1, 3)) == 0;
	f->sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->sock >= 0);
	at(f, "tftp/sock");
	assert_true(strlen(f->path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, f->path, strlen(f->path));
	assert_int_equal(bind(f->sock, (struct sockaddr *)&sun, sizeof(sun)),
			 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *error = NULL;
	static char tftp_root[300], http_root[300], tree_path[300];

	assert_non_null(f);
	strcpy(f->top, "/tmp/pxed-test-fs-XXXXXX");
	assert_non_null(mkdtemp(f->top));
	make_tree(f);
	snprintf(tftp_root, sizeof(tftp_root), "%s/tftp", f->top);
	snprintf(http_root, sizeof(http_root), "%s/www", f->top);
	snprintf(tree_path, sizeof(tree_path), "%s/netboot", f->top);
	f->trees[0] = (struct config_tree){ .name = "netboot",
					    .path = tree_path,
					    .file = "test.conf", .line = 7 };
	/* the TFTP root again, so HTTP meets the same links */
	f->trees[1] = (struct config_tree){ .name = "t", .path = tftp_root,
					    .file = "test.conf", .line = 9 };
	f->cfg = (struct config){
		.path = "test.conf",
		.tftp = { .enabled = true, .root = tftp_root },
		.http = { .enabled = true, .root = http_root },
		.trees = f->trees,
		.n_trees = 2,
	};
	assert_int_equal(fs_namespace_new(&f->cfg, &f->ns, &error), 0);
	assert_null(error);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	fs_namespace_free(f->ns);
	close(f->sock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Open `path` and compare the whole content with `want`. */
static void expect_content(const struct fs_namespace *ns,
			   enum fs_protocol proto, const char *path,
			   const struct fs_client *client, const char *want)
{
	struct fs_file file;
	char buf[256] = "";
	int r;

	r = fs_open(ns, proto, path, strlen(path), client, &file);
	if (r < 0)
		fail_msg("%s: %s", path, strerror(-r));
	assert_int_equal(file.size, strlen(want));
	if (file.fd >= 0)
		assert_int_equal(pread(file.fd, buf, sizeof(buf) - 1,
				       (off_t)file.offset),
				 (ssize_t)file.size);
	else
		memcpy(buf, file.data, file.size);
	assert_string_equal(buf, want);
	fs_file_close(&file);
}

static void expect_error(const struct fs_namespace *ns,
			 enum fs_protocol proto, const char *path, int want)
{
	struct fs_file file;
	int r;

	r = fs_open(ns, proto, path, strlen(path), NULL, &file);
	if (r != want)
		fail_msg("%s: got %d, want %d", path, r, want);
	assert_int_equal(file.fd, -1);
	assert_null(file.data);
}

static void test_roots_and_trees(void **state)
{
	struct fixture *f = *state;

	expect_content(f->ns, T, "pxelinux.0", NULL, "PXE");
	expect_content(f->ns, T, "/sub/file.txt", NULL, "inside");
	expect_content(f->ns, T, "\\sub\\file.txt", NULL, "inside");
	expect_content(f->ns, H, "/index.html", NULL, "<html>");
	/* each protocol has its own "/" */
	expect_error(f->ns, H, "/pxelinux.0", -ENOENT);
	expect_error(f->ns, T, "index.html", -ENOENT);
	/* trees are at /NAME/ for both */
	expect_content(f->ns, T, "netboot/debian-installer/amd64/pxelinux.0",
		       NULL, "DEBIAN PXE");
	expect_content(f->ns, H, "/netboot/pxelinux.0", NULL, "DEBIAN PXE");
	expect_error(f->ns, T, "missing", -ENOENT);
	expect_error(f->ns, T, "sub/file.txt/x", -ENOENT);
	expect_error(f->ns, T, "sub", -EISDIR);
	expect_error(f->ns, H, "/", -EISDIR);
	expect_error(f->ns, H, "/netboot/", -EISDIR);
}

static void test_symlinks_inside(void **state)
{
	struct fixture *f = *state;

	expect_content(f->ns, T, "link_in", NULL, "inside");
	expect_content(f->ns, T, "dirlink/file.txt", NULL, "inside");
	expect_content(f->ns, T, "chain1", NULL, "inside");
	expect_content(f->ns, T, "sub/up", NULL, "PXE");
}

static void test_symlinks_out(void **state)
{
	struct fixture *f = *state;
	static const char *const refused[] = {
		"abs", "out", "chainout1", "chainout2", "magic", "loop",
		"absin", "dirout/secret", "sub/../out",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		expect_error(f->ns, T, refused[i], -EACCES);
		snprintf(f->path, sizeof(f->path), "/t/%s", refused[i]);
		expect_error(f->ns, H, f->path, -EACCES);
	}
	/* an encoded climb out of www/ into tftp/ */
	expect_error(f->ns, H, "/%2e%2e/tftp/pxelinux.0", -EACCES);
	expect_error(f->ns, T, "../outside/secret", -EACCES);
}

static void test_not_files(void **state)
{
	struct fixture *f = *state;

	/* a FIFO opened for reading would block: alarm() catches that */
	alarm(5);
	expect_error(f->ns, T, "fifo", -EACCES);
	alarm(0);
	expect_error(f->ns, T, "sock", -EACCES);
	if (f->have_device)
		expect_error(f->ns, T, "null", -EACCES);
	else
		print_message("no device node (mknod not permitted): "
			      "device case not run\n");
}

static const struct fs_dirent *find(const struct fs_listing *l,
				    const char *name)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

static void test_listing(void **state)
{
	struct fixture *f = *state;
	static const char *const hidden[] = {
		"abs", "out", "chainout1", "chainout2", "magic", "loop",
		"absin", "dirout", "fifo", "sock", "null",
	};
	struct fs_listing l;
	const struct fs_dirent *e;

	assert_int_equal(fs_list(f->ns, T, "/", 1, &l), 0);
	for (size_t i = 1; i < l.len; i++)
		assert_true(strcmp(l.items[i - 1].name, l.items[i].name) < 0);
	e = find(&l, "pxelinux.0");
	assert_non_null(e);
	assert_false(e->is_dir);
	assert_int_equal(e->size, 3);
	e = find(&l, "dirlink");
	assert_non_null(e);
	assert_true(e->is_dir);
	assert_non_null(find(&l, "link_in"));
	assert_non_null(find(&l, "netboot"));
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (find(&l, hidden[i]))
			fail_msg("%s is listed", hidden[i]);
	/* pxelinux.0 pxelinux.cfg sub link_in dirlink chain1 chain2, and the
	   trees netboot and t */
	assert_int_equal(l.len, 9);
	fs_listing_clear(&l);

	assert_int_equal(fs_list(f->ns, H, "/", 1, &l), 0);
	assert_int_equal(l.len, 3);
	assert_string_equal(l.items[0].name, "index.html");
	assert_string_equal(l.items[1].name, "netboot");
	assert_true(l.items[1].is_dir);
	assert_string_equal(l.items[2].name, "t");
	fs_listing_clear(&l);

	assert_int_equal(fs_list(f->ns, H, "/netboot/debian-installer", 25,
				 &l), 0);
	assert_int_equal(l.len, 1);
	assert_string_equal(l.items[0].name, "amd64");
	fs_listing_clear(&l);

	assert_int_equal(fs_list(f->ns, T, "pxelinux.0", 10, &l), -ENOTDIR);
	assert_int_equal(fs_list(f->ns, T, "dirout", 6, &l), -EACCES);
	assert_int_equal(fs_list(f->ns, H, "/%2e%2e", 7, &l), -EACCES);
	assert_int_equal(l.len, 0);
}

/* Answers 01-MAC for clients whose MAC it knows; declines the rest. */
static int gen_pxelinux(const char *rest, const struct fs_client *client,
			void *userdata, struct fs_file *ret)
{
	int *calls = userdata;
	char *text;

	(*calls)++;
	if (strncmp(rest, "01-", 3) || !client->has_mac)
		return -ENOENT;
	if (asprintf(&text, "MAC %02x %s", client->mac[5], rest) < 0)
		return -ENOMEM;
	fs_file_set_data(ret, text, strlen(text));
	return 0;
}

static int gen_failing(const char *rest, const struct fs_client *client,
		       void *userdata, struct fs_file *ret)
{
	return -EIO;
}

static void test_generated(void **state)
{
	struct fixture *f = *state;
	struct fs_client client = {
		.mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .has_mac = true
	};
	struct fs_generator gen = {
		.path = "pxelinux.cfg/", .protocols = 1u << T,
		.generate = gen_pxelinux,
	};
	struct fs_generator broken = {
		.path = "boot.ipxe", .protocols = 1u << T | 1u << H,
		.generate = gen_failing,
	};
	static const char *const bad_paths[] = {
		"", "/", "/abs", "../x", "a//b", "a/./b", "a\\b", "x/../y",
	};
	struct fs_file file;
	const char *p = "pxelinux.cfg/01-52-54-00-12-34-56";
	int calls = 0;

	gen.userdata = &calls;
	assert_int_equal(fs_namespace_add_generator(f->ns, &gen), 0);
	assert_int_equal(fs_namespace_add_generator(f->ns, &broken), 0);

	expect_content(f->ns, T, p, &client, "MAC 56 01-52-54-00-12-34-56");
	assert_int_equal(calls, 1);
	/* declined: the real file is served */
	expect_content(f->ns, T, "pxelinux.cfg/default", &client, "DEFAULT");
	assert_int_equal(calls, 2);
	/* not for HTTP, not without a client, not outside the prefix */
	assert_int_equal(fs_open(f->ns, H, p, strlen(p), &client, &file),
			 -ENOENT);
	assert_int_equal(fs_open(f->ns, T, p, strlen(p), NULL, &file),
			 -ENOENT);
	expect_content(f->ns, T, "pxelinux.0", &client, "PXE");
	assert_int_equal(calls, 2);
	/* a generator's error is the caller's */
	assert_int_equal(fs_open(f->ns, H, "/boot.ipxe", 10, &client, &file),
			 -EIO);

	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		gen.path = bad_paths[i];
		if (fs_namespace_add_generator(f->ns, &gen) != -EINVAL)
			fail_msg("generator path '%s' accepted", bad_paths[i]);
	}
}

/*
 * A boot loader is sent from its file like any other, never read into
 * memory; opened per request, so an updated loader is served at once.
 */
static void test_boot_loader(void **state)
{
	struct fixture *f = *state;
	const char *name = config_loader_name(CONFIG_LOADER_GRUB_X64);
	struct config_profile profile = {
		.name = "p", .tree = "t", .kernel = "pxelinux.0",
		.initrd = "sub/file.txt", .file = "test.conf", .line = 11,
	};
	struct fs_client client = { 0 };
	struct config cfg = f->cfg;
	struct boot_profiles *b;
	char loader[300], etag[FS_ETAG_MAX], *error = NULL;
	struct fs_file file;
	struct stat st;

	snprintf(loader, sizeof(loader), "%s/outside/grubx64.efi", f->top);
	put(f, "outside/grubx64.efi", "GRUB");
	cfg.profiles = &profile;
	cfg.n_profiles = 1;
	cfg.bootloaders.path[CONFIG_LOADER_GRUB_X64] = loader;
	assert_int_equal(boot_profiles_new(&cfg, f->ns, &b, &error), 0);

	assert_int_equal(fs_open(f->ns, T, name, strlen(name), &client, &file),
			 0);
	assert_int_equal(stat(loader, &st), 0);
	assert_true(file.fd >= 0);
	assert_null(file.data);
	assert_int_equal(file.offset, 0);
	assert_int_equal(file.size, (uint64_t)st.st_size);
	assert_int_equal(file.ino, st.st_ino);
	fs_file_etag(&file, etag);
	assert_int_not_equal(etag[1], 'g');   /* from identity, not content */
	fs_file_close(&file);

	/* replaced, as dpkg does: the new file */
	put(f, "outside/grub.new", "GRUB 2.12");
	assert_int_equal(rename(at(f, "outside/grub.new"), loader), 0);
	expect_content(f->ns, H, name, &client, "GRUB 2.12");
	/* not a regular file: refused, and opening it does not block */
	assert_int_equal(unlink(loader), 0);
	assert_int_equal(mkfifo(loader, 0644), 0);
	assert_int_equal(fs_open(f->ns, T, name, strlen(name), &client, &file),
			 -EACCES);
	/* gone: declined, and the root has no such file either */
	assert_int_equal(unlink(loader), 0);
	assert_int_equal(fs_open(f->ns, T, name, strlen(name), &client, &file),
			 -ENOENT);
	boot_profiles_free(b);
}

static void test_etag(void **state)
{
	struct fixture *f = *state;
	struct fs_file a, b;
	char ea[FS_ETAG_MAX], eb[FS_ETAG_MAX];
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT },
				     { .tv_sec = 1000000000 } };

	assert_int_equal(fs_open(f->ns, T, "pxelinux.0", 10, NULL, &a), 0);
	assert_int_equal(fs_open(f->ns, T, "pxelinux.0", 10, NULL, &b), 0);
	fs_file_etag(&a, ea);
	fs_file_etag(&b, eb);
	assert_string_equal(ea, eb);
	assert_true(ea[0] == '"' && ea[strlen(ea) - 1] == '"');
	fs_file_close(&b);
	assert_int_equal(utimensat(AT_FDCWD, at(f, "tftp/pxelinux.0"), times,
				   0), 0);
	assert_int_equal(fs_open(f->ns, T, "pxelinux.0", 10, NULL, &b), 0);
	fs_file_etag(&b, eb);
	assert_string_not_equal(ea, eb);
	fs_file_close(&b);
	fs_file_close(&a);
	fs_file_close(&a);   /* closing twice is harmless */

	/* generated content: the same bytes give the same tag */
	a = (struct fs_file){ .fd = -1, .data = strdup("x"), .size = 1 };
	b = (struct fs_file){ .fd = -1, .data = strdup("x"), .size = 1 };
	fs_file_etag(&a, ea);
	fs_file_etag(&b, eb);
	assert_string_equal(ea, eb);
	((char *)b.data)[0] = 'y';
	fs_file_etag(&b, eb);
	assert_string_not_equal(ea, eb);
	fs_file_close(&a);
	fs_file_close(&b);
}

/* A transfer keeps going when a reload frees the namespace. */
static void test_outlives_namespace(void **state)
{
	struct fixture *f = *state;
	struct fs_file file;
	char buf[8] = "";

	assert_int_equal(fs_open(f->ns, T, "pxelinux.0", 10, NULL, &file), 0);
	f->ns = fs_namespace_free(f->ns);
	assert_int_equal(pread(file.fd, buf, sizeof(buf), 0), 3);
	assert_string_equal(buf, "PXE");
	fs_file_close(&file);
}

static void expect_config_error(struct config *cfg, const char *needle)
{
	struct fs_namespace *ns = NULL;
	char *error = NULL;

	assert_true(fs_namespace_new(cfg, &ns, &error) < 0);
	assert_null(ns);
	assert_non_null(error);
	if (!strstr(error, needle))
		fail_msg("error '%s' lacks '%s'", error, needle);
	free(error);
}

static void test_config_errors(void **state)
{
	struct fixture *f = *state;
	struct config cfg = f->cfg;
	struct config_tree tree = f->trees[0];
	char missing[300];

	snprintf(missing, sizeof(missing), "%s/nope", f->top);
	cfg.trees = &tree;
	cfg.n_trees = 1;
	tree.path = missing;
	expect_config_error(&cfg, "test.conf:7: tree netboot: ");
	tree.path = NULL;
	tree.iso = missing;
	expect_config_error(&cfg, "No such file");
	tree.iso = (char *)at(f, "tftp/pxelinux.0");
	expect_config_error(&cfg, "not an ISO9660 image");
	tree.iso = (char *)at(f, "tftp/fifo");
	expect_config_error(&cfg, "not a regular file");
	cfg.n_trees = 0;
	cfg.tftp.root = missing;
	expect_config_error(&cfg, "test.conf: tftp root ");
	/* a disabled protocol's root is not needed */
	cfg.tftp.enabled = false;
	struct fs_namespace *ns;
	assert_int_equal(fs_namespace_new(&cfg, &ns, NULL), 0);
	fs_namespace_free(ns);
}

#define NETBOOT "/usr/lib/debian-installer/images/12/amd64/text"

/* Open `p` and check its size against the real file behind NETBOOT. */
static void expect_same_size(const struct fs_namespace *ns, const char *p,
			     const char *rel)
{
	char real[300];
	struct fs_file file;
	struct stat st;
	int r;

	snprintf(real, sizeof(real), NETBOOT "/%s", rel);
	assert_int_equal(stat(real, &st), 0);
	r = fs_open(ns, T, p, strlen(p), NULL, &file);
	if (r < 0)
		fail_msg("%s: %s", p, strerror(-r));
	assert_int_equal(file.size, (uint64_t)st.st_size);
	assert_int_equal(file.ino, st.st_ino);
	fs_file_close(&file);
}

/*
 * Debian's netboot tree (package debian-installer-12-netboot-amd64) as the
 * TFTP root: pxelinux.0, pxelinux.cfg and pxelinux.cfg/default are
 * symlinks, the last one with ".." through a symlinked directory.
 */
static void test_debian_netboot(void **state)
{
	struct config cfg = { .path = "test.conf",
			      .tftp = { .enabled = true, .root = NETBOOT } };
	struct fs_namespace *ns;
	struct fs_listing l;

	if (access(NETBOOT, R_OK) < 0) {
		print_message("SKIPPED: %s is not installed\n", NETBOOT);
		skip();
	}
	assert_int_equal(fs_namespace_new(&cfg, &ns, NULL), 0);
	expect_same_size(ns, "pxelinux.0", "pxelinux.0");
	expect_same_size(ns, "/pxelinux.cfg/default", "pxelinux.cfg/default");
	expect_same_size(ns, "ldlinux.c32", "ldlinux.c32");
	expect_same_size(ns, "debian-installer\\amd64\\linux",
			 "debian-installer/amd64/linux");
	assert_int_equal(fs_list(ns, T, "", 0, &l), -EINVAL);
	assert_int_equal(fs_list(ns, T, "/", 1, &l), 0);
	assert_non_null(find(&l, "pxelinux.cfg"));
	assert_true(find(&l, "pxelinux.cfg")->is_dir);
	fs_listing_clear(&l);
	fs_namespace_free(ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roots_and_trees, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_inside, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_boot_loader, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_etag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outlives_namespace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup,
						teardown),
		cmocka_unit_test(test_debian_netboot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
