/* SPDX-License-Identifier: MIT */
/* mime.c - see mime.h */
#include "http/mime.h"

#include <string.h>
#include <strings.h>

struct mime_entry {
	const char *ext;
	const char *type;
};

/* Lower-case extensions; the lookup ignores case (ISO names are upper). */
static const struct mime_entry mime_table[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "cfg", "text/plain; charset=utf-8" },
	{ "conf", "text/plain; charset=utf-8" },
	{ "ks", "text/plain; charset=utf-8" },
	{ "ipxe", "text/plain; charset=utf-8" },
	{ "sh", "text/plain; charset=utf-8" },
	{ "asc", "text/plain; charset=utf-8" },
	{ "md5", "text/plain; charset=utf-8" },
	{ "sha256", "text/plain; charset=utf-8" },
	{ "css", "text/css" },
	{ "js", "text/javascript" },
	{ "json", "application/json" },
	{ "xml", "text/xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "svg", "image/svg+xml" },
	{ "rpm", "application/x-redhat-package-manager" },
	{ "deb", "application/vnd.debian.binary-package" },
	{ "gz", "application/gzip" },
	{ "xz", "application/x-xz" },
	{ "bz2", "application/x-bzip2" },
	{ "zst", "application/zstd" },
	{ "tar", "application/x-tar" },
	{ "zip", "application/zip" },
	{ "iso", "application/x-iso9660-image" },
	{ "pdf", "application/pdf" },
};

const char *http_mime_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot;

	dot = strrchr(slash ? slash + 1 : name, '.');
	if (!dot)
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof(mime_table) / sizeof(mime_table[0]); i++)
		if (!strcasecmp(dot + 1, mime_table[i].ext))
			return mime_table[i].type;
	return "application/octet-stream";
}
