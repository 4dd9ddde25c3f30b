# SPDX-License-Identifier: MIT
"""What the HTTP integration tests serve and how they fetch it: a data set
(a directory tree, an http root, ISO images built with xorriso, a 5 GiB
sparse file), one pxed in a server namespace, and curl/wget/raw requests
from a client namespace."""
import os
import subprocess
import time

from netns import SERVER_ADDR, Topology, sha256  # noqa: F401 (re-exported)

CLIENT_ADDR = "172.25.254.61"
CLIENT_MAC = "52:54:00:00:00:01"
BIG = 5 << 30
# Bytes written into the sparse 5 GiB file, at these offsets.
BIG_MARKS = {0: b"START-OF-BIG", (4 << 30) - 6: b"ACROSS-4-GIB",
             BIG - 10: b"END-OF-BIG"}
SECRET = "pxed-test-secret-6e1f0c"
RAW_CLIENT = os.path.join(os.path.dirname(__file__), "http_rawclient.py")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def read_range(path, first, length):
    with open(path, "rb") as f:
        f.seek(first)
        return f.read(length)


def wait_for_text(path, needle, timeout=5):
    """The file's text once it contains `needle` (lines are written when
    a response completes, a moment after the client has it)."""
    deadline = time.monotonic() + timeout
    while True:
        text = open(path).read() if os.path.exists(path) else ""
        if needle in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def make_big(path):
    """A 5 GiB file that takes no space: holes and three markers."""
    with open(path, "wb") as f:
        f.truncate(BIG)
        for off, mark in BIG_MARKS.items():
            f.seek(off)
            f.write(mark)


def make_iso(src, out, *flags):
    """xorriso into a sparse file: the zeros of a 5 GiB hole cost no disk."""
    with open(out, "wb") as f:
        x = subprocess.Popen(["xorriso", "-as", "mkisofs", *flags, "-o", "-",
                              src], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        cp = subprocess.run(["cp", "--sparse=always", "/dev/stdin", out],
                            stdin=x.stdout, timeout=120)
        x.stdout.close()
        assert x.wait(60) == 0 and cp.returncode == 0, "xorriso failed"
    f.close()


def build_data(d, with_big):
    """The served files under directory `d`; returns their paths."""
    p = {k: os.path.join(d, v) for k, v in {
        "www": "www", "tree": "tree", "isosrc": "isosrc",
        "iso": "rhel.iso", "joliet": "joliet.iso", "bigsrc": "bigsrc",
        "bigiso": "big.iso", "secret": "secret.txt"}.items()}
    rnd = os.urandom(4 << 20)
    write(p["secret"], SECRET + "\n")
    write(f"{p['www']}/index.txt", "the http root\n")
    write(f"{p['www']}/ks/root.cfg.tmpl",
          "server=${server} url=${server_url} ip=${client_ip} "
          "host=${host} mac=${mac}\n")
    write(f"{p['tree']}/four.bin", rnd)
    write(f"{p['tree']}/with space & more.txt", "spaced\n")
    write(f"{p['tree']}/empty", b"")
    write(f"{p['tree']}/sub/dir/nested.txt", "nested\n")
    write(f"{p['tree']}/ks.cfg.tmpl",
          "url --url=${tree_url}\nnetwork --hostname=${host}\n"
          "# ${tree} from ${server} to ${client_ip} (${mac})\n"
          "%post\necho $${HOME} $$HOME\n%end\n")
    os.symlink("/etc", f"{p['tree']}/etc-link")
    os.symlink(p["secret"], f"{p['tree']}/secret-link")
    os.symlink("sub/dir/nested.txt", f"{p['tree']}/inside-link")
    write(f"{p['isosrc']}/images/pxeboot/vmlinuz", rnd[:2 << 20])
    write(f"{p['isosrc']}/repodata/repomd.xml", "<repomd/>\n")
    write(f"{p['isosrc']}/a/b/c/d/e/f/g/h/i/Deep_Mixed.Case-Name.txt",
          "deep\n")
    write(f"{p['isosrc']}/Packages/bash-4.2.46-34.el7.x86_64.rpm",
          rnd[1 << 20:])
    make_iso(p["isosrc"], p["iso"], "-R", "-J", "-V", "RHEL-7.0")
    make_iso(p["isosrc"], p["joliet"], "-J", "-joliet-long")
    if with_big:
        os.makedirs(p["bigsrc"])
        make_big(f"{p['bigsrc']}/big.img")
        write(f"{p['bigsrc']}/after.txt", "after the big file\n")
        make_iso(p["bigsrc"], p["bigiso"], "-R", "-J", "-iso-level", "3")
        make_big(f"{p['tree']}/big.img")
    return p


def config(tmp, p, with_big, http_extra="", server_extra=""):
    big = f"[tree big]\niso = {p['bigiso']}\n" if with_big else ""
    return f"""[server]
interface = s0
address = {SERVER_ADDR}
state-dir = {tmp}/state
{server_extra}

[subnet 172.25.254.0/24]
range = 172.25.254.200 - 172.25.254.210

[host ws1]
mac = {CLIENT_MAC}
ip = {CLIENT_ADDR}

[http]
port = 80
root = {p['www']}
access-log = {tmp}/access.log
{http_extra}

[tree rhel7.0]
iso = {p['iso']}

[tree joliet]
iso = {p['joliet']}

[tree srv]
path = {p['tree']}

{big}"""


class HttpEnv:
    """pxed serving `p` in a server namespace; a client at CLIENT_ADDR."""

    def __init__(self, tmp, p, with_big, http_extra="", server_extra=""):
        self.tmp = str(tmp)
        self.p = p
        self.topo = Topology(tmp, clients=1)
        try:
            self.client = self.topo.clients[0]
            self.client.run("ip", "addr", "add", f"{CLIENT_ADDR}/24", "dev",
                            "c0")
            self.pxed = self.topo.start_pxed(
                config(self.tmp, p, with_big, http_extra, server_extra))
        except Exception:
            self.topo.close()
            raise

    def url(self, path):
        return f"http://{SERVER_ADDR}{path}"

    def curl(self, *args, timeout=60):
        """curl in the client namespace; returns CompletedProcess."""
        return self.client.run("curl", "-sS", "--path-as-is",
                               "--max-time", str(timeout - 5), *args,
                               check=False, timeout=timeout)

    def status(self, path, *args):
        r = self.curl("-o", "/dev/null", "-w", "%{http_code}", *args,
                      self.url(path))
        return int(r.stdout or 0)

    def fetch(self, path, *args):
        """(status, headers dict with lower-case names, body bytes)."""
        out = os.path.join(self.tmp, "body")
        if os.path.exists(out):
            os.unlink(out)
        r = self.client.run("curl", "-sS", "--path-as-is", "--max-time",
                            "30", "-D", "-", "-o", out, *args,
                            self.url(path), check=False, timeout=40)
        head = r.stdout.splitlines()
        status = int(head[0].split()[1]) if head[0] else 0
        headers = {}
        for line in head[1:]:
            k, sep, v = line.partition(":")
            if sep:
                headers[k.strip().lower()] = v.strip()
        body = b""
        # With -I, curl writes the headers there: HEAD has no body.
        if os.path.exists(out) and "-I" not in args:
            with open(out, "rb") as f:
                body = f.read()
        return status, headers, body

    def raw(self, *args, timeout=60):
        r = self.client.run("/usr/bin/python3", RAW_CLIENT, args[0],
                            SERVER_ADDR, "80", *args[1:], timeout=timeout)
        return r.stdout.split()

    def close(self):
        """Stop everything; under ASan/UBSan, a report fails the test."""
        self.topo.close()
        log = self.pxed.log()
        assert "Sanitizer" not in log and "runtime error:" not in log, \
            log[-4000:]

