# SPDX-License-Identifier: MIT
"""Network namespaces for integration tests: a server side and client sides
joined by veth pairs (and a bridge when there are several clients), pxed
started inside, and everything torn down by PID and name even on failure.

Addresses are 172.25.254.0/24 inside the namespaces only; no namespace gets
a route out.
"""
import itertools
import os
import signal
import subprocess
import time

SERVER_ADDR = "172.25.254.100"
PREFIX = 24
_counter = itertools.count()

PXED_BIN = os.environ.get("PXED_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "pxed")


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True,
                          text=True, **kw)


class Netns:
    """One network namespace, named after this test process."""

    def __init__(self, role):
        self.name = f"px{role}-{os.getpid()}-{next(_counter)}"
        sh("ip", "netns", "add", self.name)
        self.run("ip", "link", "set", "lo", "up")

    def cmd(self, *args):
        return ["ip", "netns", "exec", self.name, *args]

    def run(self, *args, check=True, timeout=60, **kw):
        return sh(*self.cmd(*args), check=check, timeout=timeout, **kw)

    def popen(self, *args, **kw):
        return subprocess.Popen(self.cmd(*args), **kw)

    def delete(self):
        sh("ip", "netns", "del", self.name, check=False)


class Process:
    """A process we started, ended by its PID only."""

    def __init__(self, popen, log_path=None):
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self):
        return self.popen.pid

    def log(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, needle, timeout=10, stage=None):
        """Wait until the log contains `needle`; fail naming the stage."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"{stage or 'waiting'}: '{needle}' not logged within {timeout}s"
            f" (exit={self.popen.poll()})\n--- log ---\n{self.log()[-4000:]}")

    def signal(self, signo):
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signo)

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL; returns the exit status."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        return self.popen.returncode


class Topology:
    """A server namespace and client namespaces, torn down by close().

    clients=1: server s0 <-veth-> c0 in one client namespace.
    clients>1: a bridge br0 in the server namespace carries the server
    address; each client namespace has c0 with MAC 52:54:00:00:00:NN.
    """

    def __init__(self, tmp_path, clients=1):
        self.tmp = str(tmp_path)
        os.makedirs(self.tmp, exist_ok=True)
        self.procs = []
        self.namespaces = []
        self.server = self._netns("s")
        self.clients = []
        try:
            self._build(clients)
        except Exception:
            self.close()
            raise

    def _netns(self, role):
        ns = Netns(role)
        self.namespaces.append(ns)
        return ns

    def _build(self, n):
        s = self.server
        if n == 1:
            c = self._netns("c")
            sh("ip", "link", "add", "s0", "netns", s.name, "type", "veth",
               "peer", "name", "c0", "netns", c.name)
            s.run("ip", "addr", "add", f"{SERVER_ADDR}/{PREFIX}", "dev", "s0")
            s.run("ip", "link", "set", "s0", "up")
            c.run("ip", "link", "set", "c0", "address", "52:54:00:00:00:01")
            c.run("ip", "link", "set", "c0", "up")
            self.server_if = "s0"
            self.clients.append(c)
            return
        s.run("ip", "link", "add", "br0", "type", "bridge")
        s.run("ip", "addr", "add", f"{SERVER_ADDR}/{PREFIX}", "dev", "br0")
        s.run("ip", "link", "set", "br0", "up")
        self.server_if = "br0"
        for i in range(n):
            c = self._netns("c")
            port = f"p{i}"
            sh("ip", "link", "add", port, "netns", s.name, "type", "veth",
               "peer", "name", "c0", "netns", c.name)
            s.run("ip", "link", "set", port, "master", "br0")
            s.run("ip", "link", "set", port, "up")
            c.run("ip", "link", "set", "c0", "address",
                  "52:54:00:00:%02x:%02x" % ((i + 1) >> 8, (i + 1) & 255))
            c.run("ip", "link", "set", "c0", "up")
            self.clients.append(c)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        return p

    def start(self, ns, args, log_name):
        """Start a process in `ns`, stdout+stderr to a log in tmp."""
        log_path = self.path(log_name)
        log = open(log_path, "w")
        p = Process(ns.popen(*args, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL), log_path)
        log.close()
        self.procs.append(p)
        return p

    def start_pxed(self, config_text, name="pxed", extra_args=(),
                   ready="pxed started"):
        """Write the config and start pxed in the server namespace."""
        conf = self.write(f"{name}.conf", config_text)
        p = self.start(self.server, [PXED_BIN, "serve", "-c", conf, "-v",
                                     *extra_args], f"{name}.log")
        p.config_path = conf
        if ready:
            p.wait_log(ready, stage=f"starting {name}")
        return p

    def close(self):
        for p in reversed(self.procs):
            try:
                p.stop(timeout=5)
            except Exception:
                pass
        for ns in reversed(self.namespaces):
            ns.delete()
        self.namespaces = []


def base_config(tmp, extra="", subnet_extra="", interface="s0"):
    """A minimal full-DHCP config for the default topology."""
    return f"""[server]
interface = {interface}
address = {SERVER_ADDR}
state-dir = {tmp}/state

[subnet 172.25.254.0/24]
range = 172.25.254.60 - 172.25.254.70
routers = 172.25.254.250
dns = 172.25.254.254
domain = example.com
lease-time = 600
{subnet_extra}
{extra}"""
