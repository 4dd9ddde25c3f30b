/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DHCP decisions: packets in, replies asserted field by
 * field, one thing changed per step. No sockets; leases in SQLite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../common/config_text.h"
#include "../common/dhcp_build.h"
#include "dhcp/server.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERVER 0xAC19FE64u   /* 172.25.254.100 */
#define NET(x) (0xAC19FE00u | (x))
#define RELAY_NET(x) (0x0A000000u | (x))

static const char conf_text[] =
	"[server]\ninterface = s0\nstate-dir = /tmp\n"
	"[subnet 172.25.254.0/24]\n"
	"range = 172.25.254.60 - 172.25.254.62\n"
	"routers = 172.25.254.250\n"
	"dns = 172.25.254.254\n"
	"domain = example.com\n"
	"lease-time = 600\nmax-lease-time = 7200\n"
	"filename = pxelinux.0\n"
	"filename-bios = bios.0\n"
	"filename-uefi = grubx64.efi\n"
	"filename-arm64 = grubaa64.efi\n"
	"filename-http = http://172.25.254.100/boot.efi\n"
	"filename-ipxe = http://172.25.254.100/boot.ipxe\n"
	"option-42 = 172.25.254.1\n"
	"[subnet 10.0.0.0/24]\n"
	"range = 10.0.0.10 - 10.0.0.20\nrouters = 10.0.0.1\n"
	"[subnet 192.168.77.0/24]\nmode = proxy\nfilename = proxy.0\n"
	"[host web1]\nmac = 52:54:00:12:34:56\nip = 172.25.254.61\n"
	"filename = web1.0\n";

struct fixture {
	struct config *config;
	struct lease_store *store;
	struct dhcp_server *srv;
	struct dhcp_request_info info;
	struct dhcp_reply reply;
	struct dhcp_message parsed;   /* the last reply, parsed */
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/pxed-test-leases-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->config = test_config_from_text(conf_text);
	assert_non_null(f->config);
	assert_int_equal(lease_store_sqlite_open(f->dir, &f->store), 0);
	assert_int_equal(dhcp_server_new(f->store, &f->srv), 0);
	dhcp_server_set_config(f->srv, f->config);
	f->info = (struct dhcp_request_info){
		.server_addr = SERVER, .ifname = "s0",
		.local_port = DHCP_PORT_SERVER, .src_port = DHCP_PORT_CLIENT,
		.now = 1000000,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	dhcp_server_free(f->srv);
	lease_store_free(f->store);
	config_free(f->config);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0, 0, 0x0b };
static const uint8_t mac_c[6] = { 0x52, 0x54, 0x00, 0, 0, 0x0c };
static const uint8_t mac_d[6] = { 0x52, 0x54, 0x00, 0, 0, 0x0d };
static const uint8_t mac_web1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Send a packet; returns 1 with f->parsed filled, or 0 for no reply. */
static int send_packet(struct fixture *f, struct test_packet *t)
{
	uint8_t copy[DHCP_MAX_PACKET];
	int r;

	memset(&f->reply, 0, sizeof(f->reply));
	r = dhcp_server_handle(f->srv, t->buf, t->len, &f->info, &f->reply);
	if (r <= 0)
		return r;
	assert_true(f->reply.len <= sizeof(copy));
	/* Our parser takes requests: flip op to read the reply back. */
	memcpy(copy, f->reply.data, f->reply.len);
	assert_int_equal(copy[0], BOOTREPLY);
	copy[0] = BOOTREQUEST;
	assert_int_equal(dhcp_message_parse(copy, f->reply.len, &f->parsed),
			 DHCP_PARSE_OK);
	return r;
}

static void commit(struct fixture *f)
{
	assert_int_equal(lease_store_commit(f->store), 0);
}

static uint32_t yiaddr(const struct fixture *f)
{
	return ntohl(f->parsed.header.yiaddr);
}

static uint32_t reply_u32(const struct fixture *f, uint8_t code)
{
	const uint8_t *p;

	assert_true(dhcp_message_option_sized(&f->parsed, code, 4, &p));
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void assert_option_string(const struct fixture *f, uint8_t code,
				 const char *want)
{
	size_t len;
	const uint8_t *p = dhcp_message_option(&f->parsed, code, &len);

	assert_non_null(p);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
}

static void discover(struct test_packet *t, const uint8_t *mac)
{
	test_packet_init(t, mac, 0x1111);
	test_packet_type(t, DHCP_MSG_DISCOVER);
}

static void request_selecting(struct test_packet *t, const uint8_t *mac,
			      uint32_t ip, uint32_t server)
{
	test_packet_init(t, mac, 0x2222);
	test_packet_type(t, DHCP_MSG_REQUEST);
	test_packet_ipv4(t, DHCP_OPT_REQUESTED_ADDRESS, ip);
	test_packet_ipv4(t, DHCP_OPT_SERVER_ID, server);
}

/* DISCOVER + REQUEST + commit: returns the bound address. */
static uint32_t bind_client(struct fixture *f, const uint8_t *mac)
{
	struct test_packet t;
	uint32_t ip;

	discover(&t, mac);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	ip = yiaddr(f);
	request_selecting(&t, mac, ip, SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	commit(f);
	return ip;
}

static void test_discover_offers_with_installer_options(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_OFFER);
	assert_int_equal(yiaddr(f), NET(60));
	assert_int_equal(ntohl(f->parsed.header.siaddr), SERVER);
	assert_string_equal((const char *)f->parsed.header.file, "pxelinux.0");
	assert_int_equal(reply_u32(f, DHCP_OPT_SERVER_ID), SERVER);
	assert_int_equal(reply_u32(f, DHCP_OPT_ADDRESS_TIME), 600);
	assert_int_equal(reply_u32(f, DHCP_OPT_RENEWAL_TIME), 300);
	assert_int_equal(reply_u32(f, DHCP_OPT_REBINDING_TIME), 525);
	assert_int_equal(reply_u32(f, DHCP_OPT_SUBNET_MASK), 0xFFFFFF00);
	assert_int_equal(reply_u32(f, DHCP_OPT_ROUTER), NET(250));
	assert_int_equal(reply_u32(f, DHCP_OPT_DOMAIN_SERVER), NET(254));
	assert_option_string(f, DHCP_OPT_DOMAIN_NAME, "example.com");
	assert_int_equal(reply_u32(f, 42), NET(1));
	/* No broadcast flag: unicast to the client's MAC at yiaddr. */
	assert_int_equal(f->reply.dest, DHCP_DEST_LINK);
	assert_int_equal(f->reply.dest_addr, NET(60));
	assert_memory_equal(f->reply.dest_mac, mac_a, 6);
	assert_false(f->reply.needs_commit);
	/* An offer is not durable. */
	assert_int_equal(f->store->pending, 0);
}

static void test_broadcast_flag_broadcasts(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_a);
	test_packet_header(&t)->flags = htons(DHCP_FLAG_BROADCAST);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(ntohs(f->parsed.header.flags), DHCP_FLAG_BROADCAST);
}

static void test_request_binds_durably(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	struct lease_store *store2;
	struct dhcp_server *srv2;
	const struct lease *l;

	discover(&t, mac_a);
	test_packet_end(&t);
	send_packet(f, &t);
	request_selecting(&t, mac_a, NET(60), SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	assert_int_equal(yiaddr(f), NET(60));
	assert_true(f->reply.needs_commit);
	assert_int_equal(f->store->pending, 1);
	commit(f);
	/* A second server on the same database sees the lease. */
	assert_int_equal(lease_store_sqlite_open(f->dir, &store2), 0);
	assert_int_equal(dhcp_server_new(store2, &srv2), 0);
	assert_int_equal(dhcp_server_load_leases(srv2), 0);
	l = lease_find_by_ip(dhcp_server_leases(srv2), NET(60));
	assert_non_null(l);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->expires, f->info.now + 600);
	assert_memory_equal(l->mac, mac_a, 6);
	dhcp_server_free(srv2);
	lease_store_free(store2);
}

static void test_request_for_other_server_frees_offer(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_a);
	test_packet_end(&t);
	send_packet(f, &t);
	assert_non_null(lease_find_by_ip(dhcp_server_leases(f->srv), NET(60)));
	request_selecting(&t, mac_a, NET(60), NET(99));
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	assert_null(lease_find_by_ip(dhcp_server_leases(f->srv), NET(60)));
}

static void test_client_keeps_its_address(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t ip = bind_client(f, mac_a);

	bind_client(f, mac_b);
	/* Rediscovering after a reboot: the same address, lease intact. */
	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), ip);
	assert_int_equal(lease_find_by_ip(dhcp_server_leases(f->srv), ip)->state,
			 LEASE_BOUND);
}

static void test_init_reboot(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t a = bind_client(f, mac_a), b = bind_client(f, mac_b);

	/* Its own address: ACK. */
	test_packet_init(&t, mac_a, 3);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	/* Someone else's address: NAK, broadcast. */
	test_packet_init(&t, mac_a, 4);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, b);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
	assert_int_equal(f->reply.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(yiaddr(f), 0);
	assert_null(dhcp_message_option(&f->parsed, DHCP_OPT_ROUTER, NULL));
	/* A client we have no record of, asking for someone else's
	 * address: NAK too (authoritative). */
	test_packet_init(&t, mac_c, 4);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, b);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
	/* An address from another network (a moved laptop): NAK. */
	test_packet_init(&t, mac_a, 5);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, 0xC0A80105);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
}

static void test_renew_and_rebind(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t ip = bind_client(f, mac_a);

	f->info.now += 300;
	/* RENEWING: unicast from ciaddr, no server id, no option 50. */
	test_packet_init(&t, mac_a, 6);
	test_packet_header(&t)->ciaddr = htonl(ip);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	assert_int_equal(yiaddr(f), ip);
	assert_int_equal(ntohl(f->parsed.header.ciaddr), ip);
	assert_int_equal(f->reply.dest, DHCP_DEST_UDP);
	assert_int_equal(f->reply.dest_addr, ip);
	assert_int_equal(f->reply.dest_port, DHCP_PORT_CLIENT);
	assert_true(f->reply.needs_commit);
	commit(f);
	assert_int_equal(lease_find_by_ip(dhcp_server_leases(f->srv), ip)->expires,
			 f->info.now + 600);
	/* REBINDING: the same, broadcast; an unknown ciaddr is NAKed. */
	test_packet_init(&t, mac_b, 7);
	test_packet_header(&t)->ciaddr = htonl(ip);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
}

static void test_requested_lease_time_is_capped(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	const uint8_t year[4] = { 0x01, 0xe1, 0x33, 0x80 };

	discover(&t, mac_a);
	test_packet_option(&t, DHCP_OPT_ADDRESS_TIME, year, 4);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(reply_u32(f, DHCP_OPT_ADDRESS_TIME), 7200);
}

static void test_decline_quarantines(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t ip = bind_client(f, mac_a);

	test_packet_init(&t, mac_a, 8);
	test_packet_type(&t, DHCP_MSG_DECLINE);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, ip);
	test_packet_ipv4(&t, DHCP_OPT_SERVER_ID, SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	assert_int_equal(lease_find_by_ip(dhcp_server_leases(f->srv), ip)->state,
			 LEASE_DECLINED);
	assert_int_equal(f->store->pending, 1);
	/* Neither the decliner nor anyone else gets it while quarantined. */
	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_not_equal(yiaddr(f), ip);
	/* .62 was offered to the decliner, .61 is web1's: asking for the
	 * quarantined address gets anything but it. */
	discover(&t, mac_b);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, ip);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_not_equal(yiaddr(f), ip);
	/* After the quarantine it is free again. */
	f->info.now += 3601;
	discover(&t, mac_c);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, ip);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), ip);
}

static void test_release_then_same_address(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t ip = bind_client(f, mac_a);

	test_packet_init(&t, mac_a, 9);
	test_packet_header(&t)->ciaddr = htonl(ip);
	test_packet_type(&t, DHCP_MSG_RELEASE);
	test_packet_ipv4(&t, DHCP_OPT_SERVER_ID, SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	assert_int_equal(lease_find_by_ip(dhcp_server_leases(f->srv), ip)->state,
			 LEASE_RELEASED);
	commit(f);
	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), ip);
}

static void test_inform(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	test_packet_init(&t, mac_a, 10);
	test_packet_header(&t)->ciaddr = htonl(NET(200));
	test_packet_type(&t, DHCP_MSG_INFORM);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	assert_int_equal(yiaddr(f), 0);
	assert_null(dhcp_message_option(&f->parsed, DHCP_OPT_ADDRESS_TIME, NULL));
	assert_int_equal(reply_u32(f, DHCP_OPT_DOMAIN_SERVER), NET(254));
	assert_int_equal(f->reply.dest, DHCP_DEST_UDP);
	assert_int_equal(f->reply.dest_addr, NET(200));
	assert_false(f->reply.needs_commit);
}

static void test_static_host(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_web1);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), NET(61));
	assert_string_equal((const char *)f->parsed.header.file, "web1.0");
	/* Nobody else is offered .61, even when asking for it. */
	bind_client(f, mac_a);
	discover(&t, mac_b);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, NET(61));
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), NET(62));
}

static void test_exhausted_pool(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	/* .60 and .62 are dynamic (.61 is web1's). */
	bind_client(f, mac_a);
	bind_client(f, mac_b);
	discover(&t, mac_c);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	assert_int_equal(dhcp_server_stats(f->srv)->exhausted, 1);
	/* Expired leases are reused. */
	f->info.now += 601;
	assert_int_equal(send_packet(f, &t), 1);
	assert_true(yiaddr(f) == NET(60) || yiaddr(f) == NET(62));
}

static void test_offer_flood_does_not_starve_real_clients(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t taken;

	/* Two made-up clients hold the two dynamic addresses by offers. */
	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	discover(&t, mac_b);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	/* A real client still gets an offer, taken from one of them... */
	discover(&t, mac_c);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	taken = yiaddr(f);
	assert_true(taken == NET(60) || taken == NET(62));
	/* ...whose REQUEST for it is then NAKed, not bound twice. */
	request_selecting(&t, taken == NET(60) ? mac_a : mac_b, taken, SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
	request_selecting(&t, mac_c, taken, SERVER);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	/* Bound leases are never taken that way. */
	commit(f);
	discover(&t, mac_d);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_not_equal(yiaddr(f), taken);
}

static void test_client_id_keys_the_lease(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint32_t first;

	discover(&t, mac_d);
	test_packet_option(&t, DHCP_OPT_CLIENT_ID, "\xff\x01\x02\x03", 4);
	test_packet_end(&t);
	send_packet(f, &t);
	first = yiaddr(f);
	/* Same MAC, other client id: another client, another address. */
	discover(&t, mac_d);
	test_packet_option(&t, DHCP_OPT_CLIENT_ID, "\xff\x09\x09\x09", 4);
	test_packet_end(&t);
	send_packet(f, &t);
	assert_int_not_equal(yiaddr(f), first);
}

static void test_max_message_size_and_prl(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	uint8_t prl[2];

	/* A host with many big options, and a client asking for them. */
	config_free(f->config);
	f->config = test_config_from_text(
		"[server]\ninterface = s0\n[subnet 172.25.254.0/24]\n"
		"range = 172.25.254.60 - 172.25.254.62\n"
		"dns = 172.25.254.254\n"
		"option-200 = hex:" "0102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10\n"
		"option-201 = hex:" "0102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10"
		"0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10\n");
	assert_non_null(f->config);
	dhcp_server_set_config(f->srv, f->config);
	prl[0] = 201;
	prl[1] = 200;
	discover(&t, mac_a);
	test_packet_option(&t, DHCP_OPT_PARAMETER_LIST, prl, 2);
	test_packet_end(&t);
	/* Default limit 576: DNS always fits; of the two 144-byte options
	 * the requested-first one (201) goes in, the other does not. */
	assert_int_equal(send_packet(f, &t), 1);
	assert_true(f->reply.len <= 576 - 28);
	assert_non_null(dhcp_message_option(&f->parsed, 6, NULL));
	assert_non_null(dhcp_message_option(&f->parsed, 201, NULL));
	/* With option 57 = 1400 both fit. */
	discover(&t, mac_a);
	test_packet_option(&t, DHCP_OPT_PARAMETER_LIST, prl, 2);
	test_packet_option(&t, DHCP_OPT_MAX_MESSAGE_SIZE, "\x05\x78", 2);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_non_null(dhcp_message_option(&f->parsed, 200, NULL));
	assert_non_null(dhcp_message_option(&f->parsed, 201, NULL));
	assert_true(f->reply.len <= 1400 - 28);
}

struct arch_case {
	const char *vendor;      /* option 60, or NULL */
	int arch;                /* option 93, or -1 */
	bool ipxe;
	const char *want_file;
	const char *want_class;  /* option 60 in the reply, or NULL */
};

static void test_boot_file_by_client_kind(void **state)
{
	static const struct arch_case cases[] = {
		{ NULL, -1, false, "pxelinux.0", NULL },
		{ "PXEClient:Arch:00000:UNDI:002001", 0, false, "bios.0", "PXEClient" },
		{ "PXEClient:Arch:00007:UNDI:003016", 7, false, "grubx64.efi", "PXEClient" },
		{ "PXEClient:Arch:00009:UNDI:003016", 9, false, "grubx64.efi", "PXEClient" },
		{ "PXEClient:Arch:00011:UNDI:003016", 11, false, "grubaa64.efi", "PXEClient" },
		{ "PXEClient:Arch:00006:UNDI:003016", 6, false, "pxelinux.0", "PXEClient" },
		{ "HTTPClient:Arch:00016:UNDI:003001", 16, false,
		  "http://172.25.254.100/boot.efi", "HTTPClient" },
		{ "PXEClient:Arch:00000:UNDI:002001", 0, true,
		  "http://172.25.254.100/boot.ipxe", "PXEClient" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct arch_case *c = &cases[i];
		struct test_packet t;
		size_t len;

		discover(&t, mac_a);
		if (c->vendor)
			test_packet_option(&t, DHCP_OPT_CLASS_ID, c->vendor,
					   (uint8_t)strlen(c->vendor));
		if (c->arch >= 0) {
			uint8_t a[2] = { 0, (uint8_t)c->arch };

			test_packet_option(&t, DHCP_OPT_CLIENT_SYSTEM, a, 2);
		}
		if (c->ipxe)
			test_packet_option(&t, DHCP_OPT_USER_CLASS, "iPXE", 4);
		test_packet_option(&t, DHCP_OPT_UUID_GUID,
				   "\0abcdefghijklmnop", 17);
		test_packet_end(&t);
		assert_int_equal(send_packet(f, &t), 1);
		if (strcmp((const char *)f->parsed.header.file, c->want_file))
			fail_msg("case %zu: file '%s', want '%s'", i,
				 f->parsed.header.file, c->want_file);
		if (c->want_class) {
			assert_option_string(f, DHCP_OPT_CLASS_ID, c->want_class);
			/* The UUID is echoed to PXE clients. */
			assert_non_null(dhcp_message_option(
				&f->parsed, DHCP_OPT_UUID_GUID, &len));
			assert_int_equal(len, 17);
		} else {
			assert_null(dhcp_message_option(&f->parsed,
							DHCP_OPT_CLASS_ID, NULL));
		}
		if (c->want_class && !strcmp(c->want_class, "PXEClient"))
			assert_non_null(dhcp_message_option(
				&f->parsed, DHCP_OPT_VENDOR_SPECIFIC, NULL));
	}
}

static void test_option_66_67_when_requested(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_a);
	test_packet_option(&t, DHCP_OPT_PARAMETER_LIST, "\x42\x43", 2);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_option_string(f, DHCP_OPT_TFTP_SERVER_NAME, "172.25.254.100");
	assert_option_string(f, DHCP_OPT_BOOTFILE_NAME, "pxelinux.0");
}

static void test_relay_selects_subnet_and_echoes_82(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	const uint8_t agent[] = { 1, 4, 'p', 'o', 'r', 't' };
	const uint8_t *p;
	size_t len;

	discover(&t, mac_a);
	test_packet_header(&t)->giaddr = htonl(RELAY_NET(1));
	test_packet_header(&t)->hops = 1;
	test_packet_option(&t, DHCP_OPT_RELAY_AGENT_INFO, agent, sizeof(agent));
	test_packet_end(&t);
	f->info.src_addr = RELAY_NET(1);
	f->info.src_port = DHCP_PORT_SERVER;
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(yiaddr(f), RELAY_NET(10));
	assert_int_equal(reply_u32(f, DHCP_OPT_ROUTER), RELAY_NET(1));
	assert_int_equal(ntohl(f->parsed.header.giaddr), RELAY_NET(1));
	assert_int_equal(f->reply.dest, DHCP_DEST_UDP);
	assert_int_equal(f->reply.dest_addr, RELAY_NET(1));
	assert_int_equal(f->reply.dest_port, DHCP_PORT_SERVER);
	p = dhcp_message_option(&f->parsed, DHCP_OPT_RELAY_AGENT_INFO, &len);
	assert_non_null(p);
	assert_int_equal(len, sizeof(agent));
	assert_memory_equal(p, agent, sizeof(agent));
	/* 82 is the last option: END follows it directly. */
	{
		const uint8_t *opt = memmem(f->reply.data + DHCP_HEADER_LEN,
					    f->reply.len - DHCP_HEADER_LEN,
					    "\x52\x06" "\x01\x04port", 8);

		assert_non_null(opt);
		assert_int_equal(opt[8], DHCP_OPT_END);
	}
	/* A relayed NAK asks the relay to broadcast it. */
	test_packet_init(&t, mac_a, 11);
	test_packet_header(&t)->giaddr = htonl(RELAY_NET(1));
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_ipv4(&t, DHCP_OPT_REQUESTED_ADDRESS, RELAY_NET(200));
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_NAK);
	assert_int_equal(ntohs(f->parsed.header.flags), DHCP_FLAG_BROADCAST);
	/* Too many hops: dropped. */
	discover(&t, mac_a);
	test_packet_header(&t)->giaddr = htonl(RELAY_NET(1));
	test_packet_header(&t)->hops = 17;
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
}

static void test_unknown_subnet_ignored(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;

	discover(&t, mac_a);
	test_packet_header(&t)->giaddr = htonl(0x0B000001);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	assert_int_equal(dhcp_server_stats(f->srv)->ignored, 1);
}

static void test_proxy_dhcp(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	const char *pxe = "PXEClient:Arch:00000:UNDI:002001";

	f->info.server_addr = 0xC0A84D05;   /* 192.168.77.5, a proxy subnet */
	/* A non-PXE client: silence, the other server answers it. */
	discover(&t, mac_a);
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	/* A PXE client: boot information, no address, broadcast. */
	discover(&t, mac_a);
	test_packet_option(&t, DHCP_OPT_CLASS_ID, pxe, (uint8_t)strlen(pxe));
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_OFFER);
	assert_int_equal(yiaddr(f), 0);
	assert_string_equal((const char *)f->parsed.header.file, "proxy.0");
	assert_int_equal(ntohl(f->parsed.header.siaddr), 0xC0A84D05);
	assert_null(dhcp_message_option(&f->parsed, DHCP_OPT_ADDRESS_TIME, NULL));
	assert_option_string(f, DHCP_OPT_CLASS_ID, "PXEClient");
	assert_int_equal(f->reply.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(lease_table_count(dhcp_server_leases(f->srv)), 0);
	/* Its REQUEST to port 67 is the other server's business. */
	request_selecting(&t, mac_a, 0xC0A84D32, 0xC0A84D01);
	test_packet_option(&t, DHCP_OPT_CLASS_ID, pxe, (uint8_t)strlen(pxe));
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	/* Port 4011, from its new address: ACK to where it came from. */
	test_packet_init(&t, mac_a, 12);
	test_packet_header(&t)->ciaddr = htonl(0xC0A84D32);
	test_packet_type(&t, DHCP_MSG_REQUEST);
	test_packet_option(&t, DHCP_OPT_CLASS_ID, pxe, (uint8_t)strlen(pxe));
	test_packet_end(&t);
	f->info.local_port = DHCP_PORT_PXE;
	f->info.src_addr = 0xC0A84D32;
	f->info.src_port = DHCP_PORT_PXE;
	assert_int_equal(send_packet(f, &t), 1);
	assert_int_equal(f->reply.type, DHCP_MSG_ACK);
	assert_string_equal((const char *)f->parsed.header.file, "proxy.0");
	assert_int_equal(f->reply.dest, DHCP_DEST_UDP);
	assert_int_equal(f->reply.dest_addr, 0xC0A84D32);
	assert_int_equal(f->reply.dest_port, DHCP_PORT_PXE);
	assert_false(f->reply.needs_commit);
}

static void test_malformed_counted(void **state)
{
	struct fixture *f = *state;
	struct test_packet t;
	const struct dhcp_stats *st = dhcp_server_stats(f->srv);

	discover(&t, mac_a);
	test_packet_header(&t)->magic = 0;
	test_packet_end(&t);
	assert_int_equal(send_packet(f, &t), 0);
	discover(&t, mac_a);
	t.len = 100;
	assert_int_equal(send_packet(f, &t), 0);
	assert_int_equal(st->dropped[DHCP_PARSE_BAD_COOKIE], 1);
	assert_int_equal(st->dropped[DHCP_PARSE_TRUNCATED], 1);
	assert_int_equal(st->received, 2);
}

int main(void)
{
	log_set_level(LOG_LEVEL_ERROR);
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_discover_offers_with_installer_options),
		T(test_broadcast_flag_broadcasts),
		T(test_request_binds_durably),
		T(test_request_for_other_server_frees_offer),
		T(test_client_keeps_its_address),
		T(test_init_reboot),
		T(test_renew_and_rebind),
		T(test_requested_lease_time_is_capped),
		T(test_decline_quarantines),
		T(test_release_then_same_address),
		T(test_inform),
		T(test_static_host),
		T(test_exhausted_pool),
		T(test_offer_flood_does_not_starve_real_clients),
		T(test_client_id_keys_the_lease),
		T(test_max_message_size_and_prl),
		T(test_boot_file_by_client_kind),
		T(test_option_66_67_when_requested),
		T(test_relay_selects_subnet_and_echoes_82),
		T(test_unknown_subnet_ignored),
		T(test_proxy_dhcp),
		T(test_malformed_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
