/* SPDX-License-Identifier: MIT */
/*
 * dhcp/leases.h - the in-memory lease table: every address we have offered,
 * bound, seen released or had declined, indexed by address and by client.
 *
 * A client is known by its key: option 61 (client identifier) when sent,
 * else 0x01 + its MAC, as RFC 2132 9.14 suggests. The table is only a data
 * structure; which address to give is decided in dhcp/server.c, and what
 * is durable is written through dhcp/lease_store.h.
 */
#ifndef PXED_DHCP_LEASES_H
#define PXED_DHCP_LEASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lease_state {
	LEASE_OFFERED,    /* in memory only, until the client requests it */
	LEASE_BOUND,
	LEASE_RELEASED,   /* kept so the client gets the same address again */
	LEASE_DECLINED,   /* quarantined: someone else answers ARP for it */
};

#define LEASE_KEY_MAX 255

struct lease {
	uint32_t ip;              /* host byte order */
	int64_t expires;          /* wall-clock seconds */
	uint8_t mac[6];
	uint8_t state;            /* enum lease_state */
	uint8_t key_len;
	struct lease *next_by_ip;
	struct lease *next_by_key;
	uint8_t key[];            /* key_len bytes */
};

struct lease_table;

int lease_table_new(struct lease_table **ret);
struct lease_table *lease_table_free(struct lease_table *t);
size_t lease_table_count(const struct lease_table *t);

struct lease *lease_find_by_ip(const struct lease_table *t, uint32_t ip);
struct lease *lease_find_by_key(const struct lease_table *t,
				const uint8_t *key, size_t key_len);

/* Adds a lease; the address and the key must not be in the table yet. */
int lease_insert(struct lease_table *t, uint32_t ip, const uint8_t *key,
		 size_t key_len, const uint8_t mac[6], struct lease **ret);
void lease_remove(struct lease_table *t, struct lease *l);

/* Is the address free for someone else at `now`? */
bool lease_is_expired(const struct lease *l, int64_t now);

/* Calls fn for every lease (for statistics and tests). */
void lease_table_foreach(const struct lease_table *t,
			 void (*fn)(const struct lease *l, void *data),
			 void *data);

#endif
