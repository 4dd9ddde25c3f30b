/* SPDX-License-Identifier: MIT */
/*
 * dhcp/lease_view.c - see lease_view.h. A lease_table of its own (keyed by
 * the MAC) behind a read-write lock.
 */
#include "dhcp/lease_view.h"

#include "dhcp/leases.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct lease_view {
	pthread_rwlock_t lock;
	struct lease_table *table;
};

int lease_view_new(struct lease_view **ret)
{
	struct lease_view *v = calloc(1, sizeof(*v));
	int r;

	if (!v)
		return -ENOMEM;
	r = lease_table_new(&v->table);
	if (r < 0) {
		free(v);
		return r;
	}
	pthread_rwlock_init(&v->lock, NULL);
	*ret = v;
	return 0;
}

struct lease_view *lease_view_free(struct lease_view *v)
{
	if (!v)
		return NULL;
	lease_table_free(v->table);
	pthread_rwlock_destroy(&v->lock);
	free(v);
	return NULL;
}

int lease_view_set(struct lease_view *v, uint32_t ip, const uint8_t mac[6])
{
	struct lease *by_mac, *by_ip, *l;
	int r = 0;

	pthread_rwlock_wrlock(&v->lock);
	by_mac = lease_find_by_key(v->table, mac, 6);
	by_ip = lease_find_by_ip(v->table, ip);
	if (by_mac != by_ip || !by_mac) {
		/* A machine holds one address here, an address one machine. */
		if (by_mac)
			lease_remove(v->table, by_mac);
		if (by_ip)
			lease_remove(v->table, by_ip);
		r = lease_insert(v->table, ip, mac, 6, mac, &l);
	}
	pthread_rwlock_unlock(&v->lock);
	return r;
}

bool lease_view_mac(struct lease_view *v, uint32_t ip, uint8_t mac[6])
{
	const struct lease *l;

	pthread_rwlock_rdlock(&v->lock);
	l = lease_find_by_ip(v->table, ip);
	if (l)
		memcpy(mac, l->mac, 6);
	pthread_rwlock_unlock(&v->lock);
	return l != NULL;
}
