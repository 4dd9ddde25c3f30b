/* SPDX-License-Identifier: MIT */
/* Unit tests for ra/packet.c: RFC 4861 6.1's checks, one by one. */
#include "ra/packet.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static struct in6_addr addr(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

/* An RS with a source link-layer address option (8 bytes). */
static const uint8_t rs_sllao[16] = { 133, 0, 0, 0, 0, 0, 0, 0,
				      1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

static void test_solicitation(void **state)
{
	struct in6_addr ll = addr("fe80::1"), any = addr("::");
	uint8_t rs[16];

	(void)state;
	assert_int_equal(ra_classify(rs_sllao, 8, &any, 255), RA_SOLICIT);
	assert_int_equal(ra_classify(rs_sllao, 16, &ll, 255), RA_SOLICIT);
	/* from off the link (hop limit), a code, too short */
	assert_int_equal(ra_classify(rs_sllao, 16, &ll, 64), RA_INVALID);
	assert_int_equal(ra_classify(rs_sllao, 7, &ll, 255), RA_INVALID);
	memcpy(rs, rs_sllao, sizeof(rs));
	rs[1] = 1;
	assert_int_equal(ra_classify(rs, 16, &ll, 255), RA_INVALID);
	/* a host without an address may not give its link address */
	assert_int_equal(ra_classify(rs_sllao, 16, &any, 255), RA_INVALID);
	/* options: length 0, past the end, a lone byte */
	memcpy(rs, rs_sllao, sizeof(rs));
	rs[9] = 0;
	assert_int_equal(ra_classify(rs, 16, &ll, 255), RA_INVALID);
	rs[9] = 2;
	assert_int_equal(ra_classify(rs, 16, &ll, 255), RA_INVALID);
	assert_int_equal(ra_classify(rs_sllao, 9, &ll, 255), RA_INVALID);
}

static void test_advertisement(void **state)
{
	struct in6_addr ll = addr("fe80::1"), global = addr("2001:db8::1");
	uint8_t ra[RA_ADVERT_LEN + 8];

	(void)state;
	ra_build_no_router(ra);
	assert_int_equal(ra[0], 134);
	/* router lifetime (bytes 6-7) 0, no M/O flags, nothing else */
	for (size_t i = 1; i < RA_ADVERT_LEN; i++)
		assert_int_equal(ra[i], 0);
	assert_int_equal(ra_classify(ra, RA_ADVERT_LEN, &ll, 255), RA_ADVERT);
	/* routers speak from link-local addresses only */
	assert_int_equal(ra_classify(ra, RA_ADVERT_LEN, &global, 255),
			 RA_INVALID);
	assert_int_equal(ra_classify(ra, RA_ADVERT_LEN - 1, &ll, 255),
			 RA_INVALID);
	assert_int_equal(ra_classify(ra, RA_ADVERT_LEN, &ll, 254), RA_INVALID);
	memcpy(ra + RA_ADVERT_LEN, rs_sllao + 8, 8);
	assert_int_equal(ra_classify(ra, sizeof(ra), &ll, 255), RA_ADVERT);
	ra[RA_ADVERT_LEN + 1] = 0;
	assert_int_equal(ra_classify(ra, sizeof(ra), &ll, 255), RA_INVALID);
	ra[0] = 135;   /* a neighbour solicitation: not ours to judge */
	assert_int_equal(ra_classify(ra, RA_ADVERT_LEN, &ll, 255), RA_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solicitation),
		cmocka_unit_test(test_advertisement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
