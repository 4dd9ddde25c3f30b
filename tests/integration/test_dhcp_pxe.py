# SPDX-License-Identifier: MIT
"""PXE boot information: next-server and boot file by client architecture
(option 93), vendor class PXEClient/HTTPClient answered, iPXE clients (user
class 77) sent on to an HTTP URL, per subnet and per host; option 97 (UUID)
logged."""
import pytest

from dhcp_clients import (ACK, HTTP_VENDOR_UEFI64, OPT_CLIENT_ARCH,
                          OPT_CLIENT_NDI, OPT_PRL, OPT_USER_CLASS,
                          OPT_UUID, OPT_VENDOR_CLASS, PXE_VENDOR_BIOS,
                          RawClient, udhcpc)
from dhcp_fixtures import dtopo, start_dhcp  # noqa: F401
from netns import base_config

NEXT_SERVER = "172.25.254.5"
BOOT = """
next-server = 172.25.254.5
filename = default/boot.0
filename-bios = bios/pxelinux.0
filename-uefi32 = efi32/bootia32.efi
filename-uefi = efi64/grubx64.efi
filename-arm64 = arm64/grubaa64.efi
filename-http = http://172.25.254.100/efi64/grubx64.efi
filename-ipxe = http://172.25.254.100/boot.ipxe
"""
PRL = bytes([1, 3, 6, 15, 43, 60, 66, 67])


def boot_file(r):
    """`file`, or option 67 where `file` is empty or overloaded; a trailing
    NUL is tolerated."""
    return (r.file or r.opt(67) or b"").rstrip(b"\0")


def pxe_options(arch, vendor=None, extra=()):
    vendor = vendor or b"PXEClient:Arch:%05d:UNDI:003016" % arch
    return [(OPT_VENDOR_CLASS, vendor), (OPT_CLIENT_ARCH, arch.to_bytes(2,
            "big")), (OPT_CLIENT_NDI, b"\x01\x03\x10"), (OPT_PRL, PRL),
            *extra]


@pytest.mark.parametrize("arch,expected", [
    (0, b"bios/pxelinux.0"),
    (6, b"efi32/bootia32.efi"),
    (7, b"efi64/grubx64.efi"),
    (9, b"efi64/grubx64.efi"),
    (11, b"arm64/grubaa64.efi"),
])
def test_boot_file_by_client_architecture(dtopo, arch, expected):
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    with RawClient(dtopo.clients[0]) as rc:
        opts = pxe_options(arch)
        offer = rc.discover(options=opts, stage=f"DISCOVER arch {arch}")
        ack = rc.request_selecting(offer, options=opts)
        assert ack and ack[0].msg_type == ACK, f"REQUEST arch {arch}: {ack!r}"
        for stage, r in (("OFFER", offer), ("ACK", ack[0])):
            assert boot_file(r) == expected, (stage, r)
            assert r.siaddr == NEXT_SERVER, (stage, r)
            # PXE spec: a server answering PXE clients says PXEClient
            assert r.opt(OPT_VENDOR_CLASS) == b"PXEClient", (stage, r)


def test_uefi_http_boot_gets_url_and_httpclient(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    with RawClient(dtopo.clients[0]) as rc:
        opts = pxe_options(16, vendor=HTTP_VENDOR_UEFI64)
        offer = rc.discover(options=opts)
        assert boot_file(offer) == \
            b"http://172.25.254.100/efi64/grubx64.efi", offer
        # UEFI HTTP boot ignores offers that do not say HTTPClient
        assert offer.opt(OPT_VENDOR_CLASS) == b"HTTPClient", offer


def test_ipxe_user_class_gets_ipxe_script_url(dtopo):
    """iPXE chainloaded from the ROM asks again: send it the script, not
    the iPXE binary again (else it loops)."""
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    with RawClient(dtopo.clients[0]) as rc:
        for arch in (0, 7):
            offer = rc.discover(options=pxe_options(
                arch, extra=[(OPT_USER_CLASS, b"iPXE")]))
            assert boot_file(offer) == b"http://172.25.254.100/boot.ipxe", (
                arch, offer)


def test_client_without_architecture_gets_default_file(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=[(OPT_PRL, PRL)])
        assert boot_file(offer) == b"default/boot.0", offer
        assert offer.siaddr == NEXT_SERVER, offer


def test_boot_files_per_host_override_subnet(dtopo):
    conf = base_config(dtopo.tmp, subnet_extra=BOOT, extra="""
[host lab1]
mac = 52:54:00:00:00:02
ip = 172.25.254.30
filename-uefi = hosts/lab1/shimx64.efi
next-server = 172.25.254.6
""")
    start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        host = rc.discover(mac="52:54:00:00:00:02", options=pxe_options(7))
        assert host.yiaddr == "172.25.254.30", host
        assert boot_file(host) == b"hosts/lab1/shimx64.efi", host
        assert host.siaddr == "172.25.254.6", host
        # what the host does not set comes from its subnet
        bios = rc.discover(mac="52:54:00:00:00:02", options=pxe_options(0))
        assert boot_file(bios) == b"bios/pxelinux.0", bios
        # and other clients keep the subnet's
        other = rc.discover(options=pxe_options(7))
        assert boot_file(other) == b"efi64/grubx64.efi", other
        assert other.siaddr == NEXT_SERVER, other


def test_udhcpc_with_uefi_arch_gets_uefi_boot_file(dtopo):
    """A real client that says option 93 = 7 (x86-64 UEFI)."""
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    env = udhcpc(dtopo.clients[0], dtopo.tmp,
                 vendor="PXEClient:Arch:00007:UNDI:003016",
                 xopts=["0x5d:0007"])
    assert env.get("boot_file") == "efi64/grubx64.efi", env
    assert env.get("siaddr") == NEXT_SERVER, env
    env = udhcpc(dtopo.clients[0], dtopo.tmp, name="bios",
                 vendor=PXE_VENDOR_BIOS.decode(), xopts=["0x5d:0000"])
    assert env.get("boot_file") == "bios/pxelinux.0", env


def test_uuid_option_97_is_logged(dtopo):
    p = start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra=BOOT))
    guid = bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90")
    with RawClient(dtopo.clients[0]) as rc:
        rc.lease(options=pxe_options(7, extra=[(OPT_UUID, b"\x00" + guid)]))
    h = guid.hex()
    # SMBIOS/PXE GUIDs are printed with the first three fields either as
    # sent or byte-swapped; accept either, dashed or not.
    swapped = (guid[3::-1] + guid[5:3:-1] + guid[7:5:-1] + guid[8:]).hex()
    forms = set()
    for x in (h, swapped):
        forms |= {x, f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"}
    log = p.log().lower()
    assert any(f in log for f in forms), (
        f"UUID {h} not in the log in any usual form\n{p.log()[-3000:]}")


def test_next_server_defaults_to_own_address_and_server_name(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra="""
filename-bios = bios/pxelinux.0
server-name = bootsrv
"""))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=pxe_options(0))
    assert boot_file(offer) == b"bios/pxelinux.0", offer
    assert offer.siaddr == "172.25.254.100", offer
    assert offer.sname == b"bootsrv" or offer.opt(66) == b"bootsrv", offer
