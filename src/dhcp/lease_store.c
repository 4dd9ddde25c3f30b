/* SPDX-License-Identifier: MIT */
/* dhcp/lease_store.c - the store interface's calls; see lease_store.h */
#include "dhcp/lease_store.h"

#include <stddef.h>

int lease_store_load(struct lease_store *s,
		     int (*fn)(const struct lease *l, void *data), void *data)
{
	return s->ops->load(s, fn, data);
}

int lease_store_save(struct lease_store *s, const struct lease *l)
{
	s->pending++;
	return s->ops->save(s, l);
}

int lease_store_remove(struct lease_store *s, uint32_t ip)
{
	s->pending++;
	return s->ops->remove(s, ip);
}

int lease_store_commit(struct lease_store *s)
{
	s->pending = 0;
	return s->ops->commit(s);
}

struct lease_store *lease_store_free(struct lease_store *s)
{
	if (s)
		s->ops->free(s);
	return NULL;
}
