/* SPDX-License-Identifier: MIT */
/*
 * tftp/server.c - see server.h. Sockets and loop glue only: requests are
 * parsed and negotiated by packet.c, each transfer is driven by the state
 * machine in transfer.c, and this file carries out what it decides.
 *
 * A window's file data is read with one preadv(2) straight into its
 * packets, in a buffer shared by all transfers (the loop is one thread),
 * and send.c puts them on the wire: a transfer holds its state, its socket
 * and its open file, and in lock-step with small blocks the 8 KiB of the
 * file it read ahead, never more.
 */
#include "tftp/server.h"

#include "config.h"
#include "fs/namespace.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "tftp/packet.h"
#include "tftp/send.h"
#include "tftp/transfer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Requests taken from the listening socket per recvmmsg(2). */
#define TFTP_LISTEN_BATCH 16
#define TFTP_LISTEN_RCVBUF (4 * 1024 * 1024)
/*
 * Bounds of a window: blocks, and bytes. A window arrives as a burst; at
 * about twice its size in kernel memory it must fit the client's default
 * receive buffer (net.core.rmem_default, 208 KiB), or its tail is lost
 * every time: atftp with windowsize 16 at blksize 8192 shows it.
 */
#define TFTP_SERVER_WINDOW_MAX 64
#define TFTP_SERVER_WINDOW_BYTES (64 * 1024)
#define TFTP_SCRATCH_LEN                                                      \
	(TFTP_SERVER_WINDOW_BYTES + TFTP_HEADER_LEN * TFTP_SERVER_WINDOW_MAX)
/* Beyond this many transfers at once, new requests are turned away. */
#define TFTP_TRANSFERS_MAX 16384
#define TFTP_PEER_BUCKETS 4096
/* Longest requested name the log shows. */
#define TFTP_NAME_SHOWN 256
/* IPv4 and UDP headers, below the TFTP header, in an MTU. */
#define TFTP_IP_UDP_OVERHEAD 28
/* A lock-step transfer reads this much of its file at a time. */
#define TFTP_READAHEAD_BYTES 8192

struct tftp_transfer {
	struct tftp_server *server;
	struct loop_io io;             /* the transfer's own socket: its TID */
	struct loop_timer timer;
	struct sockaddr_in peer;
	struct tftp_transfer *next_in_bucket;
	struct tftp_transfer *prev, *next;
	struct fs_file file;
	struct tftp_xfer xfer;
	struct tftp_params params;
	enum tftp_mode mode;
	bool no_gso;                   /* UDP GSO failed once: sendmmsg */
	/* netascii only: where each block of the window starts in the file,
	   indexed by block % (windowsize + 1) */
	struct tftp_netascii *ascii;
	/* octet, one block at a time: the blocks read with the last one
	   sent, from offset ahead_start in the file (see read_block) */
	uint8_t *ahead;
	uint64_t ahead_start;
	size_t ahead_len;
	uint64_t started;              /* ms */
	char *name;                    /* as requested, for the log */
};

struct tftp_server {
	struct loop *loop;
	const struct config *config;
	const struct fs_namespace *ns;
	struct loop_io listen_io;
	struct tftp_transfer *transfers;
	size_t n_transfers;
	struct tftp_transfer *buckets[TFTP_PEER_BUCKETS];
	/* one window being built, shared: see the top of the file */
	uint8_t scratch[TFTP_SCRATCH_LEN];
	uint8_t ascii_src[TFTP_BLKSIZE_MAX];
	struct iovec iov[TFTP_SERVER_WINDOW_MAX];
	/* requests received in one recvmmsg(2) */
	uint8_t requests[TFTP_LISTEN_BATCH][TFTP_REQUEST_MAX];
	uint8_t controls[TFTP_LISTEN_BATCH]
			[CMSG_SPACE(sizeof(struct in_pktinfo))];
};

/* --- transfers by peer: a repeated request must not start another --- */

static struct tftp_transfer **peer_bucket(struct tftp_server *s,
					  const struct sockaddr_in *peer)
{
	uint32_t h = peer->sin_addr.s_addr * 2654435761u ^ peer->sin_port;

	return &s->buckets[(h ^ h >> 16) % TFTP_PEER_BUCKETS];
}

static bool same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

static struct tftp_transfer *transfer_find(struct tftp_server *s,
					   const struct sockaddr_in *peer)
{
	for (struct tftp_transfer *t = *peer_bucket(s, peer); t;
	     t = t->next_in_bucket)
		if (same_peer(&t->peer, peer))
			return t;
	return NULL;
}

static void transfer_link(struct tftp_server *s, struct tftp_transfer *t)
{
	struct tftp_transfer **b = peer_bucket(s, &t->peer);

	t->next_in_bucket = *b;
	*b = t;
	t->next = s->transfers;
	if (s->transfers)
		s->transfers->prev = t;
	s->transfers = t;
	s->n_transfers++;
}

static void transfer_unlink(struct tftp_server *s, struct tftp_transfer *t)
{
	struct tftp_transfer **p = peer_bucket(s, &t->peer);

	while (*p != t)
		p = &(*p)->next_in_bucket;
	*p = t->next_in_bucket;
	if (t->prev)
		t->prev->next = t->next;
	else
		s->transfers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	s->n_transfers--;
}

/*
 * The transfer may be freed from inside its own I/O callback: the memory
 * goes after this loop iteration, and fd -1 marks it dead for any event
 * of the same batch.
 */
static void transfer_free(struct tftp_transfer *t)
{
	struct tftp_server *s = t->server;

	transfer_unlink(s, t);
	loop_timer_cancel(s->loop, &t->timer);
	loop_io_remove(s->loop, &t->io);
	close(t->io.fd);
	t->io.fd = -1;
	fs_file_close(&t->file);
	free(t->ascii);
	free(t->ahead);
	free(t->name);
	if (loop_defer_free(s->loop, t) < 0)
		log_error("tftp: cannot defer a free; leaking one transfer");
}

static void transfer_end(struct tftp_transfer *t, const char *how)
{
	char addr[INET_ADDRSTRLEN];
	uint64_t now = loop_now(t->server->loop);

	inet_ntop(AF_INET, &t->peer.sin_addr, addr, sizeof(addr));
	log_info("tftp: %s %s to %s:%u (%llu bytes, blksize %u, window %u, "
		 "%llu ms)", how, t->name, addr, ntohs(t->peer.sin_port),
		 (unsigned long long)t->file.size, t->params.blksize,
		 t->params.windowsize,
		 (unsigned long long)(now - t->started));
	transfer_free(t);
}

/* --- reading a window into packets --- */

static uint8_t *slot(struct tftp_transfer *t, uint64_t i)
{
	return t->server->scratch +
	       i * (TFTP_HEADER_LEN + (size_t)t->params.blksize);
}

/* Bytes of block `b` (1-based) of a file whose size is known. */
static size_t block_len(const struct tftp_transfer *t, uint64_t b)
{
	uint64_t off = (b - 1) * t->params.blksize;
	uint64_t left = t->file.size > off ? t->file.size - off : 0;

	return left < t->params.blksize ? (size_t)left : t->params.blksize;
}

/* Generated content into the slots, as preadv(2) would put it. */
static ssize_t copy_data(const struct tftp_transfer *t, uint64_t start,
			 const struct iovec *iov, size_t n)
{
	const uint8_t *src = (const uint8_t *)t->file.data + start;
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		memcpy(iov[i].iov_base, src + total, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

/*
 * One block at `start` of the file (lock-step, or a window's last),
 * from the blocks read ahead with an earlier one, else by reading it and
 * the blocks after it with one pread(2): a system call costs about as
 * much as the rest of a block's work on a virtual machine (1 us each
 * here), and the blocks are asked for in order. Small blocks only, two
 * or more to a read; a short read is a short block, as from pread.
 */
static ssize_t read_block(struct tftp_transfer *t, uint64_t start,
			  void *dst, size_t len)
{
	size_t cap = TFTP_READAHEAD_BYTES / t->params.blksize *
		     t->params.blksize;
	off_t off = (off_t)(t->file.offset + start);
	size_t have;

	if (cap < 2 * (size_t)t->params.blksize)
		return pread(t->file.fd, dst, len, off);
	if (start < t->ahead_start ||
	    start + len > t->ahead_start + t->ahead_len) {
		ssize_t got;

		if (!t->ahead && !(t->ahead = malloc(cap)))
			return pread(t->file.fd, dst, len, off);
		got = pread(t->file.fd, t->ahead, cap, off);
		if (got < 0)
			return got;
		t->ahead_start = start;
		t->ahead_len = (size_t)got;
	}
	have = t->ahead_start + t->ahead_len - start;
	if (have > len)
		have = len;
	if (have)
		memcpy(dst, t->ahead + (start - t->ahead_start), have);
	return (ssize_t)have;
}

/*
 * Blocks first..last of an octet transfer, into the slots, with one
 * preadv(2) (or from generated data). A file that comes up short (it was
 * truncated in place) ends the transfer early at the short block.
 * Returns the number of packets, or a negative errno.
 */
static int read_octet(struct tftp_transfer *t, uint64_t first, uint64_t last,
		      size_t *lens)
{
	struct iovec *iov = t->server->iov;
	uint64_t start = (first - 1) * t->params.blksize;
	size_t n = (size_t)(last - first + 1);
	ssize_t got;

	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = slot(t, i) + TFTP_HEADER_LEN;
		iov[i].iov_len = block_len(t, first + i);
	}
	if (t->file.fd < 0)
		got = copy_data(t, start, iov, n);
	else if (n == 1)
		got = read_block(t, start, iov[0].iov_base, iov[0].iov_len);
	else
		got = preadv(t->file.fd, iov, (int)n,
			     (off_t)(t->file.offset + start));
	if (got < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)got < iov[i].iov_len ? (size_t)got
							  : iov[i].iov_len;

		lens[i] = len;
		got -= (ssize_t)len;
		if (len < t->params.blksize) {
			tftp_xfer_set_last(&t->xfer, first + i);
			return (int)i + 1;
		}
	}
	return (int)n;
}

static struct tftp_netascii *ascii_state(struct tftp_transfer *t, uint64_t b)
{
	return &t->ascii[b % ((uint64_t)t->params.windowsize + 1)];
}

/*
 * Blocks first..last of a netascii transfer, one by one: each starts
 * where the previous one's encoding stopped, so a window is re-read from
 * the state saved for its first block.
 */
static int read_netascii(struct tftp_transfer *t, uint64_t first,
			 uint64_t last, size_t *lens)
{
	size_t n = (size_t)(last - first + 1);

	for (size_t i = 0; i < n; i++) {
		struct tftp_netascii st = *ascii_state(t, first + i);
		uint64_t left = t->file.size - st.pos;
		size_t want = left < t->params.blksize ? (size_t)left
						       : t->params.blksize;
		const uint8_t *src = t->server->ascii_src;
		ssize_t got = (ssize_t)want;

		if (t->file.fd < 0)
			src = (const uint8_t *)t->file.data + st.pos;
		else if ((got = pread(t->file.fd, t->server->ascii_src, want,
				      (off_t)(t->file.offset + st.pos))) < 0)
			return -errno;
		lens[i] = tftp_netascii_encode(&st, src, (size_t)got,
					       slot(t, i) + TFTP_HEADER_LEN,
					       t->params.blksize);
		*ascii_state(t, first + i + 1) = st;
		if (lens[i] < t->params.blksize) {
			tftp_xfer_set_last(&t->xfer, first + i);
			return (int)i + 1;
		}
	}
	return (int)n;
}

static int send_window(struct tftp_transfer *t, const struct tftp_window *w)
{
	size_t lens[TFTP_SERVER_WINDOW_MAX];
	struct tftp_burst burst;
	int n;

	if (w->first == 0) {
		n = tftp_build_oack(slot(t, 0), TFTP_REQUEST_MAX, &t->params);
		if (n < 0)
			return n;
		tftp_send(t->io.fd, &t->peer, slot(t, 0), (size_t)n);
		return 0;
	}
	if (t->mode == TFTP_MODE_NETASCII)
		n = read_netascii(t, w->first, w->last, lens);
	else
		n = read_octet(t, w->first, w->last, lens);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		tftp_build_data_header(slot(t, (uint64_t)i),
				       tftp_xfer_wire_block(w->first + i));
		lens[i] += TFTP_HEADER_LEN;
	}
	burst = (struct tftp_burst){ slot(t, 0),
				     TFTP_HEADER_LEN + (size_t)t->params.blksize,
				     lens, (size_t)n };
	tftp_send_burst(t->io.fd, &t->peer, &burst, &t->no_gso);
	return 0;
}

/* Carry out what the state machine decided. */
static void transfer_act(struct tftp_transfer *t, enum tftp_xfer_action a,
			 const struct tftp_window *w)
{
	int r;

	switch (a) {
	case TFTP_XFER_WAIT:
		return;
	case TFTP_XFER_DONE:
		transfer_end(t, "sent");
		return;
	case TFTP_XFER_FAILED:
		transfer_end(t, "timed out sending");
		return;
	case TFTP_XFER_SEND:
		r = send_window(t, w);
		if (r < 0) {
			log_error("tftp: reading %s: %s", t->name,
				  strerror(-r));
			tftp_send_error(t->io.fd, &t->peer,
					TFTP_ERR_NOT_DEFINED, "read error");
			transfer_free(t);
			return;
		}
		if (loop_timer_arm(t->server->loop, &t->timer,
				   t->xfer.deadline) < 0) {
			transfer_end(t, "out of memory sending");
			return;
		}
	}
}

static void transfer_on_timer(struct loop_timer *timer, uint64_t now)
{
	struct tftp_transfer *t = container_of(timer, struct tftp_transfer,
					       timer);
	struct tftp_window w;

	transfer_act(t, tftp_xfer_expire(&t->xfer, now, &w), &w);
}

/* One packet on the transfer's socket. */
static void transfer_receive(struct tftp_transfer *t, const uint8_t *buf,
			     size_t len, const struct sockaddr_in *from)
{
	struct tftp_packet p;
	struct tftp_window w;

	if (!same_peer(from, &t->peer)) {
		/* RFC 1350 §4: answer the stranger, leave the transfer be. */
		tftp_send_error(t->io.fd, from, TFTP_ERR_UNKNOWN_TID,
				"unknown transfer ID");
		return;
	}
	if (tftp_packet_parse(buf, len, &p) < 0)
		return;
	if (p.opcode == TFTP_OP_ERROR)
		transfer_end(t, "client aborted");
	else if (p.opcode == TFTP_OP_ACK)
		transfer_act(t, tftp_xfer_ack(&t->xfer, p.block,
					      loop_now(t->server->loop), &w),
			     &w);
}

/*
 * One datagram per wakeup: in lock-step the next ACK cannot be there yet,
 * so reading on until EAGAIN would cost a system call per block; epoll
 * is level-triggered and reports anything still queued.
 */
static void transfer_on_io(struct loop_io *io, uint32_t events)
{
	struct tftp_transfer *t = container_of(io, struct tftp_transfer, io);
	uint8_t buf[TFTP_REQUEST_MAX];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	if (io->fd < 0)
		return;  /* ended earlier in this batch of events */
	n = recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &fromlen);
	if (n < 0 || fromlen != sizeof(from) || from.sin_family != AF_INET)
		return;
	transfer_receive(t, buf, (size_t)n, &from);
}

/* --- requests on the listening socket --- */

struct tftp_request_ctx {
	struct sockaddr_in peer;
	struct in_addr local;          /* the address the client asked */
	int ifindex;
};

/* RFC 2348: the largest block that fits the MTU of the interface. */
static uint16_t blksize_limit(struct tftp_server *s, int ifindex)
{
	struct ifreq ifr = { 0 };
	int mtu;

	if (s->config->tftp.blksize_max)
		return s->config->tftp.blksize_max;
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name) ||
	    ioctl(s->listen_io.fd, SIOCGIFMTU, &ifr) < 0)
		return TFTP_BLKSIZE_DEFAULT;
	mtu = ifr.ifr_mtu - TFTP_IP_UDP_OVERHEAD - TFTP_HEADER_LEN;
	if (mtu > TFTP_BLKSIZE_MAX)
		return TFTP_BLKSIZE_MAX;
	return mtu < TFTP_BLKSIZE_DEFAULT ? TFTP_BLKSIZE_DEFAULT
					  : (uint16_t)mtu;
}

/* A socket of its own for the transfer, on the address asked. */
static int transfer_socket(const struct tftp_request_ctx *ctx)
{
	int sndbuf = 2 * TFTP_SERVER_WINDOW_BYTES;
	int fd, r;

	r = net_bind(SOCK_DGRAM, ntohl(ctx->local.s_addr), 0, 0, &fd);
	if (r < 0)
		return r;
	/* Best effort: capped by net.core.wmem_max. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

static int transfer_setup(struct tftp_server *s, struct tftp_transfer *t,
			  const struct tftp_request *req,
			  const struct tftp_request_ctx *ctx, const char *name)
{
	const struct tftp_limits limits = {
		.blksize_max = blksize_limit(s, ctx->ifindex),
		.windowsize_max = TFTP_SERVER_WINDOW_MAX,
		.window_bytes_max = TFTP_SERVER_WINDOW_BYTES,
		.timeout_ms = s->config->tftp.timeout_ms,
	};
	bool ascii = req->mode == TFTP_MODE_NETASCII;
	int fd;

	tftp_negotiate(req, &limits, t->file.size, &t->params);
	if (ascii) {
		t->ascii = calloc((size_t)t->params.windowsize + 1,
				  sizeof(*t->ascii));
		if (!t->ascii)
			return -ENOMEM;
	}
	t->name = strdup(name);
	if (!t->name)
		return -ENOMEM;
	fd = transfer_socket(ctx);
	if (fd < 0)
		return fd;
	t->io.fd = fd;
	tftp_xfer_init(&t->xfer, t->params.oack != 0,
		       ascii ? TFTP_BLOCK_UNKNOWN : t->file.size,
		       t->params.blksize, t->params.windowsize,
		       t->params.timeout_ms, s->config->tftp.retries);
	return loop_io_add(s->loop, &t->io, fd, EPOLLIN, transfer_on_io);
}

/* fs/ errors as TFTP errors: the same refusals HTTP gives, in TFTP. */
static enum tftp_error_code error_from_errno(int r, const char **message)
{
	switch (r) {
	case -ENOENT:
	case -ENOTDIR:
		*message = "file not found";
		return TFTP_ERR_FILE_NOT_FOUND;
	case -EACCES:
	case -EPERM:
	case -EISDIR:
	case -EINVAL:
	case -ELOOP:
	case -EXDEV:
	case -ENAMETOOLONG:
		*message = "access violation";
		return TFTP_ERR_ACCESS_VIOLATION;
	default:
		*message = "cannot open file";
		return TFTP_ERR_NOT_DEFINED;
	}
}

static int transfer_start(struct tftp_server *s,
			  const struct tftp_request *req,
			  const struct tftp_request_ctx *ctx, const char *name)
{
	const struct fs_client client = { .addr = ctx->peer.sin_addr };
	struct tftp_transfer *t;
	struct tftp_window w;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->server = s;
	t->peer = ctx->peer;
	t->io.fd = -1;
	t->file = (struct fs_file)FS_FILE_INIT;
	t->mode = req->mode;
	t->started = loop_now(s->loop);
	loop_timer_init(&t->timer, transfer_on_timer);
	r = fs_open(s->ns, FS_PROTO_TFTP, req->filename, req->filename_len,
		    &client, &t->file);
	if (r >= 0)
		r = transfer_setup(s, t, req, ctx, name);
	if (r < 0) {
		if (t->io.fd >= 0)
			close(t->io.fd);
		fs_file_close(&t->file);
		free(t->ascii);
		free(t->name);
		free(t);
		return r;
	}
	transfer_link(s, t);
	transfer_act(t, tftp_xfer_start(&t->xfer, t->started, &w), &w);
	return 0;
}

/* Refusals go out from the address the request came to. */
static void reply_error(struct tftp_server *s,
			const struct tftp_request_ctx *ctx,
			enum tftp_error_code code, const char *message)
{
	uint8_t buf[TFTP_HEADER_LEN + 64];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control = { 0 };
	struct iovec iov = { buf, 0 };
	struct msghdr msg = {
		.msg_name = (void *)&ctx->peer,
		.msg_namelen = sizeof(ctx->peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int n = tftp_build_error(buf, sizeof(buf), code, message);

	if (n < 0)
		return;
	iov.iov_len = (size_t)n;
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	((struct in_pktinfo *)CMSG_DATA(c))->ipi_spec_dst = ctx->local;
	if (sendmsg(s->listen_io.fd, &msg, 0) < 0)
		log_limited(LOG_LEVEL_DEBUG, "tftp: error reply: %s",
			    strerror(errno));
}

/*
 * The requested name as logs show it: control bytes as '?', so that a
 * name cannot forge log lines; cut at TFTP_NAME_SHOWN.
 */
static void name_for_log(char dst[TFTP_NAME_SHOWN],
			 const struct tftp_request *req)
{
	size_t n = req->filename_len < TFTP_NAME_SHOWN - 1
			   ? req->filename_len
			   : TFTP_NAME_SHOWN - 1;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)req->filename[i];

		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/*
 * A request from the port of a transfer in progress: the same file
 * before any data was acknowledged is the client repeating itself (our
 * answer is slow or lost): ignored, the transfer's timer answers it.
 * Anything else means the client moved on, as PXE ROMs that reuse their
 * port after a tsize query do: the old transfer ends. True: ignore.
 */
static bool supersede(struct tftp_server *s,
		      const struct tftp_request_ctx *ctx, const char *name)
{
	struct tftp_transfer *old = transfer_find(s, &ctx->peer);

	if (!old)
		return false;
	if (old->xfer.base <= 1 && !strcmp(old->name, name))
		return true;
	transfer_end(old, "superseded");
	return false;
}

static void handle_request(struct tftp_server *s, const uint8_t *buf,
			   size_t len, const struct tftp_request_ctx *ctx)
{
	char addr[INET_ADDRSTRLEN], name[TFTP_NAME_SHOWN];
	struct tftp_packet p;
	const char *message;
	int r;

	inet_ntop(AF_INET, &ctx->peer.sin_addr, addr, sizeof(addr));
	r = tftp_packet_parse(buf, len, &p);
	if (r == -EPROTONOSUPPORT) {
		reply_error(s, ctx, TFTP_ERR_ILLEGAL_OPERATION,
			    "unsupported transfer mode");
		return;
	}
	if (r < 0 || (p.opcode != TFTP_OP_RRQ && p.opcode != TFTP_OP_WRQ)) {
		log_limited(LOG_LEVEL_DEBUG, "tftp: malformed request from %s, "
			    "ignoring", addr);
		return;
	}
	if (p.opcode == TFTP_OP_WRQ) {
		log_limited(LOG_LEVEL_INFO, "tftp: write request from %s "
			    "refused", addr);
		reply_error(s, ctx, TFTP_ERR_ACCESS_VIOLATION,
			    "writing is not allowed");
		return;
	}
	name_for_log(name, &p.request);
	if (supersede(s, ctx, name))
		return;
	if (s->n_transfers >= TFTP_TRANSFERS_MAX) {
		log_limited(LOG_LEVEL_WARN, "tftp: %u transfers at once, "
			    "turning %s away", TFTP_TRANSFERS_MAX, addr);
		reply_error(s, ctx, TFTP_ERR_NOT_DEFINED, "server busy");
		return;
	}
	log_debug("tftp: RRQ %s from %s:%u", name, addr,
		  ntohs(ctx->peer.sin_port));
	r = transfer_start(s, &p.request, ctx, name);
	if (r < 0) {
		enum tftp_error_code code = error_from_errno(r, &message);

		log_limited(LOG_LEVEL_INFO, "tftp: %s from %s refused: %s",
			    name, addr, strerror(-r));
		reply_error(s, ctx, code, message);
	}
}

/* Where the datagram was addressed, from its IP_PKTINFO. */
static bool request_ctx(const struct msghdr *msg,
			struct tftp_request_ctx *ctx)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			const struct in_pktinfo *pi =
				(const struct in_pktinfo *)CMSG_DATA(c);

			ctx->local = pi->ipi_spec_dst;
			ctx->ifindex = pi->ipi_ifindex;
			return true;
		}
	}
	return false;
}

static void listen_on_io(struct loop_io *io, uint32_t events)
{
	struct tftp_server *s = container_of(io, struct tftp_server,
					     listen_io);
	struct tftp_request_ctx ctx[TFTP_LISTEN_BATCH];
	struct mmsghdr m[TFTP_LISTEN_BATCH];
	struct iovec iov[TFTP_LISTEN_BATCH];
	int n;

	for (int i = 0; i < TFTP_LISTEN_BATCH; i++) {
		iov[i] = (struct iovec){ s->requests[i], TFTP_REQUEST_MAX };
		m[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &ctx[i].peer,
			.msg_namelen = sizeof(ctx[i].peer),
			.msg_iov = &iov[i],
			.msg_iovlen = 1,
			.msg_control = s->controls[i],
			.msg_controllen = sizeof(s->controls[i]),
		} };
	}
	n = recvmmsg(io->fd, m, TFTP_LISTEN_BATCH, 0, NULL);
	for (int i = 0; i < n; i++) {
		if (m[i].msg_hdr.msg_namelen != sizeof(ctx[i].peer) ||
		    (m[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    !request_ctx(&m[i].msg_hdr, &ctx[i]))
			continue;
		handle_request(s, s->requests[i], m[i].msg_len, &ctx[i]);
	}
}

/* --- the server --- */

static int listen_socket(const struct config *config)
{
	int fd, r;

	r = net_bind(SOCK_DGRAM, ntohl(config->server.address.s_addr),
		     config->tftp.port, NET_PKTINFO, &fd);
	if (r < 0)
		return r;
	/*
	 * Room for a burst of requests (a rack powering on at once): past
	 * net.core.rmem_max while we still may (root, before the drop).
	 */
	net_socket_grow_rcvbuf(fd, TFTP_LISTEN_RCVBUF);
	return fd;
}

/* Each transfer holds a socket and maybe a file: allow thousands. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int tftp_server_new(struct loop *loop, const struct config *config,
		    const struct fs_namespace *ns, struct tftp_server **ret)
{
	struct tftp_server *s;
	int fd, r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->config = config;
	s->ns = ns;
	fd = listen_socket(config);
	if (fd < 0) {
		log_error("tftp: cannot bind port %u: %s", config->tftp.port,
			  strerror(-fd));
		free(s);
		return fd;
	}
	r = loop_io_add(loop, &s->listen_io, fd, EPOLLIN, listen_on_io);
	if (r < 0) {
		close(fd);
		free(s);
		return r;
	}
	raise_fd_limit();
	log_info("tftp: listening on port %u", config->tftp.port);
	*ret = s;
	return 0;
}

void tftp_server_reload(struct tftp_server *s, const struct config *config,
			const struct fs_namespace *ns)
{
	if (config->tftp.port != s->config->tftp.port ||
	    config->server.address.s_addr != s->config->server.address.s_addr)
		log_warn("tftp: a new port or address takes a restart; "
			 "still on port %u", s->config->tftp.port);
	s->config = config;
	s->ns = ns;
}

struct tftp_server *tftp_server_free(struct tftp_server *s)
{
	if (!s)
		return NULL;
	while (s->transfers)
		transfer_free(s->transfers);
	loop_io_remove(s->loop, &s->listen_io);
	close(s->listen_io.fd);
	free(s);
	return NULL;
}
