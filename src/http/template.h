/* SPDX-License-Identifier: MIT */
/*
 * template.h - ${var} substitution for kickstarts and other text files
 * that one server hands to many machines.
 *
 * A template is compiled once, when the configuration is loaded, against
 * the list of variables that will exist; a name not in the list is an
 * error then, with its line, rather than a broken kickstart later. Each
 * request then renders it with that client's values.
 *
 * Syntax: ${name}, name = [a-z_][a-z0-9_]*. "$${" writes a literal "${"
 * (shell in %post sections uses ${VAR} too). Any other '$' is literal.
 */
#ifndef PXED_HTTP_TEMPLATE_H
#define PXED_HTTP_TEMPLATE_H

#include <stddef.h>

struct http_template;

/*
 * Compile `len` bytes of `text` (copied). Returns 0, or -EINVAL with a
 * malloc'ed "line N: ..." in *ret_error, or -ENOMEM.
 */
int http_template_compile(const char *text, size_t len,
			  const char *const *vars, size_t n_vars,
			  struct http_template **ret, char **ret_error);

/*
 * Render with values[i] for vars[i] of the compile call. Returns 0 and a
 * malloc'ed buffer (not NUL-terminated) of *ret_len bytes, or -ENOMEM.
 */
int http_template_render(const struct http_template *t,
			 const char *const *values, char **ret,
			 size_t *ret_len);

/* Takes NULL; returns NULL. */
struct http_template *http_template_free(struct http_template *t);

#endif
