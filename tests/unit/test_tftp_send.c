/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for tftp/send.c over loopback UDP: a burst arrives as its
 * packets, each whole and in order, by GSO and by sendmmsg alike; one
 * packet goes alone; an error packet is well formed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tftp/send.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define STRIDE 516            /* a DATA packet of blksize 512 */
#define MAX_PACKETS 80        /* more than one GSO call takes */

struct pair {
	int tx, rx;
	struct sockaddr_in rx_addr;
};

static void pair_open(struct pair *p)
{
	socklen_t len = sizeof(p->rx_addr);
	int big = 4 << 20;

	p->tx = socket(AF_INET, SOCK_DGRAM, 0);
	p->rx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(p->tx >= 0 && p->rx >= 0);
	setsockopt(p->rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	p->rx_addr = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	assert_int_equal(bind(p->rx, (struct sockaddr *)&p->rx_addr,
			      sizeof(p->rx_addr)), 0);
	assert_int_equal(getsockname(p->rx, (struct sockaddr *)&p->rx_addr,
				     &len), 0);
}

static void pair_close(struct pair *p)
{
	close(p->tx);
	close(p->rx);
}

/* Packet i: its number in the first two bytes, then a pattern of it. */
static void fill(uint8_t *buf, size_t *lens, size_t n, size_t last_len)
{
	for (size_t i = 0; i < n; i++) {
		lens[i] = i + 1 < n ? STRIDE : last_len;
		memset(buf + i * STRIDE, (int)(i * 7 + 1), STRIDE);
		buf[i * STRIDE] = (uint8_t)(i >> 8);
		buf[i * STRIDE + 1] = (uint8_t)i;
	}
}

static void expect_packets(int rx, const uint8_t *buf, const size_t *lens,
			   size_t n)
{
	uint8_t got[STRIDE + 1];

	for (size_t i = 0; i < n; i++) {
		ssize_t r = recv(rx, got, sizeof(got), MSG_DONTWAIT);

		assert_int_equal(r, (ssize_t)lens[i]);
		assert_memory_equal(got, buf + i * STRIDE, lens[i]);
	}
	assert_int_equal(recv(rx, got, sizeof(got), MSG_DONTWAIT), -1);
}

static void burst_arrives(bool no_gso)
{
	static uint8_t buf[MAX_PACKETS * STRIDE];
	size_t lens[MAX_PACKETS];
	struct pair p;
	bool flag = no_gso;

	pair_open(&p);
	fill(buf, lens, MAX_PACKETS, 100);
	tftp_send_burst(p.tx, &p.rx_addr,
			&(struct tftp_burst){ buf, STRIDE, lens, MAX_PACKETS },
			&flag);
	expect_packets(p.rx, buf, lens, MAX_PACKETS);
	/* loopback takes GSO: nothing turned it off */
	assert_int_equal(flag, no_gso);
	pair_close(&p);
}

static void test_burst_gso(void **state)
{
	(void)state;
	burst_arrives(false);
}

static void test_burst_sendmmsg(void **state)
{
	(void)state;
	burst_arrives(true);
}

static void test_single_and_empty_last(void **state)
{
	static uint8_t buf[2 * STRIDE];
	size_t lens[2];
	struct pair p;
	bool no_gso = false;

	(void)state;
	pair_open(&p);
	fill(buf, lens, 1, 4);    /* a DATA packet with no data */
	tftp_send_burst(p.tx, &p.rx_addr,
			&(struct tftp_burst){ buf, STRIDE, lens, 1 }, &no_gso);
	expect_packets(p.rx, buf, lens, 1);
	fill(buf, lens, 2, 4);    /* a full block, then an empty last one */
	tftp_send_burst(p.tx, &p.rx_addr,
			&(struct tftp_burst){ buf, STRIDE, lens, 2 }, &no_gso);
	expect_packets(p.rx, buf, lens, 2);
	pair_close(&p);
}

static void test_error_packet(void **state)
{
	static const uint8_t want[] = { 0, 5, 0, 1, 'n', 'o', 'p', 'e', 0 };
	uint8_t got[64];
	struct pair p;

	(void)state;
	pair_open(&p);
	tftp_send_error(p.tx, &p.rx_addr, TFTP_ERR_FILE_NOT_FOUND, "nope");
	assert_int_equal(recv(p.rx, got, sizeof(got), MSG_DONTWAIT),
			 sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_gso),
		cmocka_unit_test(test_burst_sendmmsg),
		cmocka_unit_test(test_single_and_empty_last),
		cmocka_unit_test(test_error_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
