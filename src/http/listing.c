/* SPDX-License-Identifier: MIT */
/* listing.c - see listing.h */
#include "http/listing.h"
#include "http/headers.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_html(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(s[i], f);
		}
	}
}

void http_put_url_component(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr("-._~", c)))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static size_t served_name_len(const struct fs_dirent *e)
{
	size_t len = strlen(e->name), sfx = strlen(HTTP_TEMPLATE_SUFFIX);

	if (!e->is_dir && len > sfx &&
	    !strcmp(e->name + len - sfx, HTTP_TEMPLATE_SUFFIX))
		return len - sfx;
	return len;
}

static void put_entry(FILE *f, const struct fs_dirent *e)
{
	size_t len = served_name_len(e);
	char date[HTTP_DATE_LEN];

	fputs("<a href=\"", f);
	http_put_url_component(f, e->name, len);
	fputs(e->is_dir ? "/\">" : "\">", f);
	put_html(f, e->name, len);
	fputs(e->is_dir ? "/</a>" : "</a>", f);
	http_date_format(e->mtime.tv_sec, date);
	if (e->is_dir || len != strlen(e->name))
		fprintf(f, "  %s  -\n", date);
	else
		fprintf(f, "  %s  %" PRIu64 "\n", date, e->size);
}

int http_listing_render(const char *url_path, const struct fs_listing *l,
			char **ret, size_t *ret_len)
{
	FILE *f;

	f = open_memstream(ret, ret_len);
	if (!f)
		return -ENOMEM;
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	      "<title>Index of ", f);
	put_html(f, url_path, strlen(url_path));
	fputs("</title></head>\n<body><h1>Index of ", f);
	put_html(f, url_path, strlen(url_path));
	fputs("</h1>\n<pre>\n", f);
	if (strcmp(url_path, "/"))
		fputs("<a href=\"../\">../</a>\n", f);
	for (size_t i = 0; i < l->len; i++)
		put_entry(f, &l->items[i]);
	fputs("</pre></body></html>\n", f);
	if (ferror(f)) {
		fclose(f);
		free(*ret);
		return -ENOMEM;
	}
	return fclose(f) ? -ENOMEM : 0;
}
