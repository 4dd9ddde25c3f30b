/* SPDX-License-Identifier: MIT */
/*
 * boot/oneshot.c - see oneshot.h. The config it writes is the same text
 * --print-config shows: one path from the command to a file.
 */
#include "boot/oneshot.h"

#include "boot/import.h"
#include "boot/kickstart.h"
#include "fs/iso.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct oneshot_net {
	uint32_t addr;           /* host byte order */
	uint32_t mask;
	uint32_t first, last;    /* the pool, in full mode */
};

static void addr_str(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/*
 * The pool: the half of the subnet our own address is not in, so that
 * the server and (usually low) routers stay out of it.
 */
static int oneshot_net_get(const char *ifname, struct oneshot_net *ret)
{
	struct net_iface ifc;
	uint32_t net, size;
	int r = net_iface_lookup(ifname, &ifc);

	if (r < 0 || !ifc.n_addrs) {
		fprintf(stderr, "pxed serve: interface %s: %s\n", ifname,
			r < 0 ? strerror(-r) : "no IPv4 address");
		return r < 0 ? r : -EADDRNOTAVAIL;
	}
	ret->addr = ifc.addrs[0];
	ret->mask = ifc.netmasks[0];
	net = ret->addr & ret->mask;
	size = ~ret->mask + 1;
	if (size < 8) {
		fprintf(stderr, "pxed serve: the subnet of %s is too small for "
			"a pool\n", ifname);
		return -ERANGE;
	}
	if (ret->addr - net < size / 2) {
		ret->first = net + size / 2;
		ret->last = net + size - 2;
	} else {
		ret->first = net + 1;
		ret->last = net + size / 2 - 1;
	}
	return 0;
}

static int detect(const char *iso, struct import_info *info)
{
	struct iso_image *img;
	const char *reason;
	int r = iso_image_open(iso, &img, &reason);

	if (r < 0) {
		fprintf(stderr, "pxed serve: %s: %s\n", iso, reason);
		return r;
	}
	r = import_detect(img, info);
	iso_image_free(img);
	if (r < 0)
		fprintf(stderr, "pxed serve: %s: not an install image pxed "
			"knows (see pxed import)\n", iso);
	return r;
}

/* The kickstart or preseed for the image; NULL path: none wanted. */
static int write_kickstart(const struct oneshot_opts *o,
			   const struct import_info *info, const char *name,
			   char **ret_path)
{
	struct kickstart_opts ko = { 0 };

	*ret_path = NULL;
	/* casper's autoinstall is cloud-init data, not a kickstart. */
	if (o->interactive || info->family == IMPORT_UBUNTU)
		return 0;
	ko.format = info->family == IMPORT_DEBIAN ? KICKSTART_PRESEED
						   : KICKSTART_ANACONDA;
	if (asprintf(ret_path, "%s/%s.ks", o->state_dir, name) < 0)
		return -ENOMEM;
	return kickstart_run(&ko, o->password_file, *ret_path);
}

static char *config_text(const struct oneshot_opts *o,
			 const struct oneshot_net *n, const char *profile)
{
	char a[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN], first[INET_ADDRSTRLEN],
		last[INET_ADDRSTRLEN], pool[2 * INET_ADDRSTRLEN + 16], *text;

	addr_str(n->addr, a);
	addr_str(n->addr & n->mask, net);
	addr_str(n->first, first);
	addr_str(n->last, last);
	snprintf(pool, sizeof(pool), "range = %s - %s", first, last);
	if (asprintf(&text,
		     "# pxed serve --iso %s --interface %s%s as a config file\n"
		     "[server]\ninterface = %s\naddress = %s\nstate-dir = %s\n\n"
		     "[subnet %s/%d]\n%s\n\n[tftp]\n\n[http]\n\n"
		     "[menu]\ndefault = %s\ntimeout = 10\n\n",
		     o->iso, o->interface, o->proxy ? " --proxy" : "",
		     o->interface, a, o->state_dir, net,
		     __builtin_popcount(n->mask),
		     o->proxy ? "mode = proxy" : pool, profile) < 0)
		return NULL;
	return text;
}

static int write_file(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(a, f) < 0 || fputs(b, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "pxed serve: cannot write %s: %s\n", path,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

int oneshot_prepare(const struct oneshot_opts *o, char **ret_config_path)
{
	char iso[PATH_MAX], name[3 * IMPORT_STR_MAX], *ks = NULL;
	char *head = NULL, *sections = NULL;
	struct oneshot_opts opts = *o;
	struct import_info info;
	struct oneshot_net n;
	int r;

	if (!opts.state_dir)
		opts.state_dir = "/var/lib/pxed";
	opts.iso = iso;
	if (!realpath(o->iso, iso)) {
		fprintf(stderr, "pxed serve: %s: %s\n", o->iso, strerror(errno));
		return -errno;
	}
	if ((r = oneshot_net_get(o->interface, &n)) < 0 ||
	    (r = detect(iso, &info)) < 0)
		return r;
	if (mkdir(opts.state_dir, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "pxed serve: %s: %s\n", opts.state_dir,
			strerror(errno));
		return -errno;
	}
	import_default_name(&info, name, sizeof(name));
	r = write_kickstart(&opts, &info, name, &ks);
	if (r < 0)
		goto out;
	head = config_text(&opts, &n, name);
	sections = import_config_text(&info, name, iso, ks);
	r = -ENOMEM;
	if (!head || !sections ||
	    asprintf(ret_config_path, "%s/pxed.conf", opts.state_dir) < 0)
		goto out;
	r = write_file(*ret_config_path, head, sections);
	if (r < 0)
		free(*ret_config_path);
out:
	free(ks);
	free(head);
	free(sections);
	return r;
}
