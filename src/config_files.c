/* SPDX-License-Identifier: MIT */
/*
 * config_files.c - the sections about served files: [tftp], [http] and
 * [tree NAME] (an install tree from a directory or an ISO image).
 */
#include "config.h"
#include "config_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- [tftp] --- */

static int tftp_begin(struct config_parser *p, const char *arg)
{
	struct config_tftp *t = &p->config->tftp;

	(void)arg;
	t->enabled = true;
	return 0;
}

static void *tftp_object(struct config_parser *p, size_t index)
{
	(void)index;
	return &p->config->tftp;
}

static int tftp_set_enable(struct config_parser *p, void *obj, const char *v)
{
	return config_read_bool(p, v, &((struct config_tftp *)obj)->enabled);
}

static int tftp_set_root(struct config_parser *p, void *obj, const char *v)
{
	return config_read_abs_path(p, v, &((struct config_tftp *)obj)->root);
}

static int tftp_set_port(struct config_parser *p, void *obj, const char *v)
{
	return config_read_port(p, v, &((struct config_tftp *)obj)->port);
}

static int tftp_set_blksize_max(struct config_parser *p, void *obj,
				const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 512, 65464, &n) < 0)
		return -EINVAL;
	((struct config_tftp *)obj)->blksize_max = (uint16_t)n;
	return 0;
}

static int tftp_set_timeout(struct config_parser *p, void *obj, const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 10, 255000, &n) < 0)
		return -EINVAL;
	((struct config_tftp *)obj)->timeout_ms = (unsigned)n;
	return 0;
}

static int tftp_set_retries(struct config_parser *p, void *obj, const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 1, 100, &n) < 0)
		return -EINVAL;
	((struct config_tftp *)obj)->retries = (unsigned)n;
	return 0;
}

static const struct config_key tftp_keys[] = {
	{ "enable", tftp_set_enable, false },
	{ "root", tftp_set_root, false },
	{ "port", tftp_set_port, false },
	{ "blksize-max", tftp_set_blksize_max, false },
	{ "timeout-ms", tftp_set_timeout, false },
	{ "retries", tftp_set_retries, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_tftp = {
	.name = "tftp",
	.unique = true,
	.begin = tftp_begin,
	.object = tftp_object,
	.keys = tftp_keys,
};

/* --- [http] --- */

static int http_begin(struct config_parser *p, const char *arg)
{
	(void)arg;
	p->config->http.enabled = true;
	return 0;
}

static void *http_object(struct config_parser *p, size_t index)
{
	(void)index;
	return &p->config->http;
}

static int http_set_enable(struct config_parser *p, void *obj, const char *v)
{
	return config_read_bool(p, v, &((struct config_http *)obj)->enabled);
}

static int http_set_root(struct config_parser *p, void *obj, const char *v)
{
	return config_read_abs_path(p, v, &((struct config_http *)obj)->root);
}

static int http_set_port(struct config_parser *p, void *obj, const char *v)
{
	return config_read_port(p, v, &((struct config_http *)obj)->port);
}

static int http_set_access_log(struct config_parser *p, void *obj,
			       const char *v)
{
	return config_read_abs_path(p, v, &((struct config_http *)obj)->access_log);
}

static int http_set_max_connections(struct config_parser *p, void *obj,
				    const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 1, 65536, &n) < 0)
		return -EINVAL;
	((struct config_http *)obj)->max_connections = (unsigned)n;
	return 0;
}

static int http_set_timeout(struct config_parser *p, void *obj, const char *v)
{
	uint64_t n;

	if (config_read_uint(p, v, 1, 3600, &n) < 0)
		return -EINVAL;
	((struct config_http *)obj)->timeout_s = (unsigned)n;
	return 0;
}

static const struct config_key http_keys[] = {
	{ "enable", http_set_enable, false },
	{ "root", http_set_root, false },
	{ "port", http_set_port, false },
	{ "access-log", http_set_access_log, false },
	{ "max-connections", http_set_max_connections, false },
	{ "timeout", http_set_timeout, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_http = {
	.name = "http",
	.unique = true,
	.begin = http_begin,
	.object = http_object,
	.keys = http_keys,
};

/* --- [tree NAME] --- */

static int tree_begin(struct config_parser *p, const char *arg)
{
	struct config *c = p->config;
	int i;

	if (strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, "..")) {
		config_error(p, "tree name '%s' must be a single path component",
			     arg);
		return -EINVAL;
	}
	for (size_t j = 0; j < c->n_trees; j++)
		if (!strcmp(c->trees[j].name, arg)) {
			config_error(p, "tree %s is already defined at %s:%u",
				     arg, c->trees[j].file, c->trees[j].line);
			return -EINVAL;
		}
	i = config_array_push((void **)&c->trees, &c->n_trees,
			      sizeof(*c->trees));
	if (i < 0)
		return i;
	c->trees[i].name = strdup(arg);
	c->trees[i].file = strdup(p->file);
	c->trees[i].line = p->line;
	return i;
}

static void *tree_object(struct config_parser *p, size_t index)
{
	return &p->config->trees[index];
}

static int tree_set_iso(struct config_parser *p, void *obj, const char *v)
{
	return config_read_abs_path(p, v, &((struct config_tree *)obj)->iso);
}

static int tree_set_path(struct config_parser *p, void *obj, const char *v)
{
	return config_read_abs_path(p, v, &((struct config_tree *)obj)->path);
}

static const struct config_key tree_keys[] = {
	{ "iso", tree_set_iso, false },
	{ "path", tree_set_path, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_tree = {
	.name = "tree",
	.takes_arg = true,
	.begin = tree_begin,
	.object = tree_object,
	.keys = tree_keys,
};

void config_validate_files(struct config_parser *p)
{
	struct config *c = p->config;

	if (!c->tftp.port)
		c->tftp.port = 69;
	if (!c->tftp.timeout_ms)
		c->tftp.timeout_ms = 1000;
	if (!c->tftp.retries)
		c->tftp.retries = 6;
	if (!c->http.port)
		c->http.port = 80;
	if (!c->http.max_connections)
		c->http.max_connections = 1024;
	if (!c->http.timeout_s)
		c->http.timeout_s = 60;
	for (size_t i = 0; i < c->n_trees; i++) {
		struct config_tree *t = &c->trees[i];

		if (!t->iso == !t->path)
			config_error_at(p, t->file, t->line,
					"tree %s needs exactly one of 'iso' or "
					"'path'", t->name);
	}
}

void config_free_files(struct config *config)
{
	free(config->tftp.root);
	free(config->http.root);
	free(config->http.access_log);
	for (size_t i = 0; i < config->n_trees; i++) {
		free(config->trees[i].name);
		free(config->trees[i].iso);
		free(config->trees[i].path);
		free(config->trees[i].file);
	}
	free(config->trees);
}
