/* SPDX-License-Identifier: MIT */
/*
 * dhcp/lease_store.h - where leases become durable.
 *
 * Writes are batched: save()/remove() only queue into the open transaction,
 * commit() makes the whole batch durable (one fsync) and returns only then.
 * The server sends no DHCPACK before the commit that holds its lease.
 * SQLite is the default (dhcp/lease_sqlite.c); a shared PostgreSQL store
 * for several servers fits the same interface.
 */
#ifndef PXED_DHCP_LEASE_STORE_H
#define PXED_DHCP_LEASE_STORE_H

#include "dhcp/leases.h"

struct lease_store;

struct lease_store_ops {
	/* Calls fn once per stored lease; fn's negative return stops it. */
	int (*load)(struct lease_store *s,
		    int (*fn)(const struct lease *l, void *data), void *data);
	int (*save)(struct lease_store *s, const struct lease *l);
	int (*remove)(struct lease_store *s, uint32_t ip);
	int (*commit)(struct lease_store *s);
	void (*free)(struct lease_store *s);
};

struct lease_store {
	const struct lease_store_ops *ops;
	unsigned pending;   /* writes not yet committed */
};

/* Opens (creating if needed) DIR/leases.sqlite; ":memory:" for tests. */
int lease_store_sqlite_open(const char *dir, struct lease_store **ret);

int lease_store_load(struct lease_store *s,
		     int (*fn)(const struct lease *l, void *data), void *data);
int lease_store_save(struct lease_store *s, const struct lease *l);
int lease_store_remove(struct lease_store *s, uint32_t ip);
int lease_store_commit(struct lease_store *s);
struct lease_store *lease_store_free(struct lease_store *s);

#endif
