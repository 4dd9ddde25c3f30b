/* SPDX-License-Identifier: MIT */
/* tftp/send.c - see send.h */
#include "tftp/send.h"

#include "log.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* UDP GSO: bytes and segments of one datagram before the kernel cuts it
 * (UDP_MAX_SEGMENTS is 64 on older kernels, 128 on newer ones). */
#define GSO_BYTES_MAX 65000
#define GSO_SEGMENTS_MAX 64
/* Packets per sendmmsg(2) call. */
#define MMSG_BATCH 64

void tftp_send(int fd, const struct sockaddr_in *to, const void *buf,
	       size_t len)
{
	if (sendto(fd, buf, len, 0, (const struct sockaddr *)to,
		   sizeof(*to)) < 0)
		log_limited(LOG_LEVEL_DEBUG, "tftp: sendto: %s",
			    strerror(errno));
}

void tftp_send_error(int fd, const struct sockaddr_in *to,
		     enum tftp_error_code code, const char *message)
{
	uint8_t buf[TFTP_HEADER_LEN + 64];
	int n = tftp_build_error(buf, sizeof(buf), code, message);

	if (n > 0)
		tftp_send(fd, to, buf, (size_t)n);
}

/* Packets from..n of the burst, MMSG_BATCH per sendmmsg(2). */
static void send_each(int fd, const struct sockaddr_in *to,
		      const struct tftp_burst *b, size_t from)
{
	struct mmsghdr m[MMSG_BATCH];
	struct iovec iov[MMSG_BATCH];

	while (from < b->n) {
		size_t k = b->n - from < MMSG_BATCH ? b->n - from : MMSG_BATCH;
		int r;

		for (size_t i = 0; i < k; i++) {
			iov[i] = (struct iovec){
				(void *)(b->base + (from + i) * b->stride),
				b->lens[from + i]
			};
			m[i] = (struct mmsghdr){ .msg_hdr = {
				.msg_name = (void *)to,
				.msg_namelen = sizeof(*to),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
			} };
		}
		r = sendmmsg(fd, m, (unsigned)k, 0);
		if (r <= 0) {
			log_limited(LOG_LEVEL_DEBUG, "tftp: sendmmsg: %s",
				    strerror(errno));
			return;
		}
		from += (size_t)r;
	}
}

/*
 * Up to GSO_SEGMENTS_MAX packets per sendmsg(2), handed to the kernel as
 * one datagram that it cuts at `stride` (GSO allows a short last
 * segment), instead of walking the stack once per packet. Returns how
 * many went, or -errno if none did.
 */
static int send_gso(int fd, const struct sockaddr_in *to,
		    const struct tftp_burst *b, size_t per_call)
{
	uint16_t gso_size = (uint16_t)b->stride;
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(uint16_t))];
	} control = { 0 };
	size_t done = 0;

	while (done < b->n) {
		size_t k = b->n - done < per_call ? b->n - done : per_call;
		struct iovec iov = {
			(void *)(b->base + done * b->stride),
			(k - 1) * b->stride + b->lens[done + k - 1]
		};
		struct msghdr msg = {
			.msg_name = (void *)to,
			.msg_namelen = sizeof(*to),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(gso_size));
		memcpy(CMSG_DATA(c), &gso_size, sizeof(gso_size));
		if (sendmsg(fd, &msg, 0) < 0)
			return done ? (int)done : -errno;
		done += k;
	}
	return (int)done;
}

void tftp_send_burst(int fd, const struct sockaddr_in *to,
		     const struct tftp_burst *b, bool *no_gso)
{
	size_t per_call = GSO_BYTES_MAX / b->stride;
	int r;

	if (b->n == 1) {   /* lock-step: sendto(2) costs less than sendmmsg */
		tftp_send(fd, to, b->base, b->lens[0]);
		return;
	}
	if (per_call > GSO_SEGMENTS_MAX)
		per_call = GSO_SEGMENTS_MAX;
	if (per_call < 2 || *no_gso) {
		send_each(fd, to, b, 0);
		return;
	}
	r = send_gso(fd, to, b, per_call);
	if (r == -EIO || r == -EINVAL || r == -ENOPROTOOPT ||
	    r == -EOPNOTSUPP) {
		/* an old kernel, or a device or path that cannot take it */
		log_debug("tftp: no UDP GSO: %s", strerror(-r));
		*no_gso = true;
		r = 0;
	}
	if (r >= 0)
		send_each(fd, to, b, (size_t)r);
}
