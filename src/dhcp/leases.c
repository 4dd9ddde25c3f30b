/* SPDX-License-Identifier: MIT */
/*
 * dhcp/leases.c - see leases.h. Two chained hash tables share the lease
 * objects through intrusive links, so a lease costs one allocation.
 */
#include "dhcp/leases.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct lease_table {
	struct lease **by_ip;
	struct lease **by_key;
	size_t mask;      /* bucket count - 1, a power of two minus one */
	size_t count;
};

#define INITIAL_BUCKETS 1024

/* FNV-1a: short keys, no adversary can choose many colliding MACs cheaply
 * enough to matter against a table that grows with the lease count. */
static size_t hash_bytes(const uint8_t *p, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29));
}

static size_t hash_ip(uint32_t ip)
{
	uint64_t h = ip * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 17);
}

int lease_table_new(struct lease_table **ret)
{
	struct lease_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->by_ip = calloc(INITIAL_BUCKETS, sizeof(*t->by_ip));
	t->by_key = calloc(INITIAL_BUCKETS, sizeof(*t->by_key));
	if (!t->by_ip || !t->by_key) {
		lease_table_free(t);
		return -ENOMEM;
	}
	t->mask = INITIAL_BUCKETS - 1;
	*ret = t;
	return 0;
}

struct lease_table *lease_table_free(struct lease_table *t)
{
	if (!t)
		return NULL;
	if (t->by_ip)
		for (size_t i = 0; i <= t->mask; i++)
			for (struct lease *l = t->by_ip[i], *next; l; l = next) {
				next = l->next_by_ip;
				free(l);
			}
	free(t->by_ip);
	free(t->by_key);
	free(t);
	return NULL;
}

size_t lease_table_count(const struct lease_table *t)
{
	return t->count;
}

struct lease *lease_find_by_ip(const struct lease_table *t, uint32_t ip)
{
	for (struct lease *l = t->by_ip[hash_ip(ip) & t->mask]; l;
	     l = l->next_by_ip)
		if (l->ip == ip)
			return l;
	return NULL;
}

struct lease *lease_find_by_key(const struct lease_table *t,
				const uint8_t *key, size_t key_len)
{
	for (struct lease *l = t->by_key[hash_bytes(key, key_len) & t->mask]; l;
	     l = l->next_by_key)
		if (l->key_len == key_len && !memcmp(l->key, key, key_len))
			return l;
	return NULL;
}

static void link_lease(struct lease_table *t, struct lease *l)
{
	size_t bi = hash_ip(l->ip) & t->mask;
	size_t bk = hash_bytes(l->key, l->key_len) & t->mask;

	l->next_by_ip = t->by_ip[bi];
	t->by_ip[bi] = l;
	l->next_by_key = t->by_key[bk];
	t->by_key[bk] = l;
}

/* Double the buckets when the load passes one lease per bucket. */
static int grow(struct lease_table *t)
{
	size_t old_n = t->mask + 1, n = old_n * 2;
	struct lease **old_ip = t->by_ip;
	struct lease **by_ip = calloc(n, sizeof(*by_ip));
	struct lease **by_key = calloc(n, sizeof(*by_key));

	if (!by_ip || !by_key) {
		free(by_ip);
		free(by_key);
		return -ENOMEM;
	}
	free(t->by_key);
	t->by_ip = by_ip;
	t->by_key = by_key;
	t->mask = n - 1;
	for (size_t i = 0; i < old_n; i++)
		for (struct lease *l = old_ip[i], *next; l; l = next) {
			next = l->next_by_ip;
			link_lease(t, l);
		}
	free(old_ip);
	return 0;
}

int lease_insert(struct lease_table *t, uint32_t ip, const uint8_t *key,
		 size_t key_len, const uint8_t mac[6], struct lease **ret)
{
	struct lease *l;

	if (key_len == 0 || key_len > LEASE_KEY_MAX)
		return -EINVAL;
	if (t->count > t->mask && grow(t) < 0 && t->count > 4 * t->mask)
		return -ENOMEM;
	l = calloc(1, sizeof(*l) + key_len);
	if (!l)
		return -ENOMEM;
	l->ip = ip;
	memcpy(l->mac, mac, 6);
	l->key_len = (uint8_t)key_len;
	memcpy(l->key, key, key_len);
	link_lease(t, l);
	t->count++;
	*ret = l;
	return 0;
}

static void unlink_from(struct lease **bucket, struct lease *l, bool by_ip)
{
	for (struct lease **pp = bucket; *pp;
	     pp = by_ip ? &(*pp)->next_by_ip : &(*pp)->next_by_key)
		if (*pp == l) {
			*pp = by_ip ? l->next_by_ip : l->next_by_key;
			return;
		}
}

void lease_remove(struct lease_table *t, struct lease *l)
{
	unlink_from(&t->by_ip[hash_ip(l->ip) & t->mask], l, true);
	unlink_from(&t->by_key[hash_bytes(l->key, l->key_len) & t->mask], l,
		    false);
	t->count--;
	free(l);
}

bool lease_is_expired(const struct lease *l, int64_t now)
{
	return l->expires <= now;
}

void lease_table_foreach(const struct lease_table *t,
			 void (*fn)(const struct lease *l, void *data),
			 void *data)
{
	for (size_t i = 0; i <= t->mask; i++)
		for (const struct lease *l = t->by_ip[i]; l; l = l->next_by_ip)
			fn(l, data);
}
