/* SPDX-License-Identifier: MIT */
/*
 * dhcp/reply.c - builds replies: header fields (RFC 2131 table 3), options
 * in priority order within the client's size limit, boot information, and
 * where the reply must go (RFC 2131 4.1).
 */
#include "dhcp/request.h"

#include <arpa/inet.h>
#include <string.h>

/*
 * Room kept for echoing the relay agent's option 82, which goes last; 0
 * when there is none, or when it would crowd out the reply itself.
 */
static size_t relay_info_room(const struct dhcp_request *req, size_t limit)
{
	size_t len, room;

	if (!dhcp_message_option(req->msg, DHCP_OPT_RELAY_AGENT_INFO, &len))
		return 0;
	room = len + 2 * ((len + 254) / 255);
	return room + DHCP_HEADER_LEN + 128 <= limit ? room : 0;
}

/* RFC 2132 9.10: the client's limit, never below 576, minus IP and UDP. */
static size_t reply_limit(const struct dhcp_request *req)
{
	const uint8_t *p;
	size_t limit = DHCP_MIN_IP_DATAGRAM;

	if (dhcp_message_option_sized(req->msg, DHCP_OPT_MAX_MESSAGE_SIZE, 2,
				      &p)) {
		size_t want = (size_t)(p[0] << 8 | p[1]);

		if (want > limit)
			limit = want;
	}
	limit -= DHCP_IP_UDP_OVERHEAD;
	return limit > DHCP_MAX_PACKET ? DHCP_MAX_PACKET : limit;
}

static const struct config_option *find_option(const struct config_options *o,
					       uint8_t code)
{
	for (size_t i = 0; i < o->len; i++)
		if (o->items[i].code == code)
			return &o->items[i];
	return NULL;
}

/* A configured option: the host's setting wins over the subnet's. */
static const struct config_option *configured(const struct dhcp_request *req,
					      uint8_t code)
{
	const struct config_option *o = NULL;

	if (req->host)
		o = find_option(&req->host->options, code);
	return o ? o : find_option(&req->subnet->options, code);
}

struct option_set {
	struct dhcp_builder *b;
	bool added[256];
};

static void add_once(struct option_set *os, uint8_t code, const void *data,
		     size_t len)
{
	if (os->added[code])
		return;
	if (dhcp_builder_add(os->b, code, data, len) == 0)
		os->added[code] = true;
}

static void add_u32(struct option_set *os, uint8_t code, uint32_t v)
{
	uint32_t be = htonl(v);

	add_once(os, code, &be, 4);
}

/* A configured option or one we can derive (subnet mask, broadcast). */
static void add_known(const struct dhcp_request *req, struct option_set *os,
		      uint8_t code)
{
	const struct config_option *o = configured(req, code);

	if (o) {
		add_once(os, code, o->data, o->len);
		return;
	}
	if (code == DHCP_OPT_BROADCAST_ADDRESS)
		add_u32(os, code, req->subnet->network | ~req->subnet->netmask);
	else if (code == DHCP_OPT_HOSTNAME && req->host)
		add_once(os, code, req->host->name, strlen(req->host->name));
}

static void add_pxe(const struct dhcp_request *req, struct option_set *os,
		    const struct boot_choice *boot)
{
	static const uint8_t discovery[] = {
		PXE_OPT_DISCOVERY_CONTROL, 1, PXE_DISCOVERY_USE_BOOTFILE,
		DHCP_OPT_END
	};
	const uint8_t *p;
	size_t len;

	if (req->pxe.vendor == PXE_VENDOR_PXECLIENT) {
		add_once(os, DHCP_OPT_CLASS_ID, "PXEClient", 9);
		/* Boot straight from the file named here: no boot menu,
		 * no discovery of boot servers (PXE 2.1 table 2-1). */
		if (boot)
			add_once(os, DHCP_OPT_VENDOR_SPECIFIC, discovery,
				 sizeof(discovery));
	} else if (req->pxe.vendor == PXE_VENDOR_HTTPCLIENT) {
		/* UEFI HTTP boot ignores offers without it (UEFI 2.x 24.7). */
		add_once(os, DHCP_OPT_CLASS_ID, "HTTPClient", 10);
	}
	p = dhcp_message_option(req->msg, DHCP_OPT_UUID_GUID, &len);
	if (p && req->pxe.vendor != PXE_VENDOR_NONE)
		add_once(os, DHCP_OPT_UUID_GUID, p, len);
}

static void add_options(const struct dhcp_request *req, struct dhcp_builder *b,
			uint8_t type, uint32_t lease_time,
			const struct boot_choice *boot)
{
	static const uint8_t basics[] = {
		DHCP_OPT_ROUTER, DHCP_OPT_DOMAIN_SERVER, DHCP_OPT_DOMAIN_NAME,
	};
	struct option_set os = { .b = b };
	const uint8_t *prl;
	size_t prl_len = 0;

	add_u32(&os, DHCP_OPT_SERVER_ID, req->server_id);
	if (type == DHCP_MSG_NAK)
		return;
	if (lease_time) {
		add_u32(&os, DHCP_OPT_ADDRESS_TIME, lease_time);
		add_u32(&os, DHCP_OPT_RENEWAL_TIME, lease_time / 2);
		add_u32(&os, DHCP_OPT_REBINDING_TIME,
			(uint32_t)((uint64_t)lease_time * 7 / 8));
	}
	add_u32(&os, DHCP_OPT_SUBNET_MASK, req->subnet->netmask);
	/* An installer without a router or DNS server stops at a prompt:
	 * these go before anything optional. */
	for (size_t i = 0; i < sizeof(basics); i++)
		add_known(req, &os, basics[i]);
	add_pxe(req, &os, boot);
	prl = dhcp_message_option(req->msg, DHCP_OPT_PARAMETER_LIST, &prl_len);
	for (size_t i = 0; prl && i < prl_len; i++) {
		if (prl[i] == DHCP_OPT_TFTP_SERVER_NAME && boot) {
			char addr[INET_ADDRSTRLEN];
			struct in_addr a = { htonl(boot->siaddr) };

			inet_ntop(AF_INET, &a, addr, sizeof(addr));
			add_once(&os, prl[i], addr, strlen(addr));
		} else if (prl[i] == DHCP_OPT_BOOTFILE_NAME && boot) {
			add_once(&os, prl[i], boot->filename,
				 strlen(boot->filename));
		} else {
			add_known(req, &os, prl[i]);
		}
	}
	/* RFC 2131 4.3.1: send what the client asked for. A client that
	 * asks for nothing (BOOTP-era firmware) gets all that is configured. */
	if (prl)
		return;
	if (req->host)
		for (size_t i = 0; i < req->host->options.len; i++)
			add_known(req, &os, req->host->options.items[i].code);
	for (size_t i = 0; i < req->subnet->options.len; i++)
		add_known(req, &os, req->subnet->options.items[i].code);
}

static void set_destination(const struct dhcp_request *req, uint8_t type,
			    uint32_t yiaddr, struct dhcp_header *h,
			    struct dhcp_reply *reply)
{
	const struct dhcp_request_info *info = req->info;
	uint32_t giaddr = ntohl(req->msg->header.giaddr);
	uint32_t ciaddr = ntohl(req->msg->header.ciaddr);

	memcpy(reply->dest_mac, req->mac, 6);
	reply->dest_port = DHCP_PORT_CLIENT;
	if (giaddr) {
		/* RFC 2131 4.3.2: the relay broadcasts a NAK to the link. */
		if (type == DHCP_MSG_NAK)
			h->flags |= htons(DHCP_FLAG_BROADCAST);
		reply->dest = DHCP_DEST_UDP;
		reply->dest_addr = giaddr;
		reply->dest_port = DHCP_PORT_SERVER;
	} else if (info->local_port != DHCP_PORT_SERVER) {
		/* A PXE boot server request: answer where it came from. */
		reply->dest = DHCP_DEST_UDP;
		reply->dest_addr = info->src_addr;
		reply->dest_port = info->src_port;
	} else if (type == DHCP_MSG_NAK) {
		reply->dest = DHCP_DEST_BROADCAST;
	} else if (ciaddr) {
		reply->dest = DHCP_DEST_UDP;
		reply->dest_addr = ciaddr;
	} else if ((ntohs(req->msg->header.flags) & DHCP_FLAG_BROADCAST) ||
		   !yiaddr) {
		reply->dest = DHCP_DEST_BROADCAST;
	} else {
		reply->dest = DHCP_DEST_LINK;
		reply->dest_addr = yiaddr;
	}
}

void dhcp_reply_build(const struct dhcp_request *req, uint8_t type,
		      uint32_t yiaddr, uint32_t lease_time,
		      struct dhcp_reply *reply)
{
	const struct dhcp_header *rq = &req->msg->header;
	struct boot_choice choice, *boot = NULL;
	struct dhcp_builder b;
	struct dhcp_header h;
	const uint8_t *relay;
	size_t relay_len, limit = reply_limit(req);
	size_t relay_room = relay_info_room(req, limit);

	memset(&h, 0, sizeof(h));
	h.op = BOOTREPLY;
	h.htype = rq->htype;
	h.hlen = rq->hlen;
	h.xid = rq->xid;
	h.flags = rq->flags;
	h.giaddr = rq->giaddr;
	memcpy(h.chaddr, rq->chaddr, sizeof(h.chaddr));
	h.magic = htonl(DHCP_MAGIC_COOKIE);
	h.yiaddr = htonl(yiaddr);
	/* RFC 2131 table 3: ciaddr is echoed in an ACK, zero otherwise. */
	if (type == DHCP_MSG_ACK)
		h.ciaddr = rq->ciaddr;
	if (type != DHCP_MSG_NAK &&
	    pxe_choose_boot(&req->pxe, req->subnet, req->host, req->server_id,
			    &choice)) {
		boot = &choice;
		h.siaddr = htonl(boot->siaddr);
		strncpy((char *)h.file, boot->filename, sizeof(h.file) - 1);
		if (boot->server_name)
			strncpy((char *)h.sname, boot->server_name,
				sizeof(h.sname) - 1);
	}
	set_destination(req, type, yiaddr, &h, reply);

	dhcp_builder_init(&b, reply->data, limit - relay_room, &h, type);
	add_options(req, &b, type, lease_time, boot);
	/* RFC 3046 2.2: echo the relay agent information, last. */
	relay = dhcp_message_option(req->msg, DHCP_OPT_RELAY_AGENT_INFO,
				    &relay_len);
	if (relay && relay_room) {
		b.limit = limit;
		dhcp_builder_add(&b, DHCP_OPT_RELAY_AGENT_INFO, relay, relay_len);
	}
	reply->type = type;
	reply->len = dhcp_builder_finish(&b);
}
