/* SPDX-License-Identifier: MIT */
/*
 * tftp/packet.h - TFTP wire format (RFC 1350) and option negotiation:
 * options (RFC 2347), blksize (RFC 2348), timeout and tsize (RFC 2349),
 * windowsize (RFC 7440); netascii encoding.
 *
 * A received packet is parsed once into struct tftp_packet; strings in it
 * point into the received buffer and were checked to end inside it.
 * Nothing else in pxed reads raw TFTP bytes. Pure functions, no I/O.
 */
#ifndef PXED_TFTP_PACKET_H
#define PXED_TFTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_PORT 69

enum tftp_opcode {
	TFTP_OP_RRQ = 1,
	TFTP_OP_WRQ = 2,
	TFTP_OP_DATA = 3,
	TFTP_OP_ACK = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK = 6,     /* RFC 2347 */
};

/* RFC 1350 §5 error codes, and 8 from RFC 2347. */
enum tftp_error_code {
	TFTP_ERR_NOT_DEFINED = 0,
	TFTP_ERR_FILE_NOT_FOUND = 1,
	TFTP_ERR_ACCESS_VIOLATION = 2,
	TFTP_ERR_DISK_FULL = 3,
	TFTP_ERR_ILLEGAL_OPERATION = 4,
	TFTP_ERR_UNKNOWN_TID = 5,
	TFTP_ERR_FILE_EXISTS = 6,
	TFTP_ERR_NO_SUCH_USER = 7,
	TFTP_ERR_OPTION_REFUSED = 8,
};

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
};

#define TFTP_HEADER_LEN 4            /* opcode + block (or error code) */
#define TFTP_BLKSIZE_DEFAULT 512     /* RFC 1350 */
#define TFTP_BLKSIZE_MIN 8           /* RFC 2348 */
#define TFTP_BLKSIZE_MAX 65464       /* RFC 2348 */
#define TFTP_TIMEOUT_MIN 1           /* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX 255
#define TFTP_WINDOWSIZE_MIN 1        /* RFC 7440 */
#define TFTP_WINDOWSIZE_MAX 65535
/* RFC 2347: a request, options included, fits in 512 octets; be lenient. */
#define TFTP_REQUEST_MAX 1500

/* Options a request carried, as bits of tftp_options.present. */
enum {
	TFTP_OPT_BLKSIZE = 1u << 0,
	TFTP_OPT_TSIZE = 1u << 1,
	TFTP_OPT_TIMEOUT = 1u << 2,
	TFTP_OPT_WINDOWSIZE = 1u << 3,
};

/* Values of the options a client asked for; each in its RFC's range. */
struct tftp_options {
	unsigned present;     /* TFTP_OPT_* */
	uint32_t blksize;     /* above TFTP_BLKSIZE_MAX: clamped to it */
	uint64_t tsize;       /* 0 in a read request */
	uint32_t timeout;     /* seconds */
	uint32_t windowsize;
};

struct tftp_request {
	const char *filename; /* NUL-terminated, inside the packet */
	size_t filename_len;
	enum tftp_mode mode;
	struct tftp_options options;
};

struct tftp_packet {
	enum tftp_opcode opcode;
	union {
		struct tftp_request request;  /* RRQ, WRQ */
		uint16_t block;               /* ACK */
		struct {
			uint16_t code;
			const char *message;  /* NUL-terminated or NULL */
		} error;                      /* ERROR */
	};
};

/*
 * Parse a packet a client sent us: RRQ, WRQ, ACK or ERROR. Returns 0,
 * -EBADMSG when malformed, -EPROTONOSUPPORT for an unknown transfer mode
 * (so the caller can answer TFTP_ERR_ILLEGAL_OPERATION), -EOPNOTSUPP for
 * opcodes a server never receives (DATA, OACK, unknown).
 */
int tftp_packet_parse(const uint8_t *buf, size_t len,
		      struct tftp_packet *ret);

/* What the server allows, from [tftp] and the interface MTU. */
struct tftp_limits {
	uint16_t blksize_max;
	uint16_t windowsize_max;
	/* A window is sent at once: its bytes are bounded so that it fits
	 * a socket send buffer (never below one block). */
	uint32_t window_bytes_max;
	unsigned timeout_ms;  /* used when the client asks no timeout */
};

/* The outcome of negotiation: the transfer's parameters and the OACK. */
struct tftp_params {
	unsigned oack;        /* TFTP_OPT_* to acknowledge; 0: no OACK */
	uint16_t blksize;
	uint16_t windowsize;
	uint32_t timeout;     /* seconds, echoed when TFTP_OPT_TIMEOUT */
	unsigned timeout_ms;  /* the first retransmission timeout we use */
	uint64_t tsize;       /* the size sent back, when TFTP_OPT_TSIZE */
};

/*
 * Decide the transfer parameters for a read request of a file of `size`
 * bytes. tsize is answered in octet mode only: in netascii the size on
 * the wire differs from the file's and is not known ahead. A client's
 * timeout is echoed as RFC 2349 requires, but ours stays the shorter of
 * the two: curl asks 6 s, and an early duplicate costs one packet (no
 * Sorcerer's Apprentice on either side) where a late one stalls.
 */
void tftp_negotiate(const struct tftp_request *req,
		    const struct tftp_limits *limits, uint64_t size,
		    struct tftp_params *ret);

/* Builders return the packet length, or -ENOBUFS if `cap` is too small. */
int tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p);
int tftp_build_error(uint8_t *buf, size_t cap, enum tftp_error_code code,
		     const char *message);
/* Writes the 4-byte DATA header; the caller puts the data after it. */
void tftp_build_data_header(uint8_t *buf, uint16_t block);

/*
 * netascii (RFC 764 via RFC 1350): LF goes out as CR LF, CR as CR NUL.
 * `carry` holds the second byte of a pair that did not fit in the
 * previous block (0: none); the encoder starts with it.
 */
struct tftp_netascii {
	uint64_t pos;         /* next source byte */
	uint8_t carry;        /* '\n' or '\0' pending, or 0 */
	bool has_carry;
};

/*
 * Encode from src[0..src_len) into dst[0..cap). Advances state->pos by
 * the source bytes consumed; returns the bytes written (== cap unless
 * the source ran out).
 */
size_t tftp_netascii_encode(struct tftp_netascii *state, const uint8_t *src,
			    size_t src_len, uint8_t *dst, size_t cap);

#endif
