# SPDX-License-Identifier: MIT
"""Real DHCP clients get an address and the options an installer needs;
option handling (55, 57, 52, option-NN) seen from a raw client; replies
reach clients that have no address, with or without the broadcast flag."""
from concurrent.futures import ThreadPoolExecutor

from dhcp_clients import (ACK, DISCOVER, OFFER, OPT_BROADCAST,
                          OPT_CLIENT_ID, OPT_DNS, OPT_DOMAIN, OPT_HOSTNAME,
                          OPT_LEASE_TIME, OPT_MAX_SIZE, OPT_MSG_TYPE,
                          OPT_NTP, OPT_OVERLOAD, OPT_PRL, OPT_ROUTERS,
                          OPT_SERVER_ID, OPT_SUBNET_MASK, OPT_VENDOR_CLASS,
                          OPT_CLIENT_ARCH, PXE_VENDOR_UEFI64, RawClient,
                          dhclient, dhcpcd_test, encode_options, ip4, u16,
                          udhcpc)
from dhcp_fixtures import dtopo, make_dtopo, start_dhcp  # noqa: F401
from netns import SERVER_ADDR, base_config



def boot_file(r):
    """The boot file of a reply: `file`, or option 67 where `file` carries
    options (overload) or is empty; a trailing NUL is tolerated."""
    return (r.file or r.opt(67) or b"").rstrip(b"\0")


RANGE = [f"172.25.254.{i}" for i in range(60, 71)]
# What iPXE and PXE ROMs ask for (iPXE's list, trimmed).
PXE_PRL = bytes([1, 3, 6, 7, 12, 15, 17, 43, 60, 66, 67, 119, 175, 203])


def test_udhcpc_gets_address_routers_dns_domain(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    env = udhcpc(dtopo.clients[0], dtopo.tmp)
    assert env.get("ip") in RANGE, env
    assert env.get("subnet") == "255.255.255.0", env
    assert env.get("router") == "172.25.254.250", env
    assert env.get("dns") == "172.25.254.254", env
    assert env.get("domain") == "example.com", env
    assert env.get("lease") == "600", env
    assert env.get("serverid") == SERVER_ADDR, env


def test_dhclient_gets_address_routers_dns_domain(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    env = dhclient(dtopo.clients[0], dtopo.tmp)
    assert env.get("new_ip_address") in RANGE, env
    assert env.get("new_subnet_mask") == "255.255.255.0", env
    assert env.get("new_routers") == "172.25.254.250", env
    assert env.get("new_domain_name_servers") == "172.25.254.254", env
    assert env.get("new_domain_name") == "example.com", env
    assert env.get("new_dhcp_lease_time") == "600", env
    assert env.get("new_dhcp_server_identifier") == SERVER_ADDR, env


def test_dhcpcd_gets_offer_routers_dns_domain(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    env = dhcpcd_test(dtopo.clients[0], dtopo.tmp)
    assert env.get("new_ip_address") in RANGE, env
    assert env.get("new_subnet_mask") == "255.255.255.0", env
    assert env.get("new_routers") == "172.25.254.250", env
    assert env.get("new_domain_name_servers") == "172.25.254.254", env
    assert env.get("new_domain_name") == "example.com", env
    assert env.get("new_dhcp_server_identifier") == SERVER_ADDR, env


def test_installer_prl_gets_dns_router_domain_in_offer_and_ack(dtopo):
    """An installer without a DNS server stops at a manual prompt."""
    start_dhcp(dtopo, base_config(dtopo.tmp, subnet_extra="broadcast = "
                                  "172.25.254.255"))
    # The list anaconda's NetworkManager sends (internal client).
    prl = bytes([1, 3, 6, 12, 15, 26, 28, 42, 51, 54, 58, 59, 119, 121])
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=[(OPT_PRL, prl)])
        ack = rc.request_selecting(offer, options=[(OPT_PRL, prl)])
        assert ack and ack[0].msg_type == ACK, f"REQUEST: got {ack!r}"
        for stage, r in (("OFFER", offer), ("ACK", ack[0])):
            assert r.opt_ips(OPT_DNS) == ["172.25.254.254"], (stage, r)
            assert r.opt_ips(OPT_ROUTERS) == ["172.25.254.250"], (stage, r)
            assert r.opt(OPT_DOMAIN) == b"example.com", (stage, r)
            assert r.opt_ip(OPT_SUBNET_MASK) == "255.255.255.0", (stage, r)
            assert r.opt_ip(OPT_BROADCAST) == "172.25.254.255", (stage, r)
            assert r.opt_u32(OPT_LEASE_TIME) == 600, (stage, r)
            assert r.server_id == SERVER_ADDR, (stage, r)
            assert r.yiaddr in RANGE, (stage, r)
            assert not r.problems, (stage, r.problems)


def test_pxe_rom_prl_gets_dns(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        ack = rc.lease(options=[(OPT_PRL, PXE_PRL), (OPT_MAX_SIZE, u16(1472)),
                                (OPT_VENDOR_CLASS, PXE_VENDOR_UEFI64),
                                (OPT_CLIENT_ARCH, b"\x00\x07")])
        assert ack.opt_ips(OPT_DNS) == ["172.25.254.254"]
        assert ack.opt_ips(OPT_ROUTERS) == ["172.25.254.250"]


def test_static_host_gets_its_ip(dtopo):
    conf = base_config(dtopo.tmp, extra="""
[host web1]
mac = 52:54:00:00:00:01
ip = 172.25.254.20
""")
    start_dhcp(dtopo, conf)
    env = udhcpc(dtopo.clients[0], dtopo.tmp)
    assert env.get("ip") == "172.25.254.20", env
    assert env.get("router") == "172.25.254.250", env
    assert env.get("dns") == "172.25.254.254", env
    # Asking for another address does not move it.
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=[(50, ip4("172.25.254.65"))])
        assert offer.yiaddr == "172.25.254.20", offer


def test_static_host_by_client_id(dtopo):
    conf = base_config(dtopo.tmp, extra="""
[host byid]
client-id = 00:6d:79:68:6f:73:74
ip = 172.25.254.21
""")
    start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        for mac in ("52:54:00:00:00:01", "52:54:00:00:00:07"):
            ack = rc.lease(mac=mac, options=[(OPT_CLIENT_ID, b"\x00myhost")])
            assert ack.yiaddr == "172.25.254.21", (mac, ack)
        other = rc.discover(options=[(OPT_CLIENT_ID, b"\x00other")])
        assert other.yiaddr != "172.25.254.21", other


def test_fifty_clients_get_fifty_distinct_addresses(make_dtopo):
    t = make_dtopo("veth", clients=50)
    conf = base_config(t.tmp, interface="br0").replace(
        "range = 172.25.254.60 - 172.25.254.70",
        "range = 172.25.254.10 - 172.25.254.90")
    start_dhcp(t, conf)
    with ThreadPoolExecutor(max_workers=25) as ex:
        envs = list(ex.map(
            lambda ic: udhcpc(ic[1], t.tmp, name=f"udhcpc{ic[0]}",
                              tries=8, timeout=40),
            enumerate(t.clients)))
    ips = [e.get("ip") for e in envs]
    assert len(set(ips)) == 50, f"duplicates: {sorted(ips)}"
    pool = {f"172.25.254.{i}" for i in range(10, 91)}
    assert set(ips) <= pool, sorted(set(ips) - pool)
    assert all(e.get("dns") == "172.25.254.254" for e in envs)


def test_extra_options_by_code_per_subnet_and_host(dtopo):
    conf = base_config(dtopo.tmp, subnet_extra="""
ntp = 172.25.254.123
hostname = anyhost
option-200 = "hello world"
option-201 = 10.1.2.3, 10.1.2.4
option-202 = hex:01:02:03:ff
option-203 = u8:7
option-204 = u16:513
option-205 = u32:70000
option-206 = bareword
""", extra="""
[host special]
mac = 52:54:00:00:00:02
dns = 172.25.254.53
option-200 = "host value"
""")
    start_dhcp(dtopo, conf)
    prl = bytes([1, 3, 6, 12, 15, 42, 200, 201, 202, 203, 204, 205, 206])
    with RawClient(dtopo.clients[0]) as rc:
        ack = rc.lease(options=[(OPT_PRL, prl)])
        assert ack.opt(200) == b"hello world", ack
        assert ack.opt(201) == ip4("10.1.2.3", "10.1.2.4"), ack
        assert ack.opt(202) == b"\x01\x02\x03\xff", ack
        assert ack.opt(203) == b"\x07", ack
        assert ack.opt(204) == b"\x02\x01", ack
        assert ack.opt(205) == (70000).to_bytes(4, "big"), ack
        assert ack.opt(206) == b"bareword", ack
        assert ack.opt_ips(OPT_NTP) == ["172.25.254.123"], ack
        assert ack.opt(OPT_HOSTNAME) == b"anyhost", ack
        host = rc.lease(mac="52:54:00:00:00:02", options=[(OPT_PRL, prl)])
        assert host.opt(200) == b"host value", host
        assert host.opt_ips(OPT_DNS) == ["172.25.254.53"], host
        # what the host does not set comes from its subnet
        assert host.opt_ips(OPT_ROUTERS) == ["172.25.254.250"], host
        assert host.opt(203) == b"\x07", host


def test_parameter_request_list_is_honoured(dtopo):
    conf = base_config(dtopo.tmp, subnet_extra='option-200 = "extra"\n'
                       'option-201 = "asked for"')
    start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=[(OPT_PRL, bytes([1, 3, 6, 201]))])
        assert offer.opt(201) == b"asked for", offer
        assert offer.opt(200) is None, (
            f"option 200 was not requested but sent: {offer!r}")


def _big_options_conf(tmp):
    big = "\n".join(f'option-{c} = "{chr(ord("a") + c - 200) * 200}"'
                    for c in range(200, 204))
    return base_config(tmp, subnet_extra=big)


def test_maximum_message_size_is_respected(dtopo):
    """Four 200-byte options do not fit in 576 bytes: a client that says
    57 = 576 gets a reply that fits (with what matters), one that says
    1500 gets them all."""
    start_dhcp(dtopo, _big_options_conf(dtopo.tmp))
    prl = bytes([1, 3, 6, 15, 51, 54, 200, 201, 202, 203])
    with RawClient(dtopo.clients[0]) as rc:
        small = rc.discover(options=[(OPT_PRL, prl),
                                     (OPT_MAX_SIZE, u16(576))])
        assert small.ip_len <= 576, f"{small.ip_len} bytes: {small!r}"
        for code in (OPT_MSG_TYPE, OPT_SERVER_ID, OPT_LEASE_TIME,
                     OPT_SUBNET_MASK, OPT_ROUTERS, OPT_DNS):
            assert small.opt(code) is not None, (code, small)
        assert not small.problems, small.problems
        # No 57 at all: RFC 2131 says 576 is all a client must accept.
        nosize = rc.discover(options=[(OPT_PRL, prl)])
        assert nosize.ip_len <= 576, f"{nosize.ip_len} bytes: {nosize!r}"
        assert nosize.opt(OPT_DNS) is not None, nosize
        large = rc.discover(options=[(OPT_PRL, prl),
                                     (OPT_MAX_SIZE, u16(1500))])
        assert large.ip_len <= 1500, large
        for c in range(200, 204):
            assert large.opt(c) == bytes([ord("a") + c - 200]) * 200, (
                c, large)


def test_option_overload_in_request_is_parsed(dtopo):
    """A client that puts its options in `file` and `sname` (option 52):
    its client-id selects its host entry, its request list is honoured,
    its vendor class and architecture choose the boot file."""
    conf = base_config(dtopo.tmp, subnet_extra="""
filename-bios = bios/pxelinux.0
filename-uefi = efi/grubx64.efi
""", extra="""
[host over]
client-id = 01:02:03:04:05:06:07
ip = 172.25.254.22
""")
    start_dhcp(dtopo, conf)
    file_area = encode_options([(OPT_CLIENT_ID, bytes.fromhex("01020304050607")),
                                (OPT_PRL, bytes([1, 3, 6, 15, 43, 60, 66, 67]))
                                ]) + b"\xff"
    sname_area = encode_options([(OPT_VENDOR_CLASS, PXE_VENDOR_UEFI64),
                                 (OPT_CLIENT_ARCH, b"\x00\x07")]) + b"\xff"
    with RawClient(dtopo.clients[0]) as rc:
        xid = rc.send(DISCOVER, options=[(OPT_OVERLOAD, b"\x03")],
                      file=file_area, sname=sname_area)
        offer = rc.expect(xid, OFFER, stage="DISCOVER with option overload")
        assert offer.yiaddr == "172.25.254.22", offer
        assert offer.opt_ips(OPT_DNS) == ["172.25.254.254"], offer
        assert boot_file(offer) == b"efi/grubx64.efi", offer


def test_reply_reaches_client_without_address_without_broadcast_flag(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(flags=0)
        # RFC 2131 4.1: unicast to chaddr/yiaddr, or broadcast.
        if offer.dst_mac != "ff:ff:ff:ff:ff:ff":
            assert offer.dst_mac == "52:54:00:00:00:01", offer
            assert offer.dst_ip == offer.yiaddr, offer
        else:
            assert offer.dst_ip == "255.255.255.255", offer
        assert offer.dport == 68 and offer.sport == 67, offer
        ack = rc.request_selecting(offer, flags=0)
        assert ack and ack[0].msg_type == ACK, ack


def test_reply_is_broadcast_when_client_sets_broadcast_flag(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(flags=0x8000)
        assert offer.dst_mac == "ff:ff:ff:ff:ff:ff", offer
        assert offer.dst_ip == "255.255.255.255", offer
        assert offer.flags & 0x8000, offer
    env = udhcpc(dtopo.clients[0], dtopo.tmp, extra=["-B"])
    assert env.get("ip") in RANGE, env
