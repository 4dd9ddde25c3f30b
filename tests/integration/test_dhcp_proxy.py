# SPDX-License-Identifier: MIT
"""proxyDHCP (mode = proxy): another DHCP server (dnsmasq, in its own
namespace on the same segment) owns the addresses; pxed gives PXE clients
their boot information only, on port 67 and on port 4011, never an
address, and stays silent for clients that are not PXE clients."""
import pytest

from dhcp_clients import (ACK, DISCOVER, OPT_CLIENT_ARCH, OPT_CLIENT_NDI,
                          OPT_LEASE_TIME, OPT_PRL, OPT_UUID,
                          OPT_VENDOR_CLASS, REQUEST, RawClient, UdpEndpoint,
                          all_tx_checksum_off, bootp)
from dhcp_fixtures import make_dtopo, start_dhcp  # noqa: F401
from netns import SERVER_ADDR

OTHER_SERVER = "172.25.254.1"
OTHER_RANGE = [f"172.25.254.{i}" for i in range(150, 200)]
PRL = bytes([1, 3, 6, 15, 43, 60, 66, 67, 97])


def boot_file(r):
    return (r.file or r.opt(67) or b"").rstrip(b"\0")


def proxy_conf(tmp):
    return f"""[server]
interface = br0
address = {SERVER_ADDR}
state-dir = {tmp}/state

[subnet 172.25.254.0/24]
mode = proxy
filename-bios = bios/pxelinux.0
filename-uefi = efi64/grubx64.efi
"""


@pytest.fixture
def proxy_topo(make_dtopo):
    """Segment with pxed's namespace (br0), one client, and dnsmasq at
    172.25.254.1 handing out 172.25.254.150-199."""
    t = make_dtopo("segment", clients=1)
    t.other = t.add_peer("d", OTHER_SERVER)
    all_tx_checksum_off(t)
    p = t.start(t.other, [
        "dnsmasq", "--no-daemon", "--port=0", "--conf-file=/dev/null",
        "--interface=d0", "--bind-interfaces", "--no-ping", "--log-dhcp",
        "--dhcp-range=172.25.254.150,172.25.254.199,600",
        "--dhcp-option=3,172.25.254.250", "--dhcp-option=6,172.25.254.254",
        f"--dhcp-leasefile={t.path('other.leases')}"], "other-dhcp.log")
    p.wait_log("DHCP, ", stage="starting the address-owning dnsmasq")
    return t


def pxe_options(arch):
    return [(OPT_VENDOR_CLASS, b"PXEClient:Arch:%05d:UNDI:003016" % arch),
            (OPT_CLIENT_ARCH, arch.to_bytes(2, "big")),
            (OPT_CLIENT_NDI, b"\x01\x03\x10"),
            (OPT_UUID, b"\x00" + bytes(range(16))), (OPT_PRL, PRL)]


def by_server(replies):
    out = {}
    for r in replies:
        out.setdefault(r.server_id or r.src_ip, []).append(r)
    return out


def test_proxy_pxe_client_gets_boot_info_only(proxy_topo):
    t = proxy_topo
    start_dhcp(t, proxy_conf(t.tmp))
    with RawClient(t.clients[0]) as rc:
        for arch, expected in ((7, b"efi64/grubx64.efi"),
                               (0, b"bios/pxelinux.0")):
            xid = rc.send(DISCOVER, options=pxe_options(arch))
            got = by_server(rc.replies(xid, timeout=3,
                                       until=lambda r: False))
            assert OTHER_SERVER in got, f"no offer from dnsmasq: {got}"
            assert got[OTHER_SERVER][0].yiaddr in OTHER_RANGE, got
            assert SERVER_ADDR in got, f"no proxy offer from pxed: {got}"
            for r in got[SERVER_ADDR]:
                assert r.yiaddr == "0.0.0.0", f"pxed gave an address: {r!r}"
                assert r.opt(OPT_LEASE_TIME) is None, r
                assert r.opt(OPT_VENDOR_CLASS) == b"PXEClient", r
                # The file may come here or only from port 4011 (PXE
                # spec 2.1 boot server discovery); if here, the right one.
                assert boot_file(r) in (b"", expected), (arch, r)


def test_proxy_ignores_clients_that_are_not_pxe(proxy_topo):
    t = proxy_topo
    p = start_dhcp(t, proxy_conf(t.tmp))
    with RawClient(t.clients[0]) as rc:
        xid = rc.send(DISCOVER, options=[(OPT_PRL, bytes([1, 3, 6]))])
        got = by_server(rc.replies(xid, timeout=2.5,
                                   until=lambda r: False))
    assert OTHER_SERVER in got, f"no offer from dnsmasq: {got}"
    assert SERVER_ADDR not in got, f"pxed answered a non-PXE client: {got}"
    assert p.popen.poll() is None


def test_proxy_port_4011_boot_request(proxy_topo):
    """After getting its address from dnsmasq, the client asks the boot
    server on port 4011 (PXE spec 2.1)."""
    t = proxy_topo
    start_dhcp(t, proxy_conf(t.tmp))
    c = t.clients[0]
    c.run("ip", "addr", "add", "172.25.254.150/24", "dev", "c0")
    with UdpEndpoint(c, port=68) as ep:
        for xid, arch, expected in ((0x4011_0001, 7, b"efi64/grubx64.efi"),
                                    (0x4011_0002, 0, b"bios/pxelinux.0")):
            msg = bootp(REQUEST, xid=xid, mac="52:54:00:00:00:01",
                        ciaddr="172.25.254.150", options=pxe_options(arch))
            ep.sendto(msg, SERVER_ADDR, 4011)
            ack = ep.expect(xid, ACK, stage=f"REQUEST to port 4011, arch "
                            f"{arch}")
            assert ack.src_ip == SERVER_ADDR and ack.sport == 4011, ack
            assert boot_file(ack) == expected, ack
            # no new address: none, or the one the client already has
            assert ack.yiaddr in ("0.0.0.0", "172.25.254.150"), ack
            assert ack.opt(OPT_LEASE_TIME) is None, ack
            assert ack.opt(OPT_VENDOR_CLASS) == b"PXEClient", ack


def test_proxy_real_client_gets_address_from_other_server(proxy_topo):
    """dhclient with a PXE vendor class: its address comes from dnsmasq."""
    from dhcp_clients import dhclient
    t = proxy_topo
    start_dhcp(t, proxy_conf(t.tmp))
    env = dhclient(t.clients[0], t.tmp, conf_extra=(
        'send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";'))
    assert env.get("new_ip_address") in OTHER_RANGE, env
    assert env.get("new_dhcp_server_identifier") == OTHER_SERVER, env


def test_proxy_never_naks_or_acks_the_other_servers_requests(proxy_topo):
    """The client takes dnsmasq's offer (REQUEST naming it), later reboots
    (REQUEST without a server id): only dnsmasq answers, never pxed."""
    t = proxy_topo
    start_dhcp(t, proxy_conf(t.tmp))
    with RawClient(t.clients[0]) as rc:
        opts = pxe_options(0)
        xid = rc.send(DISCOVER, options=opts)
        got = by_server(rc.replies(xid, timeout=2.5, until=lambda r: False))
        assert OTHER_SERVER in got, f"no offer from dnsmasq: {got}"
        addr = got[OTHER_SERVER][0].yiaddr
        from dhcp_clients import OPT_REQUESTED_IP, OPT_SERVER_ID, ip4
        xid = rc.send(REQUEST, xid=xid, options=[
            (OPT_REQUESTED_IP, ip4(addr)),
            (OPT_SERVER_ID, ip4(OTHER_SERVER)), *opts])
        got = by_server(rc.replies(xid, timeout=2, until=lambda r: False))
        assert [r.type_name for r in got.get(OTHER_SERVER, [])] == ["ACK"], \
            got
        assert SERVER_ADDR not in got, f"pxed answered: {got}"
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(addr)), *opts])
        got = by_server(rc.replies(xid, timeout=2, until=lambda r: False))
        assert SERVER_ADDR not in got, f"pxed answered an INIT-REBOOT: {got}"
