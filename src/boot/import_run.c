/* SPDX-License-Identifier: MIT */
/*
 * boot/import_run.c - `pxed import`: boot/import.c's findings turned into
 * a config, checked against the one it is added to.
 */
#include "boot/import.h"

#include "config.h"
#include "fs/iso.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_CHARS                                                            \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

static const char *const family_names[] = {
	[IMPORT_UNKNOWN] = "unknown",
	[IMPORT_RHEL] = "Red Hat family (Anaconda)",
	[IMPORT_DEBIAN] = "Debian (debian-installer)",
	[IMPORT_UBUNTU] = "Ubuntu (casper)",
};

static void print_found(FILE *f, const char *iso,
			const struct import_info *info)
{
	fprintf(f, "# %s:\n#   family   %s: %s\n#   version  %s\n"
		"#   arch     %s\n#   kernel   %s\n#   initrd   %s\n", iso,
		family_names[info->family], info->name, info->version,
		info->arch, info->kernel, info->initrd);
}

/* The config the sections join, with its included files: the names
 * must be new to all of it. */
static int load_target(const char *config_path, const char *name,
		       struct config **ret)
{
	struct config_diags diags = { 0 };
	struct config *c = NULL;
	int r = config_load(config_path, &c, &diags);

	for (size_t i = 0; r < 0 && i < diags.len; i++)
		fprintf(stderr, "%s:%u: %s\n", diags.items[i].file,
			diags.items[i].line, diags.items[i].message);
	config_diags_clear(&diags);
	if (r < 0)
		return r;
	if (config_tree_find(c, name) || config_profile_find(c, name)) {
		fprintf(stderr, "pxed import: %s already has a tree or profile "
			"named %s; choose another with --name\n", config_path,
			name);
		config_free(c);
		return -EEXIST;
	}
	*ret = c;
	return 0;
}

/*
 * A config whose first include is every .conf file of a directory (the
 * conf.d way) gets a file of its own there, NAME.conf (the directory made
 * if missing); any other config gets the sections at its end. Returns the
 * path to write, to be freed.
 */
static char *target_path(const struct config *c, const char *config_path,
			 const char *name)
{
	static const char suffix[] = "/*.conf";
	const char *pattern;
	size_t dir_len;
	char *path;

	if (!c->server.n_includes)
		return strdup(config_path);
	pattern = c->server.includes[0].pattern;
	dir_len = strlen(pattern) - (sizeof(suffix) - 1);
	if (strlen(pattern) < sizeof(suffix) ||
	    strcmp(pattern + dir_len, suffix) ||
	    strcspn(pattern, "*?[") < dir_len)
		return strdup(config_path);
	if (asprintf(&path, "%.*s/%s.conf", (int)dir_len, pattern, name) < 0)
		return NULL;
	path[dir_len] = '\0';
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "pxed import: cannot make %s: %s\n", path,
			strerror(errno));
		free(path);
		return NULL;
	}
	path[dir_len] = '/';
	return path;
}

/* The end of the config, or a new drop-in file (never one that exists). */
static int write_sections(const char *path, bool drop_in, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC |
		      (drop_in ? O_CREAT | O_EXCL : O_APPEND), 0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, drop_in ? "w" : "a");

	if (!f || fprintf(f, "%s%s", drop_in ? "" : "\n", text) < 0 ||
	    fclose(f) != 0) {
		fprintf(stderr, "pxed import: cannot write %s: %s\n", path,
			strerror(errno));
		if (!f && fd >= 0)
			close(fd);
		return -errno;
	}
	return 0;
}

static int add_to_config(const char *config_path, const char *name,
			 const char *text)
{
	struct config *c;
	char *path;
	int r = load_target(config_path, name, &c);

	if (r < 0)
		return r;
	path = target_path(c, config_path, name);
	config_free(c);
	if (!path)
		return -ENOMEM;
	r = write_sections(path, strcmp(path, config_path) != 0, text);
	if (r == 0)
		printf("# added [tree %s] and [profile %s] to %s\n", name,
		       name, path);
	free(path);
	return r;
}

static int detect(const char *iso, struct import_info *info)
{
	struct iso_image *img;
	const char *reason;
	int r;

	r = iso_image_open(iso, &img, &reason);
	if (r < 0) {
		fprintf(stderr, "pxed import: %s: %s\n", iso, reason);
		return r;
	}
	r = import_detect(img, info);
	iso_image_free(img);
	if (r == -ENOENT)
		fprintf(stderr, "pxed import: %s: not an install image pxed "
			"knows. Looked for .treeinfo or .discinfo with "
			"images/pxeboot/vmlinuz and initrd.img (RHEL, CentOS, "
			"Fedora, AlmaLinux, Rocky) and .disk/info with "
			"install.*/vmlinuz and initrd.gz (Debian) or "
			"casper/vmlinuz and initrd (Ubuntu)\n", iso);
	else if (r < 0)
		fprintf(stderr, "pxed import: %s: %s\n", iso, strerror(-r));
	return r;
}

int import_run(const char *iso, const char *name, const char *config_path,
	       const char *kickstart)
{
	char path[PATH_MAX], ks[PATH_MAX], def_name[3 * IMPORT_STR_MAX];
	struct import_info info;
	char *text;
	int r;

	if (!realpath(iso, path) ||
	    (kickstart && !realpath(kickstart, ks))) {
		fprintf(stderr, "pxed import: %s: %s\n",
			realpath(iso, path) ? kickstart : iso, strerror(errno));
		return -errno;
	}
	r = detect(path, &info);
	if (r < 0)
		return r;
	if (!name) {
		import_default_name(&info, def_name, sizeof(def_name));
		name = def_name;
	}
	if (strspn(name, NAME_CHARS) != strlen(name) || !*name ||
	    !strcmp(name, "local") || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		fprintf(stderr, "pxed import: name '%s' must be letters, "
			"digits, '_', '.' or '-'\n", name);
		return -EINVAL;
	}
	text = import_config_text(&info, name, path, kickstart ? ks : NULL);
	if (!text)
		return -ENOMEM;
	print_found(stdout, path, &info);
	if (config_path)
		r = add_to_config(config_path, name, text);
	else
		fputs(text, stdout);
	free(text);
	return r;
}
