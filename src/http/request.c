/* SPDX-License-Identifier: MIT */
/*
 * request.c - see request.h.
 */
#include "http/request.h"

#include <string.h>
#include <strings.h>

size_t http_head_end(const char *buf, size_t len, size_t from)
{
	/* A terminator may straddle what the last call saw. */
	size_t i = from > 2 ? from - 2 : 0;
	const char *lf;

	for (; i < len; i = (size_t)(lf - buf) + 1) {
		lf = memchr(buf + i, '\n', len - i);
		if (!lf)
			return 0;
		if (lf + 1 < buf + len && lf[1] == '\n')
			return (size_t)(lf - buf) + 2;
		if (lf + 2 < buf + len && lf[1] == '\r' && lf[2] == '\n')
			return (size_t)(lf - buf) + 3;
	}
	return 0;
}

/* RFC 9110 §5.6.2 tchar, without the locale's say. */
static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The length of the token at s (up to end). */
static size_t token_len(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && is_tchar((unsigned char)*p))
		p++;
	return (size_t)(p - s);
}

/* A line of buf[0, len): its end without CR/LF in *line_end, and where
   the next one starts. A line must end in LF; a CR anywhere but before
   the LF is refused. */
static int line_split(char *buf, size_t len, char **line_end, char **next)
{
	char *lf = memchr(buf, '\n', len), *end = lf;

	if (!lf)
		return -1;
	*next = lf + 1;
	if (end > buf && end[-1] == '\r')
		end--;
	if (memchr(buf, '\r', (size_t)(end - buf)))
		return -1;
	*line_end = end;
	return 0;
}

/* "http://host[:port]/path" → "/path" (§3.2.2); "/" if it has none. */
static const char *origin_form(const char *target)
{
	const char *slash;
	size_t scheme;

	if (target[0] == '/')
		return target;
	if (!strncasecmp(target, "http://", 7))
		scheme = 7;
	else if (!strncasecmp(target, "https://", 8))
		scheme = 8;
	else
		return NULL;
	slash = strchr(target + scheme, '/');
	return slash ? slash : "/";
}

/* The request line; *next is where the fields start. */
static unsigned request_line(char *buf, size_t len, struct http_request *req,
			     char **next)
{
	char *end, *method, *target, *version, *sp;
	size_t n;

	if (line_split(buf, len, &end, next) < 0)
		return 400;
	method = buf;
	n = token_len(method, end);
	if (!n || method + n == end || method[n] != ' ')
		return 400;
	method[n] = '\0';
	target = method + n + 1;
	for (sp = target; sp < end && *sp != ' '; sp++)
		if (is_ctl((unsigned char)*sp))
			return 400;
	if (sp == target || sp == end)
		return 400;
	*sp = '\0';
	version = sp + 1;
	*end = '\0';
	req->method = method;
	req->target = origin_form(target);
	if (!req->target)
		return 400;
	req->path_len = strcspn(req->target, "?");
	if (!strcmp(version, "HTTP/1.1"))
		req->http11 = true;
	else if (strcmp(version, "HTTP/1.0"))
		return strlen(version) == 8 && !strncmp(version, "HTTP/", 5) &&
				       version[5] >= '0' && version[5] <= '9' &&
				       version[6] == '.' &&
				       version[7] >= '0' && version[7] <= '9'
			       ? 505
			       : 400;
	req->keep_alive = req->http11;
	return 0;
}

unsigned http_request_line_parse(char *buf, size_t len,
				 struct http_request *req)
{
	char *next;

	return request_line(buf, len, req, &next);
}

/* Connection: a comma-separated list of options (§7.6.1). */
static void connection_options(const char *v, struct http_request *req)
{
	while (*v) {
		size_t n;

		v += strspn(v, " \t,");
		n = strcspn(v, " \t,");
		if (n == 5 && !strncasecmp(v, "close", 5))
			req->keep_alive = false;
		else if (n == 10 && !strncasecmp(v, "keep-alive", 10))
			req->keep_alive = true;
		v += n;
	}
}

static int content_length(const char *v, struct http_request *req)
{
	uint64_t n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (UINT64_MAX >> 1) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	req->content_length = n;
	req->has_body = n > 0;
	return 0;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !strncasecmp(name, want, len);
}

/* One field, name[0, name_len) and its value: act on it or keep it. */
static unsigned field(const char *name, size_t name_len, const char *value,
		      struct http_request *req, bool *host, bool *length)
{
	static const struct {
		const char *name;
		size_t offset;
	} kept[] = {
		{ "range", offsetof(struct http_request, range) },
		{ "if-none-match", offsetof(struct http_request, if_none_match) },
		{ "if-modified-since",
		  offsetof(struct http_request, if_modified_since) },
		{ "if-range", offsetof(struct http_request, if_range) },
	};
	size_t i;

	if (name_is(name, name_len, "host")) {
		if (*host)
			return 400;
		*host = true;
	} else if (name_is(name, name_len, "content-length")) {
		if (*length || content_length(value, req) < 0)
			return 400;
		*length = true;
	} else if (name_is(name, name_len, "transfer-encoding")) {
		return 501;
	} else if (name_is(name, name_len, "connection")) {
		connection_options(value, req);
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		const char **slot =
			(const char **)((char *)req + kept[i].offset);

		if (name_is(name, name_len, kept[i].name) && !*slot)
			*slot = value;
	}
	return 0;
}

unsigned http_request_parse(char *buf, size_t len, struct http_request *req)
{
	char *p, *end, *next, *colon, *value;
	bool host = false, length = false;
	unsigned status;
	size_t n;

	memset(req, 0, sizeof(*req));
	status = request_line(buf, len, req, &next);
	if (status)
		return status;
	for (p = next;; p = next) {
		if (p == buf + len ||
		    line_split(p, (size_t)(buf + len - p), &end, &next) < 0)
			return 400;
		if (end == p)
			break;   /* the empty line ends the head */
		n = token_len(p, end);
		colon = p + n;
		/* No name, whitespace before the colon or obsolete folding
		   (a line starting with whitespace): §5.1, §5.2. */
		if (!n || colon == end || *colon != ':')
			return 400;
		for (value = colon + 1; value < end && (*value == ' ' ||
						       *value == '\t'); value++)
			;
		while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		for (char *c = value; c < end; c++)
			if (is_ctl((unsigned char)*c) && *c != '\t')
				return 400;
		*end = '\0';
		status = field(p, n, value, req, &host, &length);
		if (status)
			return status;
	}
	/* §3.2: an HTTP/1.1 request without Host is refused. */
	return req->http11 && !host ? 400 : 0;
}
