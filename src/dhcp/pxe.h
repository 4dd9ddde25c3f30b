/* SPDX-License-Identifier: MIT */
/*
 * dhcp/pxe.h - what kind of network-boot client is asking (PXE firmware,
 * UEFI HTTP boot, iPXE; its architecture from RFC 4578 option 93) and
 * which boot file it gets.
 */
#ifndef PXED_DHCP_PXE_H
#define PXED_DHCP_PXE_H

#include "config.h"
#include "dhcp/packet.h"

/* RFC 4578 / IANA "Processor Architecture Types" (option 93). */
enum pxe_arch {
	PXE_ARCH_X86_BIOS = 0,
	PXE_ARCH_EFI_IA32 = 6,
	PXE_ARCH_EFI_X86_64 = 7,
	PXE_ARCH_EFI_BC = 9,          /* seen from x86-64 firmware too */
	PXE_ARCH_EFI_ARM64 = 11,
	PXE_ARCH_EFI_X86_HTTP = 15,
	PXE_ARCH_EFI_X86_64_HTTP = 16,
	PXE_ARCH_EFI_ARM64_HTTP = 19,
};

enum pxe_vendor {
	PXE_VENDOR_NONE,
	PXE_VENDOR_PXECLIENT,    /* option 60 begins "PXEClient" */
	PXE_VENDOR_HTTPCLIENT,   /* option 60 begins "HTTPClient" */
};

struct pxe_client {
	enum pxe_vendor vendor;
	bool ipxe;               /* user class (77) says "iPXE" */
	bool has_arch;
	uint16_t arch;
	const uint8_t *uuid;     /* option 97, for the log */
	size_t uuid_len;
};

void pxe_classify(const struct dhcp_message *m, struct pxe_client *ret);

struct boot_choice {
	const char *filename;
	uint32_t siaddr;         /* host byte order */
	const char *server_name;
	enum config_boot_kind kind;
};

/*
 * Picks the boot file: the most specific kind for this client first
 * (iPXE, HTTP boot, the architecture), then `filename`; for each kind the
 * host's setting before the subnet's. False when there is none.
 */
bool pxe_choose_boot(const struct pxe_client *c,
		     const struct config_subnet *subnet,
		     const struct config_host *host, uint32_t server_addr,
		     struct boot_choice *ret);

/* "52:54:00:..:..", "uuid 8-4-4-4-12" into caller buffers. */
void pxe_format_uuid(const struct pxe_client *c, char *buf, size_t size);

#endif
