/* SPDX-License-Identifier: MIT */
/*
 * dhcp/server.c - the decisions: which subnet and host a request belongs
 * to, which address a client gets, and what each message type is answered
 * with (RFC 2131 4.3), including proxyDHCP for PXE clients.
 */
#include "dhcp/server.h"

#include "dhcp/request.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An offered address is held this long for the client's REQUEST. */
#define OFFER_HOLD_SECONDS 60
/* A declined address is kept out of use this long (RFC 2131 4.3.3). */
#define DECLINE_QUARANTINE_SECONDS 3600

struct dhcp_server {
	const struct config *config;
	struct lease_table *leases;
	struct lease_store *store;
	uint32_t *cursors;      /* next address to try, per subnet range */
	size_t n_cursors;
	struct dhcp_stats stats;
};

int dhcp_server_new(struct lease_store *store, struct dhcp_server **ret)
{
	struct dhcp_server *srv = calloc(1, sizeof(*srv));
	int r;

	if (!srv)
		return -ENOMEM;
	r = lease_table_new(&srv->leases);
	if (r < 0) {
		free(srv);
		return r;
	}
	srv->store = store;
	*ret = srv;
	return 0;
}

struct dhcp_server *dhcp_server_free(struct dhcp_server *srv)
{
	if (!srv)
		return NULL;
	lease_table_free(srv->leases);
	free(srv->cursors);
	free(srv);
	return NULL;
}

static int load_one(const struct lease *stored, void *data)
{
	struct dhcp_server *srv = data;
	struct lease *l;
	int r;

	/* A damaged database could repeat an address or a client. */
	if (lease_find_by_ip(srv->leases, stored->ip) ||
	    lease_find_by_key(srv->leases, stored->key, stored->key_len))
		return 0;
	r = lease_insert(srv->leases, stored->ip, stored->key,
			 stored->key_len, stored->mac, &l);
	if (r < 0)
		return r;
	l->expires = stored->expires;
	l->state = stored->state;
	return 0;
}

int dhcp_server_load_leases(struct dhcp_server *srv)
{
	return lease_store_load(srv->store, load_one, srv);
}

void dhcp_server_set_config(struct dhcp_server *srv,
			    const struct config *config)
{
	size_t n = 0;

	srv->config = config;
	for (size_t i = 0; i < config->n_subnets; i++)
		n += config->subnets[i].n_ranges;
	free(srv->cursors);
	srv->cursors = calloc(n ? n : 1, sizeof(*srv->cursors));
	srv->n_cursors = srv->cursors ? n : 0;
}

const struct dhcp_stats *dhcp_server_stats(const struct dhcp_server *srv)
{
	return &srv->stats;
}

struct lease_table *dhcp_server_leases(struct dhcp_server *srv)
{
	return srv->leases;
}

struct lease_store *dhcp_server_store(struct dhcp_server *srv)
{
	return srv->store;
}

/* --- who is asking --- */

static void format_mac(const uint8_t *mac, char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static const char *ip_str(uint32_t ip, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = { htonl(ip) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/*
 * Fill in subnet, host, client key. False when the request is not for us:
 * no configured subnet for the interface or relay it came through.
 */
static bool request_identify(const struct dhcp_server *srv,
			     struct dhcp_request *req)
{
	const struct config *c = srv->config;
	const struct dhcp_message *m = req->msg;
	uint32_t giaddr = ntohl(m->header.giaddr);
	const uint8_t *id;
	size_t id_len;

	req->subnet = config_subnet_find(c, giaddr ? giaddr
						   : req->info->server_addr);
	if (!req->subnet)
		return false;
	req->mac = m->header.chaddr;
	req->quiet = c->server.quiet_dhcp;
	req->server_id = c->server.address.s_addr
				 ? ntohl(c->server.address.s_addr)
				 : req->info->server_addr;
	id = dhcp_message_option(m, DHCP_OPT_CLIENT_ID, &id_len);
	if (id && id_len >= 2 && id_len <= LEASE_KEY_MAX) {
		memcpy(req->key, id, id_len);
		req->key_len = id_len;
		req->host = config_host_by_client_id(c, id, id_len);
	} else {
		/* RFC 2132 9.14: hardware type followed by the address. */
		req->key[0] = DHCP_HTYPE_ETHER;
		memcpy(req->key + 1, req->mac, 6);
		req->key_len = 7;
	}
	if (!req->host)
		req->host = config_host_by_mac(c, req->mac);
	pxe_classify(m, &req->pxe);
	return true;
}

/* --- addresses --- */

static bool in_ranges(const struct config_subnet *s, uint32_t ip)
{
	for (size_t i = 0; i < s->n_ranges; i++)
		if (ip >= s->ranges[i].first && ip <= s->ranges[i].last)
			return true;
	return false;
}

static bool reserved_for_other(const struct dhcp_server *srv,
			       const struct dhcp_request *req, uint32_t ip)
{
	const struct config *c = srv->config;

	for (size_t i = 0; i < c->n_hosts; i++)
		if (c->hosts[i].ip == ip && &c->hosts[i] != req->host)
			return true;
	return false;
}

/*
 * May this client have `ip` now? With `take_offers`, an address only
 * offered to another client counts as free: when the pool is exhausted by
 * offers (a flood of DISCOVERs from made-up MACs) a real client still gets
 * one, and the flooder's REQUEST is NAKed.
 */
static bool address_available(const struct dhcp_server *srv,
			      const struct dhcp_request *req, uint32_t ip,
			      bool take_offers)
{
	const struct lease *holder;

	if (req->host && req->host->ip)
		return ip == req->host->ip;
	if (!in_ranges(req->subnet, ip) || reserved_for_other(srv, req, ip))
		return false;
	holder = lease_find_by_ip(srv->leases, ip);
	if (!holder)
		return true;
	if (holder->key_len == req->key_len &&
	    !memcmp(holder->key, req->key, req->key_len))
		return holder->state != LEASE_DECLINED;
	return lease_is_expired(holder, req->info->now) ||
	       (take_offers && holder->state == LEASE_OFFERED);
}

static bool address_acceptable(const struct dhcp_server *srv,
			       const struct dhcp_request *req, uint32_t ip)
{
	return address_available(srv, req, ip, false);
}

static uint32_t *range_cursor(struct dhcp_server *srv,
			      const struct config_subnet *s, size_t r)
{
	size_t i = 0;

	for (const struct config_subnet *t = srv->config->subnets; t < s; t++)
		i += t->n_ranges;
	return i + r < srv->n_cursors ? &srv->cursors[i + r] : NULL;
}

/* Scan the ranges from where the last scan stopped. */
static uint32_t address_find_free(struct dhcp_server *srv,
				  const struct dhcp_request *req,
				  bool take_offers)
{
	const struct config_subnet *s = req->subnet;

	for (size_t r = 0; r < s->n_ranges; r++) {
		const struct config_range *rg = &s->ranges[r];
		uint64_t size = (uint64_t)rg->last - rg->first + 1;
		uint32_t *cursor = range_cursor(srv, s, r);
		uint32_t start = cursor ? *cursor : 0;

		for (uint64_t k = 0; k < size; k++) {
			uint32_t off = (uint32_t)((start + k) % size);
			uint32_t ip = rg->first + off;

			if (address_available(srv, req, ip, take_offers)) {
				if (cursor)
					*cursor = (uint32_t)((off + 1) % size);
				return ip;
			}
		}
	}
	return 0;
}

static uint32_t address_choose(struct dhcp_server *srv,
			       const struct dhcp_request *req)
{
	const struct lease *mine;
	const uint8_t *p;
	uint32_t ip;

	if (req->host && req->host->ip)
		return config_subnet_find(srv->config, req->host->ip) ==
				       req->subnet
			       ? req->host->ip
			       : 0;
	mine = lease_find_by_key(srv->leases, req->key, req->key_len);
	if (mine && address_acceptable(srv, req, mine->ip))
		return mine->ip;
	if (dhcp_message_option_sized(req->msg, DHCP_OPT_REQUESTED_ADDRESS, 4,
				      &p)) {
		ip = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
		if (address_acceptable(srv, req, ip))
			return ip;
	}
	ip = address_find_free(srv, req, false);
	return ip ? ip : address_find_free(srv, req, true);
}

static bool durable(const struct lease *l)
{
	return l->state != LEASE_OFFERED;
}

/*
 * Give `ip` to the requesting client in `state` until `expires`: the
 * address leaves whoever held it before, the client leaves any other
 * address. Durable states are queued for the next commit.
 */
static int lease_assign(struct dhcp_server *srv, const struct dhcp_request *req,
			uint32_t ip, enum lease_state state, int64_t expires)
{
	struct lease *holder = lease_find_by_ip(srv->leases, ip);
	struct lease *mine = lease_find_by_key(srv->leases, req->key,
					       req->key_len);
	int r;

	if (holder && holder != mine) {
		if (durable(holder))
			lease_store_remove(srv->store, holder->ip);
		lease_remove(srv->leases, holder);
	}
	if (mine && mine->ip != ip) {
		if (durable(mine))
			lease_store_remove(srv->store, mine->ip);
		lease_remove(srv->leases, mine);
		mine = NULL;
	}
	if (!mine) {
		r = lease_insert(srv->leases, ip, req->key, req->key_len,
				 req->mac, &mine);
		if (r < 0)
			return r;
	}
	memcpy(mine->mac, req->mac, 6);
	mine->state = (uint8_t)state;
	mine->expires = expires;
	if (durable(mine) && lease_store_save(srv->store, mine) < 0) {
		srv->stats.store_errors++;
		return -EIO;
	}
	return 0;
}

static uint32_t lease_time_for(const struct dhcp_request *req)
{
	const uint8_t *p;
	uint32_t t = req->subnet->lease_time;

	if (dhcp_message_option_sized(req->msg, DHCP_OPT_ADDRESS_TIME, 4, &p)) {
		uint32_t want = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 |
				p[3];

		t = want < req->subnet->max_lease_time
			    ? want
			    : req->subnet->max_lease_time;
		if (t < 60)
			t = 60;
	}
	return t;
}

/* --- logging what we answer --- */

static void log_reply(const struct dhcp_request *req,
		      const struct dhcp_reply *reply, uint32_t yiaddr)
{
	static const char *const names[] = {
		[DHCP_MSG_OFFER] = "DHCPOFFER", [DHCP_MSG_ACK] = "DHCPACK",
		[DHCP_MSG_NAK] = "DHCPNAK",
	};
	const struct dhcp_header *h = (const struct dhcp_header *)reply->data;
	char mac[18], ip[INET_ADDRSTRLEN], uuid[40];

	if (!log_enabled(LOG_LEVEL_INFO) || req->quiet)
		return;
	format_mac(req->mac, mac);
	pxe_format_uuid(&req->pxe, uuid, sizeof(uuid));
	log_info("%s %s to %s via %s%s%s%s%s%s", names[reply->type],
		 ip_str(yiaddr, ip), mac, req->info->ifname,
		 req->pxe.uuid ? " uuid " : "", req->pxe.uuid ? uuid : "",
		 h->file[0] ? " file " : "", h->file[0] ? (const char *)h->file : "",
		 req->host ? " (static host)" : "");
}

static int reply_with(const struct dhcp_request *req, uint8_t type,
		      uint32_t yiaddr, uint32_t lease_time,
		      struct dhcp_reply *reply)
{
	dhcp_reply_build(req, type, yiaddr, lease_time, reply);
	reply->needs_commit = type == DHCP_MSG_ACK && lease_time;
	log_reply(req, reply, yiaddr);
	return 1;
}

/* --- one function per message type --- */

static int handle_discover(struct dhcp_server *srv,
			   const struct dhcp_request *req,
			   struct dhcp_reply *reply)
{
	const int64_t now = req->info->now;
	struct lease *mine;
	char mac[18];
	uint32_t ip;

	ip = address_choose(srv, req);
	if (!ip) {
		srv->stats.exhausted++;
		format_mac(req->mac, mac);
		log_limited(LOG_LEVEL_WARN, "no free address in subnet %s for %s",
			    req->subnet->name, mac);
		return 0;
	}
	mine = lease_find_by_key(srv->leases, req->key, req->key_len);
	/* A bound client that starts over keeps its lease as it is. */
	if (!(mine && mine->ip == ip && mine->state == LEASE_BOUND &&
	      !lease_is_expired(mine, now)) &&
	    lease_assign(srv, req, ip, LEASE_OFFERED,
			 now + OFFER_HOLD_SECONDS) < 0)
		return 0;
	return reply_with(req, DHCP_MSG_OFFER, ip, lease_time_for(req), reply);
}

/* ACK `ip` if this client may have it, else NAK. */
static int bind_or_nak(struct dhcp_server *srv, const struct dhcp_request *req,
		       uint32_t ip, struct dhcp_reply *reply)
{
	uint32_t t = lease_time_for(req);

	if ((ip & req->subnet->netmask) != req->subnet->network ||
	    !address_acceptable(srv, req, ip))
		return reply_with(req, DHCP_MSG_NAK, 0, 0, reply);
	if (lease_assign(srv, req, ip, LEASE_BOUND, req->info->now + t) < 0)
		return 0;
	return reply_with(req, DHCP_MSG_ACK, ip, t, reply);
}

static uint32_t option_ipv4(const struct dhcp_message *m, uint8_t code)
{
	const uint8_t *p;

	if (!dhcp_message_option_sized(m, code, 4, &p))
		return 0;
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int handle_request(struct dhcp_server *srv,
			  const struct dhcp_request *req,
			  struct dhcp_reply *reply)
{
	const struct dhcp_message *m = req->msg;
	uint32_t server_id = option_ipv4(m, DHCP_OPT_SERVER_ID);
	uint32_t requested = option_ipv4(m, DHCP_OPT_REQUESTED_ADDRESS);
	uint32_t ciaddr = ntohl(m->header.ciaddr);
	struct lease *mine;

	if (server_id) {
		/* SELECTING. Another server chosen: our offer is void. */
		if (server_id != req->server_id) {
			mine = lease_find_by_key(srv->leases, req->key,
						 req->key_len);
			if (mine && mine->state == LEASE_OFFERED)
				lease_remove(srv->leases, mine);
			return 0;
		}
		return bind_or_nak(srv, req, requested ? requested : ciaddr,
				   reply);
	}
	/* INIT-REBOOT. pxed is authoritative for its subnets (as ISC's
	 * `authoritative;`): an address it would not give is NAKed at once,
	 * even to a client it has no record of, so a moved or reconfigured
	 * machine does not wait out its timeouts (RFC 2131 4.3.2). */
	if (requested && !ciaddr)
		return bind_or_nak(srv, req, requested, reply);
	if (ciaddr)                /* RENEWING or REBINDING */
		return bind_or_nak(srv, req, ciaddr, reply);
	return 0;
}

static int handle_decline(struct dhcp_server *srv,
			  const struct dhcp_request *req)
{
	uint32_t server_id = option_ipv4(req->msg, DHCP_OPT_SERVER_ID);
	uint32_t ip = option_ipv4(req->msg, DHCP_OPT_REQUESTED_ADDRESS);
	struct lease *mine = lease_find_by_key(srv->leases, req->key,
					       req->key_len);
	uint8_t quarantine_key[5] = { 0xff };
	struct dhcp_request q = *req;
	char addr[INET_ADDRSTRLEN];

	if ((server_id && server_id != req->server_id) || !mine ||
	    mine->ip != ip)
		return 0;
	/* The address now belongs to nobody: the client is free to get
	 * another, and the address stays out of use for a while. */
	memcpy(quarantine_key + 1, &ip, 4);
	memcpy(q.key, quarantine_key, sizeof(quarantine_key));
	q.key_len = sizeof(quarantine_key);
	lease_remove(srv->leases, mine);
	lease_assign(srv, &q, ip, LEASE_DECLINED,
		     req->info->now + DECLINE_QUARANTINE_SECONDS);
	log_warn("%s declined by its client: in use by another machine? "
		 "Quarantined for %d s", ip_str(ip, addr),
		 DECLINE_QUARANTINE_SECONDS);
	return 0;
}

static int handle_release(struct dhcp_server *srv,
			  const struct dhcp_request *req)
{
	uint32_t ciaddr = ntohl(req->msg->header.ciaddr);
	struct lease *mine = lease_find_by_key(srv->leases, req->key,
					       req->key_len);

	if (!mine || mine->ip != ciaddr || mine->state != LEASE_BOUND)
		return 0;
	/* Kept, expired, so the client finds the same address again. */
	lease_assign(srv, req, ciaddr, LEASE_RELEASED, req->info->now);
	return 0;
}

static int handle_inform(const struct dhcp_request *req,
			 struct dhcp_reply *reply)
{
	return reply_with(req, DHCP_MSG_ACK, 0, 0, reply);
}

/*
 * proxyDHCP (PXE 2.1): another server owns the addresses; PXE clients get
 * boot information only: an offer on port 67, an ACK on port 4011.
 */
static int handle_proxy(const struct dhcp_request *req,
			struct dhcp_reply *reply)
{
	struct boot_choice boot;
	uint8_t type = req->msg->type;

	if (req->pxe.vendor != PXE_VENDOR_PXECLIENT ||
	    !pxe_choose_boot(&req->pxe, req->subnet, req->host, req->server_id,
			     &boot))
		return 0;
	if (req->info->local_port == DHCP_PORT_SERVER) {
		if (type != DHCP_MSG_DISCOVER)
			return 0;
		reply_with(req, DHCP_MSG_OFFER, 0, 0, reply);
		/* The client has no address yet, and we give none. */
		reply->dest = DHCP_DEST_BROADCAST;
		return 1;
	}
	if (type != DHCP_MSG_REQUEST && type != DHCP_MSG_INFORM)
		return 0;
	return reply_with(req, DHCP_MSG_ACK, 0, 0, reply);
}

static int dispatch(struct dhcp_server *srv, const struct dhcp_request *req,
		    struct dhcp_reply *reply)
{
	if (req->subnet->mode == CONFIG_MODE_PROXY ||
	    req->info->local_port != DHCP_PORT_SERVER)
		return handle_proxy(req, reply);
	switch (req->msg->type) {
	case DHCP_MSG_DISCOVER:
		return handle_discover(srv, req, reply);
	case DHCP_MSG_REQUEST:
		return handle_request(srv, req, reply);
	case DHCP_MSG_DECLINE:
		return handle_decline(srv, req);
	case DHCP_MSG_RELEASE:
		return handle_release(srv, req);
	case DHCP_MSG_INFORM:
		return handle_inform(req, reply);
	default:
		return 0;  /* BOOTP and server-to-client types */
	}
}

int dhcp_server_handle(struct dhcp_server *srv, const uint8_t *buf,
		       size_t len, const struct dhcp_request_info *info,
		       struct dhcp_reply *reply)
{
	struct dhcp_message msg;
	struct dhcp_request req = { .msg = &msg, .info = info };
	enum dhcp_parse_error e;
	int r;

	srv->stats.received++;
	e = dhcp_message_parse(buf, len, &msg);
	if (e != DHCP_PARSE_OK) {
		srv->stats.dropped[e]++;
		log_limited(LOG_LEVEL_DEBUG, "dropped a DHCP packet from %s: %s",
			    info->ifname, dhcp_parse_error_name(e));
		return 0;
	}
	if (msg.header.hops > DHCP_MAX_HOPS || !srv->config ||
	    !request_identify(srv, &req)) {
		srv->stats.ignored++;
		return 0;
	}
	r = dispatch(srv, &req, reply);
	if (r > 0)
		srv->stats.sent[reply->type]++;
	else
		srv->stats.ignored++;
	return r;
}
