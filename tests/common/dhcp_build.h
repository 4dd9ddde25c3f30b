/* SPDX-License-Identifier: MIT */
/*
 * tests/common/dhcp_build.h - builds client DHCP packets for unit tests:
 * a header with one field changed at a time, then raw option bytes.
 */
#ifndef PXED_TEST_DHCP_BUILD_H
#define PXED_TEST_DHCP_BUILD_H

#include "dhcp/packet.h"

#include <arpa/inet.h>
#include <string.h>

struct test_packet {
	uint8_t buf[2048];
	size_t len;
};

static inline void test_packet_init(struct test_packet *t, const uint8_t mac[6],
				    uint32_t xid)
{
	struct dhcp_header h;

	memset(&h, 0, sizeof(h));
	h.op = BOOTREQUEST;
	h.htype = DHCP_HTYPE_ETHER;
	h.hlen = 6;
	h.xid = htonl(xid);
	memcpy(h.chaddr, mac, 6);
	h.magic = htonl(DHCP_MAGIC_COOKIE);
	memset(t->buf, 0, sizeof(t->buf));
	memcpy(t->buf, &h, sizeof(h));
	t->len = sizeof(h);
}

static inline struct dhcp_header *test_packet_header(struct test_packet *t)
{
	return (struct dhcp_header *)t->buf;
}

static inline void test_packet_raw(struct test_packet *t, const void *bytes,
				   size_t len)
{
	memcpy(t->buf + t->len, bytes, len);
	t->len += len;
}

static inline void test_packet_option(struct test_packet *t, uint8_t code,
				      const void *data, uint8_t len)
{
	t->buf[t->len++] = code;
	t->buf[t->len++] = len;
	memcpy(t->buf + t->len, data, len);
	t->len += len;
}

static inline void test_packet_type(struct test_packet *t, uint8_t type)
{
	test_packet_option(t, DHCP_OPT_MESSAGE_TYPE, &type, 1);
}

static inline void test_packet_ipv4(struct test_packet *t, uint8_t code,
				    uint32_t addr)
{
	uint32_t be = htonl(addr);

	test_packet_option(t, code, &be, 4);
}

static inline void test_packet_end(struct test_packet *t)
{
	t->buf[t->len++] = DHCP_OPT_END;
}

#endif
