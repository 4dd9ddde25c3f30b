# SPDX-License-Identifier: MIT
"""A VM network-boots through pxed alone: pxed's DHCP hands out the boot
loader by architecture, its TFTP serves the boot loaders and the kernel and
initrd out of the ISO image (never mounted), its HTTP the kickstart and the
tree's .treeinfo out of the same image. The same checks as the reference
boots in test_boot_reference.py.

A test skips only when pxed lacks a service outright (e2e_boot.Pxed: no
socket bound for it, or `pxed check` rejecting its config); anything that
is there and fails, fails."""
import pytest

from e2e_boot import (OTHER_MAC, VM_MAC, assert_firmware_dhcp, check_boot,
                      pxed_supports)


def test_bios_pxelinux_host_profile(boot, assets):
    b = boot("pxed", "bios", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("TFTP ")


def test_bios_pxelinux_unknown_host_gets_menu_default(boot, assets):
    b = boot("pxed", "bios", mac=OTHER_MAC)
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "menu-default")


def test_uefi_grub(boot, assets):
    b = boot("pxed", "uefi", mac=VM_MAC)
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


def test_ipxe_kernel_and_initrd_over_http(boot, assets, tmp_path):
    """boot-via = ipxe: the firmware's iPXE gets an iPXE script and fetches
    the kernel and the initrd over HTTP, straight from the ISO."""
    ok, why = pxed_supports(str(tmp_path), "profiles with boot-via = ipxe",
                            "[profile e2e]\ntree = e2e\nboot-via = ipxe\n")
    if not ok:
        pytest.skip(why)
    b = boot("pxed", "bios", mac=VM_MAC, profile="ipxe")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("HTTP "), b.report()
    assert b.detail["initrd-fetch"].startswith("HTTP "), b.report()
