# SPDX-License-Identifier: MIT
"""HTTP across the daemon's life: errors at start-up and in `pxed check`,
reload picking up a changed image and template, and the limits that hold
against slow or greedy clients."""
import os
import pwd
import re
import shutil
import signal
import subprocess
import time

import pytest

from http_fixtures import (HttpEnv, build_data, config, make_iso, sha256,
                           wait_for_text, write)
from netns import PXED_BIN, SERVER_ADDR, Topology


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return build_data(str(tmp_path_factory.mktemp("http-small")),
                      with_big=False)


def check(conf_text, tmp_path):
    path = tmp_path / "check.conf"
    path.write_text(conf_text)
    return subprocess.run([PXED_BIN, "check", "-c", str(path)],
                          capture_output=True, text=True, timeout=30)


def start_fails(tmp_path, conf_text, needle):
    """pxed must refuse to start, saying `needle`; so must pxed check."""
    r = check(conf_text, tmp_path)
    assert r.returncode == 1 and needle in r.stderr, r.stderr
    t = Topology(tmp_path / "t", clients=1)
    try:
        p = t.start_pxed(conf_text, ready=None)
        p.popen.wait(15)
        assert p.popen.returncode != 0
        assert needle in p.log(), p.log()
        assert "pxed started" not in p.log()
    finally:
        t.close()


def test_missing_and_damaged_image(data, tmp_path):
    good = config(str(tmp_path), data, False)
    assert check(good, tmp_path).returncode == 0
    start_fails(tmp_path, good.replace(data["iso"], "/nonexistent/x.iso"),
                "/nonexistent/x.iso")
    damaged = str(tmp_path / "damaged.iso")
    with open(data["iso"], "rb") as f:
        head = bytearray(f.read(64 << 10))
    head[32768:32768 + 6] = b"XXXXXX"      # the volume descriptor's CD001
    write(damaged, bytes(head))
    start_fails(tmp_path, good.replace(data["iso"], damaged), damaged)


def test_template_with_unknown_variable(data, tmp_path):
    www = str(tmp_path / "www")
    shutil.copytree(data["www"], www)
    write(f"{www}/ks/bad.cfg.tmpl", "ok ${server}\nthen ${tree_url}\n")
    conf = config(str(tmp_path), dict(data, www=www), False)
    # tree_url exists only inside a tree: line 2 is the error.
    start_fails(tmp_path, conf, "/ks/bad.cfg.tmpl: line 2: unknown variable")


def test_reload_picks_up_changes(data, tmp_path):
    d = dict(data)
    d["iso"] = str(tmp_path / "live.iso")
    d["tree"] = str(tmp_path / "tree")
    shutil.copy(data["iso"], d["iso"])
    shutil.copytree(data["tree"], d["tree"], symlinks=True)
    env = HttpEnv(tmp_path / "env", d, False)
    try:
        path = "/rhel7.0/repodata/repomd.xml"
        assert env.fetch(path)[2] == b"<repomd/>\n"
        assert b"network --hostname=ws1" in env.fetch("/srv/ks.cfg")[2]
        # A slow download from the old image, under way across the reload.
        # Small socket buffers (these namespaces only) keep the server
        # sending until the end, instead of the kernel holding it all.
        env.client.run("sysctl", "-qw", "net.ipv4.tcp_rmem=4096 16384 65536")
        env.topo.server.run("sysctl", "-qw",
                            "net.ipv4.tcp_wmem=4096 16384 65536")
        # The new image is built first: under load xorriso alone can take
        # longer than the slow download would.
        src = str(tmp_path / "src2")
        write(f"{src}/repodata/repomd.xml", "<repomd version='2'/>\n")
        make_iso(src, d["iso"] + ".new", "-R", "-J")
        # A client of our own that reads 64 KiB, then stops reading until
        # told to go on (the file `go` appears): curl's --limit-rate was
        # seen to let a whole 2 MiB through at once.
        slow_out = str(tmp_path / "slow")
        go = str(tmp_path / "go")
        reader = (
            "import os, socket, sys, time\n"
            "s = socket.create_connection((sys.argv[1], 80), timeout=60)\n"
            "s.sendall(b'GET ' + sys.argv[2].encode() + b' HTTP/1.1\\r\\n'\n"
            "          b'Host: x\\r\\nConnection: close\\r\\n\\r\\n')\n"
            "data = s.recv(65536)\n"
            "open(sys.argv[3] + '.started', 'w').close()\n"
            "while not os.path.exists(sys.argv[4]): time.sleep(0.05)\n"
            "while True:\n"
            "    b = s.recv(1 << 16)\n"
            "    if not b: break\n"
            "    data += b\n"
            "open(sys.argv[3], 'wb').write(data.split(b'\\r\\n\\r\\n', 1)[1])\n")
        slow = env.client.popen(
            "/usr/bin/python3", "-c", reader, SERVER_ADDR,
            "/rhel7.0/images/pxeboot/vmlinuz", slow_out, go,
            stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not os.path.exists(slow_out + ".started"):
            assert slow.poll() is None and time.monotonic() < deadline, (
                "the slow download did not start")
            time.sleep(0.05)
        # The new image replaces the old one under the same name.
        os.rename(d["iso"] + ".new", d["iso"])
        write(f"{d['tree']}/ks.cfg.tmpl", "changed ${host}\n")
        assert slow.poll() is None, "the slow download ended too soon"
        # logrotate: the log is moved away, SIGHUP reopens it.
        access = os.path.join(env.tmp, "access.log")
        os.rename(access, access + ".1")
        env.pxed.signal(signal.SIGHUP)
        env.pxed.wait_log("configuration reloaded", stage="reload")
        assert env.fetch(path)[2] == b"<repomd version='2'/>\n"
        assert env.fetch("/srv/ks.cfg")[2] == b"changed ws1\n"
        assert env.status("/rhel7.0/images/pxeboot/vmlinuz") == 404
        needle = '"GET /rhel7.0/images/pxeboot/vmlinuz" 404'
        assert needle in wait_for_text(access, needle)
        assert "/srv/ks.cfg" in open(access + ".1").read()
        open(go, "w").close()
        try:
            assert slow.wait(30) == 0, slow.stderr.read()
        finally:
            if slow.poll() is None:
                slow.kill()
                slow.wait(5)
        assert sha256(slow_out) == sha256(
            os.path.join(data["isosrc"], "images/pxeboot/vmlinuz"))
        # A broken template on reload: the running site stays.
        write(f"{d['tree']}/ks.cfg.tmpl", "broken ${nope}\n")
        env.pxed.signal(signal.SIGHUP)
        env.pxed.wait_log("reload failed", stage="bad reload")
        assert env.fetch("/srv/ks.cfg")[2] == b"changed ws1\n"
    finally:
        env.close()


def test_slow_client_and_connection_limit(data, tmp_path):
    env = HttpEnv(tmp_path / "env", data, False,
                  http_extra="timeout = 2\nmax-connections = 8")
    try:
        # Half a request line, then silence: cut after the timeout.
        secs = float(env.raw("idle", b"GET /index.txt HT".hex())[0])
        assert 1.5 <= secs <= 6, secs
        # Eight idle connections fill the server; the ninth is refused,
        # and once they go, requests are served again.
        first, after = env.raw("hold", "8", "0.5")
        assert first == "closed" and after == "200", (first, after)
        assert env.status("/index.txt") == 200
    finally:
        env.close()


def test_serves_after_privilege_drop(data, tmp_path):
    """Port 80 is bound as root; the HTTP threads run as `nobody`."""
    pub = tmp_path / "pub"
    shutil.copytree(data["tree"], pub / "tree", symlinks=True)
    shutil.copytree(data["www"], pub / "www")
    shutil.copy(data["iso"], pub / "rhel.iso")
    for root, dirs, files in os.walk(tmp_path):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    d = dict(data, tree=str(pub / "tree"), www=str(pub / "www"),
             iso=str(pub / "rhel.iso"))
    env = HttpEnv(tmp_path / "env", d, False,
                  server_extra="user = nobody")
    held = None
    try:
        env.pxed.wait_log("running as nobody", stage="privilege drop")
        assert env.fetch("/srv/four.bin")[2] == open(
            os.path.join(data["tree"], "four.bin"), "rb").read()
        assert env.fetch("/rhel7.0/repodata/repomd.xml")[2] == \
            b"<repomd/>\n"
        nobody = pwd.getpwnam("nobody").pw_uid
        # `ip netns exec` execs pxed: the PID is pxed's own.
        assert open(f"/proc/{env.pxed.pid}/comm").read() == "pxed\n"
        task = f"/proc/{env.pxed.pid}/task"
        # A connection held open, so that its thread exists to be seen.
        held = env.client.popen("curl", "-s", "--limit-rate", "1k", "-o",
                                "/dev/null", env.url("/srv/four.bin"))
        time.sleep(1)
        for tid in os.listdir(task):
            status = open(f"{task}/{tid}/status").read()
            uids = re.search(r"^Uid:\s+(.*)$", status, re.M).group(1)
            assert uids.split() == [str(nobody)] * 4, (tid, uids)
        assert len(os.listdir(task)) >= 2   # main, an HTTP worker
    finally:
        if held and held.poll() is None:
            held.kill()
            held.wait(5)
        env.close()
