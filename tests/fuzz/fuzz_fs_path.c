/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: request names through the normaliser and the
 * namespace. The first byte picks the protocol, the rest is the name.
 * Besides crashes it checks confinement: a file outside the roots, reachable
 * only by climbing out, must never be opened, and a normalised path never
 * holds "..", "//", a leading '/' or a NUL.
 */
#include "config.h"
#include "fs/namespace.h"
#include "fs/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "SECRET-OUTSIDE"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fs_namespace *ns;
static char top[64];

static void cleanup(void)
{
	char cmd[128];

	fs_namespace_free(ns);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", top);
}

static void fixture_put(const char *rel, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* root/ with links in and out, outside/secret next to it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char root[128], sub[128];
	static struct config_tree tree = { .name = "t", .file = "fuzz",
					   .line = 1 };
	static struct config cfg = { .path = "fuzz", .trees = &tree,
				     .n_trees = 1 };
	char cmd[512];

	snprintf(top, sizeof(top), "/tmp/pxed-fuzz-fs-%d", getpid());
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/root/sub/deeper %s/outside && cd %s/root && "
		 "ln -s ../outside/secret out && ln -s /etc/passwd abs && "
		 "ln -s sub/x in && ln -s .. sub/up && ln -s ../.. sub/upup && "
		 "ln -s ../../outside sub/deeper/o",
		 top, top, top);
	if (system(cmd) != 0)
		abort();
	atexit(cleanup);
	fixture_put("outside/secret", SECRET);
	fixture_put("root/sub/x", "x");
	fixture_put("root/pxelinux.0", "pxe");
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(sub, sizeof(sub), "%s/root/sub", top);
	cfg.tftp = (struct config_tftp){ .enabled = true, .root = root };
	cfg.http = (struct config_http){ .enabled = true, .root = root };
	tree.path = sub;
	if (fs_namespace_new(&cfg, &ns, NULL) < 0)
		abort();
	return 0;
}

static void check_normalised(const char *out, int len)
{
	if (len < 0)
		return;
	if ((size_t)len != strlen(out) || len >= FS_PATH_MAX ||
	    out[0] == '/' || (len && out[len - 1] == '/') ||
	    strstr(out, "//") || !strcmp(out, "..") ||
	    !strncmp(out, "../", 3) || strstr(out, "/../") ||
	    (len >= 3 && !strcmp(out + len - 3, "/..")))
		abort();
}

static void check_open(enum fs_protocol proto, const char *name, size_t len)
{
	struct fs_file f;
	char buf[sizeof(SECRET)] = "";

	if (fs_open(ns, proto, name, len, NULL, &f) < 0)
		return;
	if (pread(f.fd, buf, sizeof(buf) - 1, (off_t)f.offset) < 0)
		abort();
	if (!strcmp(buf, SECRET))
		abort();
	fs_file_close(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fs_protocol proto;
	char out[FS_PATH_MAX];
	char *name;

	if (size < 1)
		return 0;
	proto = data[0] & 1 ? FS_PROTO_HTTP : FS_PROTO_TFTP;
	/* exact-size copy: ASan sees any read past the name */
	name = malloc(size - 1 ? size - 1 : 1);
	if (!name)
		return 0;
	memcpy(name, data + 1, size - 1);
	check_normalised(out, fs_path_normalize(proto, name, size - 1, out));
	check_open(proto, name, size - 1);
	free(name);
	return 0;
}
