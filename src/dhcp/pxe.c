/* SPDX-License-Identifier: MIT */
/* dhcp/pxe.c - see pxe.h */
#include "dhcp/pxe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static bool has_prefix(const uint8_t *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return p && len >= n && !memcmp(p, prefix, n);
}

/*
 * iPXE sends "iPXE" as the whole option 77; RFC 3004 user classes are
 * length-prefixed ("\x04iPXE"). Accept either.
 */
static bool user_class_is_ipxe(const uint8_t *p, size_t len)
{
	if (has_prefix(p, len, "iPXE"))
		return true;
	for (size_t i = 0; p && i < len; i += 1 + p[i])
		if (p[i] == 4 && i + 5 <= len && !memcmp(p + i + 1, "iPXE", 4))
			return true;
	return false;
}

void pxe_classify(const struct dhcp_message *m, struct pxe_client *ret)
{
	const uint8_t *p;
	size_t len;

	memset(ret, 0, sizeof(*ret));
	p = dhcp_message_option(m, DHCP_OPT_CLASS_ID, &len);
	if (has_prefix(p, len, "PXEClient"))
		ret->vendor = PXE_VENDOR_PXECLIENT;
	else if (has_prefix(p, len, "HTTPClient"))
		ret->vendor = PXE_VENDOR_HTTPCLIENT;
	p = dhcp_message_option(m, DHCP_OPT_USER_CLASS, &len);
	ret->ipxe = user_class_is_ipxe(p, len);
	/* A list of 16-bit types; the first is the one to boot. */
	p = dhcp_message_option(m, DHCP_OPT_CLIENT_SYSTEM, &len);
	if (p && len >= 2 && len % 2 == 0) {
		ret->has_arch = true;
		ret->arch = (uint16_t)(p[0] << 8 | p[1]);
	}
	/* RFC 4578: type 0 then a 16-byte UUID. */
	p = dhcp_message_option(m, DHCP_OPT_UUID_GUID, &len);
	if (p && len == 17 && p[0] == 0) {
		ret->uuid = p + 1;
		ret->uuid_len = 16;
	}
}

static enum config_boot_kind arch_kind(const struct pxe_client *c)
{
	if (!c->has_arch)
		return CONFIG_BOOT_DEFAULT;
	switch (c->arch) {
	case PXE_ARCH_X86_BIOS:
		return CONFIG_BOOT_BIOS;
	case PXE_ARCH_EFI_IA32:
		return CONFIG_BOOT_UEFI32;
	case PXE_ARCH_EFI_X86_64:
	case PXE_ARCH_EFI_BC:
		return CONFIG_BOOT_UEFI64;
	case PXE_ARCH_EFI_ARM64:
		return CONFIG_BOOT_ARM64;
	case PXE_ARCH_EFI_X86_HTTP:
	case PXE_ARCH_EFI_X86_64_HTTP:
	case PXE_ARCH_EFI_ARM64_HTTP:
		return CONFIG_BOOT_HTTP;
	default:
		return CONFIG_BOOT_DEFAULT;
	}
}

static const char *lookup(const struct config_subnet *s,
			  const struct config_host *h,
			  enum config_boot_kind kind)
{
	if (h && h->boot.filename[kind])
		return h->boot.filename[kind];
	return s->boot.filename[kind];
}

bool pxe_choose_boot(const struct pxe_client *c,
		     const struct config_subnet *subnet,
		     const struct config_host *host, uint32_t server_addr,
		     struct boot_choice *ret)
{
	enum config_boot_kind chain[3];
	size_t n = 0;

	memset(ret, 0, sizeof(*ret));
	if (c->ipxe)
		chain[n++] = CONFIG_BOOT_IPXE;
	if (c->vendor == PXE_VENDOR_HTTPCLIENT ||
	    arch_kind(c) == CONFIG_BOOT_HTTP) {
		/* An HTTP boot client can only use a URL. */
		chain[n++] = CONFIG_BOOT_HTTP;
	} else {
		if (arch_kind(c) != CONFIG_BOOT_DEFAULT)
			chain[n++] = arch_kind(c);
		chain[n++] = CONFIG_BOOT_DEFAULT;
	}
	for (size_t i = 0; i < n && !ret->filename; i++) {
		ret->filename = lookup(subnet, host, chain[i]);
		ret->kind = chain[i];
	}
	if (!ret->filename)
		return false;
	if (host && host->boot.next_server.s_addr)
		ret->siaddr = ntohl(host->boot.next_server.s_addr);
	else if (subnet->boot.next_server.s_addr)
		ret->siaddr = ntohl(subnet->boot.next_server.s_addr);
	else
		ret->siaddr = server_addr;
	ret->server_name = host && host->boot.server_name
				   ? host->boot.server_name
				   : subnet->boot.server_name;
	return true;
}

void pxe_format_uuid(const struct pxe_client *c, char *buf, size_t size)
{
	const uint8_t *u = c->uuid;

	if (!u) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}
