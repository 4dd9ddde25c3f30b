/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the TFTP codec: requests with and without options,
 * malformed vectors, negotiation against the server's limits, building
 * OACK/ERROR/DATA, netascii.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tftp/packet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PKT(s) (const uint8_t *)(s), sizeof(s) - 1

/* Parse from an exact-size heap copy, so ASan sees any over-read. */
static int parse(const uint8_t *buf, size_t len, struct tftp_packet *p,
		 uint8_t **keep)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, buf, len);
	r = tftp_packet_parse(copy, len, p);
	*keep = copy;   /* strings in *p point into it */
	return r;
}

static void test_rrq_plain(void **state)
{
	struct tftp_packet p;
	uint8_t *b;

	(void)state;
	assert_int_equal(parse(PKT("\0\1pxelinux.0\0octet\0"), &p, &b), 0);
	assert_int_equal(p.opcode, TFTP_OP_RRQ);
	assert_string_equal(p.request.filename, "pxelinux.0");
	assert_int_equal(p.request.filename_len, 10);
	assert_int_equal(p.request.mode, TFTP_MODE_OCTET);
	assert_int_equal(p.request.options.present, 0);
	free(b);
}

static void test_rrq_options(void **state)
{
	struct tftp_packet p;
	uint8_t *b;
	const struct tftp_options *o = &p.request.options;

	(void)state;
	assert_int_equal(parse(PKT("\0\1a/b\0NetASCII\0BLKSIZE\0001468\0"
				   "tsize\0000\0timeout\0003\0"
				   "windowsize\00016\0foo\0bar\0"), &p, &b), 0);
	assert_int_equal(p.request.mode, TFTP_MODE_NETASCII);
	assert_int_equal(o->present, TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE |
					     TFTP_OPT_TIMEOUT |
					     TFTP_OPT_WINDOWSIZE);
	assert_int_equal(o->blksize, 1468);
	assert_int_equal(o->tsize, 0);
	assert_int_equal(o->timeout, 3);
	assert_int_equal(o->windowsize, 16);
	free(b);
}

static void test_rrq_option_ranges(void **state)
{
	struct tftp_packet p;
	uint8_t *b;
	const struct tftp_options *o = &p.request.options;

	(void)state;
	/* blksize 7, timeout 0 and 256, windowsize 0: ignored; blksize
	 * repeated: the first wins; huge blksize: clamped. */
	assert_int_equal(parse(PKT("\0\1f\0octet\0blksize\0007\0"
				   "timeout\0000\0timeout\000256\0"
				   "windowsize\0000\0"), &p, &b), 0);
	assert_int_equal(o->present, 0);
	free(b);
	assert_int_equal(parse(PKT("\0\1f\0octet\0blksize\00099999\0"
				   "blksize\000512\0tsize\0-1\0"
				   "windowsize\00099999999999999999999999\0"),
			       &p, &b), 0);
	assert_int_equal(o->present, TFTP_OPT_BLKSIZE);
	assert_int_equal(o->blksize, TFTP_BLKSIZE_MAX);
	free(b);
}

static void test_rrq_dangling_option(void **state)
{
	struct tftp_packet p;
	uint8_t *b;

	(void)state;
	/* A name without its value, then NUL padding: tolerated. */
	assert_int_equal(parse(PKT("\0\1f\0octet\0tsize\0000\0blksize\0\0\0"),
			       &p, &b), 0);
	assert_int_equal(p.request.options.present, TFTP_OPT_TSIZE);
	free(b);
	assert_int_equal(parse(PKT("\0\1f\0octet\0blksize"), &p, &b), 0);
	assert_int_equal(p.request.options.present, 0);
	free(b);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		int expect;
	} v[] = {
		{ "empty", "", 0, -EBADMSG },
		{ "short", "\0\1f", 3, -EBADMSG },
		{ "no mode", "\0\1file\0", 7, -EBADMSG },
		{ "unterminated name", "\0\1file", 6, -EBADMSG },
		{ "unterminated mode", "\0\1f\0octet", 9, -EBADMSG },
		{ "mail mode", "\0\1f\0mail\0", 9, -EPROTONOSUPPORT },
		{ "data", "\0\3\0\1abc", 7, -EOPNOTSUPP },
		{ "oack", "\0\6blksize\0", 10, -EOPNOTSUPP },
		{ "opcode 0", "\0\0\0\0", 4, -EOPNOTSUPP },
		{ "opcode 7", "\0\7\0\0", 4, -EOPNOTSUPP },
		{ "ack short", "\0\4\0", 3, -EBADMSG },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tftp_packet p;
		uint8_t *b;
		int r = parse((const uint8_t *)v[i].bytes, v[i].len, &p, &b);

		if (r != v[i].expect)
			fail_msg("%s: got %d, want %d", v[i].name, r,
				 v[i].expect);
		free(b);
	}
}

static void test_ack_and_error(void **state)
{
	struct tftp_packet p;
	uint8_t *b;

	(void)state;
	assert_int_equal(parse(PKT("\0\4\xff\xfe"), &p, &b), 0);
	assert_int_equal(p.opcode, TFTP_OP_ACK);
	assert_int_equal(p.block, 0xfffe);
	free(b);
	assert_int_equal(parse(PKT("\0\5\0\10bad option\0"), &p, &b), 0);
	assert_int_equal(p.error.code, TFTP_ERR_OPTION_REFUSED);
	assert_string_equal(p.error.message, "bad option");
	free(b);
	assert_int_equal(parse(PKT("\0\5\0\1no nul"), &p, &b), 0);
	assert_null(p.error.message);
	free(b);
}

static const struct tftp_limits limits = {
	.blksize_max = 1468, .windowsize_max = 64, .timeout_ms = 700,
	.window_bytes_max = 128 * 1024,
};

static void test_negotiate_none(void **state)
{
	struct tftp_request req = { .mode = TFTP_MODE_OCTET };
	struct tftp_params p;

	(void)state;
	tftp_negotiate(&req, &limits, 1234, &p);
	assert_int_equal(p.oack, 0);
	assert_int_equal(p.blksize, 512);
	assert_int_equal(p.windowsize, 1);
	assert_int_equal(p.timeout_ms, 700);
}

static void test_negotiate_caps(void **state)
{
	struct tftp_request req = {
		.mode = TFTP_MODE_OCTET,
		.options = { .present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE |
					TFTP_OPT_TIMEOUT |
					TFTP_OPT_WINDOWSIZE,
			     .blksize = 65464, .timeout = 2,
			     .windowsize = 1000 },
	};
	struct tftp_params p;
	uint8_t buf[128];
	static const char want[] = "\0\6blksize\0001468\0tsize\0001234567\0"
				   "timeout\0002\0windowsize\00064\0";
	int n;

	(void)state;
	tftp_negotiate(&req, &limits, 1234567, &p);
	assert_int_equal(p.blksize, 1468);
	assert_int_equal(p.windowsize, 64);
	/* 2 s echoed; our own 700 ms is shorter and stays. */
	assert_int_equal(p.timeout, 2);
	assert_int_equal(p.timeout_ms, 700);
	n = tftp_build_oack(buf, sizeof(buf), &p);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	assert_int_equal(tftp_build_oack(buf, 20, &p), -ENOBUFS);
	/* A smaller blksize than the cap is kept. */
	req.options.blksize = 600;
	tftp_negotiate(&req, &limits, 1, &p);
	assert_int_equal(p.blksize, 600);
}

static void test_negotiate_client_timeout_shorter(void **state)
{
	struct tftp_limits slow = limits;
	struct tftp_request req = {
		.mode = TFTP_MODE_OCTET,
		.options = { .present = TFTP_OPT_TIMEOUT, .timeout = 2 },
	};
	struct tftp_params p;

	(void)state;
	slow.timeout_ms = 5000;
	tftp_negotiate(&req, &slow, 1, &p);
	assert_int_equal(p.oack, TFTP_OPT_TIMEOUT);
	assert_int_equal(p.timeout, 2);
	assert_int_equal(p.timeout_ms, 2000);
}

static void test_negotiate_window_bytes(void **state)
{
	struct tftp_limits big = limits;
	struct tftp_request req = {
		.mode = TFTP_MODE_OCTET,
		.options = { .present = TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE,
			     .blksize = 8192, .windowsize = 64 },
	};
	struct tftp_params p;

	(void)state;
	big.blksize_max = TFTP_BLKSIZE_MAX;
	tftp_negotiate(&req, &big, 0, &p);
	assert_int_equal(p.windowsize, 16);  /* 16 x 8192 = 128 KiB */
	/* Never below one block, even when one block is over the limit. */
	req.options.blksize = 65464;
	big.window_bytes_max = 1000;
	tftp_negotiate(&req, &big, 0, &p);
	assert_int_equal(p.blksize, 65464);
	assert_int_equal(p.windowsize, 1);
}

static void test_negotiate_netascii_no_tsize(void **state)
{
	struct tftp_request req = {
		.mode = TFTP_MODE_NETASCII,
		.options = { .present = TFTP_OPT_TSIZE },
	};
	struct tftp_params p;

	(void)state;
	tftp_negotiate(&req, &limits, 99, &p);
	assert_int_equal(p.oack, 0);
}

static void test_build_error_data(void **state)
{
	uint8_t buf[32];

	(void)state;
	assert_int_equal(tftp_build_error(buf, sizeof(buf),
					  TFTP_ERR_UNKNOWN_TID, "tid"), 8);
	assert_memory_equal(buf, "\0\5\0\5tid\0", 8);
	assert_int_equal(tftp_build_error(buf, 7, TFTP_ERR_UNKNOWN_TID,
					  "tid"), -ENOBUFS);
	tftp_build_data_header(buf, 0xabcd);
	assert_memory_equal(buf, "\0\3\xab\xcd", 4);
}

static void test_netascii(void **state)
{
	const uint8_t src[] = "a\nb\r\n";
	struct tftp_netascii st = { 0 };
	uint8_t out[16];
	size_t n;

	(void)state;
	/* Blocks of 2 bytes: "a\r" | "\nb" | "\r\0" | "\r\n" | "" */
	n = tftp_netascii_encode(&st, src, 5, out, 2);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "a\r", 2);
	assert_int_equal(st.pos, 2);
	assert_true(st.has_carry);
	n = tftp_netascii_encode(&st, src + st.pos, 5 - st.pos, out, 2);
	assert_memory_equal(out, "\nb", 2);
	n = tftp_netascii_encode(&st, src + st.pos, 5 - st.pos, out, 2);
	assert_memory_equal(out, "\r\0", 2);
	n = tftp_netascii_encode(&st, src + st.pos, 5 - st.pos, out, 2);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "\r\n", 2);
	assert_false(st.has_carry);
	assert_int_equal(st.pos, 5);
	n = tftp_netascii_encode(&st, src + st.pos, 0, out, 2);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_plain),
		cmocka_unit_test(test_rrq_options),
		cmocka_unit_test(test_rrq_option_ranges),
		cmocka_unit_test(test_rrq_dangling_option),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ack_and_error),
		cmocka_unit_test(test_negotiate_none),
		cmocka_unit_test(test_negotiate_caps),
		cmocka_unit_test(test_negotiate_window_bytes),
		cmocka_unit_test(test_negotiate_client_timeout_shorter),
		cmocka_unit_test(test_negotiate_netascii_no_tsize),
		cmocka_unit_test(test_build_error_data),
		cmocka_unit_test(test_netascii),
	};

	return cmocka_run_group_tests_name("tftp_packet", tests, NULL, NULL);
}
