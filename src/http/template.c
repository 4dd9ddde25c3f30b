/* SPDX-License-Identifier: MIT */
/* template.c - see template.h */
#include "http/template.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A piece of output: text[off, off+len) when var < 0, else values[var]. */
struct template_part {
	size_t off;
	size_t len;
	int var;
};

struct http_template {
	char *text;
	struct template_part *parts;
	size_t n_parts;
	size_t cap_parts;
};

static int template_push(struct http_template *t, size_t off, size_t len,
			 int var)
{
	struct template_part *p;

	if (var < 0 && !len)
		return 0;
	if (t->n_parts == t->cap_parts) {
		size_t cap = t->cap_parts ? 2 * t->cap_parts : 8;

		p = realloc(t->parts, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->parts = p;
		t->cap_parts = cap;
	}
	t->parts[t->n_parts++] = (struct template_part){ off, len, var };
	return 0;
}

static bool is_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static unsigned line_of(const char *text, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/*
 * Parse the ${...} at text[off] (text[off] == '$', text[off+1] == '{').
 * Returns the index of the variable and sets *end past the '}', or
 * -EINVAL with *why set.
 */
static int parse_var(const char *text, size_t len, size_t off,
		     const char *const *vars, size_t n_vars, size_t *end,
		     const char **why)
{
	size_t i = off + 2, name_len;

	while (i < len && is_name_char(text[i], i == off + 2))
		i++;
	if (i == off + 2 || i >= len || text[i] != '}') {
		*why = "expected ${name} with name = [a-z_][a-z0-9_]*";
		return -EINVAL;
	}
	name_len = i - off - 2;
	*end = i + 1;
	for (size_t v = 0; v < n_vars; v++)
		if (strlen(vars[v]) == name_len &&
		    !memcmp(vars[v], text + off + 2, name_len))
			return (int)v;
	*why = "unknown variable";
	return -EINVAL;
}

static int template_error(const char *text, size_t off, size_t len,
			  const char *why, char **ret_error)
{
	/* The text is not NUL-terminated: bound every scan by len. */
	const char *nl = memchr(text + off, '\n', len - off);
	size_t shown = nl ? (size_t)(nl - text - off) : len - off;

	if (shown > 40)
		shown = 40;
	if (asprintf(ret_error, "line %u: %s: %.*s", line_of(text, off), why,
		     (int)shown, text + off) < 0)
		*ret_error = NULL;
	return -EINVAL;
}

static int template_parse(struct http_template *t, size_t len,
			  const char *const *vars, size_t n_vars,
			  char **ret_error)
{
	const char *text = t->text, *why;
	size_t lit = 0, i = 0, end;
	int var, r;

	while (i + 1 < len) {
		if (text[i] != '$' ||
		    (text[i + 1] != '{' && text[i + 1] != '$')) {
			i++;
			continue;
		}
		if (text[i + 1] == '$') {
			/* "$${" is a literal "${"; "$$" elsewhere stays. */
			if (i + 2 < len && text[i + 2] == '{') {
				r = template_push(t, lit, i - lit, -1);
				if (r < 0)
					return r;
				lit = i + 1;
			}
			i += 2;
			continue;
		}
		var = parse_var(text, len, i, vars, n_vars, &end, &why);
		if (var < 0)
			return template_error(text, i, len, why, ret_error);
		if ((r = template_push(t, lit, i - lit, -1)) < 0 ||
		    (r = template_push(t, 0, 0, var)) < 0)
			return r;
		lit = i = end;
	}
	return template_push(t, lit, len - lit, -1);
}

int http_template_compile(const char *text, size_t len,
			  const char *const *vars, size_t n_vars,
			  struct http_template **ret, char **ret_error)
{
	struct http_template *t;
	int r;

	*ret_error = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->text = malloc(len ? len : 1);
	if (!t->text) {
		free(t);
		return -ENOMEM;
	}
	memcpy(t->text, text, len);
	r = template_parse(t, len, vars, n_vars, ret_error);
	if (r < 0) {
		http_template_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

int http_template_render(const struct http_template *t,
			 const char *const *values, char **ret,
			 size_t *ret_len)
{
	size_t total = 0, at = 0;
	char *out;

	for (size_t i = 0; i < t->n_parts; i++) {
		const struct template_part *p = &t->parts[i];

		total += p->var < 0 ? p->len : strlen(values[p->var]);
	}
	out = malloc(total ? total : 1);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct template_part *p = &t->parts[i];
		const char *src = p->var < 0 ? t->text + p->off
					     : values[p->var];
		size_t n = p->var < 0 ? p->len : strlen(src);

		memcpy(out + at, src, n);
		at += n;
	}
	*ret = out;
	*ret_len = total;
	return 0;
}

struct http_template *http_template_free(struct http_template *t)
{
	if (t) {
		free(t->text);
		free(t->parts);
		free(t);
	}
	return NULL;
}
