/* SPDX-License-Identifier: MIT */
/* dhcp/lease_writer.c - see lease_writer.h */
#include "dhcp/lease_writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the queue store: records changes, writes nothing --- */

struct queue_store {
	struct lease_store base;
	struct lease_store *backing;
	struct lease_batch *batch;
};

static struct lease_change *batch_push(struct lease_batch *b)
{
	if (b->n_changes == b->cap_changes) {
		size_t cap = b->cap_changes ? 2 * b->cap_changes : 64;
		struct lease_change *grown =
			realloc(b->changes, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		b->changes = grown;
		b->cap_changes = cap;
	}
	return &b->changes[b->n_changes++];
}

static int queue_save(struct lease_store *s, const struct lease *l)
{
	struct queue_store *q = (struct queue_store *)s;
	struct lease_change *c = batch_push(q->batch);

	if (!c)
		return -ENOMEM;
	c->removed = false;
	memcpy(&c->u.lease, l, sizeof(*l) + l->key_len);
	return 0;
}

static int queue_remove(struct lease_store *s, uint32_t ip)
{
	struct queue_store *q = (struct queue_store *)s;
	struct lease_change *c = batch_push(q->batch);

	if (!c)
		return -ENOMEM;
	c->removed = true;
	c->u.lease.ip = ip;
	return 0;
}

static int queue_load(struct lease_store *s,
		      int (*fn)(const struct lease *l, void *data), void *data)
{
	struct queue_store *q = (struct queue_store *)s;

	return lease_store_load(q->backing, fn, data);
}

static int queue_commit(struct lease_store *s)
{
	(void)s;
	return 0;
}

static void queue_free(struct lease_store *s)
{
	free(s);
}

static const struct lease_store_ops queue_ops = {
	.load = queue_load,
	.save = queue_save,
	.remove = queue_remove,
	.commit = queue_commit,
	.free = queue_free,
};

int lease_store_queue_new(struct lease_store *backing, struct lease_batch *batch,
			  struct lease_store **ret)
{
	struct queue_store *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->base.ops = &queue_ops;
	q->backing = backing;
	q->batch = batch;
	*ret = &q->base;
	return 0;
}

/* --- the writer thread --- */

struct lease_writer {
	struct lease_store *store;
	void (*after)(void *data, int result);
	int notify_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct lease_batch *batch;   /* in flight, or NULL */
	void *data;
	bool stopping;
};

int lease_batch_commit(struct lease_store *store, const struct lease_batch *b)
{
	int r = 0;

	for (size_t i = 0; i < b->n_changes && r == 0; i++) {
		const struct lease_change *c = &b->changes[i];

		r = c->removed ? lease_store_remove(store, c->u.lease.ip)
			       : lease_store_save(store, &c->u.lease);
	}
	if (r == 0)
		r = lease_store_commit(store);
	return r;
}

static void *writer_main(void *arg)
{
	struct lease_writer *w = arg;
	const uint64_t one = 1;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct lease_batch *b;
		int r;

		while (!w->batch && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->batch)
			break;
		b = w->batch;
		pthread_mutex_unlock(&w->lock);
		r = lease_batch_commit(w->store, b);
		w->after(w->data, r);
		b->n_changes = 0;
		pthread_mutex_lock(&w->lock);
		w->batch = NULL;
		if (write(w->notify_fd, &one, sizeof(one)) < 0)
			continue;  /* the counter is saturated: already woken */
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int lease_writer_start(struct lease_store *store,
		       void (*after)(void *data, int result), int notify_fd,
		       struct lease_writer **ret)
{
	struct lease_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->store = store;
	w->after = after;
	w->notify_fd = notify_fd;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	r = pthread_create(&w->thread, NULL, writer_main, w);
	if (r) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w);
		return -r;
	}
	*ret = w;
	return 0;
}

bool lease_writer_busy(struct lease_writer *w)
{
	bool busy;

	pthread_mutex_lock(&w->lock);
	busy = w->batch != NULL;
	pthread_mutex_unlock(&w->lock);
	return busy;
}

int lease_writer_submit(struct lease_writer *w, struct lease_batch *batch,
			void *data)
{
	int r = 0;

	pthread_mutex_lock(&w->lock);
	if (w->batch) {
		r = -EBUSY;
	} else {
		w->batch = batch;
		w->data = data;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}

struct lease_writer *lease_writer_stop(struct lease_writer *w)
{
	if (!w)
		return NULL;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	/* The thread finishes the batch in flight before it sees stopping. */
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
	return NULL;
}
