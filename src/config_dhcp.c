/* SPDX-License-Identifier: MIT */
/*
 * config_dhcp.c - the [server], [subnet CIDR] and [host NAME] sections,
 * DHCP option values, and the checks that span them (ranges inside their
 * subnet and apart from each other, unique MACs and addresses).
 */
#include "config.h"
#include "config_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LEASE_TIME 3600
#define DEFAULT_MAX_LEASE_TIME 86400

static void addr_str(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = { .s_addr = htonl(addr) };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* --- [server] --- */

static int server_begin(struct config_parser *p, const char *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

static void *server_object(struct config_parser *p, size_t index)
{
	(void)index;
	return &p->config->server;
}

static int set_interface(struct config_parser *p, void *obj, const char *v)
{
	struct config_server *s = obj;

	return config_read_list(p, v, &s->interfaces, &s->n_interfaces);
}

static int set_address(struct config_parser *p, void *obj, const char *v)
{
	struct config_server *s = obj;
	uint32_t a;

	if (config_read_ipv4(p, v, &a) < 0)
		return -EINVAL;
	s->address.s_addr = htonl(a);
	return 0;
}

static int set_state_dir(struct config_parser *p, void *obj, const char *v)
{
	return config_read_abs_path(p, v,
				    &((struct config_server *)obj)->state_dir);
}

static int set_user(struct config_parser *p, void *obj, const char *v)
{
	return config_read_string(p, v, &((struct config_server *)obj)->user);
}

static int set_dhcp_port(struct config_parser *p, void *obj, const char *v)
{
	return config_read_port(p, v, &((struct config_server *)obj)->dhcp_port);
}

static int set_proxy_port(struct config_parser *p, void *obj, const char *v)
{
	return config_read_port(p, v, &((struct config_server *)obj)->proxy_port);
}

static int set_log_dhcp(struct config_parser *p, void *obj, const char *v)
{
	struct config_server *s = obj;
	bool log;

	if (config_read_bool(p, v, &log) < 0)
		return -EINVAL;
	s->quiet_dhcp = !log;
	return 0;
}

static int set_ipv6_ra(struct config_parser *p, void *obj, const char *v)
{
	return config_read_bool(p, v, &((struct config_server *)obj)->ipv6_ra);
}

/* Relative patterns are taken from the main file's directory, so that
 * the config reads the same whatever directory pxed starts in. */
static int set_include(struct config_parser *p, void *obj, const char *v)
{
	struct config_server *s = obj;
	const char *slash = strrchr(p->file, '/');
	char *pattern;
	int i;

	if (!*v) {
		config_error(p, "'include' needs a file or a pattern");
		return -EINVAL;
	}
	if (v[0] == '/' || !slash)
		pattern = strdup(v);
	else if (asprintf(&pattern, "%.*s/%s", (int)(slash - p->file),
			  p->file, v) < 0)
		pattern = NULL;
	if (!pattern)
		return -ENOMEM;
	i = config_array_push((void **)&s->includes, &s->n_includes,
			      sizeof(*s->includes));
	if (i < 0) {
		free(pattern);
		return i;
	}
	s->includes[i] = (struct config_include){ pattern, p->line };
	return 0;
}

static const struct config_key server_keys[] = {
	{ "interface", set_interface, false },
	{ "address", set_address, false },
	{ "state-dir", set_state_dir, false },
	{ "user", set_user, false },
	{ "dhcp-port", set_dhcp_port, false },
	{ "proxy-port", set_proxy_port, false },
	{ "log-dhcp", set_log_dhcp, false },
	{ "ipv6-ra", set_ipv6_ra, false },
	{ "include", set_include, true },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_server = {
	.name = "server",
	.unique = true,
	.begin = server_begin,
	.object = server_object,
	.keys = server_keys,
};

/* --- [subnet CIDR] --- */

static int subnet_begin(struct config_parser *p, const char *arg)
{
	struct config *c = p->config;
	char addr[INET_ADDRSTRLEN + 1];
	struct config_subnet *s;
	const char *slash = strchr(arg, '/');
	uint64_t prefix;
	uint32_t network;
	int i;

	if (!slash || (size_t)(slash - arg) >= sizeof(addr)) {
		config_error(p, "subnet '%s' is not in CIDR form (like "
			     "172.25.254.0/24)", arg);
		return -EINVAL;
	}
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	if (config_read_ipv4(p, addr, &network) < 0 ||
	    config_read_uint(p, slash + 1, 1, 30, &prefix) < 0)
		return -EINVAL;
	i = config_array_push((void **)&c->subnets, &c->n_subnets,
			      sizeof(*c->subnets));
	if (i < 0)
		return i;
	s = &c->subnets[i];
	s->name = strdup(arg);
	s->prefix = (unsigned)prefix;
	s->netmask = ~0u << (32 - prefix);
	s->network = network & s->netmask;
	s->lease_time = DEFAULT_LEASE_TIME;
	s->max_lease_time = 0;
	s->file = strdup(p->file);
	s->line = p->line;
	if (s->network != network)
		config_error(p, "subnet %s has host bits set; did you mean "
			     "%u.%u.%u.%u/%u?", arg, s->network >> 24,
			     (s->network >> 16) & 255, (s->network >> 8) & 255,
			     s->network & 255, s->prefix);
	return i;
}

static void *subnet_object(struct config_parser *p, size_t index)
{
	return &p->config->subnets[index];
}

static int set_range(struct config_parser *p, void *obj, const char *v)
{
	struct config_subnet *s = obj;
	char buf[2 * INET_ADDRSTRLEN + 8], *dash, *first, *last;
	uint32_t a, b;
	int i;

	if (strlen(v) >= sizeof(buf) || !(dash = strchr(v, '-'))) {
		config_error(p, "range must be 'FIRST - LAST'");
		return -EINVAL;
	}
	strcpy(buf, v);
	dash = buf + (dash - v);
	*dash = '\0';
	first = buf;
	last = dash + 1;
	while (*first == ' ' || *first == '\t')
		first++;
	while (*last == ' ' || *last == '\t')
		last++;
	for (char *e = dash; e > first && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = '\0';
	if (config_read_ipv4(p, first, &a) < 0 ||
	    config_read_ipv4(p, last, &b) < 0)
		return -EINVAL;
	if (a > b) {
		config_error(p, "range %s starts after it ends", v);
		return -EINVAL;
	}
	i = config_array_push((void **)&s->ranges, &s->n_ranges,
			      sizeof(*s->ranges));
	if (i < 0)
		return i;
	s->ranges[i] = (struct config_range){ a, b, p->line };
	return 0;
}

static int set_seconds(struct config_parser *p, const char *v, uint32_t *ret)
{
	uint64_t n;

	if (config_read_uint(p, v, 60, UINT32_MAX - 1, &n) < 0)
		return -EINVAL;
	*ret = (uint32_t)n;
	return 0;
}

static int set_lease_time(struct config_parser *p, void *obj, const char *v)
{
	return set_seconds(p, v, &((struct config_subnet *)obj)->lease_time);
}

static int set_max_lease_time(struct config_parser *p, void *obj,
			      const char *v)
{
	return set_seconds(p, v, &((struct config_subnet *)obj)->max_lease_time);
}

static int set_mode(struct config_parser *p, void *obj, const char *v)
{
	struct config_subnet *s = obj;

	if (!strcmp(v, "full"))
		s->mode = CONFIG_MODE_FULL;
	else if (!strcmp(v, "proxy"))
		s->mode = CONFIG_MODE_PROXY;
	else {
		config_error(p, "mode must be 'full' or 'proxy'");
		return -EINVAL;
	}
	return 0;
}

static int subnet_other_key(struct config_parser *p, void *obj,
			    const char *key, const char *value)
{
	struct config_subnet *s = obj;
	return config_dhcp_key(p, &s->options, &s->boot, key, value);
}

static const struct config_key subnet_keys[] = {
	{ "range", set_range, true },
	{ "lease-time", set_lease_time, false },
	{ "max-lease-time", set_max_lease_time, false },
	{ "mode", set_mode, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_subnet = {
	.name = "subnet",
	.takes_arg = true,
	.begin = subnet_begin,
	.object = subnet_object,
	.keys = subnet_keys,
	.other_key = subnet_other_key,
};

/* --- [host NAME] --- */

static int host_begin(struct config_parser *p, const char *arg)
{
	struct config *c = p->config;
	int i;

	for (size_t j = 0; j < c->n_hosts; j++)
		if (!strcmp(c->hosts[j].name, arg)) {
			config_error(p, "host %s is already defined at %s:%u",
				     arg, c->hosts[j].file, c->hosts[j].line);
			return -EINVAL;
		}
	i = config_array_push((void **)&c->hosts, &c->n_hosts,
			      sizeof(*c->hosts));
	if (i < 0)
		return i;
	c->hosts[i].name = strdup(arg);
	c->hosts[i].file = strdup(p->file);
	c->hosts[i].line = p->line;
	return i;
}

static void *host_object(struct config_parser *p, size_t index)
{
	return &p->config->hosts[index];
}

static int set_mac(struct config_parser *p, void *obj, const char *v)
{
	struct config_host *h = obj;

	if (config_read_mac(p, v, h->mac) < 0)
		return -EINVAL;
	h->has_mac = true;
	return 0;
}

static int set_client_id(struct config_parser *p, void *obj, const char *v)
{
	struct config_host *h = obj;

	return config_read_hex(p, v, &h->client_id, &h->client_id_len);
}

static int set_ip(struct config_parser *p, void *obj, const char *v)
{
	return config_read_ipv4(p, v, &((struct config_host *)obj)->ip);
}

static int set_profile(struct config_parser *p, void *obj, const char *v)
{
	return config_read_string(p, v, &((struct config_host *)obj)->profile);
}

static int host_other_key(struct config_parser *p, void *obj,
			  const char *key, const char *value)
{
	struct config_host *h = obj;
	return config_dhcp_key(p, &h->options, &h->boot, key, value);
}

static const struct config_key host_keys[] = {
	{ "mac", set_mac, false },
	{ "client-id", set_client_id, false },
	{ "ip", set_ip, false },
	{ "profile", set_profile, false },
	{ NULL, NULL, false },
};

const struct config_section_kind config_section_host = {
	.name = "host",
	.takes_arg = true,
	.begin = host_begin,
	.object = host_object,
	.keys = host_keys,
	.other_key = host_other_key,
};

/* --- checks across sections --- */

static void validate_subnets(struct config_parser *p)
{
	struct config *c = p->config;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	for (size_t i = 0; i < c->n_subnets; i++) {
		struct config_subnet *s = &c->subnets[i];

		if (!s->max_lease_time)
			s->max_lease_time = s->lease_time > DEFAULT_MAX_LEASE_TIME
						    ? s->lease_time
						    : DEFAULT_MAX_LEASE_TIME;
		if (s->max_lease_time < s->lease_time)
			config_error_at(p, s->file, s->line,
					"max-lease-time is below lease-time in "
					"subnet %s", s->name);
		if (s->mode == CONFIG_MODE_PROXY && s->n_ranges)
			config_error_at(p, s->file, s->ranges[0].line,
					"a proxy subnet hands out no addresses: "
					"remove 'range' or set mode = full");
		for (size_t j = 0; j < i; j++) {
			struct config_subnet *o = &c->subnets[j];
			uint32_t mask = s->netmask & o->netmask;

			if ((s->network & mask) == (o->network & mask))
				config_error_at(p, s->file, s->line,
						"subnet %s overlaps subnet %s "
						"(%s:%u)", s->name, o->name,
						o->file, o->line);
		}
		for (size_t r = 0; r < s->n_ranges; r++) {
			struct config_range *rg = &s->ranges[r];
			uint32_t bcast = s->network | ~s->netmask;

			addr_str(rg->first, a);
			addr_str(rg->last, b);
			if ((rg->first & s->netmask) != s->network ||
			    (rg->last & s->netmask) != s->network)
				config_error_at(p, s->file, rg->line,
						"range %s - %s is outside subnet %s",
						a, b, s->name);
			else if (rg->first == s->network || rg->last == bcast)
				config_error_at(p, s->file, rg->line,
						"range %s - %s includes the "
						"network or broadcast address",
						a, b);
			for (size_t q = 0; q < r; q++)
				if (rg->first <= s->ranges[q].last &&
				    s->ranges[q].first <= rg->last)
					config_error_at(p, s->file, rg->line,
							"range %s - %s overlaps the "
							"range at line %u", a, b,
							s->ranges[q].line);
		}
	}
}

static void validate_hosts(struct config_parser *p)
{
	struct config *c = p->config;
	char a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < c->n_hosts; i++) {
		struct config_host *h = &c->hosts[i];

		if (!h->has_mac && !h->client_id)
			config_error_at(p, h->file, h->line,
					"host %s needs 'mac' or 'client-id'",
					h->name);
		if (h->ip && !config_subnet_find(c, h->ip)) {
			addr_str(h->ip, a);
			config_error_at(p, h->file, h->line,
					"host %s: %s is in no configured subnet",
					h->name, a);
		}
		for (size_t j = 0; j < i; j++) {
			struct config_host *o = &c->hosts[j];

			if (h->has_mac && o->has_mac &&
			    !memcmp(h->mac, o->mac, 6))
				config_error_at(p, h->file, h->line,
						"host %s has the same MAC as "
						"host %s (%s:%u)", h->name,
						o->name, o->file, o->line);
			if (h->ip && h->ip == o->ip) {
				addr_str(h->ip, a);
				config_error_at(p, h->file, h->line,
						"host %s has the same address %s "
						"as host %s (%s:%u)", h->name, a,
						o->name, o->file, o->line);
			}
			if (h->client_id && o->client_id &&
			    h->client_id_len == o->client_id_len &&
			    !memcmp(h->client_id, o->client_id,
				    h->client_id_len))
				config_error_at(p, h->file, h->line,
						"host %s has the same client-id "
						"as host %s (%s:%u)", h->name,
						o->name, o->file, o->line);
		}
	}
}

void config_validate_dhcp(struct config_parser *p)
{
	struct config *c = p->config;

	if (c->n_subnets && !c->server.n_interfaces)
		config_error_at(p, p->file, 1, "[server] needs 'interface': "
				"the interfaces to serve DHCP on");
	if (!c->server.state_dir)
		c->server.state_dir = strdup("/var/lib/pxed");
	validate_subnets(p);
	validate_hosts(p);
}

/* --- lookups --- */

const struct config_subnet *config_subnet_find(const struct config *config,
					       uint32_t addr)
{
	for (size_t i = 0; i < config->n_subnets; i++)
		if ((addr & config->subnets[i].netmask) ==
		    config->subnets[i].network)
			return &config->subnets[i];
	return NULL;
}

const struct config_host *config_host_by_mac(const struct config *config,
					     const uint8_t mac[6])
{
	for (size_t i = 0; i < config->n_hosts; i++)
		if (config->hosts[i].has_mac &&
		    !memcmp(config->hosts[i].mac, mac, 6))
			return &config->hosts[i];
	return NULL;
}

const struct config_host *config_host_by_client_id(const struct config *config,
						   const uint8_t *id, size_t len)
{
	for (size_t i = 0; i < config->n_hosts; i++) {
		const struct config_host *h = &config->hosts[i];

		if (h->client_id && h->client_id_len == len &&
		    !memcmp(h->client_id, id, len))
			return h;
	}
	return NULL;
}

/* --- freeing --- */

static void boot_free(struct config_boot *b)
{
	for (size_t i = 0; i < CONFIG_BOOT_KINDS; i++)
		free(b->filename[i]);
	free(b->server_name);
}

void config_free_dhcp(struct config *config)
{
	for (size_t i = 0; i < config->server.n_interfaces; i++)
		free(config->server.interfaces[i]);
	free(config->server.interfaces);
	free(config->server.state_dir);
	free(config->server.user);
	for (size_t i = 0; i < config->server.n_includes; i++)
		free(config->server.includes[i].pattern);
	free(config->server.includes);
	for (size_t i = 0; i < config->n_subnets; i++) {
		struct config_subnet *s = &config->subnets[i];

		free(s->name);
		free(s->ranges);
		free(s->options.items);
		boot_free(&s->boot);
		free(s->file);
	}
	free(config->subnets);
	for (size_t i = 0; i < config->n_hosts; i++) {
		struct config_host *h = &config->hosts[i];

		free(h->name);
		free(h->client_id);
		free(h->options.items);
		boot_free(&h->boot);
		free(h->profile);
		free(h->file);
	}
	free(config->hosts);
}
