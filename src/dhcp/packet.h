/* SPDX-License-Identifier: MIT */
/*
 * dhcp/packet.h - DHCP wire format (RFC 2131, RFC 2132): parsing a received
 * message into struct dhcp_message once, and building replies.
 *
 * Parsing checks every length before it reads; options are gathered from
 * the options area and, when option 52 says so, from `file` and `sname`,
 * with repeated options concatenated (RFC 3396). Nothing else in pxed
 * reads raw DHCP bytes.
 */
#ifndef PXED_DHCP_PACKET_H
#define PXED_DHCP_PACKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_PORT_SERVER 67
#define DHCP_PORT_CLIENT 68
#define DHCP_PORT_PXE 4011

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_HTYPE_ETHER 1
#define DHCP_FLAG_BROADCAST 0x8000
#define DHCP_MAGIC_COOKIE 0x63825363u
#define DHCP_MAX_HOPS 16

/* Fixed header up to and including the magic cookie. */
#define DHCP_HEADER_LEN 240
/* RFC 2131: every client accepts 576-byte IP datagrams. */
#define DHCP_MIN_IP_DATAGRAM 576
#define DHCP_IP_UDP_OVERHEAD 28
/* Larger requests are not DHCP on Ethernet; dropped as oversized. */
#define DHCP_MAX_PACKET 1500

enum dhcp_message_type {
	DHCP_MSG_DISCOVER = 1,
	DHCP_MSG_OFFER = 2,
	DHCP_MSG_REQUEST = 3,
	DHCP_MSG_DECLINE = 4,
	DHCP_MSG_ACK = 5,
	DHCP_MSG_NAK = 6,
	DHCP_MSG_RELEASE = 7,
	DHCP_MSG_INFORM = 8,
};

/* Option codes, named as IANA names them. */
enum dhcp_option_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DOMAIN_SERVER = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN_NAME = 15,
	DHCP_OPT_BROADCAST_ADDRESS = 28,
	DHCP_OPT_VENDOR_SPECIFIC = 43,
	DHCP_OPT_REQUESTED_ADDRESS = 50,
	DHCP_OPT_ADDRESS_TIME = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MESSAGE_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAMETER_LIST = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_MESSAGE_SIZE = 57,
	DHCP_OPT_RENEWAL_TIME = 58,
	DHCP_OPT_REBINDING_TIME = 59,
	DHCP_OPT_CLASS_ID = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER_NAME = 66,
	DHCP_OPT_BOOTFILE_NAME = 67,
	DHCP_OPT_USER_CLASS = 77,
	DHCP_OPT_RELAY_AGENT_INFO = 82,
	DHCP_OPT_CLIENT_SYSTEM = 93,     /* RFC 4578 client architecture */
	DHCP_OPT_CLIENT_NDI = 94,
	DHCP_OPT_UUID_GUID = 97,
	DHCP_OPT_END = 255,
};

/* Option 52 values: which header fields carry options. */
#define DHCP_OVERLOAD_FILE 1
#define DHCP_OVERLOAD_SNAME 2

/* PXE vendor options inside option 43 (PXE spec 2.1). */
#define PXE_OPT_DISCOVERY_CONTROL 6
#define PXE_DISCOVERY_USE_BOOTFILE 0x08

/* The fixed BOOTP/DHCP header, as on the wire. */
struct dhcp_header {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
	uint32_t magic;
} __attribute__((packed));

_Static_assert(sizeof(struct dhcp_header) == DHCP_HEADER_LEN,
	       "DHCP header layout");

/*
 * Option data, concatenated per code. At most DHCP_MAX_PACKET bytes of
 * option data can arrive, so this always fits.
 */
struct dhcp_options {
	uint16_t offset[256];
	uint16_t len[256];
	bool present[256];
	uint8_t data[DHCP_MAX_PACKET];
};

struct dhcp_message {
	struct dhcp_header header;   /* byte order as on the wire */
	uint8_t type;                /* option 53; 0 for plain BOOTP */
	struct dhcp_options options;
};

/* Why a packet was dropped; each is counted by the server. */
enum dhcp_parse_error {
	DHCP_PARSE_OK,
	DHCP_PARSE_TRUNCATED,
	DHCP_PARSE_OVERSIZED,
	DHCP_PARSE_BAD_OP,
	DHCP_PARSE_BAD_HTYPE,
	DHCP_PARSE_BAD_COOKIE,
	DHCP_PARSE_BAD_OPTION,
	DHCP_PARSE_BAD_TYPE,
	DHCP_PARSE_ERRORS
};

const char *dhcp_parse_error_name(enum dhcp_parse_error e);

/*
 * Parse a client's message (op BOOTREQUEST). Returns DHCP_PARSE_OK and
 * fills `ret`, or the reason for dropping it.
 */
enum dhcp_parse_error dhcp_message_parse(const uint8_t *buf, size_t len,
					 struct dhcp_message *ret);

/* An option's data, or NULL when absent; `ret_len` gets its length. */
const uint8_t *dhcp_message_option(const struct dhcp_message *m,
				   uint8_t code, size_t *ret_len);
/* True when option `code` is present with exactly `len` bytes. */
bool dhcp_message_option_sized(const struct dhcp_message *m, uint8_t code,
			       size_t len, const uint8_t **ret_data);

/* Builds a reply in a caller's buffer, never past `limit` bytes. */
struct dhcp_builder {
	uint8_t *buf;
	size_t limit;
	size_t len;
};

void dhcp_builder_init(struct dhcp_builder *b, uint8_t *buf, size_t limit,
		       const struct dhcp_header *header, uint8_t type);
/* -ENOSPC when it does not fit; the message is unchanged then. */
int dhcp_builder_add(struct dhcp_builder *b, uint8_t code, const void *data,
		     size_t len);
/* Room for an option of `len` bytes (and END after it)? */
bool dhcp_builder_fits(const struct dhcp_builder *b, size_t len);
/* Terminate with END and pad to the BOOTP minimum; returns the length. */
size_t dhcp_builder_finish(struct dhcp_builder *b);

#endif
