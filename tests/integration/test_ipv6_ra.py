# SPDX-License-Identifier: MIT
"""pxed answers IPv6 router solicitations where no router does, so that
iPXE stops waiting ~13 s for IPv6 on every boot; beside a real router it
stays silent. The host side is ra_probe.py (one solicitation, then every
advertisement heard); the real router is tests/e2e/e2e_ra.py, which
answers at once as routers do."""
import os
import re
import time

from netns import base_config

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "ra_probe.py")
ROUTER = os.path.join(os.path.dirname(HERE), "e2e", "e2e_ra.py")
PY = "/usr/bin/python3"


def link_local(ns, ifname, timeout=10):
    """The interface's link-local address once duplicate address
    detection is done (until then nothing can be sent from it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = ns.run("ip", "-6", "addr", "show", "dev", ifname).stdout
        m = re.search(r"inet6 (fe80::[0-9a-f:]+)/64 scope link(.*)", out)
        if m and "tentative" not in m.group(2):
            return m.group(1)
        time.sleep(0.1)
    raise AssertionError(f"{ifname}: no usable link-local address:\n{out}")


def probe(client, seconds=4.0, hop_limit=255):
    """[(source, seconds after the solicitation, line)] of each RA."""
    link_local(client, "c0")
    r = client.run(PY, PROBE, "c0", str(seconds), str(hop_limit),
                   timeout=seconds + 10)
    assert "RS sent" in r.stdout, r.stdout + r.stderr
    return [(m.group(1), float(m.group(2)), m.group(0)) for m in
            re.finditer(r"RA from (\S+) after ([\d.]+)s .*", r.stdout)]


def test_answers_where_no_router_does(make_topo):
    t = make_topo()
    pxed = t.start_pxed(base_config(t.tmp))
    server_ll = link_local(t.server, "s0")
    ras = probe(t.clients[0])
    ours = [ra for ra in ras if ra[0] == server_ll]
    assert ours, f"no RA from pxed ({server_ll}): {ras}\n{pxed.log()}"
    src, after, line = ours[0]
    # Within the answer delay plus RFC 4861's spacing of RAs (the client
    # kernel's own solicitations may have been answered just before).
    assert after < 3.5, line
    assert "hop-limit 255 lifetime 0 flags 0x00 len 16" in line, line
    assert all(ra[0] == server_ll for ra in ras), ras


def test_silent_beside_a_router(make_topo):
    t = make_topo(clients=2)
    router = t.start(t.clients[1], [PY, "-u", ROUTER, "c0"], "router.log")
    router.wait_log("RA ready", stage="starting the router")
    pxed = t.start_pxed(base_config(t.tmp, interface="br0"))
    server_ll = link_local(t.server, "br0")
    router_ll = link_local(t.clients[1], "c0")
    ras = probe(t.clients[0])
    assert any(ra[0] == router_ll for ra in ras), (ras, router.log())
    assert not [ra for ra in ras if ra[0] == server_ll], ras
    pxed.wait_log(f"{router_ll} advertises itself as an IPv6 router",
                  stage="pxed noticing the router")


def test_off_and_malformed(make_topo):
    t = make_topo()
    pxed = t.start_pxed(base_config(t.tmp))
    server_ll = link_local(t.server, "s0")
    # RFC 4861 6.1.1: a solicitation that did not come at hop limit 255
    # may have been forwarded from off the link: dropped, counted. (The
    # client kernel's own solicitations are valid: pxed may answer those.)
    probe(t.clients[0], seconds=0.5, hop_limit=64)
    time.sleep(0.5)
    pxed.stop()
    assert re.search(r"ipv6-ra: \d+ answered, [1-9]\d* malformed dropped",
                     pxed.log()), pxed.log()

    pxed = t.start_pxed(base_config(t.tmp).replace(
        "[server]\n", "[server]\nipv6-ra = no\n"), name="pxed-off")
    assert not [ra for ra in probe(t.clients[0], seconds=2.5)
                if ra[0] == server_ll]
