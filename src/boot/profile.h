/* SPDX-License-Identifier: MIT */
/*
 * boot/profile.h - hosts and profiles put into the served namespace:
 * what each client boots, generated per client on request, over TFTP
 * and HTTP alike.
 *
 * A client with a [host] whose `profile` is set boots that profile
 * straight; any other client gets the menu. Generated (fs/namespace.h
 * generators, so a real file of the same name in a root is shadowed):
 *   pxelinux.cfg/01-MAC, pxelinux.cfg/default     pxelinux (and below
 *                                                 efi64/: syslinux.efi)
 *   grub/grub.cfg-01-MAC, grub/grub.cfg           the network GRUB
 *   boot.ipxe, ipxe/MAC.ipxe (MAC as 52-54-00-..) iPXE
 *   ks/PROFILE.ks                                 a profile's kickstart
 * A per-MAC name for a MAC without a profile is declined, so the loader
 * goes on to its next candidate and ends at the menu. The boot loader
 * binaries of [bootloaders] are served by their names (pxelinux.0,
 * ldlinux.c32, grubx64.efi, undionly.kpxe, ...) from where they are.
 */
#ifndef PXED_BOOT_PROFILE_H
#define PXED_BOOT_PROFILE_H

#include "config.h"
#include "fs/namespace.h"

struct boot_profiles;

/*
 * Check the profiles against `ns` (kernel and initrd present in their
 * tree, or found from its .treeinfo, .discinfo or .disk/info when the
 * profile names none; append lines and kickstart templates valid) and
 * register the generators in `ns`, which must not be published yet. Both
 * `config` and `ns` must outlive the result. Without profiles, *ret is
 * NULL and nothing is registered. On failure, a negative errno and a
 * malloc'ed "FILE:LINE: ..." message.
 */
int boot_profiles_new(const struct config *config, struct fs_namespace *ns,
		      struct boot_profiles **ret, char **ret_error);
/* Takes NULL; returns NULL. */
struct boot_profiles *boot_profiles_free(struct boot_profiles *b);

#endif
