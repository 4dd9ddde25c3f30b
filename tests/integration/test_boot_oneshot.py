# SPDX-License-Identifier: MIT
"""One command, no config file: `pxed serve --iso FILE --interface IF`
takes the interface's address and subnet, imports the image, writes a
kickstart and serves DHCP, TFTP and HTTP; --print-config shows the
equivalent config, which `pxed check` accepts."""
import ipaddress
import os
import subprocess

import pytest

from dhcp_clients import RawClient
from dhcp_fixtures import dtopo  # noqa: F401
from netns import PXED_BIN, SERVER_ADDR
from test_boot_import import make_iso
from test_boot_profiles import boot_file, http_get, pxe_options, tftp_get

NAME = "rocky-9.3-x86_64"
PXELINUX = "/usr/lib/PXELINUX/pxelinux.0"


def oneshot(topo, *extra):
    iso = make_iso(topo.tmp, "rocky9")
    state = topo.path("state")
    return [PXED_BIN, "serve", "--iso", iso, "--interface", "s0",
            "--state-dir", state, *extra]


@pytest.mark.skipif(not os.path.exists(PXELINUX), reason="no pxelinux")
def test_one_command_serves_an_iso(dtopo):  # noqa: F811
    p = dtopo.start(dtopo.server, oneshot(dtopo, "-v"), "pxed.log")
    p.wait_log("pxed started", stage="starting pxed serve --iso")
    with RawClient(dtopo.clients[0]) as rc:
        offer = rc.discover(options=pxe_options(0))
        assert boot_file(offer) == b"pxelinux.0", offer
        # the pool is the half of the subnet pxed's address is not in
        assert ipaddress.ip_address(offer.yiaddr) >= \
            ipaddress.ip_address("172.25.254.128"), offer
    c = dtopo.clients[0]
    c.run("ip", "addr", "add", "172.25.254.50/24", "dev", "c0")
    menu = tftp_get(dtopo, "pxelinux.cfg/default").decode()
    assert f"DEFAULT {NAME}\n" in menu
    assert "inst.ks=http://172.25.254.100/ks/" + NAME + ".ks" in menu
    ks = http_get(dtopo, f"ks/{NAME}.ks")
    assert f"\nurl --url=http://{SERVER_ADDR}/{NAME}/\n" in ks
    assert "\nrootpw --lock\n" in ks
    assert http_get(dtopo, f"{NAME}/images/pxeboot/vmlinuz") == "K"


def test_print_config_proxy_is_a_valid_config(dtopo):  # noqa: F811
    r = dtopo.server.run(*oneshot(dtopo, "--proxy", "--print-config"),
                         check=False)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "[subnet 172.25.254.0/24]\nmode = proxy\n" in text
    assert "range" not in text
    assert f"address = {SERVER_ADDR}\n" in text
    assert f"[profile {NAME}]\n" in text and "kickstart = " in text
    conf = dtopo.write("printed.conf", text)
    r = dtopo.server.run(PXED_BIN, "check", "-c", conf, check=False)
    assert r.returncode == 0, r.stderr


def test_interactive_and_bad_arguments(dtopo):  # noqa: F811
    r = dtopo.server.run(*oneshot(dtopo, "--interactive", "--print-config"),
                         check=False)
    assert r.returncode == 0 and "kickstart" not in r.stdout, r.stdout
    assert "append = inst.repo=${tree_url}\n" in r.stdout
    r = subprocess.run([PXED_BIN, "serve", "--iso", "x.iso"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and "--interface" in r.stderr
    args = oneshot(dtopo)
    args[args.index("s0")] = "nope0"
    r = dtopo.server.run(*args, "--print-config", check=False)
    assert r.returncode == 1 and "nope0" in r.stderr, r.stderr
