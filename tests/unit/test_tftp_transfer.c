/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the TFTP transfer state machine, driven by a fake clock:
 * lock-step and windowed transfers, OACK, rollover past block 65535,
 * duplicate ACKs (no Sorcerer's Apprentice), backoff and giving up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tftp/transfer.h"

#define TIMEOUT 1000

static void expect_send(enum tftp_xfer_action a, const struct tftp_window *w,
			uint64_t first, uint64_t last)
{
	assert_int_equal(a, TFTP_XFER_SEND);
	assert_int_equal(w->first, first);
	assert_int_equal(w->last, last);
}

static void test_lockstep(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	/* 1024 bytes at 512: blocks 1, 2 and an empty block 3. */
	tftp_xfer_init(&x, false, 1024, 512, 1, TIMEOUT, 3);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 1, 1);
	expect_send(tftp_xfer_ack(&x, 1, 10, &w), &w, 2, 2);
	expect_send(tftp_xfer_ack(&x, 2, 20, &w), &w, 3, 3);
	assert_int_equal(tftp_xfer_ack(&x, 3, 30, &w), TFTP_XFER_DONE);
}

static void test_oack_is_block_zero(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	tftp_xfer_init(&x, true, 100, 512, 4, TIMEOUT, 3);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 0, 0);
	/* An ACK for a data block not sent yet means nothing. */
	assert_int_equal(tftp_xfer_ack(&x, 1, 5, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_ack(&x, 0, 10, &w), &w, 1, 1);
	assert_int_equal(tftp_xfer_ack(&x, 1, 20, &w), TFTP_XFER_DONE);
}

static void test_duplicate_ack_ignored(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	tftp_xfer_init(&x, false, 5000, 512, 1, TIMEOUT, 3);
	tftp_xfer_start(&x, 0, &w);
	expect_send(tftp_xfer_ack(&x, 1, 10, &w), &w, 2, 2);
	/* The client repeats ACK 1 (our DATA 2 was slow): no resend. */
	assert_int_equal(tftp_xfer_ack(&x, 1, 20, &w), TFTP_XFER_WAIT);
	assert_int_equal(tftp_xfer_ack(&x, 1, 30, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_ack(&x, 2, 40, &w), &w, 3, 3);
	/* And the deadline belongs to block 3, sent at 40. */
	assert_int_equal(x.deadline, 40 + TIMEOUT);
}

static void test_window(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	/* 10 blocks of 100 bytes and an empty 11th, window 4. */
	tftp_xfer_init(&x, false, 1000, 100, 4, TIMEOUT, 3);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 1, 4);
	expect_send(tftp_xfer_ack(&x, 4, 1, &w), &w, 5, 8);
	/* Block 7 lost: the client acknowledges 6; go on from 7. */
	expect_send(tftp_xfer_ack(&x, 6, 2, &w), &w, 7, 10);
	/* A late ACK for 5 is old news. */
	assert_int_equal(tftp_xfer_ack(&x, 5, 3, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_ack(&x, 10, 4, &w), &w, 11, 11);
	assert_int_equal(tftp_xfer_ack(&x, 11, 5, &w), TFTP_XFER_DONE);
}

static void test_rollover(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;
	uint64_t b;

	(void)state;
	/* 70000 blocks of 8 bytes, window 16: block numbers wrap to 0. */
	tftp_xfer_init(&x, false, 70000ull * 8 - 3, 8, 16, TIMEOUT, 3);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 1, 16);
	for (b = 16; b < 70000 - 16; b += 16)
		expect_send(tftp_xfer_ack(&x, (uint16_t)b, b, &w), &w, b + 1,
			    b + 16);
	/* b is the last full window end: 69984 -> wire 4448. */
	expect_send(tftp_xfer_ack(&x, (uint16_t)b, b, &w), &w, b + 1, 70000);
	assert_int_equal(tftp_xfer_wire_block(65536), 0);
	assert_int_equal(tftp_xfer_ack(&x, (uint16_t)70000, b + 1, &w),
			 TFTP_XFER_DONE);
}

static void test_rollover_stale_ack(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	tftp_xfer_init(&x, false, 1000000, 8, 1, TIMEOUT, 3);
	tftp_xfer_start(&x, 0, &w);
	for (uint64_t b = 1; b <= 65536; b++)
		tftp_xfer_ack(&x, (uint16_t)b, 0, &w);
	/* Sent 65537 (wire 1); ACK "0" is block 65536 again: a repeat. */
	assert_int_equal(x.sent, 65537);
	assert_int_equal(tftp_xfer_ack(&x, 0, 0, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_ack(&x, 1, 0, &w), &w, 65538, 65538);
}

static void test_backoff_and_failure(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	tftp_xfer_init(&x, false, 5000, 512, 2, TIMEOUT, 4);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 1, 2);
	assert_int_equal(tftp_xfer_expire(&x, 999, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_expire(&x, 1000, &w), &w, 1, 2);
	assert_int_equal(x.deadline, 1000 + 2 * TIMEOUT);
	expect_send(tftp_xfer_expire(&x, 3000, &w), &w, 1, 2);
	assert_int_equal(x.deadline, 3000 + 4 * TIMEOUT);
	/* Progress resets the backoff. */
	expect_send(tftp_xfer_ack(&x, 1, 3500, &w), &w, 2, 3);
	assert_int_equal(x.deadline, 3500 + TIMEOUT);
	for (int i = 0; i < 4; i++)
		assert_int_equal(tftp_xfer_expire(&x, x.deadline, &w),
				 TFTP_XFER_SEND);
	/* Capped at 8 times the first timeout. */
	assert_int_equal(x.rto_ms, TFTP_BACKOFF_MAX_FACTOR * TIMEOUT);
	assert_int_equal(tftp_xfer_expire(&x, x.deadline, &w),
			 TFTP_XFER_FAILED);
}

static void test_unknown_end(void **state)
{
	struct tftp_xfer x;
	struct tftp_window w;

	(void)state;
	/* netascii: the end is found by the sender while reading. */
	tftp_xfer_init(&x, false, TFTP_BLOCK_UNKNOWN, 512, 8, TIMEOUT, 3);
	expect_send(tftp_xfer_start(&x, 0, &w), &w, 1, 8);
	tftp_xfer_set_last(&x, 3);
	assert_int_equal(x.sent, 3);
	/* Blocks past the end were never sent: their ACKs mean nothing. */
	assert_int_equal(tftp_xfer_ack(&x, 5, 1, &w), TFTP_XFER_WAIT);
	expect_send(tftp_xfer_ack(&x, 2, 1, &w), &w, 3, 3);
	assert_int_equal(tftp_xfer_ack(&x, 3, 2, &w), TFTP_XFER_DONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockstep),
		cmocka_unit_test(test_oack_is_block_zero),
		cmocka_unit_test(test_duplicate_ack_ignored),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_rollover_stale_ack),
		cmocka_unit_test(test_backoff_and_failure),
		cmocka_unit_test(test_unknown_end),
	};

	return cmocka_run_group_tests_name("tftp_transfer", tests, NULL,
					   NULL);
}
