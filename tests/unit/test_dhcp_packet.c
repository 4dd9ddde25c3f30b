/* SPDX-License-Identifier: MIT */
/* Unit tests for the DHCP codec: valid and malformed vectors, building. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../common/dhcp_build.h"
#include "dhcp/packet.h"

#include <errno.h>
#include <stdlib.h>

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Parse from an exact-size heap copy, so ASan sees any over-read. */
static enum dhcp_parse_error parse(const struct test_packet *t,
				   struct dhcp_message *m)
{
	uint8_t *copy = malloc(t->len);
	enum dhcp_parse_error e;

	memcpy(copy, t->buf, t->len);
	e = dhcp_message_parse(copy, t->len, m);
	free(copy);
	return e;
}

static void test_discover_parses(void **state)
{
	struct test_packet t;
	struct dhcp_message m;
	const uint8_t prl[] = { 1, 3, 6, 15, 66, 67 };
	const uint8_t *p;
	size_t len;

	(void)state;
	test_packet_init(&t, mac, 0x1234);
	test_packet_type(&t, DHCP_MSG_DISCOVER);
	test_packet_option(&t, DHCP_OPT_PARAMETER_LIST, prl, sizeof(prl));
	test_packet_option(&t, DHCP_OPT_CLASS_ID, "PXEClient:Arch:00007", 20);
	test_packet_raw(&t, "\0\0\0", 3); /* PAD */
	test_packet_end(&t);
	assert_int_equal(parse(&t, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCP_MSG_DISCOVER);
	assert_int_equal(ntohl(m.header.xid), 0x1234);
	p = dhcp_message_option(&m, DHCP_OPT_PARAMETER_LIST, &len);
	assert_non_null(p);
	assert_int_equal(len, sizeof(prl));
	assert_memory_equal(p, prl, sizeof(prl));
	assert_null(dhcp_message_option(&m, DHCP_OPT_HOSTNAME, NULL));
}

static void test_bootp_without_type(void **state)
{
	struct test_packet t;
	struct dhcp_message m;

	(void)state;
	test_packet_init(&t, mac, 1);
	test_packet_end(&t);
	assert_int_equal(parse(&t, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, 0);
}

static void test_repeated_options_concatenate(void **state)
{
	struct test_packet t;
	struct dhcp_message m;
	const uint8_t *p;
	size_t len;

	(void)state;
	test_packet_init(&t, mac, 1);
	test_packet_option(&t, DHCP_OPT_USER_CLASS, "ab", 2);
	test_packet_type(&t, DHCP_MSG_DISCOVER);
	test_packet_option(&t, DHCP_OPT_USER_CLASS, "cde", 3);
	test_packet_end(&t);
	assert_int_equal(parse(&t, &m), DHCP_PARSE_OK);
	p = dhcp_message_option(&m, DHCP_OPT_USER_CLASS, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "abcde", 5);
}

static void test_overload_reads_file_then_sname(void **state)
{
	struct test_packet t;
	struct dhcp_message m;
	struct dhcp_header *h;
	const uint8_t overload = DHCP_OVERLOAD_FILE | DHCP_OVERLOAD_SNAME;
	const uint8_t *p;
	size_t len;

	(void)state;
	test_packet_init(&t, mac, 1);
	h = test_packet_header(&t);
	/* file: hostname "fi"; sname: more hostname "sn" and a type. */
	memcpy(h->file, "\x0c\x02" "fi\xff", 5);
	memcpy(h->sname, "\x0c\x02" "sn\x35\x01\x01\xff", 8);
	test_packet_option(&t, DHCP_OPT_OVERLOAD, &overload, 1);
	test_packet_option(&t, DHCP_OPT_HOSTNAME, "op", 2);
	test_packet_end(&t);
	assert_int_equal(parse(&t, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCP_MSG_DISCOVER);
	p = dhcp_message_option(&m, DHCP_OPT_HOSTNAME, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "opfisn", 6);
}

static void test_overload_inside_file_is_dropped(void **state)
{
	struct test_packet t;
	struct dhcp_message m;
	const uint8_t overload = DHCP_OVERLOAD_FILE;

	(void)state;
	test_packet_init(&t, mac, 1);
	/* file claims sname is overloaded too; sname holds garbage. */
	memcpy(test_packet_header(&t)->file, "\x34\x01\x02\xff", 4);
	memset(test_packet_header(&t)->sname, 0x77, 64);
	test_packet_option(&t, DHCP_OPT_OVERLOAD, &overload, 1);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_end(&t);
	assert_int_equal(parse(&t, &m), DHCP_PARSE_BAD_OPTION);
}

struct bad_vector {
	const char *name;
	void (*make)(struct test_packet *t);
	enum dhcp_parse_error want;
};

static void make_truncated(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	t->len = DHCP_HEADER_LEN - 1;
}

static void make_bad_cookie(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_header(t)->magic = htonl(0x63825364);
	test_packet_end(t);
}

static void make_wrong_op(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_header(t)->op = BOOTREPLY;
	test_packet_end(t);
}

static void make_token_ring(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_header(t)->htype = 6;
	test_packet_end(t);
}

static void make_hlen_17(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_header(t)->hlen = 17;
	test_packet_end(t);
}

static void make_option_past_end(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_raw(t, "\x0c\x10" "abc", 5);
}

static void make_option_without_length(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_raw(t, "\x0c", 1);
}

static void make_oversized(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	memset(t->buf + t->len, 0, DHCP_MAX_PACKET + 1 - t->len);
	t->len = DHCP_MAX_PACKET + 1;
}

static void make_bad_type(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_type(t, 42);
	test_packet_end(t);
}

static void make_type_two_bytes(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_option(t, DHCP_OPT_MESSAGE_TYPE, "\x01\x01", 2);
	test_packet_end(t);
}

static void make_overload_bad_value(struct test_packet *t)
{
	test_packet_init(t, mac, 1);
	test_packet_option(t, DHCP_OPT_OVERLOAD, "\x07", 1);
	test_packet_end(t);
}

static void make_overload_file_malformed(struct test_packet *t)
{
	const uint8_t overload = DHCP_OVERLOAD_FILE;

	test_packet_init(t, mac, 1);
	/* An option in file whose length runs past file's 128 bytes. */
	memset(test_packet_header(t)->file, 0, 128);
	test_packet_header(t)->file[126] = 12;
	test_packet_header(t)->file[127] = 9;
	test_packet_option(t, DHCP_OPT_OVERLOAD, &overload, 1);
	test_packet_end(t);
}

static const struct bad_vector bad_vectors[] = {
	{ "truncated header", make_truncated, DHCP_PARSE_TRUNCATED },
	{ "bad magic cookie", make_bad_cookie, DHCP_PARSE_BAD_COOKIE },
	{ "BOOTREPLY sent to server", make_wrong_op, DHCP_PARSE_BAD_OP },
	{ "non-Ethernet htype", make_token_ring, DHCP_PARSE_BAD_HTYPE },
	{ "hlen 17", make_hlen_17, DHCP_PARSE_BAD_HTYPE },
	{ "option length past end", make_option_past_end, DHCP_PARSE_BAD_OPTION },
	{ "option without length", make_option_without_length, DHCP_PARSE_BAD_OPTION },
	{ "oversized", make_oversized, DHCP_PARSE_OVERSIZED },
	{ "message type 42", make_bad_type, DHCP_PARSE_BAD_TYPE },
	{ "message type of 2 bytes", make_type_two_bytes, DHCP_PARSE_BAD_TYPE },
	{ "overload value 7", make_overload_bad_value, DHCP_PARSE_BAD_OPTION },
	{ "overloaded file malformed", make_overload_file_malformed, DHCP_PARSE_BAD_OPTION },
};

static void test_malformed_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_vectors) / sizeof(bad_vectors[0]); i++) {
		struct test_packet t;
		struct dhcp_message m;
		enum dhcp_parse_error e;

		bad_vectors[i].make(&t);
		e = parse(&t, &m);
		if (e != bad_vectors[i].want)
			fail_msg("%s: got '%s', want '%s'", bad_vectors[i].name,
				 dhcp_parse_error_name(e),
				 dhcp_parse_error_name(bad_vectors[i].want));
	}
}

static void test_builder_round_trip_and_limit(void **state)
{
	uint8_t buf[DHCP_MAX_PACKET];
	struct dhcp_builder b;
	struct dhcp_header h = { 0 };
	uint8_t big[300];
	const uint8_t *p;
	size_t len, n;
	struct dhcp_message m;

	(void)state;
	h.op = BOOTREQUEST; /* so our own parser accepts it back */
	h.htype = DHCP_HTYPE_ETHER;
	h.hlen = 6;
	h.magic = htonl(DHCP_MAGIC_COOKIE);
	dhcp_builder_init(&b, buf, 576 - DHCP_IP_UDP_OVERHEAD, &h, DHCP_MSG_ACK);
	memset(big, 0xab, sizeof(big));
	/* 300 bytes: split into 255 + 45 (RFC 3396). */
	assert_int_equal(dhcp_builder_add(&b, 43, big, sizeof(big)), 0);
	/* Does not fit any more: refused, message unchanged. */
	len = b.len;
	assert_int_equal(dhcp_builder_add(&b, 77, big, 255), -ENOSPC);
	assert_int_equal(b.len, len);
	n = dhcp_builder_finish(&b);
	assert_true(n <= 576 - DHCP_IP_UDP_OVERHEAD);
	assert_int_equal(dhcp_message_parse(buf, n, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCP_MSG_ACK);
	p = dhcp_message_option(&m, 43, &len);
	assert_int_equal(len, 300);
	assert_memory_equal(p, big, 300);
}

static void test_builder_pads_to_bootp_minimum(void **state)
{
	uint8_t buf[DHCP_MAX_PACKET];
	struct dhcp_builder b;
	struct dhcp_header h = { 0 };

	(void)state;
	dhcp_builder_init(&b, buf, sizeof(buf), &h, DHCP_MSG_NAK);
	assert_int_equal(dhcp_builder_finish(&b), 300);
	assert_int_equal(buf[DHCP_HEADER_LEN + 3], DHCP_OPT_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_parses),
		cmocka_unit_test(test_bootp_without_type),
		cmocka_unit_test(test_repeated_options_concatenate),
		cmocka_unit_test(test_overload_reads_file_then_sname),
		cmocka_unit_test(test_overload_inside_file_is_dropped),
		cmocka_unit_test(test_malformed_vectors),
		cmocka_unit_test(test_builder_round_trip_and_limit),
		cmocka_unit_test(test_builder_pads_to_bootp_minimum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
