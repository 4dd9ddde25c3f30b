# SPDX-License-Identifier: MIT
"""Bad input: truncated packets, a wrong magic cookie, option lengths past
the end, overload loops, hlen > 16, non-Ethernet htype, oversized packets,
wrong op. Each is dropped (no reply), never a crash: the server answers a
good DISCOVER right after, and on SIGTERM it reports what it dropped."""
import random
import re
import struct

import pytest

from dhcp_clients import (DISCOVER, OFFER, OPT_OVERLOAD, OPT_PRL, RawClient,
                          bootp)
from dhcp_fixtures import dtopo, start_dhcp  # noqa: F401
from netns import base_config

MAC = "52:54:00:00:00:01"


def good(xid, **kw):
    kw.setdefault("options", [(OPT_PRL, bytes([1, 3, 6, 15]))])
    return bootp(DISCOVER, xid=xid, mac=MAC, **kw)


def truncated_header(xid):
    return good(xid)[:100]


def truncated_before_cookie(xid):
    return good(xid)[:238]


def wrong_magic_cookie(xid):
    return good(xid, cookie=b"\x63\x82\x53\x64")


def option_length_past_end(xid):
    # 53=DISCOVER, then 55 claims 200 bytes and the packet ends after 10.
    return good(xid, options=b"", end=False, pad_to=0)[:240] + \
        bytes([53, 1, 1, 55, 200]) + bytes(range(1, 11))


def overload_loop(xid):
    # 52 says `file` and `sname` hold options; each of them says so again.
    loop = bytes([OPT_OVERLOAD, 1, 3]) * 3 + b"\xff"
    return good(xid, options=[(OPT_OVERLOAD, b"\x03")], file=loop,
                sname=loop)


def hlen_17(xid):
    return good(xid, hlen=17)


def htype_ieee802(xid):
    return good(xid, htype=6)


def oversized(xid):
    # 9000 bytes: far past any MTU here; IP fragments carry it.
    return good(xid, options=[(OPT_PRL, bytes([1, 3, 6])),
                              (224, b"x" * 250)] * 35, pad_to=9000)


def wrong_op(xid):
    return good(xid, op=2)


def one_byte(xid):
    return b"\x01"


MALFORMED = [truncated_header, truncated_before_cookie, wrong_magic_cookie,
             option_length_past_end, overload_loop, hlen_17, htype_ieee802,
             oversized, wrong_op, one_byte]


def still_serves(rc, stage):
    offer = rc.discover(mac="52:54:00:00:00:77", stage=stage)
    assert offer.yiaddr.startswith("172.25.254."), offer


@pytest.mark.parametrize("make", MALFORMED, ids=lambda f: f.__name__)
def test_malformed_packet_dropped_without_reply(dtopo, make):
    p = start_dhcp(dtopo, base_config(dtopo.tmp))
    xid = 0x0bad0000 + MALFORMED.index(make)
    with RawClient(dtopo.clients[0]) as rc:
        rc.send_payload(make(xid))
        rc.expect_none(xid, timeout=1.0, stage=f"{make.__name__}: expecting "
                       "no reply")
        assert p.popen.poll() is None, (
            f"pxed exited after {make.__name__}\n{p.log()[-3000:]}")
        still_serves(rc, f"good DISCOVER after {make.__name__}")


def test_drops_counted_and_reported_on_exit(dtopo):
    p = start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        for i, make in enumerate(MALFORMED):
            rc.send_payload(make(0x0bad1000 + i))
        still_serves(rc, "good DISCOVER after every kind of bad packet")
    assert p.stop(timeout=10) == 0, f"exit status\n{p.log()[-3000:]}"
    lines = [l for l in p.log().splitlines() if "dropped" in l.lower()]
    assert lines, f"no line about dropped packets\n{p.log()[-3000:]}"
    # "N dropped" or "dropped: N"
    counts = [int(n) for l in lines for n in
              re.findall(r"(\d+) dropped|dropped:? (\d+)", l)
              for n in n if n]
    total = max(counts, default=0)
    # The one-byte and truncated datagrams may be refused by the kernel's
    # checks or ours; at least the well-framed bad messages count.
    assert total >= 6, f"dropped counts too low: {lines}"


def test_random_mutations_never_crash(dtopo):
    """300 damaged DISCOVERs (bytes flipped, cut, options scrambled).
    Many still parse, each with a different client: a pool big enough for
    all of them, so that the good DISCOVER after them finds an address."""
    p = start_dhcp(dtopo, base_config(dtopo.tmp).replace(
        "range = 172.25.254.60 - 172.25.254.70",
        "range = 172.25.254.2 - 172.25.254.99\n"
        "range = 172.25.254.101 - 172.25.254.249"))
    rng = random.Random(20261124)
    with RawClient(dtopo.clients[0]) as rc:
        base = bytearray(good(0x0bad2000, options=[
            (OPT_PRL, bytes([1, 3, 6, 15, 43, 60, 66, 67])),
            (60, b"PXEClient:Arch:00007:UNDI:003016"), (93, b"\x00\x07"),
            (61, b"\x01" + bytes(6)), (57, struct.pack("!H", 1500))]))
        for i in range(300):
            m = bytearray(base)
            m[4:8] = struct.pack("!I", 0x0bad3000 + i)
            for _ in range(rng.randint(1, 12)):
                pos = rng.randrange(240 if rng.random() < 0.3 else 8, len(m))
                m[pos] = rng.randrange(256)
            if rng.random() < 0.3:
                m = m[:rng.randrange(1, len(m))]
            rc.send_payload(bytes(m))
        assert p.popen.poll() is None, f"pxed exited\n{p.log()[-3000:]}"
        still_serves(rc, "good DISCOVER after 300 damaged ones")
    assert p.popen.poll() is None


def test_large_but_valid_discover_is_answered(dtopo):
    """Bigger than 576 but within the link MTU (a client with long
    options, padded to 1400 bytes): a valid message, answered."""
    start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        xid = rc.send(DISCOVER, options=[
            (OPT_PRL, bytes([1, 3, 6, 15])), (57, struct.pack("!H", 1500)),
            (60, b"PXEClient:Arch:00007:UNDI:003016"),
            (77, b"x" * 200), (124, b"\0" * 250)], pad_to=1400)
        offer = rc.expect(xid, OFFER, stage="1400-byte DISCOVER")
        assert offer.yiaddr.startswith("172.25.254."), offer
