/* SPDX-License-Identifier: MIT */
/*
 * boot/kickstart.c - see kickstart.h. Commands as in the Fedora/RHEL
 * kickstart reference (pykickstart's RHEL 7 to Fedora syntax, which all
 * accept: url, lang, keyboard --vckeymap/--xlayouts, timezone --utc,
 * network, rootpw --iscrypted/--lock, zerombr, clearpart, ignoredisk,
 * autopart, bootloader, reboot, %packages/%end) and debian-installer's
 * preseed keys (example-preseed.txt of Debian 12).
 */
#include "boot/kickstart.h"

#include <crypt.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
		   "0123456789_-"

static bool value_ok(const char *v, const char *extra)
{
	size_t n = strspn(v, NAME_CHARS);

	while (v[n] && strchr(extra, v[n]))
		n += 1 + strspn(v + n + 1, NAME_CHARS);
	return *v && !v[n];
}

/* A crypt(3) hash: "$id$...", only its own alphabet. */
static bool hash_ok(const char *h)
{
	return h[0] == '$' && value_ok(h + 1, "$./");
}

static const char *disk_of(const struct kickstart_opts *o)
{
	const char *d = o->disk;

	if (!d || !strcmp(d, "auto"))
		return NULL;
	return strncmp(d, "/dev/", 5) ? d : d + 5;
}

static int opts_check(const struct kickstart_opts *o, const char **reason)
{
	const char *disk = disk_of(o);

	if (o->root_hash && !hash_ok(o->root_hash))
		*reason = "the root password hash is not a crypt(3) hash";
	else if (o->timezone && !value_ok(o->timezone, "/+"))
		*reason = "the time zone is not like Europe/Paris";
	else if (o->lang && !value_ok(o->lang, ".@"))
		*reason = "the language is not like en_US.UTF-8";
	else if (o->keyboard && !value_ok(o->keyboard, ""))
		*reason = "the keyboard is not like us or de-nodeadkeys";
	else if (o->packages && !value_ok(o->packages, "@^.+, "))
		*reason = "a package name has characters package names have not";
	else if (disk && !value_ok(disk, "/"))
		*reason = "the disk is not auto or a device like sda";
	else
		return 0;
	return -EINVAL;
}

/* Each package of the list on its own line, as %packages wants. */
static void packages_lines(FILE *f, const char *list, const char *sep)
{
	char *copy = strdup(list ? list : ""), *save = NULL, *p;

	for (p = strtok_r(copy, ", ", &save); p; p = strtok_r(NULL, ", ", &save))
		fprintf(f, "%s%s", p, sep);
	free(copy);
}

static void anaconda(FILE *f, const struct kickstart_opts *o)
{
	const char *disk = disk_of(o), *kb = o->keyboard ? o->keyboard : "us";

	fprintf(f, "# Automated install, written by pxed kickstart: served "
		"as a template\n"
		"text\nurl --url=${tree_url}\nlang %s\n"
		"keyboard --vckeymap=%s --xlayouts=%s\ntimezone %s --utc\n"
		"network --bootproto=dhcp --activate\n",
		o->lang ? o->lang : "en_US.UTF-8", kb, kb,
		o->timezone ? o->timezone : "UTC");
	if (o->root_hash)
		fprintf(f, "rootpw --iscrypted %s\n", o->root_hash);
	else
		fputs("rootpw --lock\n", f);
	fputs("zerombr\n", f);
	if (disk)
		fprintf(f, "ignoredisk --only-use=%s\n"
			"clearpart --all --initlabel --drives=%s\nautopart\n"
			"bootloader --boot-drive=%s\n", disk, disk, disk);
	else
		fputs("clearpart --all --initlabel\nautopart\nbootloader\n", f);
	fputs("reboot\n\n%packages\n@core\n", f);
	packages_lines(f, o->packages, "\n");
	fputs("%end\n", f);
}

static void preseed(FILE *f, const struct kickstart_opts *o)
{
	const char *disk = disk_of(o);

	fprintf(f, "# Automated install, written by pxed kickstart: served "
		"as a template\n"
		"d-i debian-installer/locale string %s\n"
		"d-i keyboard-configuration/xkb-keymap select %s\n"
		"d-i netcfg/choose_interface select auto\n"
		"d-i netcfg/get_hostname string unassigned-hostname\n"
		"d-i netcfg/get_domain string unassigned-domain\n"
		"d-i mirror/country string manual\n"
		"d-i mirror/http/hostname string ${server}\n"
		"d-i mirror/http/directory string /${tree}\n"
		"d-i mirror/http/proxy string\n"
		"d-i clock-setup/utc boolean true\n"
		"d-i time/zone string %s\n"
		"d-i passwd/make-user boolean false\n",
		o->lang ? o->lang : "en_US.UTF-8",
		o->keyboard ? o->keyboard : "us",
		o->timezone ? o->timezone : "UTC");
	if (o->root_hash)
		fprintf(f, "d-i passwd/root-password-crypted password %s\n",
			o->root_hash);
	else
		fputs("d-i passwd/root-login boolean false\n", f);
	if (disk)
		fprintf(f, "d-i partman-auto/disk string /dev/%s\n", disk);
	fputs("d-i partman-auto/method string regular\n"
	      "d-i partman-auto/choose_recipe select atomic\n"
	      "d-i partman-partitioning/confirm_write_new_label boolean true\n"
	      "d-i partman/choose_partition select finish\n"
	      "d-i partman/confirm boolean true\n"
	      "d-i partman/confirm_nooverwrite boolean true\n"
	      "tasksel tasksel/first multiselect standard\n"
	      "d-i pkgsel/include string ", f);
	packages_lines(f, o->packages, " ");
	fprintf(f, "\nd-i grub-installer/only_debian boolean true\n"
		"d-i grub-installer/bootdev string %s%s\n"
		"d-i finish-install/reboot_in_progress note\n",
		disk ? "/dev/" : "", disk ? disk : "default");
}

int kickstart_render(const struct kickstart_opts *o, char **ret,
		     const char **ret_reason)
{
	size_t len;
	FILE *f;
	int r;

	r = opts_check(o, ret_reason);
	if (r < 0)
		return r;
	f = open_memstream(ret, &len);
	if (!f)
		return -ENOMEM;
	if (o->format == KICKSTART_PRESEED)
		preseed(f, o);
	else
		anaconda(f, o);
	return fclose(f) == 0 ? 0 : -ENOMEM;
}

int kickstart_hash_password(const char *plain, char **ret)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h = NULL;

	/* libxcrypt draws the salt from the kernel's random source. */
	if (!crypt_gensalt_rn("$6$", 0, NULL, 0, setting, sizeof(setting)))
		return -EIO;
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return -ENOMEM;
	/* crypt_rn, not crypt_r: it fails with NULL, never a "*0" token. */
	h = crypt_rn(plain, setting, cd, sizeof(*cd));
	*ret = h && h[0] == '$' ? strdup(h) : NULL;
	free(cd);
	return *ret ? 0 : -EINVAL;
}
