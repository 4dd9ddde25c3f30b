/* SPDX-License-Identifier: MIT */
/* dhcp/packet.c - see packet.h */
#include "dhcp/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static const char *const parse_error_names[DHCP_PARSE_ERRORS] = {
	[DHCP_PARSE_OK] = "ok",
	[DHCP_PARSE_TRUNCATED] = "truncated",
	[DHCP_PARSE_OVERSIZED] = "oversized",
	[DHCP_PARSE_BAD_OP] = "not a request",
	[DHCP_PARSE_BAD_HTYPE] = "not Ethernet",
	[DHCP_PARSE_BAD_COOKIE] = "bad magic cookie",
	[DHCP_PARSE_BAD_OPTION] = "malformed options",
	[DHCP_PARSE_BAD_TYPE] = "bad message type",
};

const char *dhcp_parse_error_name(enum dhcp_parse_error e)
{
	return e < DHCP_PARSE_ERRORS ? parse_error_names[e] : "unknown";
}

/* An area of the packet that may hold options. */
struct option_area {
	const uint8_t *p;
	size_t len;
};

/*
 * Walk one area: PAD skips, END stops, every other option needs a length
 * byte and that many bytes before the area's end. `visit` sees each.
 * Returns false on a malformed area.
 */
static bool area_walk(struct option_area a,
		      void (*visit)(void *ctx, uint8_t code, const uint8_t *p,
				    uint8_t len),
		      void *ctx)
{
	size_t i = 0;

	while (i < a.len) {
		uint8_t code = a.p[i++], len;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return true;
		if (i >= a.len)
			return false;
		len = a.p[i++];
		if (len > a.len - i)
			return false;
		visit(ctx, code, a.p + i, len);
		i += len;
	}
	/* RFC 2131 requires END, but many clients omit it in file/sname. */
	return true;
}

static void count_option(void *ctx, uint8_t code, const uint8_t *p,
			 uint8_t len)
{
	struct dhcp_options *o = ctx;

	(void)p;
	o->present[code] = true;
	o->len[code] += len;
}

static void copy_option(void *ctx, uint8_t code, const uint8_t *p,
			uint8_t len)
{
	struct dhcp_options *o = ctx;

	/* offset[] points at the code's next free byte during the copy. */
	memcpy(o->data + o->offset[code], p, len);
	o->offset[code] += len;
}

/*
 * Gather options from up to three areas in RFC 2131 order: options, then
 * file, then sname; repeated codes are concatenated (RFC 3396).
 */
static bool options_gather(struct dhcp_options *o,
			   const struct option_area *areas, size_t n_areas)
{
	size_t total = 0;

	memset(o->present, 0, sizeof(o->present));
	memset(o->len, 0, sizeof(o->len));
	for (size_t i = 0; i < n_areas; i++)
		if (!area_walk(areas[i], count_option, o))
			return false;
	for (unsigned c = 0; c < 256; c++) {
		o->offset[c] = (uint16_t)total;
		total += o->len[c];
	}
	/* Option bytes are a subset of the packet's bytes. */
	if (total > sizeof(o->data))
		return false;
	for (size_t i = 0; i < n_areas; i++)
		area_walk(areas[i], copy_option, o);
	for (unsigned c = 0; c < 256; c++)
		o->offset[c] = (uint16_t)(o->offset[c] - o->len[c]);
	return true;
}

enum dhcp_parse_error dhcp_message_parse(const uint8_t *buf, size_t len,
					 struct dhcp_message *ret)
{
	struct option_area areas[3];
	size_t n_areas = 0;
	const uint8_t *type, *overload;

	if (len < DHCP_HEADER_LEN)
		return DHCP_PARSE_TRUNCATED;
	if (len > DHCP_MAX_PACKET)
		return DHCP_PARSE_OVERSIZED;
	memcpy(&ret->header, buf, DHCP_HEADER_LEN);
	if (ret->header.op != BOOTREQUEST)
		return DHCP_PARSE_BAD_OP;
	if (ret->header.htype != DHCP_HTYPE_ETHER || ret->header.hlen != 6)
		return DHCP_PARSE_BAD_HTYPE;
	if (ntohl(ret->header.magic) != DHCP_MAGIC_COOKIE)
		return DHCP_PARSE_BAD_COOKIE;

	areas[n_areas++] = (struct option_area){ buf + DHCP_HEADER_LEN,
						 len - DHCP_HEADER_LEN };
	/* First pass over the main area alone, to learn about overload. */
	if (!options_gather(&ret->options, areas, 1))
		return DHCP_PARSE_BAD_OPTION;
	if (dhcp_message_option_sized(ret, DHCP_OPT_OVERLOAD, 1, &overload)) {
		if (overload[0] & ~(DHCP_OVERLOAD_FILE | DHCP_OVERLOAD_SNAME))
			return DHCP_PARSE_BAD_OPTION;
		if (overload[0] & DHCP_OVERLOAD_FILE)
			areas[n_areas++] = (struct option_area){
				ret->header.file, sizeof(ret->header.file)
			};
		if (overload[0] & DHCP_OVERLOAD_SNAME)
			areas[n_areas++] = (struct option_area){
				ret->header.sname, sizeof(ret->header.sname)
			};
		/* Option 52 inside file or sname would overload again: a
		 * loop no client builds. Dropped rather than half-honoured. */
		if (!options_gather(&ret->options, areas, n_areas) ||
		    ret->options.len[DHCP_OPT_OVERLOAD] != 1)
			return DHCP_PARSE_BAD_OPTION;
	} else if (dhcp_message_option(ret, DHCP_OPT_OVERLOAD, NULL)) {
		return DHCP_PARSE_BAD_OPTION;
	}

	ret->type = 0;
	if (ret->options.present[DHCP_OPT_MESSAGE_TYPE]) {
		if (!dhcp_message_option_sized(ret, DHCP_OPT_MESSAGE_TYPE, 1,
					       &type) ||
		    type[0] < DHCP_MSG_DISCOVER || type[0] > DHCP_MSG_INFORM)
			return DHCP_PARSE_BAD_TYPE;
		ret->type = type[0];
	}
	return DHCP_PARSE_OK;
}

const uint8_t *dhcp_message_option(const struct dhcp_message *m,
				   uint8_t code, size_t *ret_len)
{
	if (!m->options.present[code])
		return NULL;
	if (ret_len)
		*ret_len = m->options.len[code];
	return m->options.data + m->options.offset[code];
}

bool dhcp_message_option_sized(const struct dhcp_message *m, uint8_t code,
			       size_t len, const uint8_t **ret_data)
{
	size_t have;
	const uint8_t *p = dhcp_message_option(m, code, &have);

	if (!p || have != len)
		return false;
	if (ret_data)
		*ret_data = p;
	return true;
}

void dhcp_builder_init(struct dhcp_builder *b, uint8_t *buf, size_t limit,
		       const struct dhcp_header *header, uint8_t type)
{
	b->buf = buf;
	b->limit = limit;
	memcpy(buf, header, DHCP_HEADER_LEN);
	b->len = DHCP_HEADER_LEN;
	dhcp_builder_add(b, DHCP_OPT_MESSAGE_TYPE, &type, 1);
}

bool dhcp_builder_fits(const struct dhcp_builder *b, size_t len)
{
	/* Long options are split into 255-byte pieces (RFC 3396). */
	size_t pieces = len ? (len + 254) / 255 : 1;

	return b->len + len + 2 * pieces + 1 <= b->limit;
}

int dhcp_builder_add(struct dhcp_builder *b, uint8_t code, const void *data,
		     size_t len)
{
	const uint8_t *p = data;

	if (!dhcp_builder_fits(b, len))
		return -ENOSPC;
	do {
		size_t piece = len > 255 ? 255 : len;

		b->buf[b->len++] = code;
		b->buf[b->len++] = (uint8_t)piece;
		if (piece)
			memcpy(b->buf + b->len, p, piece);
		b->len += piece;
		p += piece;
		len -= piece;
	} while (len);
	return 0;
}

size_t dhcp_builder_finish(struct dhcp_builder *b)
{
	/* BOOTP relays and old clients expect at least 300 bytes. */
	static const size_t bootp_min = 300;

	b->buf[b->len++] = DHCP_OPT_END;
	if (b->len < bootp_min && bootp_min <= b->limit) {
		memset(b->buf + b->len, 0, bootp_min - b->len);
		b->len = bootp_min;
	}
	return b->len;
}
