# SPDX-License-Identifier: MIT
"""Relays and several subnets: a real relay (ISC dhcrelay) in a middle
namespace; giaddr selects the subnet and gets the reply; relay agent
information (82) echoed; two interfaces, each with its own subnet."""
from dhcp_clients import (ACK, DISCOVER, OFFER, OPT_DNS, OPT_PRL,
                          OPT_RELAY_AGENT, OPT_REQUESTED_IP, OPT_ROUTERS,
                          OPT_SERVER_ID, REQUEST, UdpEndpoint, bootp, ip4,
                          udhcpc, dhclient, UdhcpcDaemon)
from dhcp_fixtures import make_dtopo, start_dhcp  # noqa: F401
from netns import (RELAY_CLIENT_SIDE, SERVER_ADDR, SERVER_ADDR_2,
                   base_config)

RELAYED_SUBNET = """
[subnet 172.25.253.0/24]
range = 172.25.253.10 - 172.25.253.20
routers = 172.25.253.1
dns = 172.25.254.254
domain = relayed.example
lease-time = 900
"""
RELAYED_RANGE = [f"172.25.253.{i}" for i in range(10, 21)]


def test_dhcrelay_udhcpc_gets_address_in_relayed_subnet(make_dtopo):
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp, extra=RELAYED_SUBNET))
    t.start_relay()
    env = udhcpc(t.clients[0], t.tmp, tries=6)
    assert env.get("ip") in RELAYED_RANGE, env
    assert env.get("router") == "172.25.253.1", env
    assert env.get("domain") == "relayed.example", env
    assert env.get("dns") == "172.25.254.254", env
    assert env.get("lease") == "900", env
    assert env.get("serverid") == SERVER_ADDR, env


def test_dhcrelay_dhclient_gets_address_in_relayed_subnet(make_dtopo):
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp, extra=RELAYED_SUBNET))
    t.start_relay()
    env = dhclient(t.clients[0], t.tmp)
    assert env.get("new_ip_address") in RELAYED_RANGE, env
    assert env.get("new_routers") == "172.25.253.1", env
    assert env.get("new_domain_name") == "relayed.example", env


def test_giaddr_selects_subnet_reply_to_relay_option82_echoed(make_dtopo):
    """Play the relay agent ourselves, from the relay namespace."""
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp, extra=RELAYED_SUBNET))
    agent = bytes([1, 6]) + b"port-7" + bytes([2, 7]) + b"relay-A"
    mac = "52:54:00:00:00:31"
    with UdpEndpoint(t.relay, port=67) as relay:
        msg = bootp(DISCOVER, xid=0x7e1a0001, mac=mac, hops=1,
                    giaddr=RELAY_CLIENT_SIDE,
                    options=[(OPT_PRL, bytes([1, 3, 6, 15])),
                             (OPT_RELAY_AGENT, agent)])
        relay.sendto(msg, SERVER_ADDR, 67)
        offer = relay.expect(0x7e1a0001, OFFER, stage="relayed DISCOVER")
        assert offer.sport == 67, offer
        assert offer.yiaddr in RELAYED_RANGE, offer
        assert offer.giaddr == RELAY_CLIENT_SIDE, offer
        assert offer.opt_ips(OPT_ROUTERS) == ["172.25.253.1"], offer
        assert offer.opt(OPT_RELAY_AGENT) == agent, offer
        assert offer.server_id == SERVER_ADDR, offer
        msg = bootp(REQUEST, xid=0x7e1a0001, mac=mac, hops=1,
                    giaddr=RELAY_CLIENT_SIDE,
                    options=[(OPT_REQUESTED_IP, ip4(offer.yiaddr)),
                             (OPT_SERVER_ID, ip4(SERVER_ADDR)),
                             (OPT_RELAY_AGENT, agent)])
        relay.sendto(msg, SERVER_ADDR, 67)
        ack = relay.expect(0x7e1a0001, ACK, stage="relayed REQUEST")
        assert ack.yiaddr == offer.yiaddr, ack
        assert ack.opt(OPT_RELAY_AGENT) == agent, ack


def test_relayed_request_for_unknown_subnet_gets_no_offer(make_dtopo):
    """giaddr in no configured subnet: nothing to offer (and never an
    address of the server's own link)."""
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp))  # no subnet for 172.25.253.0/24
    with UdpEndpoint(t.relay, port=67) as relay:
        msg = bootp(DISCOVER, xid=0x7e1a0002, mac="52:54:00:00:00:32",
                    hops=1, giaddr=RELAY_CLIENT_SIDE)
        relay.sendto(msg, SERVER_ADDR, 67)
        got = relay.replies(0x7e1a0002, timeout=1.5)
        assert not got, got


def test_two_interfaces_two_subnets(make_dtopo):
    t = make_dtopo("two")
    conf = f"""[server]
interface = s0, s1
state-dir = {t.tmp}/state

[subnet 172.25.254.0/24]
range = 172.25.254.60 - 172.25.254.70
routers = 172.25.254.250
dns = 172.25.254.254
domain = one.example

[subnet 172.25.253.0/24]
range = 172.25.253.60 - 172.25.253.70
routers = 172.25.253.250
dns = 172.25.253.254
domain = two.example
"""
    start_dhcp(t, conf)
    one = udhcpc(t.clients[0], t.tmp, name="one")
    two = udhcpc(t.clients[1], t.tmp, name="two")
    assert one.get("ip") in [f"172.25.254.{i}" for i in range(60, 71)], one
    assert one.get("router") == "172.25.254.250", one
    assert one.get("domain") == "one.example", one
    assert one.get("serverid") == SERVER_ADDR, one
    assert two.get("ip") in [f"172.25.253.{i}" for i in range(60, 71)], two
    assert two.get("router") == "172.25.253.250", two
    assert two.get("dns") == "172.25.253.254", two
    assert two.get("domain") == "two.example", two
    # the server identifier must be an address the client can reach
    assert two.get("serverid") == SERVER_ADDR_2, two


def test_relayed_client_renews_and_keeps_address(make_dtopo):
    """A bound client behind the relay renews by unicast to the server
    (routed through the relay namespace); the ACK comes back to it."""
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp, extra=RELAYED_SUBNET))
    t.start_relay()
    c = t.clients[0]
    d = UdhcpcDaemon(t, c, extra=["-t", "6"])
    bound = d.wait_event(("bound",), timeout=15, stage="udhcpc via relay")
    assert bound["ip"] in RELAYED_RANGE, bound
    # the way to the server, through the relay (no default route)
    c.run("ip", "route", "add", "172.25.254.0/24", "via", RELAY_CLIENT_SIDE)
    d.renew()
    renewed = d.wait_event(("renew", "bound"), count=2, timeout=10,
                           stage="udhcpc renewing through the relay")
    assert renewed["ip"] == bound["ip"], (bound, renewed)


def test_relayed_nak_goes_to_relay_with_broadcast_bit(make_dtopo):
    """RFC 2131 4.1: a NAK for a relayed client goes to giaddr with the
    broadcast bit set, so the relay broadcasts it to the client."""
    from dhcp_clients import NAK
    t = make_dtopo("relay")
    start_dhcp(t, base_config(t.tmp, extra=RELAYED_SUBNET))
    with UdpEndpoint(t.relay, port=67) as relay:
        msg = bootp(REQUEST, xid=0x7e1a0003, mac="52:54:00:00:00:33",
                    hops=1, giaddr=RELAY_CLIENT_SIDE,
                    options=[(OPT_REQUESTED_IP, ip4("10.99.0.5"))])
        relay.sendto(msg, SERVER_ADDR, 67)
        nak = relay.expect(0x7e1a0003, NAK, stage="relayed INIT-REBOOT "
                           "on the wrong network")
    assert nak.sport == 67, nak
    assert nak.giaddr == RELAY_CLIENT_SIDE, nak
    assert nak.flags & 0x8000, nak


def test_only_configured_interfaces_are_served(make_dtopo):
    """pxed serves s0 only: a client on s1 (another link of the same
    server, even with a subnet configured for it) gets nothing."""
    from dhcp_clients import RawClient
    t = make_dtopo("two")
    start_dhcp(t, f"""[server]
interface = s0
state-dir = {t.tmp}/state

[subnet 172.25.254.0/24]
range = 172.25.254.60 - 172.25.254.70

[subnet 172.25.253.0/24]
range = 172.25.253.60 - 172.25.253.70
""")
    with RawClient(t.clients[1]) as rc:
        xid = rc.send(DISCOVER)
        rc.expect_none(xid, timeout=1.5, stage="DISCOVER on s1, not served")
    with RawClient(t.clients[0]) as rc:
        assert rc.discover().yiaddr.startswith("172.25.254.")
