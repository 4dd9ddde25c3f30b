# SPDX-License-Identifier: MIT
"""TFTP integration: real clients (tftp-hpa, atftp, curl) fetch files from
pxed in network namespaces, byte-identical, also through packet loss
(nftables) and reordering (tftp_forwarder.py); 200 clients at once; path
escapes refused; wrong TIDs answered with error 5; a file replaced and the
config reloaded mid-transfer without harm.
"""
import filecmp
import json
import os
import signal
import subprocess
import time

import pytest

from netns import SERVER_ADDR

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
PROBE = os.path.join(HERE, "tftp_probe.py")
FORWARDER = os.path.join(HERE, "tftp_forwarder.py")
KIB, MIB = 1024, 1024 * 1024


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 8 * MIB)
            f.write(os.urandom(n))
            left -= n


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """The served tree, made once: data files, text, symlinks, traps."""
    d = tmp_path_factory.mktemp("tftp-root")
    outside = tmp_path_factory.mktemp("tftp-outside")
    (outside / "secret").write_text("outside the root\n")
    for name, size in (("f1k", KIB), ("f256k", 256 * KIB), ("f512k", 512 * KIB),
                       ("f1m", MIB), ("f4m", 4 * MIB), ("f200m", 200 * MIB)):
        write_random(str(d / name), size)
    # netascii: line ends and bare CRs, also across block boundaries
    (d / "text.txt").write_bytes(b"".join(
        b"line %d\n" % i + (b"cr\r" if i % 7 == 0 else b"") for i in range(3000)))
    # a netboot-like tree of relative symlinks, as Debian's is built
    os.makedirs(d / "debian-installer" / "amd64")
    os.symlink("debian-installer/amd64/pxelinux.0", d / "pxelinux.0")
    write_random(str(d / "debian-installer" / "amd64" / "pxelinux.0"), 40 * KIB)
    os.symlink("../../f1k", d / "debian-installer" / "amd64" / "linux")
    # traps: links out, a device, a FIFO
    os.symlink(str(outside / "secret"), d / "abs-out")
    os.symlink("../" + outside.name + "/secret", d / "rel-out")
    os.symlink("/etc", d / "etc-dir")
    os.symlink(str(outside), d / "outdir")
    os.mknod(d / "null-dev", 0o600 | 0o020000, os.makedev(1, 3))
    os.mkfifo(d / "fifo")
    os.makedirs(d / "sub")
    return str(d)


CLIENT_ADDR = "172.25.254.10"


@pytest.fixture
def topo(topo):
    """The shared topology, the client with a static address (no DHCP in
    these tests)."""
    topo.clients[0].run("ip", "addr", "add", f"{CLIENT_ADDR}/24", "dev", "c0")
    return topo


def start(topo, root, timeout_ms=200, extra="", server_extra=""):
    conf = f"""[server]
interface = {topo.server_if}
address = {SERVER_ADDR}
state-dir = {topo.tmp}/state
{server_extra}

[tftp]
root = {root}
timeout-ms = {timeout_ms}
{extra}
"""
    return topo.start_pxed(conf)


def client_cmd(kind, name, out, host=SERVER_ADDR, port=69):
    if kind == "tftp-hpa":
        return ["tftp", host, str(port), "-m", "binary", "-c", "get", name,
                out]
    if kind == "atftp":
        return ["atftp", "--option", "blksize 1468", "--option",
                "windowsize 16", "--option", "tsize 0", "-g", "-r",
                name, "-l", out, host, str(port)]
    if kind == "curl":
        return ["curl", "-sS", "--tftp-blksize", "1468", "-o", out,
                f"tftp://{host}:{port}/{name}"]
    raise ValueError(kind)


CLIENTS = ["tftp-hpa", "atftp", "curl"]


def fetch_ok(topo, root, kind, name, timeout, **kw):
    out = topo.path(f"{kind}-{name}.out")
    r = topo.clients[0].run(*client_cmd(kind, name, out, **kw),
                            check=False, timeout=timeout)
    assert os.path.exists(out), f"{kind} {name}: no output\n{r.stderr}"
    assert filecmp.cmp(out, os.path.join(root, name), shallow=False), \
        f"{kind} {name}: differs ({os.path.getsize(out)} bytes)\n{r.stderr}"
    os.unlink(out)


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("name", ["f1k", "f4m", "f200m"])
def test_fetch_identical(topo, root, kind, name):
    """200 MiB at tftp-hpa's 512-byte blocks is 409,600 blocks: the block
    number rolls over six times."""
    pxed = start(topo, root)
    fetch_ok(topo, root, kind, name, timeout=120)
    # atftp's windows went out with UDP GSO, not packet by packet
    assert "no UDP GSO" not in pxed.log()
    assert pxed.stop() == 0


def add_loss(ns, percent, match):
    """Drop on the way in: a drop on output fails the sender's sendto with
    EPERM, which a real network never does (tftp-hpa gives up on it)."""
    ns.run("nft", "add", "table", "inet", "loss")
    ns.run("nft", "add", "chain", "inet", "loss", "in",
           "{ type filter hook input priority 0; }")
    ns.run("nft", "add", "rule", "inet", "loss", "in", *match.split(),
           "numgen", "random", "mod", "100", "<", str(percent), "drop")


# atftp 0.8 is not used here: it aborts on a repeated OACK ("unexpected
# OACK") and, after a lost ACK and a lost extra ACK, stalls for good
# ("timeout: retrying", "tftp: unknown error"), lock-step or windowed,
# whatever the server does: a test with it fails by chance. Windows under
# loss are fetched by the probe's RFC 7440 receiver instead.
@pytest.mark.parametrize("kind", ["tftp-hpa", "curl", "windowed"])
@pytest.mark.parametrize("percent,name", [(5, "f1m"), (20, "f256k")])
def test_loss(topo, root, kind, percent, name):
    """Loss both ways: DATA and OACK dropped on the client's way in, ACKs
    on the server's (requests pass: retrying one is the client's
    business)."""
    # 20% both ways loses a round trip 36% of the time: six retries in a
    # row fail once in 1,300 blocks, so allow more here
    start(topo, root, timeout_ms=20, extra="retries = 20")
    add_loss(topo.server, percent, "udp dport != 69")
    add_loss(topo.clients[0], percent, "meta l4proto udp")
    if kind != "windowed":
        fetch_ok(topo, root, kind, name, timeout=60)
        return
    out = topo.path("win.out")
    res = probe(topo, "windowed", SERVER_ADDR, "69", name, out, "octet",
                "1468", "16")
    assert res["window"] == 16
    assert filecmp.cmp(out, os.path.join(root, name), shallow=False)


def test_reordering(topo, root):
    """Through a forwarder that swaps adjacent packets and duplicates some,
    both ways: duplicate ACKs must not double the DATA (Sorcerer's
    Apprentice) and out-of-order ACKs must not confuse the window."""
    pxed = start(topo, root, timeout_ms=50)
    fwd = topo.start(topo.clients[0],
                     [PY, FORWARDER, "6969", SERVER_ADDR, "69"], "fwd.log")
    fwd.wait_log("ready", stage="starting the forwarder")
    for kind in CLIENTS:
        fetch_ok(topo, root, kind, "f512k", timeout=60, host="127.0.0.1",
                 port=6969)
    assert pxed.stop() == 0


def test_200_parallel_clients(topo, root):
    # The default timeout: 200 clients on two cores answer slowly, and
    # atftp aborts on a retransmitted OACK ("unexpected OACK").
    start(topo, root, timeout_ms=1000)
    procs = []
    for i in range(200):
        kind = CLIENTS[i % 3]
        out = topo.path(f"par-{i}.out")
        with open(out + ".log", "w") as log:
            procs.append((out, topo.clients[0].popen(
                *client_cmd(kind, "f1m", out), stdout=log,
                stderr=subprocess.STDOUT)))
    deadline = time.monotonic() + 120
    try:
        for out, p in procs:
            p.wait(max(1, deadline - time.monotonic()))
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    bad = [out for out, _ in procs
           if not os.path.exists(out) or
           not filecmp.cmp(out, os.path.join(root, "f1m"), shallow=False)]
    if bad:
        with open(bad[0] + ".log") as f:
            first = f.read()[-2000:]
        raise AssertionError(f"{len(bad)} of 200 clients failed: "
                             f"{bad[:5]}\n{first}")


def test_thousands_of_transfers_at_once(topo, root):
    """3000 transfers open at once in the one loop, each with its own
    port; none is answered, so all wait for their ACK together."""
    pxed = start(topo, root, timeout_ms=5000)
    res = probe(topo, "many", SERVER_ADDR, "69", "f4m", "3000")
    assert res["data1"] == 3000, res
    assert pxed.stop() == 0


def probe(topo, *args, env=None, timeout=60):
    r = topo.clients[0].run(PY, PROBE, *args, timeout=timeout,
                            env={**os.environ, **(env or {})})
    return json.loads(r.stdout.strip().splitlines()[-1])


ESCAPES = [
    b"../../../../etc/passwd", b"/../../../etc/passwd", b"../f1k",
    b"sub/../../f1k", b"sub/../../../etc/passwd", b"..\\..\\etc\\passwd",
    b"\\..\\..\\etc\\passwd", b"sub\\..\\..\\etc\\shadow", b"..",
    b"/..", b"sub/..//../etc/passwd", b"./../etc/passwd",
    b"abs-out", b"rel-out", b"etc-dir/passwd", b"/etc-dir/passwd",
    b"outdir/secret", b"\\outdir\\secret", b"null-dev", b"fifo",
    b"f1k\0../../etc/passwd", b"\0", b"/etc/passwd\0",
    b"sub/../../" + b"../" * 40 + b"etc/passwd",
]


def test_path_escapes_refused(topo, root):
    start(topo, root)
    names = [n.hex() for n in ESCAPES]
    replies = probe(topo, "first", SERVER_ADDR, "69", *names)
    assert len(ESCAPES) >= 20
    for name, reply in zip(ESCAPES, replies):
        assert reply["op"] == "error", f"{name!r} served: {reply}"
        # The wire format ends a name at its NUL: what follows is read as
        # the mode, and refused as one (error 4).
        allowed = (2, 4) if b"\0" in name else (1, 2)
        # /etc/passwd inside the root does not exist: not found is a
        # refusal too; everything found that leads out is error 2
        assert reply["code"] in allowed, f"{name!r}: {reply}"
    by_name = dict(zip(ESCAPES, replies))
    for name in (b"abs-out", b"rel-out", b"etc-dir/passwd", b"null-dev",
                 b"fifo", b"../f1k", b"outdir/secret", b"..", b"/.."):
        assert by_name[name]["code"] == 2, f"{name!r}: {by_name[name]}"


def test_names_pxe_firmware_sends(topo, root):
    """Leading '/', Windows '\\' separators and symlinks inside the root."""
    start(topo, root)
    for name in (b"/f1k", b"\\f1k", b"debian-installer\\amd64\\linux",
                 b"pxelinux.0", b"/debian-installer/amd64/pxelinux.0"):
        reply = probe(topo, "first", SERVER_ADDR, "69", name.hex())[0]
        assert reply["op"] == "data" and reply["block"] == 1, \
            f"{name!r}: {reply}"
    fetch_ok(topo, root, "tftp-hpa", "pxelinux.0", timeout=30)


def test_wrong_tid_gets_error_5(topo, root):
    start(topo, root)
    out = topo.path("tid.out")
    res = probe(topo, "stranger", SERVER_ADDR, "69", "f4m", out)
    assert res["stranger"]["op"] == "error"
    assert res["stranger"]["code"] == 5
    assert "unexpected" not in res
    assert filecmp.cmp(out, os.path.join(root, "f4m"), shallow=False)


def test_request_from_a_busy_port(topo, root):
    """A new file asked from the port of an unfinished transfer (PXE ROMs
    reuse their port after a tsize query) starts a new transfer; the same
    request repeated does not start a third."""
    pxed = start(topo, root, timeout_ms=300)
    res = probe(topo, "reuse", SERVER_ADDR, "69", "f1k", "f4m")
    first, second = res["replies"]
    assert first["tsize"] == str(KIB) and second["tsize"] == str(4 * MIB)
    assert first["port"] != second["port"]
    # only the second transfer's OACK retransmissions, if anything
    assert set(res["heard"]) <= {second["port"]}, res
    pxed.wait_log("superseded f1k", stage="ending the first transfer")


def test_options_negotiated(topo, root):
    """blksize is capped by the veth's MTU (1500 - 32), tsize is the real
    size, the window is bounded in bytes, unknown options are ignored."""
    start(topo, root)
    env = {"PROBE_OPTIONS": json.dumps({"blksize": 65464, "tsize": 0,
                                        "windowsize": 64, "timeout": 3,
                                        "frobnicate": 1})}
    reply = probe(topo, "first", SERVER_ADDR, "69", b"f4m".hex(), env=env)[0]
    assert reply == {"op": "oack", "options": {
        "blksize": "1468", "tsize": str(4 * MIB), "timeout": "3",
        "windowsize": str(64 * 1024 // 1468)}}, reply


def test_blksize_max_configured(topo, root):
    start(topo, root, extra="blksize-max = 1024")
    env = {"PROBE_OPTIONS": json.dumps({"blksize": 1468})}
    reply = probe(topo, "first", SERVER_ADDR, "69", b"f1k".hex(), env=env)[0]
    assert reply == {"op": "oack", "options": {"blksize": "1024"}}


def test_netascii(topo, root):
    start(topo, root)
    out = topo.path("text.out")
    topo.clients[0].run("tftp", SERVER_ADDR, "-m", "netascii", "-c", "get",
                        "text.txt", out, timeout=30)
    with open(out, "rb") as a, open(os.path.join(root, "text.txt"), "rb") as b:
        assert a.read() == b.read()


@pytest.mark.parametrize("mode,name", [("netascii", "text.txt"),
                                       ("octet", "f256k")])
def test_windows_small_blocks(topo, root, mode, name):
    """Windows of 16 blocks of 100 bytes: netascii blocks start where the
    previous block's encoding stopped, across windows and resends."""
    start(topo, root)
    out = topo.path("win.out")
    res = probe(topo, "windowed", SERVER_ADDR, "69", name, out, mode,
                "100", "16")
    assert res["window"] == 16 and res["blocks"] > 16 * 10
    with open(out, "rb") as a, open(os.path.join(root, name), "rb") as b:
        assert a.read() == b.read()


def test_after_privilege_drop(topo, tmp_path):
    """Port 69 is bound and the root opened before the drop to 'nobody';
    transfers made afterwards (sockets, reads, GSO) still work."""
    served = tmp_path / "served"
    os.makedirs(served)
    os.chmod(served, 0o755)
    write_random(str(served / "kernel"), 2 * MIB)
    os.chmod(served / "kernel", 0o644)
    pxed = start(topo, str(served), server_extra="user = nobody")
    pxed.wait_log("running as nobody", stage="dropping privileges")
    fetch_ok(topo, str(served), "atftp", "kernel", timeout=30)
    fetch_ok(topo, str(served), "tftp-hpa", "kernel", timeout=30)
    assert pxed.stop() == 0


def test_write_refused(topo, root):
    start(topo, root)
    src = topo.write("upload.txt", "hello\n")
    r = topo.clients[0].run("tftp", SERVER_ADDR, "-m", "binary", "-c", "put",
                            src, "upload.txt", check=False, timeout=30)
    assert "Error code 2" in r.stdout + r.stderr, r.stdout + r.stderr
    assert not os.path.exists(os.path.join(root, "upload.txt"))


def test_replace_and_reload_mid_transfer(topo, tmp_path):
    """A file replaced on disk (rename over it) and a SIGHUP that swaps the
    root do not change what a transfer in progress sends."""
    old_root, new_root = tmp_path / "old", tmp_path / "new"
    os.makedirs(old_root)
    os.makedirs(new_root)
    write_random(str(old_root / "kernel"), 300 * KIB)
    write_random(str(new_root / "kernel"), 100 * KIB)
    expected = (old_root / "kernel").read_bytes()
    pxed = start(topo, str(old_root), timeout_ms=1000)
    out, go = topo.path("mid.out"), topo.path("go")
    p = topo.clients[0].popen(PY, PROBE, "fetch", SERVER_ADDR, "69",
                              "kernel", out, "10", go,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "paused"
        replacement = old_root / "kernel.new"
        write_random(str(replacement), 50 * KIB)
        os.rename(replacement, old_root / "kernel")
        with open(pxed.config_path) as f:
            conf = f.read()
        with open(pxed.config_path, "w") as f:
            f.write(conf.replace(str(old_root), str(new_root)))
        pxed.signal(signal.SIGHUP)
        pxed.wait_log("configuration reloaded", stage="reloading")
        open(go, "w").close()
        assert p.wait(60) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    with open(out, "rb") as f:
        assert f.read() == expected
    # new requests see the new root
    fetch_ok(topo, str(new_root), "tftp-hpa", "kernel", timeout=30)
    assert pxed.stop() == 0


def test_name_cannot_forge_log_lines(topo, root):
    pxed = start(topo, root)
    reply = probe(topo, "first", SERVER_ADDR, "69",
                  b"x\ninfo: tftp: sent forged".hex())[0]
    assert reply["op"] == "error" and reply["code"] == 1
    pxed.wait_log("x?info: tftp: sent forged", stage="logging the refusal")
    assert "\ninfo: tftp: sent forged" not in pxed.log()
