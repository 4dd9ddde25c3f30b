# SPDX-License-Identifier: MIT
"""VM boots that only pxed makes: an unknown host gets the menu, and
pxed's own boot profiles (generated pxelinux.cfg, grub.cfg and iPXE
scripts). The boots both pxed and the classic setup make are in
test_boot_classic.py.

A test skips only when pxed lacks a service outright (e2e_boot.Pxed: no
socket bound for it, or `pxed check` rejecting its config); anything that
is there and fails, fails."""
import pytest

from e2e_boot import (OTHER_MAC, VM_MAC, assert_firmware_dhcp,
                      assert_menu_shown, check_boot, pxed_supports)


def test_bios_pxelinux_unknown_host_gets_menu_default(boot, assets):
    b = boot("pxed", "bios", mac=OTHER_MAC)
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "menu-default")
    assert_menu_shown(b)


# --- pxed's own profiles: generated pxelinux.cfg, grub.cfg, iPXE scripts --

def need_profiles(tmp_path, assets, via="tftp"):
    ok, why = pxed_supports(str(tmp_path / "probe"),
                            f"boot profiles (boot-via = {via})", assets, via)
    if not ok:
        pytest.skip(why)


def test_profile_bios_host_boots_straight(boot, assets, tmp_path):
    """A host with a profile: pxed's generated pxelinux.cfg/01-MAC boots
    its profile without a menu."""
    need_profiles(tmp_path, assets)
    b = boot("pxed", "bios", mac=VM_MAC, profiles="tftp")
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "host-profile")


def test_profile_bios_unknown_host_gets_menu_default(boot, assets, tmp_path):
    need_profiles(tmp_path, assets)
    b = boot("pxed", "bios", mac=OTHER_MAC, profiles="tftp")
    assert_firmware_dhcp(b, arch=0, file="pxelinux.0")
    check_boot(b, assets, "menu-default")
    assert_menu_shown(b)


def test_profile_uefi_grub_host_boots_straight(boot, assets, tmp_path):
    need_profiles(tmp_path, assets)
    b = boot("pxed", "uefi", mac=VM_MAC, profiles="tftp")
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "host-profile")


def test_profile_boot_via_ipxe(boot, assets, tmp_path):
    """boot-via = ipxe: the host's iPXE fetches kernel and initrd over
    HTTP, straight out of the ISO image."""
    need_profiles(tmp_path, assets, via="ipxe")
    b = boot("pxed", "bios", mac=VM_MAC, profiles="ipxe")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("HTTP "), b.report()
    assert b.detail["initrd-fetch"].startswith("HTTP "), b.report()


def test_profile_uefi_native_stack_unknown_host(boot, assets, tmp_path):
    """OVMF's own network stack (no iPXE anywhere) and a host without a
    profile: pxed's GRUB menu boots the default entry."""
    need_profiles(tmp_path, assets)
    b = boot("pxed", "uefi-native", mac=OTHER_MAC, profiles="tftp")
    assert_firmware_dhcp(b, arch=7, file="grubx64.efi")
    check_boot(b, assets, "menu-default")


def test_profile_uefi_boot_via_ipxe(boot, assets, tmp_path):
    """boot-via = ipxe on UEFI: the firmware's PXE loads ipxe.efi, which
    pxed then hands the host's script; kernel and initrd over HTTP."""
    need_profiles(tmp_path, assets, via="ipxe")
    b = boot("pxed", "uefi-native", mac=VM_MAC, profiles="ipxe")
    assert_firmware_dhcp(b, arch=7, file="ipxe.efi")
    check_boot(b, assets, "host-profile")
    assert b.detail["kernel-fetch"].startswith("HTTP "), b.report()
    assert b.detail["initrd-fetch"].startswith("HTTP "), b.report()
