/* SPDX-License-Identifier: MIT */
/*
 * dhcp/lease_sqlite.c - the SQLite lease store.
 *
 * WAL journal with synchronous=FULL: a COMMIT returns after the WAL is
 * fsynced, so a committed lease survives a crash or power loss, and one
 * commit carries a whole burst of clients.
 */
#include "dhcp/lease_store.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
	struct lease_store base;
	sqlite3 *db;
	sqlite3_stmt *save;
	sqlite3_stmt *remove;
	sqlite3_stmt *load;
	sqlite3_stmt *begin;
	sqlite3_stmt *commit;
	bool in_transaction;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	/* Leases are written by address, read once at start: a small
	 * cache suffices (the 100,000-lease budget is 20 MB in all). */
	"PRAGMA cache_size=-512;"
	"CREATE TABLE IF NOT EXISTS leases ("
	" ip INTEGER PRIMARY KEY,"
	" client_key BLOB NOT NULL,"
	" mac BLOB NOT NULL,"
	" expires INTEGER NOT NULL,"
	" state INTEGER NOT NULL);";

static struct sqlite_store *to_sqlite(struct lease_store *s)
{
	return (struct sqlite_store *)s;
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int ensure_transaction(struct sqlite_store *s)
{
	if (s->in_transaction)
		return 0;
	if (step_done(s->begin) < 0)
		return -EIO;
	s->in_transaction = true;
	return 0;
}

static int sqlite_save(struct lease_store *base, const struct lease *l)
{
	struct sqlite_store *s = to_sqlite(base);

	if (ensure_transaction(s) < 0)
		return -EIO;
	sqlite3_bind_int64(s->save, 1, l->ip);
	sqlite3_bind_blob(s->save, 2, l->key, l->key_len, SQLITE_STATIC);
	sqlite3_bind_blob(s->save, 3, l->mac, 6, SQLITE_STATIC);
	sqlite3_bind_int64(s->save, 4, l->expires);
	sqlite3_bind_int(s->save, 5, l->state);
	return step_done(s->save);
}

static int sqlite_remove(struct lease_store *base, uint32_t ip)
{
	struct sqlite_store *s = to_sqlite(base);

	if (ensure_transaction(s) < 0)
		return -EIO;
	sqlite3_bind_int64(s->remove, 1, ip);
	return step_done(s->remove);
}

static int sqlite_commit(struct lease_store *base)
{
	struct sqlite_store *s = to_sqlite(base);

	if (!s->in_transaction)
		return 0;
	s->in_transaction = false;
	return step_done(s->commit);
}

static int sqlite_load(struct lease_store *base,
		       int (*fn)(const struct lease *l, void *data), void *data)
{
	struct sqlite_store *s = to_sqlite(base);
	union {
		struct lease l;
		uint8_t bytes[sizeof(struct lease) + LEASE_KEY_MAX];
	} u;
	int rc, r = 0;

	while ((rc = sqlite3_step(s->load)) == SQLITE_ROW) {
		int key_len = sqlite3_column_bytes(s->load, 1);
		int mac_len = sqlite3_column_bytes(s->load, 2);
		sqlite3_int64 ip = sqlite3_column_int64(s->load, 0);

		/* Skip rows that cannot be ours rather than trust them. */
		if (key_len <= 0 || key_len > LEASE_KEY_MAX || mac_len != 6 ||
		    ip <= 0 || ip > UINT32_MAX)
			continue;
		memset(&u.l, 0, sizeof(u.l));
		u.l.ip = (uint32_t)ip;
		u.l.key_len = (uint8_t)key_len;
		memcpy(u.l.key, sqlite3_column_blob(s->load, 1), (size_t)key_len);
		memcpy(u.l.mac, sqlite3_column_blob(s->load, 2), 6);
		u.l.expires = sqlite3_column_int64(s->load, 3);
		u.l.state = (uint8_t)sqlite3_column_int(s->load, 4);
		r = fn(&u.l, data);
		if (r < 0)
			break;
	}
	sqlite3_reset(s->load);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -EIO;
}

static void sqlite_free(struct lease_store *base)
{
	struct sqlite_store *s = to_sqlite(base);

	sqlite_commit(base);
	sqlite3_finalize(s->save);
	sqlite3_finalize(s->remove);
	sqlite3_finalize(s->load);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_close(s->db);
	free(s);
}

static const struct lease_store_ops sqlite_ops = {
	.load = sqlite_load,
	.save = sqlite_save,
	.remove = sqlite_remove,
	.commit = sqlite_commit,
	.free = sqlite_free,
};

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **ret)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret,
				  NULL) == SQLITE_OK ? 0 : -EIO;
}

int lease_store_sqlite_open(const char *dir, struct lease_store **ret)
{
	struct sqlite_store *s;
	char path[PATH_MAX];

	if (!strcmp(dir, ":memory:"))
		snprintf(path, sizeof(path), ":memory:");
	else if (snprintf(path, sizeof(path), "%s/leases.sqlite", dir) >=
		 (int)sizeof(path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    prepare(s->db, "INSERT OR REPLACE INTO leases VALUES (?,?,?,?,?)",
		    &s->save) < 0 ||
	    prepare(s->db, "DELETE FROM leases WHERE ip = ?", &s->remove) < 0 ||
	    prepare(s->db, "SELECT ip, client_key, mac, expires, state "
			   "FROM leases", &s->load) < 0 ||
	    prepare(s->db, "BEGIN IMMEDIATE", &s->begin) < 0 ||
	    prepare(s->db, "COMMIT", &s->commit) < 0) {
		sqlite_free(&s->base);
		return -EIO;
	}
	*ret = &s->base;
	return 0;
}
