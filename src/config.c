/* SPDX-License-Identifier: MIT */
/*
 * config.c - reads pxed.conf line by line and hands each key to the table
 * of its section kind.
 *
 * The format is INI: `[kind]` or `[kind arg]` sections, `key = value`
 * lines, comments starting with ';' or '#' (also after a value, when
 * preceded by white space), and indented lines continuing the previous
 * value. A small tokenizer of our own instead of libinih: Debian's libinih
 * caps lines at 200 characters (kernel command lines are longer), cannot
 * report a section that has no keys, and has no line numbers.
 */
#include "config.h"
#include "config_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct config_section_kind *const section_kinds[] = {
	&config_section_server, &config_section_subnet, &config_section_host,
	&config_section_tftp,   &config_section_http,   &config_section_tree,
	&config_section_profile, &config_section_menu,
	&config_section_bootloaders,
};

#define N_SECTION_KINDS (sizeof(section_kinds) / sizeof(section_kinds[0]))
#define MAX_KEYS_PER_SECTION 64

/* --- diagnostics --- */

__attribute__((format(printf, 4, 0)))
static void diag_vadd(struct config_parser *p, const char *file,
		      unsigned line, const char *fmt, va_list ap)
{
	struct config_diags *d = p->diags;
	struct config_diag *items;
	char *msg;

	p->errors++;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	items = realloc(d->items, (d->len + 1) * sizeof(*items));
	if (!items) {
		free(msg);
		return;
	}
	d->items = items;
	d->items[d->len++] = (struct config_diag){
		.file = strdup(file), .line = line, .message = msg
	};
}

void config_error(struct config_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p, p->file, p->line, fmt, ap);
	va_end(ap);
}

void config_error_at(struct config_parser *p, const char *file,
		     unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p, file, line, fmt, ap);
	va_end(ap);
}

void config_diags_clear(struct config_diags *d)
{
	for (size_t i = 0; i < d->len; i++) {
		free(d->items[i].file);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->len = 0;
}

/* --- value readers --- */

int config_read_ipv4(struct config_parser *p, const char *s, uint32_t *ret)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		config_error(p, "'%s' is not an IPv4 address", s);
		return -EINVAL;
	}
	*ret = ntohl(a.s_addr);
	return 0;
}

int config_read_uint(struct config_parser *p, const char *s, uint64_t min,
		     uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*s)) {
		config_error(p, "'%s' is not a number", s);
		return -EINVAL;
	}
	v = strtoull(s, &end, 10);
	if (errno || *end) {
		config_error(p, "'%s' is not a number", s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		config_error(p, "%s is out of range (%llu to %llu)", s,
			     (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int config_read_bool(struct config_parser *p, const char *s, bool *ret)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return *ret = true, 0;
		if (!strcasecmp(s, no[i]))
			return *ret = false, 0;
	}
	config_error(p, "'%s' is not yes or no", s);
	return -EINVAL;
}

int config_read_mac(struct config_parser *p, const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char sep[5], tail;

	if (strlen(s) == 17 &&
	    sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1],
		   &sep[1], &b[2], &sep[2], &b[3], &sep[3], &b[4], &sep[4],
		   &b[5], &tail) == 11) {
		bool ok = true;

		for (size_t i = 0; i < 5; i++)
			ok = ok && (sep[i] == ':' || sep[i] == '-');
		for (size_t i = 0; ok && i < 17; i += 3)
			ok = isxdigit((unsigned char)s[i]) &&
			     isxdigit((unsigned char)s[i + 1]);
		if (ok) {
			for (size_t i = 0; i < 6; i++)
				mac[i] = (uint8_t)b[i];
			return 0;
		}
	}
	config_error(p, "'%s' is not a MAC address (like 52:54:00:12:34:56)", s);
	return -EINVAL;
}

int config_read_string(struct config_parser *p, const char *s, char **ret)
{
	char *copy;

	if (!*s) {
		config_error(p, "empty value");
		return -EINVAL;
	}
	copy = strdup(s);
	if (!copy) {
		config_error(p, "out of memory");
		return -ENOMEM;
	}
	free(*ret);
	*ret = copy;
	return 0;
}

int config_read_abs_path(struct config_parser *p, const char *s, char **ret)
{
	if (s[0] != '/') {
		config_error(p, "'%s' must be an absolute path", s);
		return -EINVAL;
	}
	return config_read_string(p, s, ret);
}

int config_read_port(struct config_parser *p, const char *s, uint16_t *ret)
{
	uint64_t n;

	if (config_read_uint(p, s, 1, 65535, &n) < 0)
		return -EINVAL;
	*ret = (uint16_t)n;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int config_read_list(struct config_parser *p, const char *s, char ***ret,
		     size_t *ret_len)
{
	char *copy = strdup(s), *save = NULL, *tok;
	char **items = NULL;
	size_t len = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *item = trim(tok);
		char **grown;

		if (!*item)
			continue;
		grown = realloc(items, (len + 1) * sizeof(*items));
		if (!grown)
			break;
		items = grown;
		items[len++] = strdup(item);
	}
	free(copy);
	if (len == 0) {
		free(items);
		config_error(p, "empty list");
		return -EINVAL;
	}
	*ret = items;
	*ret_len = len;
	return 0;
}

int config_read_hex(struct config_parser *p, const char *s, uint8_t **ret,
		    size_t *ret_len)
{
	size_t cap = strlen(s) / 2 + 1, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		unsigned v;

		if (*s == ':' || *s == '-') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) || sscanf(s, "%2x", &v) != 1)
			goto bad;
		buf[len++] = (uint8_t)v;
		s += 2;
	}
	if (len == 0)
		goto bad;
	*ret = buf;
	*ret_len = len;
	return 0;
bad:
	free(buf);
	config_error(p, "not hex bytes (like 01:52:54:00:12:34:56)");
	return -EINVAL;
}

int config_array_push(void **array, size_t *len, size_t size)
{
	char *grown = realloc(*array, (*len + 1) * size);

	if (!grown)
		return -ENOMEM;
	memset(grown + *len * size, 0, size);
	*array = grown;
	return (int)(*len)++;
}

/* --- the tokenizer and dispatch --- */

struct section_state {
	const struct config_section_kind *kind;  /* NULL: none or bad */
	bool after_header;
	int index;
	bool seen_keys[MAX_KEYS_PER_SECTION];
	bool kinds_seen[N_SECTION_KINDS];
};

static const struct config_section_kind *section_kind_find(const char *name,
							   size_t *ret_i)
{
	for (size_t i = 0; i < N_SECTION_KINDS; i++)
		if (!strcmp(section_kinds[i]->name, name)) {
			*ret_i = i;
			return section_kinds[i];
		}
	return NULL;
}

static void section_begin(struct config_parser *p, struct section_state *st,
			  char *header)
{
	const struct config_section_kind *kind;
	char *arg, *name = trim(header);
	size_t kind_i;
	int index;

	st->kind = NULL;
	memset(st->seen_keys, 0, sizeof(st->seen_keys));
	arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	kind = section_kind_find(name, &kind_i);
	if (!kind) {
		config_error(p, "unknown section [%s]", name);
		return;
	}
	if (kind->takes_arg && !*arg) {
		config_error(p, "[%s] needs a name: [%s NAME]", name, name);
		return;
	}
	if (!kind->takes_arg && *arg) {
		config_error(p, "[%s] takes no name", name);
		return;
	}
	if (kind->unique && st->kinds_seen[kind_i]) {
		config_error(p, "[%s] appears twice", name);
		return;
	}
	st->kinds_seen[kind_i] = true;
	index = kind->begin(p, arg);
	if (index < 0)
		return;
	st->kind = kind;
	st->index = index;
}

static void key_apply(struct config_parser *p, struct section_state *st,
		      const char *key, const char *value)
{
	const struct config_section_kind *kind = st->kind;
	void *obj;

	if (!kind)
		return;  /* the section was already reported */
	obj = kind->object(p, (size_t)st->index);
	for (size_t i = 0; kind->keys[i].name; i++) {
		if (strcmp(kind->keys[i].name, key))
			continue;
		if (!kind->keys[i].repeatable && i < MAX_KEYS_PER_SECTION) {
			if (st->seen_keys[i]) {
				config_error(p, "'%s' is set twice in [%s]", key,
					     kind->name);
				return;
			}
			st->seen_keys[i] = true;
		}
		kind->keys[i].set(p, obj, value);
		return;
	}
	if (kind->other_key && kind->other_key(p, obj, key, value) != -ENOENT)
		return;
	config_error(p, "unknown key '%s' in [%s]", key, kind->name);
}

/* Cut a trailing " ; comment" or " # comment" off a value. */
static void strip_inline_comment(char *s)
{
	for (char *c = s; *c; c++)
		if ((*c == ';' || *c == '#') && c > s &&
		    isspace((unsigned char)c[-1])) {
			*c = '\0';
			return;
		}
}

struct pending_key {
	char *key;
	char *value;
	unsigned line;
};

static void pending_flush(struct config_parser *p, struct section_state *st,
			  struct pending_key *pk)
{
	unsigned line = p->line;

	if (!pk->key)
		return;
	p->line = pk->line;
	key_apply(p, st, pk->key, trim(pk->value));
	p->line = line;
	free(pk->key);
	free(pk->value);
	pk->key = pk->value = NULL;
}

static int pending_append(struct pending_key *pk, const char *more)
{
	size_t a = strlen(pk->value), b = strlen(more);
	char *v = realloc(pk->value, a + b + 2);

	if (!v)
		return -ENOMEM;
	v[a] = ' ';
	memcpy(v + a + 1, more, b + 1);
	pk->value = v;
	return 0;
}

static void parse_line(struct config_parser *p, struct section_state *st,
		       struct pending_key *pk, char *raw)
{
	bool indented = raw[0] == ' ' || raw[0] == '\t';
	char *line = trim(raw), *eq, *key, *value;

	if (!*line || *line == ';' || *line == '#')
		return;
	if (indented && pk->key) {
		strip_inline_comment(line);
		pending_append(pk, trim(line));
		return;
	}
	pending_flush(p, st, pk);
	if (*line == '[') {
		char *close = strchr(line, ']');

		strip_inline_comment(line);
		if (!close || *trim(close + 1)) {
			config_error(p, "malformed section header");
			st->after_header = true;
			st->kind = NULL;
			return;
		}
		*close = '\0';
		st->after_header = true;
		section_begin(p, st, line + 1);
		return;
	}
	eq = strchr(line, '=');
	if (!eq) {
		config_error(p, "expected 'key = value'");
		return;
	}
	*eq = '\0';
	key = trim(line);
	value = eq + 1;
	strip_inline_comment(value);
	if (!*key) {
		config_error(p, "missing key before '='");
		return;
	}
	if (!st->after_header) {
		config_error(p, "'%s' is outside any section", key);
		return;
	}
	pk->key = strdup(key);
	pk->value = strdup(trim(value));
	pk->line = p->line;
}

/* One file; `st` carries which unique sections were seen across files. */
static void config_parse_stream(struct config_parser *p,
				struct section_state *st, FILE *f)
{
	struct pending_key pk = { 0 };
	char *buf = NULL;
	size_t cap = 0;

	st->kind = NULL;
	st->after_header = false;
	p->line = 0;
	while (getline(&buf, &cap, f) >= 0) {
		p->line++;
		if (p->line == 1 && !strncmp(buf, "\xef\xbb\xbf", 3))
			memmove(buf, buf + 3, strlen(buf + 3) + 1);
		parse_line(p, st, &pk, buf);
	}
	pending_flush(p, st, &pk);
	free(buf);
}

/* A directory that is not there yet matches nothing; one pxed may not
 * read (after the privilege drop, on a reload) is an error, or its hosts
 * would vanish without a word. */
static int glob_error(const char *path, int err)
{
	(void)path;
	return err != ENOENT && err != ENOTDIR;
}

/* The files one `include` names, in glob(3)'s sorted order; none is no
 * error (an empty or absent conf.d is normal). */
static void parse_include(struct config_parser *p, struct section_state *st,
			  const char *main_file,
			  const struct config_include *inc)
{
	glob_t g;
	int r = glob(inc->pattern, 0, glob_error, &g);

	if (r == GLOB_NOMATCH)
		return;
	if (r) {
		config_error_at(p, main_file, inc->line, "include %s: %s",
				inc->pattern, r == GLOB_NOSPACE ?
				"out of memory" : "cannot read the directory");
		globfree(&g);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct stat sb;
		/* O_NONBLOCK: a FIFO that matched must not hang the load */
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		FILE *f = NULL;

		if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
			f = fdopen(fd, "r");
		if (!f) {
			config_error_at(p, main_file, inc->line,
					"include %s: %s", path, fd < 0 ?
					strerror(errno) : "not a regular file");
			if (fd >= 0)
				close(fd);
			continue;
		}
		p->file = path;
		config_parse_stream(p, st, f);
		fclose(f);
	}
	p->file = main_file;
	globfree(&g);
}

int config_load(const char *path, struct config **ret_config,
		struct config_diags *diags)
{
	struct config_parser p = { .diags = diags, .file = path };
	struct section_state st = { 0 };
	struct config *config;
	FILE *f;
	int r;

	config = calloc(1, sizeof(*config));
	if (!config)
		return -ENOMEM;
	config->path = strdup(path);
	config->server.dhcp_port = 67;
	config->server.proxy_port = 4011;
	config->server.ipv6_ra = true;
	p.config = config;

	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		config_error(&p, "cannot open: %s", strerror(errno));
		config_free(config);
		return r;
	}
	config_parse_stream(&p, &st, f);
	fclose(f);
	for (size_t i = 0; i < config->server.n_includes; i++)
		parse_include(&p, &st, path, &config->server.includes[i]);
	if (!p.errors) {
		config_validate_dhcp(&p);
		config_validate_files(&p);
		config_validate_boot(&p);
	}
	if (p.errors) {
		config_free(config);
		return -EINVAL;
	}
	*ret_config = config;
	return 0;
}

struct config *config_free(struct config *config)
{
	if (!config)
		return NULL;
	config_free_dhcp(config);
	config_free_files(config);
	config_free_boot(config);
	free(config->path);
	free(config);
	return NULL;
}
