/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: whole DHCP decisions on arbitrary packets, so reply
 * building (option limits, overload, relay echo, PXE) meets garbage too.
 * The first input byte picks the receiving context (port, subnet).
 */
#include "../common/config_text.h"
#include "dhcp/server.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf_text[] =
	"[server]\ninterface = s0\n"
	"[subnet 172.25.254.0/24]\nrange = 172.25.254.60 - 172.25.254.70\n"
	"routers = 172.25.254.250\ndns = 172.25.254.254\ndomain = example.com\n"
	"filename = pxelinux.0\nfilename-uefi = grubx64.efi\n"
	"filename-ipxe = http://172.25.254.100/boot.ipxe\n"
	"[subnet 192.168.77.0/24]\nmode = proxy\nfilename = proxy.0\n"
	"[host web1]\nmac = 52:54:00:12:34:56\nip = 172.25.254.61\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *config;
	static struct lease_store *store;
	static struct dhcp_server *srv;
	static struct dhcp_reply reply;
	struct dhcp_request_info info = {
		.server_addr = 0xAC19FE64, .ifname = "s0",
		.local_port = 67, .src_addr = 0, .src_port = 68, .now = 1000,
	};
	uint8_t *copy;

	if (!srv) {
		log_set_level(LOG_LEVEL_ERROR);
		config = test_config_from_text(conf_text);
		if (!config || lease_store_sqlite_open(":memory:", &store) < 0 ||
		    dhcp_server_new(store, &srv) < 0)
			abort();
		dhcp_server_set_config(srv, config);
	}
	if (size < 1)
		return 0;
	if (data[0] & 1)
		info.local_port = 4011;
	if (data[0] & 2)
		info.server_addr = 0xC0A84D05;
	info.now += data[0] >> 2;
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (dhcp_server_handle(srv, copy, size - 1, &info, &reply) > 0 &&
	    (reply.len > sizeof(reply.data) || reply.len < DHCP_HEADER_LEN))
		abort();
	free(copy);
	/* Keep the table bounded across runs. */
	if (reply.needs_commit)
		lease_store_commit(store);
	return 0;
}
