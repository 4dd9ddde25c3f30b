/* SPDX-License-Identifier: MIT */
/*
 * config_parse.h - what the section parsers (config_dhcp.c,
 * config_files.c, config_boot.c) share: the parser state, key tables and
 * value readers.
 * Not for use outside the config module.
 */
#ifndef PXED_CONFIG_PARSE_H
#define PXED_CONFIG_PARSE_H

#include "config.h"

#include <stdarg.h>

struct config_parser;

/*
 * A key's setter returns 0, or -EINVAL after reporting the problem with
 * config_error(). `obj` is the current section's object.
 */
typedef int config_key_fn(struct config_parser *p, void *obj,
			  const char *value);

struct config_key {
	const char *name;
	config_key_fn *set;
	bool repeatable;      /* e.g. `range`: may appear several times */
};

/*
 * A kind of section: `[NAME]` or `[NAME ARG]`. begin() creates the
 * section's object and returns its index (or -EINVAL after an error);
 * object() finds it again, since arrays move as they grow.
 */
struct config_section_kind {
	const char *name;
	bool takes_arg;
	bool unique;          /* may appear once per file */
	int (*begin)(struct config_parser *p, const char *arg);
	void *(*object)(struct config_parser *p, size_t index);
	const struct config_key *keys;
	/* For keys not in the table (option-NN); NULL: unknown key. */
	int (*other_key)(struct config_parser *p, void *obj, const char *key,
			 const char *value);
};

struct config_parser {
	struct config *config;
	struct config_diags *diags;
	const char *file;
	unsigned line;
	unsigned errors;
};

void config_error(struct config_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void config_error_at(struct config_parser *p, const char *file,
		     unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Value readers: 0 on success, else report and return -EINVAL. */
int config_read_ipv4(struct config_parser *p, const char *s, uint32_t *ret);
int config_read_uint(struct config_parser *p, const char *s, uint64_t min,
		     uint64_t max, uint64_t *ret);
int config_read_bool(struct config_parser *p, const char *s, bool *ret);
int config_read_mac(struct config_parser *p, const char *s, uint8_t mac[6]);
int config_read_string(struct config_parser *p, const char *s, char **ret);
int config_read_abs_path(struct config_parser *p, const char *s, char **ret);
int config_read_port(struct config_parser *p, const char *s, uint16_t *ret);
int config_read_list(struct config_parser *p, const char *s, char ***ret,
		     size_t *ret_len);
int config_read_hex(struct config_parser *p, const char *s, uint8_t **ret,
		    size_t *ret_len);

/*
 * The keys [subnet] and [host] share (options, boot files): 0, -EINVAL
 * after an error, or -ENOENT for a key that is not one of them.
 */
int config_dhcp_key(struct config_parser *p, struct config_options *options,
		    struct config_boot *boot, const char *key, const char *value);

/* Grow an array by one zeroed element; returns its index or -ENOMEM. */
int config_array_push(void **array, size_t *len, size_t size);

extern const struct config_section_kind config_section_server;
extern const struct config_section_kind config_section_subnet;
extern const struct config_section_kind config_section_host;
extern const struct config_section_kind config_section_tftp;
extern const struct config_section_kind config_section_http;
extern const struct config_section_kind config_section_tree;
extern const struct config_section_kind config_section_profile;
extern const struct config_section_kind config_section_menu;
extern const struct config_section_kind config_section_bootloaders;

/* Cross-section checks, run once the whole file is read. */
void config_validate_dhcp(struct config_parser *p);
void config_validate_files(struct config_parser *p);
void config_validate_boot(struct config_parser *p);

void config_free_dhcp(struct config *config);
void config_free_files(struct config *config);
void config_free_boot(struct config *config);

#endif
