/* SPDX-License-Identifier: MIT */
/*
 * boot/import.c - see import.h. The INI of .treeinfo is read with a
 * small line splitter of its own: the config parser reports errors with
 * file:line and rejects unknown keys, where here anything unknown is
 * skipped.
 */
#include "boot/import.h"

#include "fs/iso.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One line of `text` from *pos, trimmed, into buf; false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos, char *buf,
		      size_t size)
{
	size_t start = *pos, end, n;

	if (start >= len)
		return false;
	end = start;
	while (end < len && text[end] != '\n')
		end++;
	*pos = end + 1;
	while (start < end && isspace((unsigned char)text[start]))
		start++;
	while (end > start && isspace((unsigned char)text[end - 1]))
		end--;
	n = end - start < size - 1 ? end - start : size - 1;
	memcpy(buf, text + start, n);
	buf[n] = '\0';
	/* An embedded NUL would hide the rest: treat the line as empty. */
	if (strlen(buf) != n)
		buf[0] = '\0';
	return true;
}

static void copy_str(char *dst, const char *src)
{
	snprintf(dst, IMPORT_STR_MAX, "%s", src);
}

static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* --- .treeinfo --- */

static void treeinfo_key(struct import_info *info, const char *section,
			 const char *key, const char *value, bool *has_release)
{
	char images[IMPORT_STR_MAX + 8];

	if (!strcmp(section, "release") || !strcmp(section, "general")) {
		/* productmd's [release] wins over the old [general]. */
		bool primary = !strcmp(section, "release");

		if (primary)
			*has_release = true;
		if ((primary || !*has_release) &&
		    !strcmp(key, primary ? "name" : "family"))
			copy_str(info->name, value);
		if ((primary || !*has_release) && !strcmp(key, "version"))
			copy_str(info->version, value);
	}
	if ((!strcmp(section, "tree") || !strcmp(section, "general")) &&
	    !strcmp(key, "arch") && !info->arch[0])
		copy_str(info->arch, value);
	snprintf(images, sizeof(images), "images-%s", info->arch);
	if (info->arch[0] && !strcmp(section, images)) {
		if (!strcmp(key, "kernel"))
			copy_str(info->kernel, value);
		else if (!strcmp(key, "initrd"))
			copy_str(info->initrd, value);
	}
}

int import_parse_treeinfo(const char *text, size_t len,
			  struct import_info *ret)
{
	char line[512], section[IMPORT_STR_MAX] = "";
	bool has_release = false;
	size_t pos = 0;

	memset(ret, 0, sizeof(*ret));
	/* Twice: [images-ARCH] may come before the arch is known. */
	for (int pass = 0; pass < 2; pass++, pos = 0)
		while (next_line(text, len, &pos, line, sizeof(line))) {
			char *eq = strchr(line, '=');

			if (line[0] == '[' && line[strlen(line) - 1] == ']') {
				line[strlen(line) - 1] = '\0';
				copy_str(section, trim(line + 1));
			} else if (eq && line[0] != '#' && line[0] != ';') {
				*eq = '\0';
				treeinfo_key(ret, section, trim(line),
					     trim(eq + 1), &has_release);
			}
		}
	if (!ret->name[0] || !ret->arch[0])
		return -EBADMSG;
	ret->family = IMPORT_RHEL;
	return 0;
}

/* --- .discinfo --- */

int import_parse_discinfo(const char *text, size_t len,
			  struct import_info *ret)
{
	char lines[3][IMPORT_STR_MAX];
	size_t pos = 0;
	char *space;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < 3; i++)
		if (!next_line(text, len, &pos, lines[i], sizeof(lines[i])) ||
		    !lines[i][0])
			return -EBADMSG;
	/* "Red Hat Enterprise Linux 7.9": the version is the last word. */
	space = strrchr(lines[1], ' ');
	if (!space || !isdigit((unsigned char)space[1]))
		return -EBADMSG;
	*space = '\0';
	copy_str(ret->name, lines[1]);
	copy_str(ret->version, space + 1);
	copy_str(ret->arch, lines[2]);
	ret->family = IMPORT_RHEL;
	return 0;
}

/* --- .disk/info --- */

static const char *const debian_arches[] = {
	"amd64", "arm64", "i386", "armhf", "ppc64el", "s390x", "riscv64",
};

/*
 * `Debian GNU/Linux 12.5.0 "Bookworm" - Official amd64 NETINST ...`,
 * `Ubuntu-Server 22.04.3 LTS "Jammy Jellyfish" - Release amd64 (...)`:
 * the name is what comes before the first word that starts with a digit.
 */
int import_parse_disk_info(const char *text, size_t len,
			   struct import_info *ret)
{
	char line[512], *save = NULL, *w;
	size_t pos = 0;

	memset(ret, 0, sizeof(*ret));
	if (!next_line(text, len, &pos, line, sizeof(line)))
		return -EBADMSG;
	if (!strncmp(line, "Debian", 6))
		ret->family = IMPORT_DEBIAN;
	else if (!strncmp(line, "Ubuntu", 6))
		ret->family = IMPORT_UBUNTU;
	else
		return -EBADMSG;
	for (w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!ret->version[0] && isdigit((unsigned char)*w))
			copy_str(ret->version, w);
		else if (!ret->version[0])
			snprintf(ret->name + strlen(ret->name),
				 IMPORT_STR_MAX - strlen(ret->name), "%s%s",
				 ret->name[0] ? " " : "", w);
		for (size_t i = 0; !ret->arch[0] && i < sizeof(debian_arches) /
					   sizeof(debian_arches[0]); i++)
			if (!strcmp(w, debian_arches[i]))
				copy_str(ret->arch, w);
	}
	if (!ret->version[0] || !ret->arch[0])
		return -EBADMSG;
	return 0;
}

/* --- the image --- */

static int iso_read(void *data, const char *path, char **ret,
		    size_t *ret_len)
{
	const struct iso_image *img = data;
	struct iso_entry e;
	ssize_t n;
	int r;

	r = iso_image_lookup(img, path, &e);
	if (r < 0)
		return r;
	if (e.is_dir || e.size > IMPORT_FILE_MAX)
		return -ENOENT;
	*ret = malloc(e.size ? e.size : 1);
	if (!*ret)
		return -ENOMEM;
	n = pread(iso_image_fd(img), *ret, e.size, (off_t)e.offset);
	if (n != (ssize_t)e.size) {
		free(*ret);
		return -EIO;
	}
	*ret_len = e.size;
	return 0;
}

static bool iso_exists(void *data, const char *path)
{
	struct iso_entry e;

	return iso_image_lookup(data, path, &e) == 0 && !e.is_dir;
}

/* The first kernel/initrd pair of `pairs` that the source holds. */
static bool pick_pair(const struct import_source *src,
		      const char *const (*pairs)[2], size_t n,
		      struct import_info *info)
{
	for (size_t i = 0; i < n; i++)
		if (src->exists(src->data, pairs[i][0]) &&
		    src->exists(src->data, pairs[i][1])) {
			copy_str(info->kernel, pairs[i][0]);
			copy_str(info->initrd, pairs[i][1]);
			return true;
		}
	return false;
}

static const char *const anaconda_pairs[][2] = {
	{ "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img" },
};
static const char *const debian_pairs[][2] = {
	{ "install.amd/vmlinuz", "install.amd/initrd.gz" },
	{ "install.a64/vmlinuz", "install.a64/initrd.gz" },
	{ "install.386/vmlinuz", "install.386/initrd.gz" },
	{ "install/vmlinuz", "install/initrd.gz" },
};
static const char *const ubuntu_pairs[][2] = {
	{ "casper/vmlinuz", "casper/initrd" },
	{ "casper/vmlinuz", "casper/initrd.gz" },
	{ "casper/vmlinuz", "casper/initrd.lz" },
};

#define PAIRS(a) (a), sizeof(a) / sizeof((a)[0])

typedef int import_parse_fn(const char *text, size_t len,
			    struct import_info *ret);

static int try_marker(const struct import_source *src, const char *path,
		      import_parse_fn *parse, struct import_info *ret)
{
	char *text;
	size_t len;
	int r;

	r = src->read(src->data, path, &text, &len);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	r = parse(text, len, ret);
	free(text);
	return r < 0 ? -ENOENT : 0;
}

int import_detect_source(const struct import_source *src,
			 struct import_info *ret)
{
	int r;

	r = try_marker(src, ".treeinfo", import_parse_treeinfo, ret);
	if (r == -ENOENT)
		r = try_marker(src, ".discinfo", import_parse_discinfo, ret);
	if (r == 0) {
		/* .treeinfo names the pair; check that it is really there. */
		if (ret->kernel[0] && src->exists(src->data, ret->kernel) &&
		    ret->initrd[0] && src->exists(src->data, ret->initrd))
			return 0;
		return pick_pair(src, PAIRS(anaconda_pairs), ret) ? 0 : -ENOENT;
	}
	if (r != -ENOENT)
		return r;
	r = try_marker(src, ".disk/info", import_parse_disk_info, ret);
	if (r < 0)
		return r;
	if (ret->family == IMPORT_DEBIAN)
		return pick_pair(src, PAIRS(debian_pairs), ret) ? 0 : -ENOENT;
	return pick_pair(src, PAIRS(ubuntu_pairs), ret) ? 0 : -ENOENT;
}

int import_detect(const struct iso_image *img, struct import_info *ret)
{
	const struct import_source src = {
		iso_read, iso_exists, (void *)img
	};

	return import_detect_source(&src, ret);
}

/* --- the config --- */

bool import_is_legacy_anaconda(const struct import_info *info)
{
	return info->family == IMPORT_RHEL && !strstr(info->name, "Fedora") &&
	       atoi(info->version) > 0 && atoi(info->version) <= 7;
}

/*
 * The kernel command line by installer: Anaconda takes the tree and the
 * kickstart; debian-installer a preseed (auto mode); casper (Ubuntu)
 * loads the whole image by url=, from the NAME.iso that every tree from
 * an image publishes (fs/namespace.h).
 */
static const char *family_append(const struct import_info *info,
				 bool has_kickstart)
{
	bool legacy = import_is_legacy_anaconda(info);

	switch (info->family) {
	case IMPORT_RHEL:
		if (has_kickstart)
			return legacy ? "repo=${tree_url} ks=${kickstart_url}"
				      : "inst.repo=${tree_url} "
					"inst.ks=${kickstart_url}";
		return legacy ? "repo=${tree_url}" : "inst.repo=${tree_url}";
	case IMPORT_DEBIAN:
		return has_kickstart ? "auto=true priority=critical "
				       "url=${kickstart_url}"
				     : "priority=critical";
	case IMPORT_UBUNTU:
		return has_kickstart ? "ip=dhcp url=${server_url}/${tree}.iso "
				       "autoinstall ds=nocloud-net;s=${tree_url}"
				     : "ip=dhcp url=${server_url}/${tree}.iso";
	default:
		return "";
	}
}

char *import_config_text(const struct import_info *info, const char *name,
			 const char *iso_path, const char *kickstart)
{
	char *text, *ks = NULL;

	if (kickstart && asprintf(&ks, "kickstart = %s\n", kickstart) < 0)
		return NULL;
	if (asprintf(&text,
		     "[tree %s]\niso = %s\n\n"
		     "[profile %s]\nlabel = %s %s %s\ntree = %s\n"
		     "kernel = %s\ninitrd = %s\nappend = %s\n%s",
		     name, iso_path, name, info->name, info->version,
		     info->arch, name, info->kernel, info->initrd,
		     family_append(info, kickstart != NULL), ks ? ks : "") < 0)
		text = NULL;
	free(ks);
	return text;
}

void import_default_name(const struct import_info *info, char *buf,
			 size_t size)
{
	char first[IMPORT_STR_MAX];

	/* The first word of the name: "rocky", "debian", "ubuntu-server". */
	snprintf(first, sizeof(first), "%s", info->name);
	first[strcspn(first, " ")] = '\0';
	snprintf(buf, size, "%s-%s-%s", first, info->version, info->arch);
	for (char *p = buf; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '_';
	}
}
