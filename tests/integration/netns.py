# SPDX-License-Identifier: MIT
"""Network namespaces for integration tests: a server side and client sides
joined by veth pairs (and a bridge when there are several clients), pxed
started inside, and everything torn down by PID and name even on failure.

Addresses are 172.25.254.0/24 inside the namespaces only; no namespace gets
a route out.
"""
import hashlib
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


def sha256(path):
    """The hex SHA-256 of a file, read in 1 MiB pieces."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


# --- topologies for the DHCP tests (added; the ones above stay as they are)

RELAY_SERVER_SIDE = "172.25.254.1"   # the relay's address toward the server
RELAY_CLIENT_SIDE = "172.25.253.1"   # the relay's address toward clients (giaddr)
CLIENT_SUBNET_2 = "172.25.253.0/24"  # the second subnet: relayed, or on s1
SERVER_ADDR_2 = "172.25.253.100"     # the server's address on s1


def _veth(a_ns, a_name, b_ns, b_name, b_mac=None):
    sh("ip", "link", "add", a_name, "netns", a_ns.name, "type", "veth",
       "peer", "name", b_name, "netns", b_ns.name)
    if b_mac:
        b_ns.run("ip", "link", "set", b_name, "address", b_mac)
    a_ns.run("ip", "link", "set", a_name, "up")
    b_ns.run("ip", "link", "set", b_name, "up")


class RelayTopology(Topology):
    """server — relay — client, two subnets:

    server s0 172.25.254.100/24 <-> r0 172.25.254.1/24 [relay] r1
    172.25.253.1/24 <-> c0 (52:54:00:00:00:01, no address). The server
    reaches 172.25.253.0/24 via the relay; the relay forwards. No other
    route exists. start_relay() runs ISC dhcrelay in the relay namespace.
    """

    def __init__(self, tmp_path):
        super().__init__(tmp_path, clients=1)

    def _build(self, n):
        s = self.server
        self.relay = r = self._netns("r")
        c = self._netns("c")
        _veth(s, "s0", r, "r0")
        _veth(r, "r1", c, "c0", b_mac="52:54:00:00:00:01")
        s.run("ip", "addr", "add", f"{SERVER_ADDR}/{PREFIX}", "dev", "s0")
        r.run("ip", "addr", "add", f"{RELAY_SERVER_SIDE}/{PREFIX}", "dev",
              "r0")
        r.run("ip", "addr", "add", f"{RELAY_CLIENT_SIDE}/24", "dev", "r1")
        s.run("ip", "route", "add", CLIENT_SUBNET_2, "via", RELAY_SERVER_SIDE)
        r.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
        self.server_if = "s0"
        self.clients.append(c)

    def start_relay(self, ready_timeout=10):
        """ISC dhcrelay: clients on r1, the server behind r0."""
        p = self.start(self.relay, ["dhcrelay", "-d", "-4", "-i", "r1",
                                    "-i", "r0", SERVER_ADDR], "dhcrelay.log")
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if "Sending on" in p.log() and "r0" in p.log():
                return p
            if p.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"starting dhcrelay: not ready within "
                             f"{ready_timeout}s\n{p.log()[-2000:]}")


class TwoSubnetTopology(Topology):
    """One server on two links, one subnet each:

    server s0 172.25.254.100/24 <-> c0 of clients[0] (52:54:00:00:01:01)
    server s1 172.25.253.100/24 <-> c0 of clients[1] (52:54:00:00:02:01)
    """

    def __init__(self, tmp_path):
        super().__init__(tmp_path, clients=2)

    def _build(self, n):
        s = self.server
        for i, (ifname, addr) in enumerate((("s0", SERVER_ADDR),
                                            ("s1", SERVER_ADDR_2))):
            c = self._netns("c")
            _veth(s, ifname, c, "c0", b_mac=f"52:54:00:00:0{i + 1}:01")
            s.run("ip", "addr", "add", f"{addr}/{PREFIX}", "dev", ifname)
            self.clients.append(c)
        self.server_if = "s0"


class SegmentTopology(Topology):
    """A shared segment: bridge br0 in the server namespace carries the
    server address; each client namespace has c0 (52:54:00:00:00:NN) on
    the bridge, even for one client; add_peer() puts another host (say,
    another DHCP server) on the same segment."""

    def _build(self, n):
        s = self.server
        s.run("ip", "link", "add", "br0", "type", "bridge")
        s.run("ip", "addr", "add", f"{SERVER_ADDR}/{PREFIX}", "dev", "br0")
        s.run("ip", "link", "set", "br0", "up")
        self.server_if = "br0"
        self._ports = 0
        for i in range(n):
            c = self._netns("c")
            self._port(c, "c0", "52:54:00:00:%02x:%02x" % ((i + 1) >> 8,
                                                            (i + 1) & 255))
            self.clients.append(c)

    def _port(self, ns, ifname, mac):
        port = f"p{self._ports}"
        self._ports += 1
        sh("ip", "link", "add", port, "netns", self.server.name, "type",
           "veth", "peer", "name", ifname, "netns", ns.name)
        self.server.run("ip", "link", "set", port, "master", "br0")
        self.server.run("ip", "link", "set", port, "up")
        ns.run("ip", "link", "set", ifname, "address", mac)
        ns.run("ip", "link", "set", ifname, "up")

    def add_peer(self, role, addr, ifname="d0", mac="52:54:00:00:fe:01"):
        """Another namespace on the segment with address addr/24."""
        ns = self._netns(role)
        self._port(ns, ifname, mac)
        ns.run("ip", "addr", "add", f"{addr}/{PREFIX}", "dev", ifname)
        return ns
