/* SPDX-License-Identifier: MIT */
/*
 * fs/iso_records.h - an ISO9660 image's raw records, checked before
 * libiso9660 2.1 reads them: it trusts every length inside them (the
 * record's, its name's, its Rock Ridge entries'), and some shapes make it
 * read past its buffers. Both return false for an image to refuse.
 */
#ifndef PXED_FS_ISO_RECORDS_H
#define PXED_FS_ISO_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

/* The directory whose records are bytes [offset, offset + size) of fd. */
bool iso_dir_sound(int fd, uint64_t offset, uint64_t size);

/* The root records in the image's volume descriptors. */
bool iso_roots_sound(int fd);

#endif
