# SPDX-License-Identifier: MIT
"""Client states and leases: REQUEST in SELECTING, INIT-REBOOT, RENEWING
and REBINDING; DECLINE, RELEASE, INFORM; leases keyed by client-id else
MAC; static hosts; an exhausted pool; leases that survive a restart and a
crash right after the ACK."""
import os
import signal
import socket
import time

from dhcp_clients import (ACK, DECLINE, DISCOVER, INFORM, NAK, OFFER,
                          OPT_CLIENT_ID, OPT_DNS, OPT_DOMAIN,
                          OPT_LEASE_TIME, OPT_PRL, OPT_REBINDING,
                          OPT_RENEWAL, OPT_REQUESTED_IP, OPT_ROUTERS,
                          OPT_SERVER_ID, RELEASE, REQUEST, RawClient,
                          UdhcpcDaemon, UdpEndpoint, bootp, ip4, link_mac,
                          udhcpc)
from dhcp_fixtures import dtopo, make_dtopo, start_dhcp  # noqa: F401
from netns import SERVER_ADDR, base_config

RANGE = [f"172.25.254.{i}" for i in range(60, 71)]
MAC2 = "52:54:00:00:00:02"
MAC3 = "52:54:00:00:00:03"


def one_range(tmp, first, last, **kw):
    return base_config(tmp, **kw).replace(
        "range = 172.25.254.60 - 172.25.254.70", f"range = {first} - {last}")


def configure(ns, addr):
    """Give the client namespace's c0 the address it was leased."""
    ns.run("ip", "addr", "add", f"{addr}/24", "dev", "c0")


def test_selecting_offer_then_ack_with_lease_times(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover()
        assert offer.yiaddr in RANGE, offer
        assert offer.server_id == SERVER_ADDR, offer
        ack = rc.request_selecting(offer)
        assert ack and ack[0].msg_type == ACK, f"REQUEST: {ack!r}"
        ack = ack[0]
        assert ack.yiaddr == offer.yiaddr and ack.xid == offer.xid, ack
        lease = ack.opt_u32(OPT_LEASE_TIME)
        assert lease == 600, ack
        t1, t2 = ack.opt_u32(OPT_RENEWAL), ack.opt_u32(OPT_REBINDING)
        # T1/T2 are optional; when sent they must be ordered (RFC 2131 4.4.5)
        if t1 is not None and t2 is not None:
            assert 0 < t1 < t2 < lease, (t1, t2, lease)


def test_request_naming_another_server_gets_no_reply(dtopo):
    """The client chose another server's offer: we stay silent."""
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover()
        xid = rc.send(REQUEST, xid=offer.xid, options=[
            (OPT_REQUESTED_IP, ip4(offer.yiaddr)),
            (OPT_SERVER_ID, ip4("172.25.254.99"))])
        rc.expect_none(xid, stage="REQUEST for another server's offer")


def test_init_reboot_known_address_acked(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease().yiaddr
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(a))])
        ack = rc.expect(xid, ACK, stage="INIT-REBOOT REQUEST")
        assert ack.yiaddr == a, ack
        assert ack.opt_u32(OPT_LEASE_TIME) == 600, ack


def test_init_reboot_wrong_network_nakked(dtopo):
    """A laptop back from another network asks for its old address."""
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP,
                                         ip4("10.99.0.5"))])
        nak = rc.expect(xid, NAK, stage="INIT-REBOOT on the wrong network")
        assert nak.yiaddr == "0.0.0.0", nak
        # RFC 2131 4.1: with giaddr zero, a NAK is broadcast
        assert nak.dst_ip == "255.255.255.255", nak
        assert nak.dst_mac == "ff:ff:ff:ff:ff:ff", nak
        assert nak.server_id == SERVER_ADDR, nak
        assert nak.opt(OPT_LEASE_TIME) is None, nak


def test_no_address_is_bound_to_two_clients(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease().yiaddr
        # INIT-REBOOT for someone else's address
        xid = rc.send(REQUEST, mac=MAC2,
                      options=[(OPT_REQUESTED_IP, ip4(a))])
        rc.expect(xid, NAK, stage="INIT-REBOOT for a taken address")
        # SELECTING-style REQUEST for it, naming us
        xid = rc.send(REQUEST, mac=MAC3,
                      options=[(OPT_REQUESTED_IP, ip4(a)),
                               (OPT_SERVER_ID, ip4(SERVER_ADDR))])
        got = rc.replies(xid, timeout=2)
        assert not got or got[0].msg_type == NAK, (
            f"REQUEST for a taken address: {got!r}")
        # A DISCOVER asking for it is offered something else.
        other = rc.discover(mac=MAC2, options=[(OPT_REQUESTED_IP, ip4(a))])
        assert other.yiaddr != a, other
        # and the owner still has it
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(a))])
        assert rc.expect(xid, ACK, stage="owner INIT-REBOOT").yiaddr == a


def test_renewing_unicast_keeps_address(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    c = dtopo.clients[0]
    with RawClient(c) as rc:
        a = rc.lease().yiaddr
    configure(c, a)
    with UdpEndpoint(c, port=68) as ep, RawClient(c) as watch:
        msg = bootp(REQUEST, xid=0x5e5e0001, mac="52:54:00:00:00:01",
                    ciaddr=a)
        ep.sendto(msg, SERVER_ADDR, 67)
        ack = ep.expect(0x5e5e0001, ACK, stage="RENEWING REQUEST")
        assert ack.yiaddr == a, ack
        assert ack.src_ip == SERVER_ADDR, ack
        assert ack.opt_u32(OPT_LEASE_TIME) == 600, ack
        # RFC 2131 4.1: ciaddr set, giaddr zero: unicast to ciaddr
        frames = watch.replies(0x5e5e0001, timeout=0.5, count=1)
        assert frames and frames[0].dst_ip == a, frames


def test_rebinding_broadcast_keeps_address(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    c = dtopo.clients[0]
    with RawClient(c) as rc:
        a = rc.lease().yiaddr
    configure(c, a)
    with UdpEndpoint(c, port=68, broadcast=True) as ep:
        ep.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"c0")
        msg = bootp(REQUEST, xid=0x5e5e0002, mac="52:54:00:00:00:01",
                    ciaddr=a)
        ep.sendto(msg, "255.255.255.255", 67)
        ack = ep.expect(0x5e5e0002, ACK, stage="REBINDING REQUEST")
        assert ack.yiaddr == a, ack


def test_udhcpc_renew_keeps_address(dtopo):
    """A real client, bound and configured, renews (unicast from its
    address, SIGUSR1) and keeps its address; restarted with -r it asks for
    it again and gets it."""
    start_dhcp(dtopo, base_config(dtopo.tmp))
    c = dtopo.clients[0]
    d = UdhcpcDaemon(dtopo, c)
    bound = d.wait_event(("bound",), stage="udhcpc binding")
    d.renew()
    renewed = d.wait_event(("renew", "bound"), count=2, timeout=10,
                           stage="udhcpc renewing")
    assert renewed["ip"] == bound["ip"], (bound, renewed)
    d.proc.stop()
    c.run("ip", "addr", "flush", "dev", "c0")
    again = udhcpc(c, dtopo.tmp, name="again", extra=["-r", bound["ip"]])
    assert again["ip"] == bound["ip"], (bound, again)


def test_decline_quarantines_address(dtopo):
    start_dhcp(dtopo, one_range(dtopo.tmp, "172.25.254.60", "172.25.254.64"))
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease().yiaddr
        rc.send(DECLINE, options=[(OPT_REQUESTED_IP, ip4(a)),
                                  (OPT_SERVER_ID, ip4(SERVER_ADDR))])
        time.sleep(0.3)
        for mac in ("52:54:00:00:00:01", MAC2, MAC3):
            got = rc.lease(mac=mac, options=[(OPT_REQUESTED_IP, ip4(a))])
            assert got.yiaddr != a, f"{mac} got the declined {a}: {got!r}"


def test_release_frees_address(dtopo):
    start_dhcp(dtopo, one_range(dtopo.tmp, "172.25.254.60", "172.25.254.60"))
    server_mac = link_mac(dtopo.server, "s0")
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease().yiaddr
        assert a == "172.25.254.60"
        xid = rc.send(DISCOVER, mac=MAC2)
        rc.expect_none(xid, stage="DISCOVER with the only address leased")
        rc.send(RELEASE, ciaddr=a, src_ip=a, dst_ip=SERVER_ADDR,
                dst_mac=server_mac,
                options=[(OPT_SERVER_ID, ip4(SERVER_ADDR))])
        time.sleep(0.3)
        got = rc.lease(mac=MAC2)
        assert got.yiaddr == a, got


def test_exhausted_pool_no_offer_and_clear_log(dtopo):
    p = start_dhcp(dtopo, one_range(dtopo.tmp, "172.25.254.60",
                                    "172.25.254.61"))
    with RawClient(dtopo.clients[0]) as rc:
        got = {rc.lease(mac=m).yiaddr for m in ("52:54:00:00:00:01", MAC2)}
        assert got == {"172.25.254.60", "172.25.254.61"}, got
        xid = rc.send(DISCOVER, mac=MAC3)
        rc.expect_none(xid, stage="DISCOVER with the pool exhausted")
    p.wait_log("no free address", timeout=3, stage="exhausted pool log")
    lines = [l for l in p.log().splitlines() if "no free address" in l]
    assert len(lines) == 1, lines


def test_inform_gets_options_without_lease(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    c = dtopo.clients[0]
    configure(c, "172.25.254.33")
    with UdpEndpoint(c, port=68) as ep:
        msg = bootp(INFORM, xid=0x1f0f0001, mac="52:54:00:00:00:01",
                    ciaddr="172.25.254.33",
                    options=[(OPT_PRL, bytes([1, 3, 6, 15]))])
        ep.sendto(msg, SERVER_ADDR, 67)
        ack = ep.expect(0x1f0f0001, ACK, stage="INFORM")
    assert ack.yiaddr == "0.0.0.0", ack
    assert ack.opt(OPT_LEASE_TIME) is None, ack
    assert ack.opt_ips(OPT_DNS) == ["172.25.254.254"], ack
    assert ack.opt_ips(OPT_ROUTERS) == ["172.25.254.250"], ack
    assert ack.opt(OPT_DOMAIN) == b"example.com", ack
    # An INFORM binds nothing: the address stays out of the pool's
    # business, and a client leasing now gets a pool address.
    with RawClient(c) as rc:
        assert rc.lease(mac=MAC2).yiaddr in RANGE


def test_lease_keyed_by_client_id_else_mac(dtopo):
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        cid = [(OPT_CLIENT_ID, b"\xffclient-A")]
        a = rc.lease(options=cid).yiaddr
        # same client-id, other NIC: same lease
        assert rc.discover(mac=MAC2, options=cid).yiaddr == a
        # same NIC, other client-id: another client
        b = rc.lease(options=[(OPT_CLIENT_ID, b"\xffclient-B")]).yiaddr
        assert b != a
        # no client-id: keyed by MAC, stable
        m = rc.lease(mac=MAC3).yiaddr
        assert rc.lease(mac=MAC3).yiaddr == m
        assert m not in (a, b)


def test_static_host_address_in_range_is_reserved(dtopo):
    conf = one_range(dtopo.tmp, "172.25.254.60", "172.25.254.62",
                     extra="""
[host reserved]
mac = 52:54:00:00:00:09
ip = 172.25.254.60
""")
    start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        got = [rc.lease(mac=f"52:54:00:00:00:1{i}").yiaddr for i in range(2)]
        assert sorted(got) == ["172.25.254.61", "172.25.254.62"], got
        xid = rc.send(DISCOVER, mac="52:54:00:00:00:12")
        rc.expect_none(xid, stage="third dynamic client, pool exhausted")
        assert rc.lease(mac="52:54:00:00:00:09").yiaddr == "172.25.254.60"


def _restart(dtopo, p, conf, kill=signal.SIGTERM):
    if kill == signal.SIGTERM:
        assert p.stop(timeout=10) == 0, f"exit status\n{p.log()[-2000:]}"
    else:
        os.kill(p.pid, kill)
        p.popen.wait(5)
    return start_dhcp(dtopo, conf, name=f"pxed-again{len(dtopo.procs)}")


def test_restart_keeps_leases_and_renewals_keep_addresses(dtopo):
    conf = base_config(dtopo.tmp)
    p = start_dhcp(dtopo, conf)
    macs = ["52:54:00:00:00:01", MAC2, MAC3]
    with RawClient(dtopo.clients[0]) as rc:
        before = {m: rc.lease(mac=m).yiaddr for m in macs}
        _restart(dtopo, p, conf)
        for m in macs:
            xid = rc.send(REQUEST, mac=m,
                          options=[(OPT_REQUESTED_IP, ip4(before[m]))])
            ack = rc.expect(xid, ACK, stage=f"INIT-REBOOT of {m} after "
                            "restart")
            assert ack.yiaddr == before[m], (m, ack)
            assert rc.discover(mac=m).yiaddr == before[m]
        newcomer = rc.lease(mac="52:54:00:00:00:44").yiaddr
        assert newcomer not in before.values(), (newcomer, before)


def test_lease_durable_before_ack(dtopo):
    """SIGKILL right after the ACK: the lease was on disk already."""
    conf = one_range(dtopo.tmp, "172.25.254.60", "172.25.254.60")
    p = start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease().yiaddr
        _restart(dtopo, p, conf, kill=signal.SIGKILL)
        xid = rc.send(DISCOVER, mac=MAC2)
        rc.expect_none(xid, stage="other client after crash: the one "
                       "address must still be leased")
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(a))])
        assert rc.expect(xid, ACK, stage="owner after crash").yiaddr == a


def test_requested_lease_time_capped_by_max_lease_time(dtopo):
    conf = base_config(dtopo.tmp, subnet_extra="max-lease-time = 1200")
    start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        ack = rc.lease(options=[(OPT_LEASE_TIME, (100000).to_bytes(4, "big"))])
        assert ack.opt_u32(OPT_LEASE_TIME) == 1200, ack
        plain = rc.lease(mac=MAC2)
        assert plain.opt_u32(OPT_LEASE_TIME) == 600, plain


def test_renewing_someone_elses_address_nakked(dtopo):
    """RENEWING/REBINDING with a ciaddr leased to another client: NAK (the
    client must start over), and the owner keeps it."""
    start_dhcp(dtopo, base_config(dtopo.tmp))
    c = dtopo.clients[0]
    server_mac = link_mac(dtopo.server, "s0")
    with RawClient(c) as rc:
        a = rc.lease().yiaddr
        # renewing: unicast from a
        xid = rc.send(REQUEST, mac=MAC2, ciaddr=a, src_ip=a,
                      dst_ip=SERVER_ADDR, dst_mac=server_mac)
        rc.expect(xid, NAK, stage="RENEWING with another client's address")
        # rebinding: broadcast
        xid = rc.send(REQUEST, mac=MAC2, ciaddr=a, src_ip=a)
        rc.expect(xid, NAK, stage="REBINDING with another client's address")
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(a))])
        assert rc.expect(xid, ACK, stage="owner INIT-REBOOT").yiaddr == a


def _burst(rc, msgs, want, rounds=3, timeout=5):
    """Send {xid: send-kwargs} all at once; resend to the ones without a
    reply of type `want`, as clients retransmit (3 rounds). {xid: reply}"""
    got = {}
    for _ in range(rounds):
        todo = [x for x in msgs if x not in got]
        if not todo:
            break
        for x in todo:
            rc.send(xid=x, **msgs[x])
        for r in rc.replies(timeout=timeout, count=len(todo)):
            if r.xid in msgs and r.msg_type == want:
                got.setdefault(r.xid, r)
    return got


def test_burst_of_200_clients_distinct_and_durable(dtopo):
    """200 clients at once (all DISCOVERs, then all REQUESTs, as a burst,
    retransmitting like clients do): every one ACKed, no address twice;
    after SIGKILL and a restart, every lease is still there.

    This asks for offers held for their client: a rack powering on must
    not get one address offered to several machines and then NAK all but
    one (dnsmasq does that here: half the burst is NAKed, and PXE ROMs
    recover slowly from a NAK)."""
    conf = base_config(dtopo.tmp).replace(
        "range = 172.25.254.60 - 172.25.254.70",
        "range = 172.25.254.2 - 172.25.254.99\n"
        "range = 172.25.254.101 - 172.25.254.249")
    p = start_dhcp(dtopo, conf)
    macs = {0x0b000000 + i: f"52:54:00:01:{i >> 8:02x}:{i & 255:02x}"
            for i in range(200)}
    with RawClient(dtopo.clients[0]) as rc:
        offers = _burst(rc, {x: dict(msg_type=DISCOVER, mac=m)
                             for x, m in macs.items()}, OFFER)
        assert len(offers) == 200, f"{200 - len(offers)} of 200 got no OFFER"
        acks = _burst(rc, {x: dict(msg_type=REQUEST, mac=m, options=[
            (OPT_REQUESTED_IP, ip4(offers[x].yiaddr)),
            (OPT_SERVER_ID, ip4(SERVER_ADDR))]) for x, m in macs.items()},
            ACK)
        assert len(acks) == 200, f"{200 - len(acks)} of 200 got no ACK"
        got = {x: acks[x].yiaddr for x in macs}
        assert len(set(got.values())) == 200, "an address given twice"
        _restart(dtopo, p, conf, kill=signal.SIGKILL)
        again = _burst(rc, {x + 0x100000: dict(
            msg_type=REQUEST, mac=m,
            options=[(OPT_REQUESTED_IP, ip4(got[x]))])
            for x, m in macs.items()}, ACK)
        lost = [macs[x] for x in macs
                if x + 0x100000 not in again or
                again[x + 0x100000].yiaddr != got[x]]
        assert not lost, (f"{len(lost)} of 200 leases lost after SIGKILL: "
                          f"{lost[:5]}")
