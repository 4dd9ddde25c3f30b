# SPDX-License-Identifier: MIT
"""The e2e chain proven against the classic setup: dnsmasq (DHCP + TFTP)
and busybox httpd serving the ISO's files. If these fail, the machinery or
the machine is broken, not pxed; bench/boot compares pxed with this."""
from e2e_boot import VM_MAC, assert_firmware_dhcp, check_boot


def test_bios_pxelinux_host_profile(boot, assets):
    """BIOS PXE ROM -> pxelinux.0 -> the host's own pxelinux.cfg/01-MAC ->
    kernel + initrd over TFTP -> Linux DHCP -> kickstart, .treeinfo."""
    b = boot("dnsmasq", "bios", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("TFTP ")


def test_uefi_grub(boot, assets):
    """OVMF (x86-64 UEFI) -> grubx64.efi over TFTP -> grub/grub.cfg ->
    kernel + initrd over TFTP -> the same checks."""
    b = boot("dnsmasq", "uefi", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


def test_uefi_native_pxe_grub(boot, assets):
    """The same, with OVMF's own virtio-net driver and PXE stack (no
    option ROM), as on most real UEFI machines."""
    b = boot("dnsmasq", "uefi-native", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


def test_ipxe_script_kernel_initrd_over_http(boot, assets):
    """The firmware's own iPXE (QEMU's PXE ROM, user class "iPXE") is
    handed an iPXE script over HTTP; kernel and initrd follow over HTTP."""
    b = boot("dnsmasq", "bios", mac=VM_MAC, ipxe=True)
    check_boot(b, assets, "ipxe-script")
    assert b.detail["loader"] == "HTTP /boot.ipxe", b.report()
    assert b.detail["kernel-fetch"].startswith("HTTP "), b.report()
    assert b.detail["initrd-fetch"].startswith("HTTP "), b.report()
