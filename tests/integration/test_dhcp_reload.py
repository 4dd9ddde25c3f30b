# SPDX-License-Identifier: MIT
"""SIGHUP reloads the config (a bad new config is reported and the old one
stays in force; leases survive); SIGTERM exits cleanly."""
import signal

from dhcp_clients import (ACK, OPT_DNS, OPT_PRL, OPT_REQUESTED_IP,
                          REQUEST, RawClient, ip4)
from dhcp_fixtures import dtopo, start_dhcp  # noqa: F401
from netns import base_config

PRL = [(OPT_PRL, bytes([1, 3, 6, 15]))]


def reload(p, text, expect, stage):
    with open(p.config_path, "w") as f:
        f.write(text)
    before = p.log().count(expect)
    p.signal(signal.SIGHUP)
    # wait for one more occurrence than before
    import time
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if p.log().count(expect) > before:
            return
        if p.popen.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"{stage}: '{expect}' not logged within 5s "
                         f"(exit={p.popen.poll()})\n{p.log()[-3000:]}")


def test_sighup_applies_new_config_and_keeps_leases(dtopo):
    conf = base_config(dtopo.tmp)
    p = start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        ack = rc.lease(options=PRL)
        assert ack.opt_ips(OPT_DNS) == ["172.25.254.254"], ack
        reload(p, conf.replace("dns = 172.25.254.254",
                               "dns = 172.25.254.53, 172.25.254.54"),
               "reloaded", "SIGHUP with a good config")
        xid = rc.send(REQUEST, options=[(OPT_REQUESTED_IP, ip4(ack.yiaddr)),
                                        *PRL])
        again = rc.expect(xid, ACK, stage="INIT-REBOOT after reload")
        assert again.yiaddr == ack.yiaddr, again
        assert again.opt_ips(OPT_DNS) == ["172.25.254.53",
                                          "172.25.254.54"], again
        other = rc.lease(mac="52:54:00:00:00:02", options=PRL)
        assert other.yiaddr != ack.yiaddr, other


def test_sighup_with_bad_config_keeps_old_one(dtopo):
    conf = base_config(dtopo.tmp)
    p = start_dhcp(dtopo, conf)
    bad = conf.replace("range = 172.25.254.60 - 172.25.254.70",
                       "range = 172.25.254.70 - 172.25.254.60\n"
                       "dns = not-an-address")
    reload(p, bad, "reload failed", "SIGHUP with a bad config")
    assert p.popen.poll() is None, f"pxed exited\n{p.log()[-3000:]}"
    log = p.log()
    # the problem is reported with file:line
    assert f"{p.config_path}:" in log, log[-3000:]
    with RawClient(dtopo.clients[0]) as rc:
        ack = rc.lease(options=PRL)
        assert ack.opt_ips(OPT_DNS) == ["172.25.254.254"], ack


def test_sigterm_exits_cleanly(dtopo):
    p = start_dhcp(dtopo, base_config(dtopo.tmp))
    with RawClient(dtopo.clients[0]) as rc:
        rc.lease()
    rc_ = p.stop(timeout=10)
    assert rc_ == 0, f"exit status {rc_}\n{p.log()[-3000:]}"
    assert "AddressSanitizer" not in p.log() and \
        "runtime error" not in p.log(), p.log()[-3000:]


def test_sighup_adds_a_static_host(dtopo):
    conf = base_config(dtopo.tmp)
    p = start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        before = rc.discover(mac="52:54:00:00:00:05")
        assert before.yiaddr != "172.25.254.25", before
        reload(p, conf + """
[host added]
mac = 52:54:00:00:00:05
ip = 172.25.254.25
""", "reloaded", "SIGHUP adding a host")
        after = rc.lease(mac="52:54:00:00:00:05")
        assert after.yiaddr == "172.25.254.25", after


def test_sighup_reads_a_host_dropped_into_an_included_directory(dtopo):
    """The conf.d way: the main file includes hosts.d/*.conf (relative to
    itself); a file dropped there and a SIGHUP make a host static."""
    import os
    conf = base_config(dtopo.tmp).replace(
        "[server]\n", "[server]\ninclude = hosts.d/*.conf\n", 1)
    p = start_dhcp(dtopo, conf)
    hosts_d = os.path.join(os.path.dirname(p.config_path), "hosts.d")
    os.makedirs(hosts_d, exist_ok=True)
    with RawClient(dtopo.clients[0]) as rc:
        before = rc.discover(mac="52:54:00:00:00:06")
        assert before.yiaddr != "172.25.254.26", before
        with open(os.path.join(hosts_d, "web.conf"), "w") as f:
            f.write("[host web]\nmac = 52:54:00:00:00:06\n"
                    "ip = 172.25.254.26\n")
        reload(p, conf, "reloaded", "SIGHUP after a file in hosts.d")
        after = rc.lease(mac="52:54:00:00:00:06")
        assert after.yiaddr == "172.25.254.26", after


def test_host_added_for_a_leased_address_takes_it_holder_is_nakked(dtopo):
    """A static host added (SIGHUP) for an address a dynamic client holds:
    the host gets its IP, and the holder can no longer keep it - never two
    clients on one address."""
    from dhcp_clients import NAK
    conf = base_config(dtopo.tmp)
    p = start_dhcp(dtopo, conf)
    with RawClient(dtopo.clients[0]) as rc:
        a = rc.lease(mac="52:54:00:00:00:0a").yiaddr
        reload(p, conf + f"""
[host pinned]
mac = 52:54:00:00:00:0b
ip = {a}
""", "reloaded", "SIGHUP adding a host for a leased address")
        assert rc.lease(mac="52:54:00:00:00:0b").yiaddr == a
        xid = rc.send(REQUEST, mac="52:54:00:00:00:0a",
                      options=[(OPT_REQUESTED_IP, ip4(a))])
        rc.expect(xid, NAK, stage="former holder's INIT-REBOOT")
        moved = rc.lease(mac="52:54:00:00:00:0a")
        assert moved.yiaddr != a, moved
