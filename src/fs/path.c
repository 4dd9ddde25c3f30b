/* SPDX-License-Identifier: MIT */
/*
 * fs/path.c - request name → normalised relative path; see fs/path.h.
 *
 * Decoding comes first and checking second, on the decoded bytes only:
 * a check made before decoding is the classic hole (`%2e%2e/` passes a
 * test for "..", then becomes one).
 */
#include "fs/path.h"

#include <errno.h>
#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One byte of the decoded name at raw[*i], advancing *i past it. */
static int decode_http_byte(const char *raw, size_t len, size_t *i)
{
	int hi, lo;

	if (raw[*i] != '%')
		return (unsigned char)raw[(*i)++];
	if (len - *i < 3)
		return -EINVAL;
	hi = hex_value(raw[*i + 1]);
	lo = hex_value(raw[*i + 2]);
	if (hi < 0 || lo < 0)
		return -EINVAL;
	*i += 3;
	return hi << 4 | lo;
}

static int decode_byte(enum fs_protocol proto, const char *raw, size_t len,
		       size_t *i)
{
	int c;

	if (proto == FS_PROTO_TFTP) {
		c = (unsigned char)raw[(*i)++];
		return c == '\\' ? '/' : c;
	}
	c = decode_http_byte(raw, len, i);
	/* HTTP has no reason to send a backslash: it is a probe for servers
	   that treat it as a separator. */
	if (c == '\\')
		return -EACCES;
	return c;
}

/* Decode into `buf`; the result has no NUL bytes, so it is a C string. */
static int path_decode(enum fs_protocol proto, const char *raw, size_t len,
		       char buf[FS_PATH_MAX])
{
	size_t i = 0, n = 0;
	int c;

	while (i < len) {
		c = decode_byte(proto, raw, len, &i);
		if (c < 0)
			return c;
		if (c == '\0')
			return -EACCES;
		if (n == FS_PATH_MAX - 1)
			return -EINVAL;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return 0;
}

/* Append one component of `name_len` bytes to out (holding *n bytes). */
static int path_append(char out[FS_PATH_MAX], size_t *n, const char *name,
		       size_t name_len)
{
	if (name_len == 0 || (name_len == 1 && name[0] == '.'))
		return 0;
	if (name_len == 2 && name[0] == '.' && name[1] == '.')
		return -EACCES;
	if (name_len > FS_NAME_MAX)
		return -EINVAL;
	if (*n + !!*n + name_len >= FS_PATH_MAX)
		return -EINVAL;
	if (*n)
		out[(*n)++] = '/';
	memcpy(out + *n, name, name_len);
	*n += name_len;
	out[*n] = '\0';
	return 0;
}

int fs_path_normalize(enum fs_protocol proto, const char *raw, size_t len,
		      char out[FS_PATH_MAX])
{
	char buf[FS_PATH_MAX];
	const char *p, *slash;
	size_t n = 0;
	int r;

	if (len == 0)
		return -EINVAL;
	r = path_decode(proto, raw, len, buf);
	if (r < 0)
		return r;
	out[0] = '\0';
	for (p = buf;; p = slash + 1) {
		slash = strchrnul(p, '/');
		r = path_append(out, &n, p, (size_t)(slash - p));
		if (r < 0)
			return r;
		if (!*slash)
			break;
	}
	return (int)n;
}

size_t fs_path_first(const char *path, const char **rest)
{
	const char *slash = strchrnul(path, '/');

	*rest = *slash ? slash + 1 : slash;
	return (size_t)(slash - path);
}
