/* SPDX-License-Identifier: MIT */
/* tftp/packet.c - see packet.h */
#include "tftp/packet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * Take the NUL-terminated string at buf[*off], which must end before
 * `len`; advance past its NUL. NULL when it does not end in the packet.
 */
static const char *take_string(const uint8_t *buf, size_t len, size_t *off,
			       size_t *ret_len)
{
	const uint8_t *start = buf + *off;
	const uint8_t *nul;

	if (*off >= len)
		return NULL;
	nul = memchr(start, '\0', len - *off);
	if (!nul)
		return NULL;
	if (ret_len)
		*ret_len = (size_t)(nul - start);
	*off += (size_t)(nul - start) + 1;
	return (const char *)start;
}

/*
 * A decimal option value: digits only, at most 20 of them, no overflow.
 * Returns false for anything else, so the option is ignored.
 */
static bool parse_number(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (d > 9 || n >= 20 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return n > 0;
}

static void store_option(struct tftp_options *o, const char *name,
			 const char *value)
{
	uint64_t v;

	if (!parse_number(value, &v))
		return;
	/* A repeated option keeps its first value. */
	if (!strcasecmp(name, "blksize") && !(o->present & TFTP_OPT_BLKSIZE)) {
		if (v < TFTP_BLKSIZE_MIN)
			return;
		/* RFC 2348 lets the server answer a smaller size. */
		o->blksize = v > TFTP_BLKSIZE_MAX ? TFTP_BLKSIZE_MAX
						  : (uint32_t)v;
		o->present |= TFTP_OPT_BLKSIZE;
	} else if (!strcasecmp(name, "tsize") &&
		   !(o->present & TFTP_OPT_TSIZE)) {
		o->tsize = v;
		o->present |= TFTP_OPT_TSIZE;
	} else if (!strcasecmp(name, "timeout") &&
		   !(o->present & TFTP_OPT_TIMEOUT)) {
		if (v < TFTP_TIMEOUT_MIN || v > TFTP_TIMEOUT_MAX)
			return;
		o->timeout = (uint32_t)v;
		o->present |= TFTP_OPT_TIMEOUT;
	} else if (!strcasecmp(name, "windowsize") &&
		   !(o->present & TFTP_OPT_WINDOWSIZE)) {
		if (v < TFTP_WINDOWSIZE_MIN || v > TFTP_WINDOWSIZE_MAX)
			return;
		o->windowsize = (uint32_t)v;
		o->present |= TFTP_OPT_WINDOWSIZE;
	}
	/* RFC 2347: options the server does not know are ignored. */
}

static int parse_request(const uint8_t *buf, size_t len,
			 struct tftp_request *req)
{
	size_t off = 2;  /* past the opcode */
	const char *mode;

	req->filename = take_string(buf, len, &off, &req->filename_len);
	mode = take_string(buf, len, &off, NULL);
	if (!req->filename || !mode)
		return -EBADMSG;
	if (!strcasecmp(mode, "octet"))
		req->mode = TFTP_MODE_OCTET;
	else if (!strcasecmp(mode, "netascii"))
		req->mode = TFTP_MODE_NETASCII;
	else
		return -EPROTONOSUPPORT;  /* "mail" and inventions */
	memset(&req->options, 0, sizeof(req->options));
	while (off < len) {
		const char *name = take_string(buf, len, &off, NULL);
		const char *value = take_string(buf, len, &off, NULL);

		/*
		 * Some firmware pads requests with NULs or ends them with a
		 * dangling name: keep what was whole before it.
		 */
		if (!name || !value)
			break;
		store_option(&req->options, name, value);
	}
	return 0;
}

int tftp_packet_parse(const uint8_t *buf, size_t len,
		      struct tftp_packet *ret)
{
	size_t off = TFTP_HEADER_LEN;

	if (len < TFTP_HEADER_LEN)
		return -EBADMSG;
	ret->opcode = get16(buf);
	switch (ret->opcode) {
	case TFTP_OP_RRQ:
	case TFTP_OP_WRQ:
		return parse_request(buf, len, &ret->request);
	case TFTP_OP_ACK:
		ret->block = get16(buf + 2);
		return 0;
	case TFTP_OP_ERROR:
		ret->error.code = get16(buf + 2);
		/* The message is optional to us: the error ends it anyway. */
		ret->error.message = take_string(buf, len, &off, NULL);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

void tftp_negotiate(const struct tftp_request *req,
		    const struct tftp_limits *limits, uint64_t size,
		    struct tftp_params *ret)
{
	const struct tftp_options *o = &req->options;

	*ret = (struct tftp_params){
		.blksize = TFTP_BLKSIZE_DEFAULT,
		.windowsize = 1,
		.timeout_ms = limits->timeout_ms,
	};
	if (o->present & TFTP_OPT_BLKSIZE) {
		ret->blksize = o->blksize < limits->blksize_max
				       ? (uint16_t)o->blksize
				       : limits->blksize_max;
		ret->oack |= TFTP_OPT_BLKSIZE;
	}
	if ((o->present & TFTP_OPT_TSIZE) && req->mode == TFTP_MODE_OCTET) {
		ret->tsize = size;
		ret->oack |= TFTP_OPT_TSIZE;
	}
	if (o->present & TFTP_OPT_TIMEOUT) {
		ret->timeout = o->timeout;
		if (o->timeout * 1000u < ret->timeout_ms)
			ret->timeout_ms = o->timeout * 1000u;
		ret->oack |= TFTP_OPT_TIMEOUT;
	}
	if (o->present & TFTP_OPT_WINDOWSIZE) {
		uint32_t max = limits->window_bytes_max / ret->blksize;

		if (max > limits->windowsize_max)
			max = limits->windowsize_max;
		if (max < 1)
			max = 1;
		ret->windowsize = (uint16_t)(o->windowsize < max ? o->windowsize
								 : max);
		ret->oack |= TFTP_OPT_WINDOWSIZE;
	}
}

static int put_option(uint8_t *buf, size_t cap, size_t *off,
		      const char *name, uint64_t value)
{
	int n = snprintf((char *)buf + *off, cap - *off, "%s%c%llu", name,
			 '\0', (unsigned long long)value);

	if (n < 0 || (size_t)n + 1 > cap - *off)
		return -ENOBUFS;
	*off += (size_t)n + 1;
	return 0;
}

int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p)
{
	size_t off = 2;
	int r = 0;

	if (cap < 2)
		return -ENOBUFS;
	put16(buf, TFTP_OP_OACK);
	if (p->oack & TFTP_OPT_BLKSIZE)
		r = put_option(buf, cap, &off, "blksize", p->blksize);
	if (!r && (p->oack & TFTP_OPT_TSIZE))
		r = put_option(buf, cap, &off, "tsize", p->tsize);
	if (!r && (p->oack & TFTP_OPT_TIMEOUT))
		r = put_option(buf, cap, &off, "timeout", p->timeout);
	if (!r && (p->oack & TFTP_OPT_WINDOWSIZE))
		r = put_option(buf, cap, &off, "windowsize", p->windowsize);
	return r < 0 ? r : (int)off;
}

int tftp_build_error(uint8_t *buf, size_t cap, enum tftp_error_code code,
		     const char *message)
{
	size_t n = strlen(message);

	if (cap < TFTP_HEADER_LEN + n + 1)
		return -ENOBUFS;
	put16(buf, TFTP_OP_ERROR);
	put16(buf + 2, (uint16_t)code);
	memcpy(buf + TFTP_HEADER_LEN, message, n + 1);
	return (int)(TFTP_HEADER_LEN + n + 1);
}

void tftp_build_data_header(uint8_t *buf, uint16_t block)
{
	put16(buf, TFTP_OP_DATA);
	put16(buf + 2, block);
}

size_t tftp_netascii_encode(struct tftp_netascii *state, const uint8_t *src,
			    size_t src_len, uint8_t *dst, size_t cap)
{
	size_t in = 0, out = 0;

	if (state->has_carry && cap > 0) {
		dst[out++] = state->carry;
		state->has_carry = false;
	}
	while (out < cap && in < src_len) {
		uint8_t c = src[in++];

		if (c == '\n' || c == '\r') {
			dst[out++] = '\r';
			state->carry = c == '\n' ? '\n' : '\0';
			if (out < cap)
				dst[out++] = state->carry;
			else
				state->has_carry = true;
		} else {
			dst[out++] = c;
		}
	}
	state->pos += in;
	return out;
}
