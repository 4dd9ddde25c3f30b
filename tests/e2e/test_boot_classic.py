# SPDX-License-Identifier: MIT
"""The classic boots, each made twice: through pxed alone, and through the
setup pxed replaces (dnsmasq for DHCP + TFTP, busybox httpd serving the
ISO's files). The reference runs prove the machinery: if they fail, the
machine or the harness is broken, not pxed; bench/boot times both.

pxed's DHCP hands out the boot loader by architecture, its TFTP serves the
boot loaders and the kernel and initrd out of the ISO image (never
mounted), its HTTP the kickstart and the tree's .treeinfo out of the same
image."""
import pytest

from e2e_boot import VM_MAC, assert_firmware_dhcp, check_boot

SERVERS = ("pxed", "dnsmasq")


@pytest.mark.parametrize("server", SERVERS)
def test_bios_pxelinux_host_profile(boot, assets, server):
    """BIOS PXE ROM -> pxelinux.0 -> the host's own pxelinux.cfg/01-MAC ->
    kernel + initrd over TFTP -> Linux DHCP -> kickstart, .treeinfo."""
    b = boot(server, "bios", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("TFTP ")


@pytest.mark.parametrize("server", SERVERS)
def test_uefi_grub(boot, assets, server):
    """OVMF (x86-64 UEFI) -> grubx64.efi over TFTP -> grub/grub.cfg ->
    kernel + initrd over TFTP -> the same checks."""
    b = boot(server, "uefi", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


@pytest.mark.parametrize("server", SERVERS)
def test_uefi_native_pxe_grub(boot, assets, server):
    """The same, with OVMF's own virtio-net driver and PXE stack (no
    option ROM), as on most real UEFI machines."""
    b = boot(server, "uefi-native", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


@pytest.mark.parametrize("server", SERVERS)
def test_ipxe_script_kernel_initrd_over_http(boot, assets, server):
    """The firmware's own iPXE (QEMU's PXE ROM, user class "iPXE") is
    handed an iPXE script over HTTP; kernel and initrd follow over HTTP."""
    b = boot(server, "bios", mac=VM_MAC, ipxe=True)
    check_boot(b, assets, "ipxe-script")
    assert b.detail["loader"] == "HTTP /boot.ipxe", b.report()
    assert b.detail["kernel-fetch"].startswith("HTTP "), b.report()
    assert b.detail["initrd-fetch"].startswith("HTTP "), b.report()
