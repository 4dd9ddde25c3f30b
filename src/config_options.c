/* SPDX-License-Identifier: MIT */
/*
 * config_options.c - the keys [subnet] and [host] share: DHCP options by
 * name or by code (`option-NN`, with typed values) and boot files.
 */
#include "config.h"
#include "config_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- DHCP option values --- */

static int option_put(struct config_parser *p, struct config_options *opts,
		      uint8_t code, const uint8_t *data, size_t len)
{
	int i;

	if (len > 255) {
		config_error(p, "option %u value is %zu bytes; at most 255 fit",
			     code, len);
		return -EINVAL;
	}
	for (size_t j = 0; j < opts->len; j++)
		if (opts->items[j].code == code) {
			config_error(p, "option %u is set twice", code);
			return -EINVAL;
		}
	i = config_array_push((void **)&opts->items, &opts->len,
			      sizeof(*opts->items));
	if (i < 0)
		return i;
	opts->items[i].code = code;
	opts->items[i].len = (uint8_t)len;
	memcpy(opts->items[i].data, data, len);
	return 0;
}

static bool looks_like_ipv4_list(const char *s)
{
	if (!isdigit((unsigned char)*s) || !strchr(s, '.'))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.' && *s != ',' &&
		    !isspace((unsigned char)*s))
			return false;
	return true;
}

static int option_put_ipv4_list(struct config_parser *p,
				struct config_options *opts, uint8_t code,
				const char *value)
{
	uint8_t buf[256];
	size_t len = 0, n = 0;
	char **items;
	int r = 0;

	if (config_read_list(p, value, &items, &n) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint32_t a, be;

		if (config_read_ipv4(p, items[i], &a) < 0) {
			r = -EINVAL;
		} else if (len + 4 <= sizeof(buf)) {
			be = htonl(a);
			memcpy(buf + len, &be, 4);
			len += 4;
		}
		free(items[i]);
	}
	free(items);
	return r < 0 ? r : option_put(p, opts, code, buf, len);
}

/*
 * `option-NN = VALUE`: "text" (quoted) or a bare word is a string;
 * 1.2.3.4[, 5.6.7.8] is a list of addresses; hex:01:02 is raw bytes;
 * u8:N, u16:N, u32:N are numbers of that width.
 */
static int option_put_value(struct config_parser *p,
			    struct config_options *opts, uint8_t code,
			    const char *value)
{
	static const struct {
		const char *prefix;
		unsigned width;
	} ints[] = { { "u8:", 1 }, { "u16:", 2 }, { "u32:", 4 } };
	size_t len = strlen(value);

	for (size_t i = 0; i < 3; i++) {
		uint8_t buf[4];
		uint64_t v;
		unsigned w = ints[i].width;

		if (strncmp(value, ints[i].prefix, strlen(ints[i].prefix)))
			continue;
		if (config_read_uint(p, value + strlen(ints[i].prefix), 0,
				     w == 4 ? UINT32_MAX : (1ull << (8 * w)) - 1,
				     &v) < 0)
			return -EINVAL;
		for (unsigned b = 0; b < w; b++)
			buf[b] = (uint8_t)(v >> (8 * (w - 1 - b)));
		return option_put(p, opts, code, buf, w);
	}
	if (!strncmp(value, "hex:", 4)) {
		uint8_t *bytes;
		size_t n;
		int r;

		if (config_read_hex(p, value + 4, &bytes, &n) < 0)
			return -EINVAL;
		r = option_put(p, opts, code, bytes, n);
		free(bytes);
		return r;
	}
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
		return option_put(p, opts, code, (const uint8_t *)value + 1,
				  len - 2);
	if (looks_like_ipv4_list(value))
		return option_put_ipv4_list(p, opts, code, value);
	if (!len) {
		config_error(p, "option %u has no value", code);
		return -EINVAL;
	}
	return option_put(p, opts, code, (const uint8_t *)value, len);
}

static const struct {
	const char *key;
	enum config_boot_kind kind;
} boot_keys[] = {
	{ "filename", CONFIG_BOOT_DEFAULT },
	{ "filename-bios", CONFIG_BOOT_BIOS },
	{ "filename-uefi32", CONFIG_BOOT_UEFI32 },
	{ "filename-uefi", CONFIG_BOOT_UEFI64 },
	{ "filename-arm64", CONFIG_BOOT_ARM64 },
	{ "filename-http", CONFIG_BOOT_HTTP },
	{ "filename-ipxe", CONFIG_BOOT_IPXE },
};

static const struct {
	const char *key;
	uint8_t code;
	bool addresses;
} named_options[] = {
	{ "routers", 3, true },     { "dns", 6, true },
	{ "domain", 15, false },    { "broadcast", 28, true },
	{ "ntp", 42, true },        { "hostname", 12, false },
};

int config_dhcp_key(struct config_parser *p, struct config_options *options,
		    struct config_boot *boot, const char *key, const char *value)
{
	uint64_t code;

	for (size_t i = 0; i < sizeof(boot_keys) / sizeof(boot_keys[0]); i++)
		if (!strcmp(key, boot_keys[i].key)) {
			if (boot->filename[boot_keys[i].kind]) {
				config_error(p, "'%s' is set twice", key);
				return -EINVAL;
			}
			if (strlen(value) > 127) {
				config_error(p, "'%s' is longer than the 127 "
					     "bytes a boot file name may have",
					     key);
				return -EINVAL;
			}
			return config_read_string(
				p, value, &boot->filename[boot_keys[i].kind]);
		}
	if (!strcmp(key, "next-server")) {
		uint32_t a;

		if (config_read_ipv4(p, value, &a) < 0)
			return -EINVAL;
		boot->next_server.s_addr = htonl(a);
		return 0;
	}
	if (!strcmp(key, "server-name")) {
		if (strlen(value) > 63) {
			config_error(p, "server-name is longer than 63 bytes");
			return -EINVAL;
		}
		return config_read_string(p, value, &boot->server_name);
	}
	for (size_t i = 0; i < sizeof(named_options) / sizeof(named_options[0]);
	     i++)
		if (!strcmp(key, named_options[i].key))
			return named_options[i].addresses
				       ? option_put_ipv4_list(p, options,
							      named_options[i].code,
							      value)
				       : option_put_value(p, options,
							  named_options[i].code,
							  value);
	if (!strncmp(key, "option-", 7)) {
		if (config_read_uint(p, key + 7, 1, 254, &code) < 0)
			return -EINVAL;
		return option_put_value(p, options, (uint8_t)code, value);
	}
	return -ENOENT;
}
