/* SPDX-License-Identifier: MIT */
/*
 * server.c - see server.h.
 *
 * Threads: workers.c runs the connections; the answers are made here,
 * on those threads, by answer() below.
 *
 * The site (namespace + templates + config) is replaced on reload while
 * they run. A read-write lock guards the pointer: an answer holds the
 * read side only while it looks the file up and builds the response
 * (microseconds), never while bytes are sent, because an open fs_file
 * owns its descriptor or buffer. So the swap waits at most for lookups
 * in flight, and afterwards nothing can touch the old site. Writers are
 * preferred so that a steady stream of requests cannot starve a reload.
 */
#include "http/server.h"
#include "http/access_log.h"
#include "http/conn.h"
#include "http/headers.h"
#include "http/listing.h"
#include "http/mime.h"
#include "http/workers.h"

#include "config.h"
#include "log.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bodies up to this are read and sent with the head; see below. */
#define HTTP_SMALL_BODY (64 * 1024)

struct http_server {
	int listen_fd;             /* ours until the workers take it */
	int log_fd;                /* access log (under lock); -1: main log */
	char *log_path;
	unsigned max_connections;
	unsigned timeout_s;
	struct http_workers *workers;
	pthread_rwlock_t lock;
	struct http_site *site;    /* under lock */
	http_host_lookup_fn *lookup;
	void *lookup_data;
};

/* --- answers --- */

/* fs/ errors to statuses, as fs/namespace.h lists them. */
static unsigned status_of(int r)
{
	switch (r) {
	case -ENOENT:
	case -ENOTDIR:
		return 404;
	case -EACCES:
		return 403;
	case -EINVAL:
	case -ENAMETOOLONG:
		return 400;
	default:
		return 500;
	}
}

/* A directory asked for without its '/': relative links need it. */
static void answer_redirect(struct http_response *resp, const char *path,
			    size_t len)
{
	char *location = malloc(len + 2);

	http_response_init(resp, 301);
	if (!location) {
		resp->failed = true;
		return;
	}
	memcpy(location, path, len);
	memcpy(location + len, "/", 2);
	http_response_field(resp, "Location", location);
	free(location);
}

static void answer_listing(struct http_response *resp, const char *path,
			   size_t len, struct fs_listing *l)
{
	char *url = strndup(path, len), *page;
	size_t page_len;

	if (!url || http_listing_render(url, l, &page, &page_len) < 0) {
		free(url);
		http_response_error(resp, 500);
		return;
	}
	free(url);
	http_response_init(resp, 200);
	http_response_buffer(resp, page, page_len);
	http_response_field(resp, "Content-Type", "text/html; charset=utf-8");
}

/*
 * A small file is read into memory, so that head and body leave in one
 * writev and the client wakes once. For repodata, configs and other
 * small files this is the difference that counts.
 */
static int body_small(struct http_response *resp, const struct fs_file *f,
		      uint64_t first, size_t len)
{
	char *buf = malloc(len ? len : 1);
	size_t at = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (; at < len; at += (size_t)n) {
		n = pread(f->fd, buf + at, len - at,
			  (off_t)(f->offset + first + at));
		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -EIO;
		}
	}
	http_response_buffer(resp, buf, len);
	return 0;
}

/*
 * A body of `len` bytes from `first` on. The response takes the file's
 * descriptor (sendfile reads at explicit offsets, so sharing the
 * image's open file is safe) or its buffer; *f is left owning nothing
 * it gave away.
 */
static int body(struct http_response *resp, struct fs_file *f,
		uint64_t first, uint64_t len)
{
	char *copy;

	if (f->fd >= 0 && len <= HTTP_SMALL_BODY)
		return body_small(resp, f, first, (size_t)len);
	if (f->fd >= 0) {
		http_response_file(resp, f->fd, f->offset + first, len);
		f->fd = -1;
		return 0;
	}
	if (first || len != f->size) {
		copy = malloc(len ? len : 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, (char *)f->data + first, len);
	} else {
		copy = f->data;
		f->data = NULL;
	}
	http_response_buffer(resp, copy, len);
	return 0;
}

static void add_validators(struct http_response *resp,
			   const struct http_validators *v)
{
	char date[HTTP_DATE_LEN];

	http_date_format(v->mtime, date);
	http_response_field(resp, "Last-Modified", date);
	http_response_field(resp, "ETag", v->etag);
}

/* 304, 416, 206 or 200 for an open file, per RFC 9110 §13 and §14. */
static void answer_file(struct http_response *resp,
			const struct http_request *req, struct fs_file *f)
{
	const struct http_preconditions pre = {
		.if_none_match = req->if_none_match,
		.if_modified_since = req->if_modified_since,
		.if_range = req->if_range,
	};
	char etag[FS_ETAG_MAX], crange[80], *path;
	struct http_validators v = { .etag = etag, .mtime = f->mtime.tv_sec };
	struct http_range range = { 0, f->size };
	enum http_range_result rr = HTTP_RANGE_NONE;
	int r;

	fs_file_etag(f, etag);
	if (http_not_modified(&pre, &v)) {
		http_response_init(resp, 304);
		add_validators(resp, &v);
		return;
	}
	if (http_if_range_holds(&pre, &v))
		rr = http_range_parse(req->range, f->size, &range);
	if (rr == HTTP_RANGE_UNSATISFIABLE) {
		http_response_init(resp, 416);
		snprintf(crange, sizeof(crange), "bytes */%llu",
			 (unsigned long long)f->size);
		http_response_field(resp, "Content-Range", crange);
		return;
	}
	http_response_init(resp, rr == HTTP_RANGE_PARTIAL ? 206 : 200);
	r = body(resp, f, range.first, range.length);
	if (r < 0) {
		log_limited(LOG_LEVEL_WARN, "http: %s: %s", req->target,
			    strerror(-r));
		http_response_clear(resp);
		http_response_error(resp, 500);
		return;
	}
	if (rr == HTTP_RANGE_PARTIAL) {
		snprintf(crange, sizeof(crange), "bytes %llu-%llu/%llu",
			 (unsigned long long)range.first,
			 (unsigned long long)(range.first + range.length - 1),
			 (unsigned long long)f->size);
		http_response_field(resp, "Content-Range", crange);
	}
	path = strndup(req->target, req->path_len);
	http_response_field(resp, "Content-Type",
			    http_mime_type(path ? path : ""));
	free(path);
	http_response_field(resp, "Accept-Ranges", "bytes");
	add_validators(resp, &v);
}

/* What request_lookup() found besides an open file (0) or an error (< 0). */
#define LOOKUP_LISTED 1     /* a directory asked for with its '/' */
#define LOOKUP_REDIRECT 2   /* a directory asked for without it */

/* Open or list the path under the read lock; see struct http_server. */
static int request_lookup(struct http_server *srv, const struct http_conn *c,
			  const struct http_request *req, struct fs_file *f,
			  struct fs_listing *l)
{
	struct http_client client = { .fs.addr = c->peer, .local = c->local };
	const struct fs_namespace *ns;
	const char *url = req->target;
	size_t len = req->path_len;
	int r;

	pthread_rwlock_rdlock(&srv->lock);
	ns = http_site_namespace(srv->site);
	http_site_identify(srv->site, srv->lookup, srv->lookup_data, &client);
	r = fs_open(ns, FS_PROTO_HTTP, url, len, &client.fs, f);
	if (r == -EISDIR && len && url[len - 1] == '/') {
		r = fs_list(ns, FS_PROTO_HTTP, url, len, l);
		if (r >= 0)
			r = LOOKUP_LISTED;
	} else if (r == -EISDIR) {
		r = LOOKUP_REDIRECT;
	}
	pthread_rwlock_unlock(&srv->lock);
	return r;
}

static void answer(void *data, const struct http_conn *c,
		   const struct http_request *req, struct http_response *resp)
{
	struct http_server *srv = data;
	struct fs_file f = FS_FILE_INIT;
	struct fs_listing l = { 0 };
	int r;

	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		http_response_error(resp, 405);
		http_response_field(resp, "Allow", "GET, HEAD");
		return;
	}
	r = request_lookup(srv, c, req, &f, &l);
	if (r < 0 && status_of(r) == 500)
		log_limited(LOG_LEVEL_WARN, "http: %s: %s", req->target,
			    strerror(-r));
	if (r < 0) {
		http_response_error(resp, status_of(r));
	} else if (r == LOOKUP_REDIRECT) {
		answer_redirect(resp, req->target, req->path_len);
	} else if (r == LOOKUP_LISTED) {
		answer_listing(resp, req->target, req->path_len, &l);
		fs_listing_clear(&l);
	} else {
		answer_file(resp, req, &f);
		fs_file_close(&f);
	}
}

static void access_write(void *data, const struct http_access *a)
{
	struct http_server *srv = data;
	char line[1024];
	size_t len = http_access_format(a, line, sizeof(line));
	ssize_t n;

	if (!srv->log_path) {
		log_info("http: %.*s", (int)len - 1, line);
		return;
	}
	/*
	 * O_APPEND and one write: lines from several threads stay whole.
	 * The read lock keeps a reload from closing the descriptor (whose
	 * number could then name another file) under the write.
	 */
	pthread_rwlock_rdlock(&srv->lock);
	n = write(srv->log_fd, line, len);
	pthread_rwlock_unlock(&srv->lock);
	if (n < 0)
		log_limited(LOG_LEVEL_WARN, "http: access log: %s",
			    strerror(errno));
}

static int access_log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	return fd < 0 ? -errno : fd;
}

static const struct http_conn_ops conn_ops = {
	.answer = answer,
	.log = access_write,
};

/* --- life cycle --- */

static int listen_socket(uint16_t port)
{
	int fd, r;

	r = net_bind(SOCK_STREAM, INADDR_ANY, port, NET_REUSEADDR, &fd);
	if (r < 0)
		return r;
	if (listen(fd, SOMAXCONN) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int http_server_new(const struct config *cfg, struct http_server **ret)
{
	const struct config_http *h = &cfg->http;
	pthread_rwlockattr_t attr;
	struct http_server *srv;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->log_fd = -1;
	srv->max_connections = h->max_connections;
	srv->timeout_s = h->timeout_s;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&srv->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	srv->listen_fd = listen_socket(h->port);
	if (srv->listen_fd < 0) {
		int r = srv->listen_fd;

		log_error("http: cannot listen on port %u: %s", h->port,
			  strerror(-r));
		http_server_free(srv);
		return r;
	}
	if (h->access_log) {
		srv->log_path = strdup(h->access_log);
		srv->log_fd = srv->log_path ? access_log_open(srv->log_path)
					    : -ENOMEM;
		if (srv->log_fd < 0) {
			int r = srv->log_fd;

			log_error("http: access log %s: %s", h->access_log,
				  strerror(-r));
			http_server_free(srv);
			return r;
		}
	}
	*ret = srv;
	return 0;
}

void http_server_set_host_lookup(struct http_server *srv,
				 http_host_lookup_fn *lookup, void *data)
{
	srv->lookup = lookup;
	srv->lookup_data = data;
}

int http_server_start(struct http_server *srv, struct http_site *site)
{
	const struct http_workers_config wc = {
		.listen_fd = srv->listen_fd,
		.max_connections = srv->max_connections,
		.timeout_s = srv->timeout_s,
		.ops = &conn_ops,
		.data = srv,
	};
	int r;

	srv->site = site;
	/* The workers close the socket, also when they fail to start. */
	srv->listen_fd = -1;
	r = http_workers_start(&wc, &srv->workers);
	if (r < 0)
		log_error("http: cannot start: %s", strerror(-r));
	return r;
}

void http_server_swap(struct http_server *srv, struct http_site *site)
{
	struct http_site *old;
	int fd = srv->log_path ? access_log_open(srv->log_path) : -1;
	int old_fd = -1;

	/* After the drop the file may no longer be ours to create. */
	if (srv->log_path && fd < 0)
		log_warn("http: cannot reopen access log %s: %s; still "
			 "writing to the old one", srv->log_path,
			 strerror(-fd));
	pthread_rwlock_wrlock(&srv->lock);
	old = srv->site;
	srv->site = site;
	if (fd >= 0) {
		old_fd = srv->log_fd;
		srv->log_fd = fd;
	}
	pthread_rwlock_unlock(&srv->lock);
	http_site_free(old);
	if (old_fd >= 0)
		close(old_fd);
}

struct http_server *http_server_free(struct http_server *srv)
{
	if (!srv)
		return NULL;
	http_workers_stop(srv->workers);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->log_fd >= 0)
		close(srv->log_fd);
	free(srv->log_path);
	http_site_free(srv->site);
	pthread_rwlock_destroy(&srv->lock);
	free(srv);
	return NULL;
}
