# SPDX-License-Identifier: MIT
"""pxed drops to [server] user with no capabilities once its sockets are
bound, and still reaches address-less clients and writes its leases; a
system call filter is on in every thread, as that user or as root."""
import os
import pwd
import re

from dhcp_clients import udhcpc
from dhcp_fixtures import dtopo, start_dhcp  # noqa: F401
from netns import base_config


def proc_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return f.read()


def test_runs_as_user_without_capabilities_and_still_serves(dtopo):
    nobody = pwd.getpwnam("nobody")
    conf = base_config(dtopo.tmp).replace(
        "[server]\n", "[server]\nuser = nobody\n", 1)
    p = start_dhcp(dtopo, conf)
    p.wait_log("running as nobody", stage="dropping privileges")
    status = proc_status(p.pid)
    uids = re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()
    assert set(uids) == {str(nobody.pw_uid)}, status
    for cap in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
        assert re.search(rf"^{cap}:\s+0+$", status, re.M), status
    assert re.search(r"^NoNewPrivs:\s+1$", status, re.M), status
    assert re.search(r"^Seccomp:\s+2$", status, re.M), status
    # Replies to a client with no address need the packet socket, opened
    # before the drop; the lease is written by the unprivileged user.
    env = udhcpc(dtopo.clients[0], dtopo.tmp)
    assert env.get("ip", "").startswith("172.25.254."), env
    assert p.stop() == 0
    db = os.path.join(dtopo.tmp, "state", "leases.sqlite")
    assert os.stat(db).st_uid == nobody.pw_uid


def test_unknown_user_is_a_clear_error(dtopo):
    conf = base_config(dtopo.tmp).replace(
        "[server]\n", "[server]\nuser = no-such-user-pxed\n", 1)
    p = dtopo.start_pxed(conf, ready=None)
    p.popen.wait(10)
    assert p.popen.returncode != 0
    assert "user 'no-such-user-pxed' does not exist" in p.log(), p.log()


def test_system_call_filter_also_as_root(dtopo):
    """Without [server] user pxed stays root, and the filter is what stops
    a flaw from running programs or mounting: on every thread."""
    p = start_dhcp(dtopo, base_config(dtopo.tmp))
    p.wait_log("system call filter on", stage="filtering system calls")
    for task in os.listdir(f"/proc/{p.pid}/task"):
        status = proc_status(f"{p.pid}/task/{task}")
        assert re.search(r"^Seccomp:\s+2$", status, re.M), status
        assert re.search(r"^NoNewPrivs:\s+1$", status, re.M), status
    env = udhcpc(dtopo.clients[0], dtopo.tmp)
    assert env.get("ip", "").startswith("172.25.254."), env
    assert p.stop() == 0
