/* SPDX-License-Identifier: MIT */
/* headers.c - see headers.h */
#include "http/headers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Digits into a uint64_t. Saturates at UINT64_MAX instead of failing: a
 * position beyond any file is still a well-formed range (it is
 * unsatisfiable, or clamped to the end), not bad syntax.
 */
static const char *parse_digits(const char *s, uint64_t *ret)
{
	uint64_t n = 0;
	const char *start = s;

	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
	}
	*ret = n;
	return s == start ? NULL : s;
}

/* "-N": the last N bytes. */
static enum http_range_result range_suffix(uint64_t n, uint64_t size,
					   struct http_range *ret)
{
	if (n == 0 || size == 0)
		return HTTP_RANGE_UNSATISFIABLE;
	if (n > size)
		n = size;
	*ret = (struct http_range){ .first = size - n, .length = n };
	return HTTP_RANGE_PARTIAL;
}

enum http_range_result http_range_parse(const char *value, uint64_t size,
					struct http_range *ret)
{
	uint64_t first, last = UINT64_MAX;
	const char *s;

	if (!value)
		return HTTP_RANGE_NONE;
	s = skip_ows(value);
	if (strncasecmp(s, "bytes=", 6) || strchr(s, ','))
		return HTTP_RANGE_NONE;
	s = skip_ows(s + 6);
	if (*s == '-') {
		s = parse_digits(s + 1, &first);
		if (!s || *skip_ows(s))
			return HTTP_RANGE_NONE;
		return range_suffix(first, size, ret);
	}
	s = parse_digits(s, &first);
	if (!s || *s != '-')
		return HTTP_RANGE_NONE;
	s++;
	if (*s >= '0' && *s <= '9') {
		s = parse_digits(s, &last);
		if (last < first)
			return HTTP_RANGE_NONE;
	}
	if (*skip_ows(s))
		return HTTP_RANGE_NONE;
	if (first >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	if (last >= size)
		last = size - 1;
	*ret = (struct http_range){ .first = first,
				    .length = last - first + 1 };
	return HTTP_RANGE_PARTIAL;
}

/*
 * Walk an If-None-Match list and report whether any entity-tag matches
 * `etag` by weak comparison (§8.8.3.2: W/ is ignored). Stops, without a
 * match, at the first thing that is not an entity-tag.
 */
static bool etag_list_matches(const char *list, const char *etag)
{
	size_t etag_len = strlen(etag);
	const char *s = list, *end;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (!*s)
			return false;
		if (*s == '*')
			return true;
		if (!strncmp(s, "W/", 2))
			s += 2;
		if (*s != '"')
			return false;
		end = strchr(s + 1, '"');
		if (!end)
			return false;
		end++;
		if ((size_t)(end - s) == etag_len && !memcmp(s, etag, etag_len))
			return true;
		s = end;
	}
}

bool http_not_modified(const struct http_preconditions *pre,
		       const struct http_validators *v)
{
	time_t since;

	if (pre->if_none_match)
		return v->etag &&
		       etag_list_matches(pre->if_none_match, v->etag);
	if (!pre->if_modified_since || v->mtime < 0)
		return false;
	if (http_date_parse(pre->if_modified_since, &since) < 0)
		return false;
	return v->mtime <= since;
}

bool http_if_range_holds(const struct http_preconditions *pre,
			 const struct http_validators *v)
{
	const char *s;
	time_t t;

	if (!pre->if_range)
		return true;
	s = skip_ows(pre->if_range);
	if (*s == '"' || !strncmp(s, "W/", 2))
		/* Strong comparison: a weak tag never matches. */
		return v->etag && !strcmp(s, v->etag);
	if (v->mtime < 0 || http_date_parse(s, &t) < 0)
		return false;
	return t == v->mtime;
}

void http_date_format(time_t t, char out[HTTP_DATE_LEN])
{
	struct tm tm;

	/* Fixed English names: strftime's %a/%b would follow the locale. */
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed",
					 "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec" };

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	/* The modulos only tell the compiler the widths gmtime_r keeps. */
	snprintf(out, HTTP_DATE_LEN, "%s, %02u %s %04u %02u:%02u:%02u GMT",
		 days[tm.tm_wday % 7], (unsigned)tm.tm_mday % 100u,
		 months[tm.tm_mon % 12], (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		 (unsigned)tm.tm_sec % 100u);
}

int http_date_parse(const char *s, time_t *ret)
{
	static const char *const formats[] = {
		"%a, %d %b %Y %H:%M:%S GMT",   /* IMF-fixdate */
		"%A, %d-%b-%y %H:%M:%S GMT",   /* RFC 850 */
		"%a %b %e %H:%M:%S %Y",        /* asctime */
	};
	struct tm tm;
	const char *end;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end && !*skip_ows(end)) {
			*ret = timegm(&tm);
			return 0;
		}
	}
	return -EINVAL;
}
