/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for sending HTTP responses (response.c) over a real TCP
 * connection on loopback: the head as built, bodies from memory and
 * from a file, the send budget, HEAD and 304 without a body, a file
 * shorter than its length, and the cork lifted once a file is out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/response.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATE "Sun, 06 Dec 2026 13:00:00 GMT"

struct pair {
	int server, client;   /* the server's end is non-blocking */
};

static int setup(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct pair *p = malloc(sizeof(*p));
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	assert_non_null(p);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	p->client = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(p->client, (struct sockaddr *)&a, sizeof(a)),
			 0);
	p->server = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(p->server >= 0);
	close(lfd);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	close(p->server);
	close(p->client);
	free(p);
	return 0;
}

/* What the client has received within `ms`, appended to *out. */
static size_t receive(int fd, char **out, size_t *len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (poll(&pfd, 1, ms) == 1) {
		char buf[65536];
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0)
			break;
		*out = realloc(*out, *len + (size_t)n + 1);
		assert_non_null(*out);
		memcpy(*out + *len, buf, (size_t)n);
		*len += (size_t)n;
		(*out)[*len] = '\0';
		got += (size_t)n;
	}
	return got;
}

/* Send all of r, the client reading as it goes; the received bytes. */
static char *exchange(struct pair *p, struct http_response *r, size_t *len)
{
	char *out = NULL;
	bool more;
	int done;

	*len = 0;
	while (!(done = http_response_send(r, p->server, 1u << 20, &more))) {
		assert_true(done >= 0);
		receive(p->client, &out, len, 0);
	}
	assert_int_equal(done, 1);
	/* The last bytes must not wait: 200 ms is the kernel's cork timer. */
	receive(p->client, &out, len, 50);
	return out;
}

static char *temp_file(size_t size, int *fd)
{
	char path[] = "/tmp/pxed-test-response-XXXXXX";
	char *data = malloc(size);

	assert_non_null(data);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 7 + i / 251);
	*fd = mkstemp(path);
	assert_true(*fd >= 0);
	unlink(path);
	assert_int_equal(write(*fd, data, size), (ssize_t)size);
	return data;
}

/* A finished response whose body is length bytes from offset of a file
   of `size` bytes; the file's bytes, which the caller frees. */
static char *file_response(struct http_response *r, unsigned status,
			   size_t size, uint64_t offset, uint64_t length,
			   bool head_only)
{
	int fd;
	char *data = temp_file(size, &fd);

	http_response_init(r, status);
	http_response_file(r, fd, offset, length);
	assert_int_equal(http_response_finish(r, head_only, true, true, DATE),
			 0);
	return data;
}

static int corked(int sock)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(sock, IPPROTO_TCP, TCP_CORK, &v, &len), 0);
	return v;
}

static void test_text_body(void **state)
{
	struct pair *p = *state;
	struct http_response r;
	size_t len;
	char *got;

	http_response_init(&r, 200);
	http_response_field(&r, "Content-Type", "text/plain");
	http_response_text(&r, "hello");
	assert_int_equal(http_response_finish(&r, false, true, true, DATE), 0);
	got = exchange(p, &r, &len);
	assert_string_equal(got, "HTTP/1.1 200 OK\r\n"
				 "Content-Type: text/plain\r\n"
				 "Content-Length: 5\r\n"
				 "Date: " DATE "\r\n\r\nhello");
	free(got);
	http_response_clear(&r);
}

static void test_connection_fields(void **state)
{
	struct pair *p = *state;
	struct http_response r;
	size_t len;
	char *got;

	/* HTTP/1.1 closing says so; HTTP/1.0 staying open says so. */
	http_response_init(&r, 404);
	assert_int_equal(http_response_finish(&r, false, true, false, DATE), 0);
	got = exchange(p, &r, &len);
	assert_non_null(strstr(got, "\r\nConnection: close\r\n"));
	free(got);
	http_response_clear(&r);
	http_response_init(&r, 200);
	assert_int_equal(http_response_finish(&r, false, false, true, DATE), 0);
	got = exchange(p, &r, &len);
	assert_non_null(strstr(got, "\r\nConnection: keep-alive\r\n"));
	free(got);
	http_response_clear(&r);
}

/* A file body whose size is no multiple of a segment: all of it
   arrives at once, identical, and the socket is left uncorked. */
static void test_file_body(void **state)
{
	struct pair *p = *state;
	size_t size = 3 * 65536 + 12345, len;
	struct http_response r;
	char *data, *got, *body;

	data = file_response(&r, 206, size, 1000, size - 2000, false);
	got = exchange(p, &r, &len);
	assert_int_equal(corked(p->server), 0);
	assert_non_null(strstr(got, "HTTP/1.1 206 Partial Content\r\n"));
	body = strstr(got, "\r\n\r\n") + 4;
	assert_int_equal(len - (size_t)(body - got), size - 2000);
	assert_memory_equal(body, data + 1000, size - 2000);
	free(got);
	free(data);
	http_response_clear(&r);
}

/* The budget bounds a call; the rest goes on the next ones. */
static void test_budget(void **state)
{
	struct pair *p = *state;
	size_t size = 100000, len = 0;
	struct http_response r;
	char *data, *got = NULL;
	bool more;

	data = file_response(&r, 200, size, 0, size, false);
	assert_int_equal(http_response_send(&r, p->server, 1000, &more), 0);
	assert_true(more);
	assert_int_equal(r.body_sent, 1000);
	assert_int_equal(http_response_send(&r, p->server, 1u << 20, &more), 1);
	assert_int_equal(r.body_sent, size);
	receive(p->client, &got, &len, 50);
	assert_memory_equal(strstr(got, "\r\n\r\n") + 4, data, size);
	free(got);
	free(data);
	http_response_clear(&r);
}

/* HEAD and 304 send the head alone; a 304 has no Content-Length. */
static void test_no_body(void **state)
{
	struct pair *p = *state;
	struct http_response r;
	size_t len;
	char *data, *got;

	data = file_response(&r, 200, 5000, 0, 5000, true);
	got = exchange(p, &r, &len);
	assert_non_null(strstr(got, "\r\nContent-Length: 5000\r\n"));
	assert_string_equal(strstr(got, "\r\n\r\n"), "\r\n\r\n");
	free(got);
	http_response_clear(&r);
	http_response_init(&r, 304);
	http_response_field(&r, "ETag", "\"x\"");
	assert_int_equal(http_response_finish(&r, false, true, true, DATE), 0);
	got = exchange(p, &r, &len);
	assert_null(strstr(got, "Content-Length"));
	assert_string_equal(strstr(got, "\r\n\r\n"), "\r\n\r\n");
	free(got);
	free(data);
	http_response_clear(&r);
}

/* A file that ends before its length is an error, not a hang. */
static void test_file_shorter_than_length(void **state)
{
	struct pair *p = *state;
	struct http_response r;
	char *data, *got = NULL;
	size_t len = 0;
	bool more;

	data = file_response(&r, 200, 4096, 0, 8192, false);
	assert_int_equal(http_response_send(&r, p->server, 1u << 20, &more),
			 -EIO);
	receive(p->client, &got, &len, 0);
	free(got);
	free(data);
	http_response_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_body, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_connection_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_body, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_shorter_than_length,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
