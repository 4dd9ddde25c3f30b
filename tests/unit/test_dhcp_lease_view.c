/* SPDX-License-Identifier: MIT */
/* Unit tests for the thread-safe address → MAC view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dhcp/lease_view.h"

#include <pthread.h>

static const uint8_t mac_a[6] = { 0x52, 0x54, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0, 0, 0, 0x0b };

static void test_set_and_move(void **state)
{
	struct lease_view *v;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(lease_view_new(&v), 0);
	assert_false(lease_view_mac(v, 10, mac));
	assert_int_equal(lease_view_set(v, 10, mac_a), 0);
	assert_true(lease_view_mac(v, 10, mac));
	assert_memory_equal(mac, mac_a, 6);
	/* The machine moves to another address: the old one is no longer its. */
	assert_int_equal(lease_view_set(v, 11, mac_a), 0);
	assert_false(lease_view_mac(v, 10, mac));
	assert_true(lease_view_mac(v, 11, mac));
	/* Another machine gets that address. */
	assert_int_equal(lease_view_set(v, 11, mac_b), 0);
	assert_true(lease_view_mac(v, 11, mac));
	assert_memory_equal(mac, mac_b, 6);
	/* Setting what is already there changes nothing. */
	assert_int_equal(lease_view_set(v, 11, mac_b), 0);
	assert_true(lease_view_mac(v, 11, mac));
	assert_memory_equal(mac, mac_b, 6);
	lease_view_free(v);
}

struct reader {
	struct lease_view *v;
	unsigned found;
};

static void *read_many(void *arg)
{
	struct reader *r = arg;
	uint8_t mac[6];

	for (uint32_t i = 0; i < 200000; i++)
		if (lease_view_mac(r->v, i % 1000, mac))
			r->found++;
	return NULL;
}

static void test_readers_while_writing(void **state)
{
	struct lease_view *v;
	struct reader r;
	pthread_t t;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(lease_view_new(&v), 0);
	r = (struct reader){ .v = v };
	assert_int_equal(pthread_create(&t, NULL, read_many, &r), 0);
	for (uint32_t i = 0; i < 100000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(lease_view_set(v, i % 1000, mac), 0);
	}
	pthread_join(t, NULL);
	assert_true(lease_view_mac(v, 999, mac));
	lease_view_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_move),
		cmocka_unit_test(test_readers_while_writing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
