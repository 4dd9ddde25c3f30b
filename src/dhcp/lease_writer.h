/* SPDX-License-Identifier: MIT */
/*
 * dhcp/lease_writer.h - group commit off the event loop.
 *
 * The server writes leases into a queue store (a lease_store whose save and
 * remove only record the change). At the end of each loop iteration the
 * service hands the queued changes, with the replies that wait for them, to
 * a writer thread that owns the real store: it commits them in one
 * transaction (one fsync) and only then runs the batch's `after` step,
 * which sends the ACKs. While it commits, the loop keeps answering and
 * queueing, so the next batch grows by whatever arrives meanwhile.
 */
#ifndef PXED_DHCP_LEASE_WRITER_H
#define PXED_DHCP_LEASE_WRITER_H

#include "dhcp/lease_store.h"

#include <stdbool.h>

struct lease_change {
	bool removed;
	union {
		struct lease lease;
		uint8_t storage[sizeof(struct lease) + LEASE_KEY_MAX];
	} u;
};

struct lease_batch {
	struct lease_change *changes;
	size_t n_changes;
	size_t cap_changes;
};

/* A lease_store that appends every save/remove to `batch`; load() reads
 * through to `backing`, commit() does nothing. */
int lease_store_queue_new(struct lease_store *backing, struct lease_batch *batch,
			  struct lease_store **ret);

/* Writes a batch's changes and commits them, in the calling thread. */
int lease_batch_commit(struct lease_store *store, const struct lease_batch *b);

struct lease_writer;

/*
 * `after(data, result)` runs on the writer thread once a batch is durable
 * (result 0) or failed (negative errno). `notify_fd` (an eventfd) is
 * written when the writer becomes idle again.
 */
int lease_writer_start(struct lease_store *store,
		       void (*after)(void *data, int result), int notify_fd,
		       struct lease_writer **ret);

/* True while a batch is being committed. */
bool lease_writer_busy(struct lease_writer *w);

/* Hand over a batch (the writer owns it until idle again); -EBUSY when a
 * batch is still in flight. */
int lease_writer_submit(struct lease_writer *w, struct lease_batch *batch,
			void *data);

/* Waits for the batch in flight, stops the thread. */
struct lease_writer *lease_writer_stop(struct lease_writer *w);

#endif
