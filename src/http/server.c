/* SPDX-License-Identifier: MIT */
/*
 * server.c - see server.h.
 *
 * Threads: libmicrohttpd runs one thread per connection (and one that
 * accepts); our handler runs in them. Measured against its epoll thread
 * pool on two cores (bench/http), this served 4 MiB and 512 MiB files
 * with about half the CPU per GiB: a blocking thread sends 2 MiB per
 * sendfile call where the event loop sends 128 KiB and polls again.
 * Installers hold few connections each, so threads are cheap here.
 *
 * The site (namespace + templates + config) is replaced on reload while
 * they run. A read-write lock guards the pointer: a handler
 * holds the read side only while it looks the file up and builds the
 * response (microseconds), never while bytes are sent, because an open
 * fs_file owns its descriptor or buffer. So the swap waits at most for
 * lookups in flight, and afterwards nothing can touch the old site. A
 * refcount would also work but would have to be carried to the
 * completion callback for no gain. Writers are preferred so that a
 * steady stream of requests cannot starve a reload.
 */
#include "http/server.h"
#include "http/access_log.h"
#include "http/headers.h"
#include "http/listing.h"
#include "http/mime.h"

#include "config.h"
#include "log.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A request line and headers beyond this get 431 from libmicrohttpd. */
#define HTTP_HEADER_MEMORY (32 * 1024)
/* Bodies up to this are read and sent with the headers; see below. */
#define HTTP_SMALL_BODY (64 * 1024)

struct http_server {
	int listen_fd;             /* ours until libmicrohttpd takes it */
	int log_fd;                /* access log (under lock); -1: main log */
	char *log_path;
	unsigned max_connections;
	atomic_uint connections;   /* open now, across all threads */
	unsigned timeout_s;
	struct MHD_Daemon *mhd;
	pthread_rwlock_t lock;
	struct http_site *site;    /* under lock */
	http_host_lookup_fn *lookup;
	void *lookup_data;
};

/* One request, from the handler to the completion callback. */
struct http_request {
	struct http_access access;
	char method[16];           /* access.method points here; "-" until
				      the headers are in */
	char *target;              /* as requested, with any query: logged */
	char *path;                /* the target without the query */
	uintptr_t target_end;      /* where the target ended in the request
				      line: see request_line_ok */
	bool headers_in;           /* on_request has seen this request */
	bool malformed;            /* answer 400 */
};

/* --- responses --- */

static struct MHD_Response *response_text(const char *text)
{
	return MHD_create_response_from_buffer(strlen(text), (void *)text,
					       MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result queue(struct MHD_Connection *conn,
			     struct http_request *req, unsigned status,
			     struct MHD_Response *resp, uint64_t bytes)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	req->access.status = status;
	req->access.bytes = strcmp(req->access.method, "HEAD") ? bytes : 0;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *conn,
				     struct http_request *req, unsigned status)
{
	const char *text;
	struct MHD_Response *resp;

	switch (status) {
	case 400: text = "400 Bad Request\n"; break;
	case 403: text = "403 Forbidden\n"; break;
	case 404: text = "404 Not Found\n"; break;
	case 405: text = "405 Method Not Allowed\n"; break;
	default: text = "500 Internal Server Error\n"; break;
	}
	resp = response_text(text);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					"GET, HEAD");
	return queue(conn, req, status, resp, strlen(text));
}

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
static enum MHD_Result respond_redirect(struct MHD_Connection *conn,
					struct http_request *req,
					const char *url)
{
	struct MHD_Response *resp = response_text("");
	char *location;

	if (!resp || asprintf(&location, "%s/", url) < 0) {
		if (resp)
			MHD_destroy_response(resp);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	free(location);
	return queue(conn, req, 301, resp, 0);
}

static enum MHD_Result respond_listing(struct MHD_Connection *conn,
				       struct http_request *req,
				       struct fs_listing *l)
{
	struct MHD_Response *resp;
	char *page;
	size_t len;

	if (http_listing_render(req->path, l, &page, &len) < 0)
		return respond_error(conn, req, 500);
	resp = MHD_create_response_from_buffer(len, page,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/html; charset=utf-8");
	return queue(conn, req, 200, resp, len);
}

/*
 * A small file is read into memory: libmicrohttpd then sends headers and
 * body in one call, where a file response takes two (send, then
 * sendfile), and the client wakes twice. For repodata, configs and
 * other small files this is the difference that counts.
 */
static struct MHD_Response *response_small(const struct fs_file *f,
					   uint64_t first, size_t len)
{
	struct MHD_Response *resp;
	char *buf = malloc(len ? len : 1);
	size_t at = 0;
	ssize_t n;

	if (!buf)
		return NULL;
	for (; at < len; at += (size_t)n) {
		n = pread(f->fd, buf + at, len - at,
			  (off_t)(f->offset + first + at));
		if (n <= 0) {
			free(buf);
			return NULL;
		}
	}
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		free(buf);
	return resp;
}

/*
 * A body of `len` bytes from `first` on. The response takes the file's
 * descriptor (libmicrohttpd closes it; it reads with pread/sendfile at
 * explicit offsets, so sharing the image's open file is safe) or its
 * buffer; *f is left owning nothing it gave away.
 */
static struct MHD_Response *response_body(struct fs_file *f, uint64_t first,
					  uint64_t len)
{
	struct MHD_Response *resp;

	if (f->fd >= 0 && len <= HTTP_SMALL_BODY)
		return response_small(f, first, (size_t)len);
	if (f->fd >= 0) {
		resp = MHD_create_response_from_fd_at_offset64(
			len, f->fd, f->offset + first);
		if (resp)
			f->fd = -1;
		return resp;
	}
	if (first || len != f->size)
		return MHD_create_response_from_buffer(
			len, (char *)f->data + first, MHD_RESPMEM_MUST_COPY);
	resp = MHD_create_response_from_buffer(len, f->data,
					       MHD_RESPMEM_MUST_FREE);
	if (resp)
		f->data = NULL;
	return resp;
}

static void add_validators(struct MHD_Response *resp,
			   const struct http_validators *v)
{
	char date[HTTP_DATE_LEN];

	http_date_format(v->mtime, date);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, v->etag);
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* 304, 416, 206 or 200 for an open file, per RFC 9110 §13 and §14. */
static enum MHD_Result respond_file(struct MHD_Connection *conn,
				    struct http_request *req,
				    struct fs_file *f)
{
	const struct http_preconditions pre = {
		.if_none_match = header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH),
		.if_modified_since =
			header(conn, MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
		.if_range = header(conn, MHD_HTTP_HEADER_IF_RANGE),
	};
	char etag[FS_ETAG_MAX], crange[80];
	struct http_validators v = { .etag = etag, .mtime = f->mtime.tv_sec };
	struct http_range range = { 0, f->size };
	enum http_range_result rr = HTTP_RANGE_NONE;
	struct MHD_Response *resp;
	unsigned status = 200;

	fs_file_etag(f, etag);
	if (http_not_modified(&pre, &v)) {
		resp = response_text("");
		if (resp)
			add_validators(resp, &v);
		return queue(conn, req, 304, resp, 0);
	}
	if (http_if_range_holds(&pre, &v))
		rr = http_range_parse(header(conn, MHD_HTTP_HEADER_RANGE),
				      f->size, &range);
	if (rr == HTTP_RANGE_UNSATISFIABLE) {
		resp = response_text("");
		snprintf(crange, sizeof(crange), "bytes */%llu",
			 (unsigned long long)f->size);
		if (resp)
			MHD_add_response_header(resp,
						MHD_HTTP_HEADER_CONTENT_RANGE,
						crange);
		return queue(conn, req, 416, resp, 0);
	}
	resp = response_body(f, range.first, range.length);
	if (!resp)
		return MHD_NO;
	if (rr == HTTP_RANGE_PARTIAL) {
		status = 206;
		snprintf(crange, sizeof(crange), "bytes %llu-%llu/%llu",
			 (unsigned long long)range.first,
			 (unsigned long long)(range.first + range.length - 1),
			 (unsigned long long)f->size);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE,
					crange);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				http_mime_type(req->path));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	add_validators(resp, &v);
	return queue(conn, req, status, resp, range.length);
}

/* --- requests --- */

/* The client's IPv4 address; INADDR_ANY if it has none (the listener is
   IPv4 only, so that does not happen). */
static struct in_addr client_addr(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info;
	const struct sockaddr_in *sin;

	info = MHD_get_connection_info(conn,
				       MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || info->client_addr->sa_family != AF_INET)
		return (struct in_addr){ INADDR_ANY };
	sin = (const struct sockaddr_in *)info->client_addr;
	return sin->sin_addr;
}

static void client_init(struct MHD_Connection *conn,
			struct http_client *client)
{
	const union MHD_ConnectionInfo *info;
	struct sockaddr_in local;
	socklen_t len = sizeof(local);

	memset(client, 0, sizeof(*client));
	client->fs.addr = client_addr(conn);
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info && !getsockname(info->connect_fd, (struct sockaddr *)&local,
				 &len) && local.sin_family == AF_INET)
		client->local = local.sin_addr;
}

/* What request_lookup() found besides an open file (0) or an error (< 0). */
#define LOOKUP_LISTED 1     /* a directory asked for with its '/' */
#define LOOKUP_REDIRECT 2   /* a directory asked for without it */

/* Open or list the path under the read lock; see struct http_server. */
static int request_lookup(struct http_server *srv,
			  struct MHD_Connection *conn, const char *url,
			  struct fs_file *f, struct fs_listing *l)
{
	struct http_client client;
	const struct fs_namespace *ns;
	size_t len = strlen(url);
	int r;

	client_init(conn, &client);
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

static enum MHD_Result answer(struct http_server *srv,
			      struct MHD_Connection *conn,
			      struct http_request *req)
{
	struct fs_file f = FS_FILE_INIT;
	struct fs_listing l = { 0 };
	enum MHD_Result ret;
	int r;

	if (req->malformed)
		return respond_error(conn, req, 400);
	if (strcmp(req->access.method, "GET") &&
	    strcmp(req->access.method, "HEAD"))
		return respond_error(conn, req, 405);
	r = request_lookup(srv, conn, req->path, &f, &l);
	if (r < 0 && status_of(r) == 500)
		log_limited(LOG_LEVEL_WARN, "http: %s: %s", req->path,
			    strerror(-r));
	if (r < 0)
		return respond_error(conn, req, status_of(r));
	if (r == LOOKUP_REDIRECT)
		return respond_redirect(conn, req, req->path);
	if (r == LOOKUP_LISTED) {
		ret = respond_listing(conn, req, &l);
		fs_listing_clear(&l);
		return ret;
	}
	ret = respond_file(conn, req, &f);
	fs_file_close(&f);
	return ret;
}

/*
 * A request target with a NUL byte in it must be refused, but the target
 * handed to us is a C string: "GET /srv/\0/../x HTTP/1.1" arrives as
 * "/srv/". libmicrohttpd 0.9.x splits the request line in place, so the
 * version string starts right after the target's terminator (measured
 * when the request line arrived, before the query is cut off); a longer
 * gap means bytes were hidden behind a NUL. (If a future version copies
 * the strings elsewhere, the check passes everything and fs/ still
 * confines the path.) Only HTTP/1.x is answered: no installer speaks 0.9.
 */
static bool request_line_ok(const struct http_request *req,
			    const char *version)
{
	uintptr_t v = (uintptr_t)version, end = req->target_end;

	if (strcmp(version, MHD_HTTP_VERSION_1_1) &&
	    strcmp(version, MHD_HTTP_VERSION_1_0))
		return false;
	return v < end || v - end <= 1 || v - end > 65536;
}

/*
 * libmicrohttpd calls this with the request line's target, before the
 * headers: a request that it then refuses itself (431, headers too
 * large) still has a record here, which on_completed logs.
 */
static void *on_request_line(void *cls, const char *target,
			     struct MHD_Connection *conn)
{
	struct http_request *req = calloc(1, sizeof(*req));
	struct in_addr addr = client_addr(conn);

	(void)cls;
	if (!req)
		return NULL;
	req->target = strdup(target);
	req->path = strndup(target, strcspn(target, "?"));
	if (!req->target || !req->path) {
		free(req->target);
		free(req->path);
		free(req);
		return NULL;
	}
	req->target_end = (uintptr_t)target + strlen(target);
	strcpy(req->method, "-");
	req->access.method = req->method;
	req->access.path = req->target;
	req->access.when = time(NULL);
	inet_ntop(AF_INET, &addr, req->access.client,
		  sizeof(req->access.client));
	return req;
}

/*
 * libmicrohttpd calls this first when the headers are in, then with any
 * body, then once more with none left. Answering on that last call (not
 * the first) lets it keep the connection alive: an early answer would
 * leave a possible body unread, so it would have to close.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_request *req = *con_cls;

	(void)url;   /* req->path: the same, cut at the same '?' */
	(void)upload_data;
	if (!req)
		return MHD_NO;   /* on_request_line ran out of memory */
	if (!req->headers_in) {
		req->headers_in = true;
		snprintf(req->method, sizeof(req->method), "%s", method);
		req->malformed = !request_line_ok(req, version);
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* GET and HEAD carry no body; one is read and dropped. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(cls, conn, req);
}

static void access_write(struct http_server *srv, const struct http_access *a)
{
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

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_request *req = *con_cls;

	if (!req)
		return;
	if (req->access.status) {
		req->access.aborted =
			toe != MHD_REQUEST_TERMINATED_COMPLETED_OK;
	} else {
		/* libmicrohttpd answered this one itself (431, 400, ...) */
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_HTTP_STATUS);

		req->access.status = info ? info->http_status : 0;
	}
	access_write(cls, &req->access);
	free(req->target);
	free(req->path);
	free(req);
	*con_cls = NULL;
}

/*
 * The connection limit is counted here rather than left to
 * libmicrohttpd, which stops accepting and leaves the excess waiting in
 * the listen backlog, where a client cannot tell a full server from a
 * slow one: over the limit, a connection is closed at once.
 */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr,
				 socklen_t len)
{
	struct http_server *srv = cls;

	(void)addr;
	(void)len;
	if (atomic_load(&srv->connections) < srv->max_connections)
		return MHD_YES;
	log_limited(LOG_LEVEL_WARN, "http: %u connections open, refusing more",
		    srv->max_connections);
	return MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;

	(void)conn;
	(void)socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&srv->connections, 1);
	else
		atomic_fetch_sub(&srv->connections, 1);
}

/*
 * fs/ decodes and confines request paths itself (one normaliser for both
 * protocols), so libmicrohttpd must hand them over as sent.
 */
static size_t keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (log_enabled(LOG_LEVEL_DEBUG))
		log_vmsg(LOG_LEVEL_DEBUG, fmt, ap);
}

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
	srv->site = site;
	srv->mhd = MHD_start_daemon(
		/* poll(), not select(): descriptors may pass FD_SETSIZE. */
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD |
			MHD_USE_ERROR_LOG,
		0, on_accept, srv, on_request, srv,
		/* First, so that no message goes to stderr directly. */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
		MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
		/* Ours is on_accept; libmicrohttpd's own (default about
		   1000) must never bind first. */
		MHD_OPTION_CONNECTION_LIMIT, srv->max_connections + 64,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, srv->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, on_request_line, NULL,
		MHD_OPTION_END);
	if (!srv->mhd) {
		log_error("http: cannot start libmicrohttpd");
		return -EIO;
	}
	/* libmicrohttpd closes the socket when it stops. */
	srv->listen_fd = -1;
	return 0;
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
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
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
