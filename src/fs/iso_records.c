/* SPDX-License-Identifier: MIT */
/* fs/iso_records.c - see fs/iso_records.h */
#include "fs/iso_records.h"

#include <cdio/iso9660.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/*
 * libiso9660 2.1 trusts every length inside a directory record: the
 * record's, its name's, and those of the SUSP entries (Rock Ridge) in
 * its System Use field. Each is checked here against its standard first:
 * ECMA-119 §9.1, SUSP 1.10 §4-5, RRIP 1.10 §4.1.
 */
#define ISO_DR_NAME 33u          /* a record's name, after its fixed fields */
#define RRIP_SL_CONTINUE 0x01    /* in SL's flags and each component's */

/*
 * An SL entry's components fill it exactly. libiso9660 walks them with a
 * byte-sized count that wraps past the entry's end. And where an SL entry
 * continues in the next one after a complete component, it counts a byte
 * for the '/' between them without allocating it: the target's length
 * can then pass its buffer, whose next growth copies one byte too many
 * (a heap over-read, found by fuzzing).
 */
static bool iso_sl_ok(const uint8_t *e, size_t len)
{
	bool complete = false;
	size_t at = 5;   /* flags, then components: flags, length, text */

	while (at < len) {
		if (len - at < 2 || e[at + 1] > len - at - 2)
			return false;
		complete = !(e[at] & RRIP_SL_CONTINUE);
		at += 2 + e[at + 1];
	}
	return !(complete && (e[4] & RRIP_SL_CONTINUE));
}

/* Bytes of time stamps a TF entry with these flags holds. */
static size_t iso_tf_stamps(uint8_t flags)
{
	unsigned n = (unsigned)__builtin_popcount(flags & 0x7f);

	return n * (flags & 0x80 ? 17 : 7);   /* long form, or short */
}

/* An entry must hold what libiso9660 reads from it, whatever its length
   says: its fixed fields, ER's identifier, TF's stamps. */
static bool iso_susp_entry_ok(const uint8_t *e, size_t len)
{
	static const struct {
		char sig[2];
		uint8_t len;
	} fixed[] = {
		{ "SP", 7 }, { "CE", 28 }, { "ER", 8 }, { "NM", 5 },
		{ "PX", 36 }, { "SL", 5 }, { "TF", 5 },
	};
	size_t need = 4;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!memcmp(e, fixed[i].sig, 2))
			need = fixed[i].len;
	if (len < need)
		return false;
	if (!memcmp(e, "ER", 2))
		need += e[4];
	else if (!memcmp(e, "TF", 2))
		need += iso_tf_stamps(e[4]);
	else if (!memcmp(e, "SL", 2))
		return iso_sl_ok(e, len);
	return len >= need;
}

/* A System Use field, walked as libiso9660 does: while two bytes are
   left; an entry of length 0 ends it (so CD-XA's data is passed over). */
static bool iso_susp_ok(const uint8_t *su, size_t len)
{
	for (size_t at = 0, n; len - at > 1; at += n) {
		if (len - at < 3)   /* the length byte would lie beyond */
			return false;
		n = su[at + 2];
		if (n == 0)
			return true;
		if (n < 4 || n > len - at || !iso_susp_entry_ok(su + at, n))
			return false;
	}
	return true;
}

/* A record holds its fixed fields and name; its System Use field follows
   the name, padded to an even offset. */
static bool iso_record_ok(const uint8_t *r, size_t len)
{
	size_t su = ISO_DR_NAME + r[32] + !(r[32] % 2);

	if (len <= ISO_DR_NAME || ISO_DR_NAME + r[32] > len)
		return false;
	return su >= len || iso_susp_ok(r + su, len - su);
}

/* A sector's records: a length of 0 ends them, and none crosses into
   the next sector (ECMA-119 §6.8.1.1). */
static bool iso_sector_ok(const uint8_t *s)
{
	for (size_t at = 0; at < ISO_BLOCKSIZE && s[at]; at += s[at])
		if (s[at] > ISO_BLOCKSIZE - at || !iso_record_ok(s + at, s[at]))
			return false;
	return true;
}

/* libiso9660 reads a directory in whole sectors; so is it checked. */
bool iso_dir_sound(int fd, uint64_t offset, uint64_t size)
{
	uint8_t sector[ISO_BLOCKSIZE];

	for (uint64_t at = 0; at < size; at += ISO_BLOCKSIZE)
		if (pread(fd, sector, sizeof(sector),
			  (off_t)(offset + at)) != sizeof(sector) ||
		    !iso_sector_ok(sector))
			return false;
	return true;
}

/*
 * The root's record fills a 34-byte field of its volume descriptor
 * (ECMA-119 §8.4.18, §8.5.12); a longer length would have libiso9660
 * parse the fields after it as System Use. It takes the root from the
 * primary descriptor or a supplementary one (Joliet), reading them up to
 * the set's terminator or the image's end, as here. A descriptor cut
 * short by the end it would complete with what its buffer held before.
 */
bool iso_roots_sound(int fd)
{
	const size_t root = offsetof(iso9660_pvd_t, root_directory_record);
	uint8_t vd[ISO_BLOCKSIZE];
	ssize_t n;

	for (off_t s = ISO_PVD_SECTOR;; s++) {
		n = pread(fd, vd, sizeof(vd), s * ISO_BLOCKSIZE);
		if (n <= 0 || (n == sizeof(vd) && vd[0] == ISO_VD_END))
			return true;
		if (n != sizeof(vd) ||
		    ((vd[0] == ISO_VD_PRIMARY ||
		      vd[0] == ISO_VD_SUPPLEMENTARY) &&
		     vd[root] != ISO_DR_NAME + 1))
			return false;
	}
}
