/* SPDX-License-Identifier: MIT */
/*
 * boot/import_run.c - `pxed import`: boot/import.c's findings turned into
 * a config, checked against the one it is added to.
 */
#include "boot/import.h"

#include "config.h"
#include "fs/iso.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The names must be new to the config they are added to. */
static int check_names_free(const char *config_path, const char *name)
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
		r = -EEXIST;
	}
	config_free(c);
	return r;
}

static int append_to(const char *path, const char *text)
{
	FILE *f = fopen(path, "ae");

	if (!f || fprintf(f, "\n%s", text) < 0 || fclose(f) != 0) {
		fprintf(stderr, "pxed import: cannot write %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	return 0;
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
	if (config_path && (r = check_names_free(config_path, name)) < 0)
		return r;
	text = import_config_text(&info, name, path, kickstart ? ks : NULL);
	if (!text)
		return -ENOMEM;
	print_found(stdout, path, &info);
	if (config_path) {
		r = append_to(config_path, text);
		if (r == 0)
			printf("# added [tree %s] and [profile %s] to %s\n",
			       name, name, config_path);
	} else {
		fputs(text, stdout);
	}
	free(text);
	return r;
}
