# SPDX-License-Identifier: MIT
"""DHCP clients for the integration tests, each run inside a client network
namespace, each returning what it was given.

Real clients (what a user runs): busybox udhcpc, ISC dhclient, dhcpcd.
A raw client (RawClient) for what real clients cannot express: any option,
any client state, any malformed packet. It builds the BOOTP payload byte by
byte (so a broken packet is exactly as broken as the test says), lets scapy
frame it in Ethernet/IP/UDP with correct checksums, and reads replies from
an AF_PACKET socket opened inside the namespace, with a bounded wait.

Every wait here has a timeout; a failure names the client and the stage.
"""
import ctypes
import os
import random
import select
import shutil
import socket
import struct
import subprocess
import threading
import time

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

MAGIC = b"\x63\x82\x53\x63"
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"

# Message types (RFC 2132 9.6)
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = range(1, 9)
MSG_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE",
             5: "ACK", 6: "NAK", 7: "RELEASE", 8: "INFORM"}

# Option codes used by the tests
OPT_SUBNET_MASK = 1
OPT_ROUTERS = 3
OPT_DNS = 6
OPT_HOSTNAME = 12
OPT_DOMAIN = 15
OPT_BROADCAST = 28
OPT_NTP = 42
OPT_VENDOR_ENCAP = 43
OPT_REQUESTED_IP = 50
OPT_LEASE_TIME = 51
OPT_OVERLOAD = 52
OPT_MSG_TYPE = 53
OPT_SERVER_ID = 54
OPT_PRL = 55
OPT_MESSAGE = 56
OPT_MAX_SIZE = 57
OPT_RENEWAL = 58
OPT_REBINDING = 59
OPT_VENDOR_CLASS = 60
OPT_CLIENT_ID = 61
OPT_TFTP_SERVER = 66
OPT_BOOTFILE = 67
OPT_USER_CLASS = 77
OPT_RELAY_AGENT = 82
OPT_CLIENT_ARCH = 93
OPT_CLIENT_NDI = 94
OPT_UUID = 97

PXE_VENDOR_BIOS = b"PXEClient:Arch:00000:UNDI:002001"
PXE_VENDOR_UEFI64 = b"PXEClient:Arch:00007:UNDI:003016"
HTTP_VENDOR_UEFI64 = b"HTTPClient:Arch:00016:UNDI:003001"


# --- namespaces -------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def ns_socket(ns_name, family, type_, proto=0):
    """A socket that lives in network namespace `ns_name`.

    setns() changes only the calling thread, so a short-lived thread enters
    the namespace, creates the socket and ends; the socket stays in the
    namespace it was made in and the test's own thread never moves.
    """
    result = {}

    def make():
        try:
            fd = os.open(f"/run/netns/{ns_name}", os.O_RDONLY)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"setns {ns_name}: {os.strerror(err)}")
            finally:
                os.close(fd)
            result["sock"] = socket.socket(family, type_, proto)
        except Exception as e:  # handed to the caller's thread
            result["error"] = e

    t = threading.Thread(target=make)
    t.start()
    t.join(10)
    if "error" in result:
        raise result["error"]
    if "sock" not in result:
        raise RuntimeError(f"could not open a socket in {ns_name}")
    return result["sock"]


def tx_checksum_off(ns, ifname):
    """veth leaves UDP checksums to offload; a raw socket on the other end
    would then read them as bad. Computing them in software rules that out
    (TESTING.md)."""
    ns.run("ethtool", "-K", ifname, "tx", "off")


def links(ns):
    """Names of a namespace's links other than lo."""
    out = ns.run("ip", "-o", "link", "show").stdout
    names = []
    for line in out.splitlines():
        name = line.split(":", 2)[1].strip().split("@")[0]
        if name != "lo":
            names.append(name)
    return names


def all_tx_checksum_off(topo):
    """tx checksum offload off on every link of every namespace of topo."""
    for ns in topo.namespaces:
        for name in links(ns):
            if name.startswith("br"):
                continue
            tx_checksum_off(ns, name)


def link_mac(ns, ifname):
    out = ns.run("cat", f"/sys/class/net/{ifname}/address").stdout
    return out.strip()


# --- option values ----------------------------------------------------------

def ip4(*addrs):
    return b"".join(socket.inet_aton(a) for a in addrs)


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def encode_options(options):
    """[(code, bytes)] or raw bytes → wire bytes (no END)."""
    if isinstance(options, (bytes, bytearray)):
        return bytes(options)
    out = bytearray()
    for code, value in options:
        if code in (0, 255):
            out.append(code)
            continue
        if len(value) > 255:  # RFC 3396: split a long option
            for i in range(0, len(value), 255):
                chunk = value[i:i + 255]
                out += bytes([code, len(chunk)]) + chunk
            continue
        out += bytes([code, len(value)]) + value
    return bytes(out)


def bootp(msg_type=None, xid=None, mac="52:54:00:00:00:01", op=1, htype=1,
          hlen=6, hops=0, secs=0, flags=0, ciaddr="0.0.0.0",
          yiaddr="0.0.0.0", siaddr="0.0.0.0", giaddr="0.0.0.0",
          options=(), sname=b"", file=b"", cookie=MAGIC, end=True,
          pad_to=300):
    """A BOOTP/DHCP message as bytes. msg_type adds option 53 first;
    `options` follow; END is appended unless end=False; the message is
    padded to pad_to bytes like real clients do."""
    if xid is None:
        xid = random.getrandbits(32)
    chaddr = mac_bytes(mac) if isinstance(mac, str) else bytes(mac)
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, htype, hlen, hops,
                       xid, secs, flags, socket.inet_aton(ciaddr),
                       socket.inet_aton(yiaddr), socket.inet_aton(siaddr),
                       socket.inet_aton(giaddr), chaddr[:16].ljust(16, b"\0"),
                       sname[:64].ljust(64, b"\0"),
                       file[:128].ljust(128, b"\0"))
    opts = b""
    if msg_type is not None:
        opts += bytes([OPT_MSG_TYPE, 1, msg_type])
    opts += encode_options(options)
    if end:
        opts += b"\xff"
    msg = head + cookie + opts
    if len(msg) < pad_to:
        msg += b"\0" * (pad_to - len(msg))
    return msg


# --- replies ----------------------------------------------------------------

def parse_options(data, overload_allowed=True):
    """Options of one area → ({code: bytes}, overload, problems).
    Repeated codes are concatenated (RFC 3396)."""
    opts, problems, i, overload = {}, [], 0, 0
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        if i + 1 >= len(data) or i + 2 + data[i + 1] > len(data):
            problems.append(f"option {code} runs past the end")
            break
        value = data[i + 2:i + 2 + data[i + 1]]
        if code == OPT_OVERLOAD:
            if not overload_allowed:
                problems.append("option 52 inside an overloaded field")
            elif len(value) == 1:
                overload = value[0]
        opts[code] = opts.get(code, b"") + value
        i += 2 + data[i + 1]
    return opts, overload, problems


class Reply:
    """A DHCP/BOOTP message received by a raw client, with its framing."""

    def __init__(self, frame):
        self.raw_frame = bytes(frame)
        pkt = Ether(self.raw_frame)
        self.src_mac = pkt[Ether].src
        self.dst_mac = pkt[Ether].dst
        self.src_ip = pkt[IP].src
        self.dst_ip = pkt[IP].dst
        self.ip_len = pkt[IP].len
        self.sport = pkt[UDP].sport
        self.dport = pkt[UDP].dport
        self.payload = bytes(pkt[UDP].payload)
        self._parse(self.payload)

    def _parse(self, p):
        if len(p) < 240:
            raise ValueError(f"BOOTP message of {len(p)} bytes")
        (self.op, self.htype, self.hlen, self.hops, self.xid, self.secs,
         self.flags) = struct.unpack("!BBBBIHH", p[:12])
        self.ciaddr, self.yiaddr, self.siaddr, self.giaddr = (
            socket.inet_ntoa(p[o:o + 4]) for o in (12, 16, 20, 24))
        self.chaddr = p[28:44]
        self.cookie = p[236:240]
        opts, overload, problems = parse_options(p[240:])
        sname_raw, file_raw = p[44:108], p[108:236]
        self.overload = overload
        if overload & 1:
            more, _, pr = parse_options(file_raw, overload_allowed=False)
            problems += pr
            for k, v in more.items():
                opts[k] = opts.get(k, b"") + v
        if overload & 2:
            more, _, pr = parse_options(sname_raw, overload_allowed=False)
            problems += pr
            for k, v in more.items():
                opts[k] = opts.get(k, b"") + v
        self.options = opts
        self.problems = problems
        self.file = b"" if overload & 1 else file_raw.split(b"\0")[0]
        self.sname = b"" if overload & 2 else sname_raw.split(b"\0")[0]

    @property
    def msg_type(self):
        v = self.options.get(OPT_MSG_TYPE)
        return v[0] if v and len(v) == 1 else None

    @property
    def type_name(self):
        return MSG_NAMES.get(self.msg_type, f"BOOTP({self.msg_type})")

    def opt(self, code):
        return self.options.get(code)

    def opt_ips(self, code):
        v = self.options.get(code)
        if v is None:
            return None
        return [socket.inet_ntoa(v[i:i + 4]) for i in range(0, len(v), 4)]

    def opt_ip(self, code):
        ips = self.opt_ips(code)
        return ips[0] if ips else None

    def opt_u32(self, code):
        v = self.options.get(code)
        return struct.unpack("!I", v)[0] if v and len(v) == 4 else None

    def opt_str(self, code):
        v = self.options.get(code)
        return None if v is None else v.decode(errors="replace")

    @property
    def server_id(self):
        return self.opt_ip(OPT_SERVER_ID)

    def __repr__(self):
        return (f"<{self.type_name} xid={self.xid:#x} yiaddr={self.yiaddr} "
                f"siaddr={self.siaddr} from {self.src_ip}:{self.sport} to "
                f"{self.dst_ip}:{self.dport} ({self.dst_mac}) "
                f"file={self.file!r} opts={sorted(self.options)}>")


# --- the raw client ---------------------------------------------------------

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003


def collect(sock, decode, timeout, count=None, until=None):
    """Datagrams from `sock` turned into replies by decode(data, addr)
    (None: not one of ours), until `timeout` seconds pass, `count` were
    seen, or until(reply) is true."""
    deadline = time.monotonic() + timeout
    got = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return got
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            return got
        reply = decode(*sock.recvfrom(65535))
        if reply is None:
            continue
        got.append(reply)
        if count is not None and len(got) >= count:
            return got
        if until is not None and until(reply):
            return got


class RawClient:
    """Speaks DHCP from a client namespace over an AF_PACKET socket, so it
    needs no address and can send anything. Use as a context manager or
    call close()."""

    def __init__(self, ns, iface="c0", mac=None):
        self.ns = ns
        self.iface = iface
        self.mac = mac or link_mac(ns, iface)
        self.sock = ns_socket(ns.name, socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(ETH_P_ALL))
        self.sock.bind((iface, ETH_P_ALL))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # sending

    def send_payload(self, payload, src_ip="0.0.0.0", dst_ip="255.255.255.255",
                     sport=68, dport=67, dst_mac=BROADCAST_MAC, src_mac=None):
        """Frame a UDP payload and send it; IP fragments it past the MTU."""
        pkt = (Ether(src=src_mac or self.mac, dst=dst_mac) /
               IP(src=src_ip, dst=dst_ip, ttl=64) /
               UDP(sport=sport, dport=dport) / payload)
        frames = [pkt]
        if len(payload) + 28 > 1500:
            from scapy.layers.inet import fragment
            frames = [Ether(src=src_mac or self.mac, dst=dst_mac) / f
                      for f in fragment(pkt[IP], fragsize=1400)]
        for f in frames:
            self.sock.send(bytes(f))

    def send(self, msg_type=None, **kw):
        """Build a message with bootp(**kw) and broadcast it; returns xid.
        Framing keywords: src_ip, dst_ip, sport, dport, dst_mac."""
        frame_kw = {k: kw.pop(k) for k in ("src_ip", "dst_ip", "sport",
                                          "dport", "dst_mac", "src_mac")
                    if k in kw}
        kw.setdefault("mac", self.mac)
        kw.setdefault("xid", random.getrandbits(32))
        if isinstance(kw["mac"], str) and len(kw["mac"]) == 17:
            frame_kw.setdefault("src_mac", kw["mac"])
        self.send_payload(bootp(msg_type, **kw), **frame_kw)
        return kw["xid"]

    # receiving

    def replies(self, xid=None, timeout=5.0, count=None, port=None,
                until=None):
        """Collect BOOTREPLYs (op 2) seen on the link until `timeout`
        seconds pass, `count` were seen, or until(reply) is true. Frames
        we sent ourselves are skipped. xid=None takes any xid."""
        def decode(frame, addr):
            if addr[2] == socket.PACKET_OUTGOING:
                return None
            reply = self._decode(frame)
            if reply is None or reply.op != 2:
                return None
            if xid is not None and reply.xid != xid:
                return None
            if port is not None and reply.dport != port:
                return None
            return reply
        return collect(self.sock, decode, timeout, count, until)

    @staticmethod
    def _decode(frame):
        if len(frame) < 14 + 20 + 8 + 240:
            return None
        # IPv4 carrying UDP; whether it is BOOTP, Reply decides
        if frame[12:14] != b"\x08\x00" or frame[23] != 17:
            return None
        try:
            return Reply(frame)
        except Exception:
            return None

    def expect(self, xid, msg_type, timeout=5.0, stage=None):
        """The first reply with this xid; it must be of msg_type."""
        got = self.replies(xid, timeout=timeout, count=1)
        what = stage or f"waiting for {MSG_NAMES.get(msg_type)}"
        if not got:
            raise AssertionError(f"{what}: no reply within {timeout}s")
        r = got[0]
        assert r.msg_type == msg_type, (
            f"{what}: got {r.type_name}, expected {MSG_NAMES.get(msg_type)}:"
            f" {r!r} (message: {r.opt_str(OPT_MESSAGE)})")
        return r

    def expect_none(self, xid, timeout=1.5, stage="expecting no reply"):
        got = self.replies(xid, timeout=timeout)
        assert not got, f"{stage}: got {got!r}"

    # exchanges

    def discover(self, options=(), timeout=5.0, stage="DISCOVER", **kw):
        xid = self.send(DISCOVER, options=options, **kw)
        return self.expect(xid, OFFER, timeout=timeout, stage=stage)

    def request_selecting(self, offer, options=(), timeout=5.0, **kw):
        rest = [(c, v) for c, v in options
                if c not in (OPT_REQUESTED_IP, OPT_SERVER_ID)]
        xid = self.send(REQUEST, xid=offer.xid, options=[
            (OPT_REQUESTED_IP, ip4(offer.yiaddr)),
            (OPT_SERVER_ID, ip4(offer.server_id)), *rest], **kw)
        return self.replies(xid, timeout=timeout, count=1)

    def lease(self, options=(), request_options=None, timeout=5.0, **kw):
        """DISCOVER → OFFER → REQUEST (selecting) → ACK; returns the ACK."""
        offer = self.discover(options=options, timeout=timeout, **kw)
        got = self.request_selecting(
            offer, options=options if request_options is None
            else request_options, timeout=timeout, **kw)
        assert got, f"REQUEST for {offer.yiaddr}: no reply within {timeout}s"
        assert got[0].msg_type == ACK, (
            f"REQUEST for {offer.yiaddr}: got {got[0]!r} "
            f"(message: {got[0].opt_str(OPT_MESSAGE)})")
        assert got[0].yiaddr == offer.yiaddr, (
            f"ACK for {got[0].yiaddr}, offered {offer.yiaddr}")
        return got[0]


# --- UDP endpoints (clients with an address, relays) ------------------------

class UdpEndpoint:
    """A UDP socket in a namespace: a configured client (renewing, INFORM,
    port 4011) or a relay agent (port 67)."""

    def __init__(self, ns, bind_ip="0.0.0.0", port=68, broadcast=False):
        self.sock = ns_socket(ns.name, socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if broadcast:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.sock.bind((bind_ip, port))

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def sendto(self, payload, addr, port=67):
        self.sock.sendto(payload, (addr, port))

    def replies(self, xid=None, timeout=5.0, count=None):
        def decode(data, src):
            try:
                m = Message(data, src)
            except ValueError:
                return None
            if m.op != 2 or (xid is not None and m.xid != xid):
                return None
            return m
        return collect(self.sock, decode, timeout, count)

    def expect(self, xid, msg_type, timeout=5.0, stage=None):
        got = self.replies(xid, timeout=timeout, count=1)
        what = stage or f"waiting for {MSG_NAMES.get(msg_type)}"
        if not got:
            raise AssertionError(f"{what}: no reply within {timeout}s")
        assert got[0].msg_type == msg_type, (
            f"{what}: got {got[0].type_name}, expected "
            f"{MSG_NAMES.get(msg_type)}: {got[0]!r}")
        return got[0]


class Message(Reply):
    """A BOOTP message read from a UDP socket (no link framing)."""

    def __init__(self, payload, src):
        self.src_ip, self.sport = src
        self.payload = bytes(payload)
        self.src_mac = self.dst_mac = self.dst_ip = None
        self.dport = None
        self.ip_len = len(payload) + 28
        self._parse(self.payload)


# --- real clients -----------------------------------------------------------

class ClientFailed(AssertionError):
    pass


# Real clients run with a small environment so their scripts' dumps hold
# only what the client set.
CLIENT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}


def _env_script(path, out):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                f"{{ echo \"EVENT=${{1:-$reason}}\"; env; echo ---; }} "
                f">> '{out}'\nexit 0\n")
    os.chmod(path, 0o755)


def _env_blocks(path):
    """The env dumps a script wrote: [(event, {var: value})]."""
    if not os.path.exists(path):
        return []
    blocks, cur = [], {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "---":
                blocks.append((cur.get("EVENT", ""), cur))
                cur = {}
            elif "=" in line:
                k, v = line.split("=", 1)
                cur[k] = v
    return blocks


def _end(proc):
    """A client we started: SIGTERM, then SIGKILL; by PID only."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def udhcpc(ns, tmp, iface="c0", vendor=None, xopts=(), request=(),
           tries=5, timeout=20, extra=(), name="udhcpc", expect_lease=True):
    """busybox udhcpc until bound (-q), with a script that dumps its env.
    Returns the env of the `bound` event: ip, subnet, router, dns, domain,
    lease, serverid, siaddr, boot_file, ... Raises ClientFailed naming the
    stage when no lease was bound (unless expect_lease=False: then None)."""
    script = os.path.join(tmp, f"{name}.sh")
    out = os.path.join(tmp, f"{name}.env")
    if os.path.exists(out):
        os.unlink(out)
    _env_script(script, out)
    args = ["busybox", "udhcpc", "-i", iface, "-f", "-q", "-n",
            "-t", str(tries), "-T", "1", "-A", "1", "-s", script]
    if vendor:
        args += ["-V", vendor]
    for x in xopts:
        args += ["-x", x]
    for o in request:
        args += ["-O", str(o)]
    args += list(extra)
    try:
        p = ns.run(*args, check=False, timeout=timeout, env=CLIENT_ENV)
        output = p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        output = f"(timed out after {timeout}s) {e.stdout} {e.stderr}"
    bound = [env for ev, env in _env_blocks(out) if ev == "bound"]
    if bound:
        return bound[-1]
    if not expect_lease:
        return None
    events = [ev for ev, _ in _env_blocks(out)]
    raise ClientFailed(f"udhcpc on {iface} in {ns.name}: no lease bound "
                       f"(script events: {events})\n{output[-2000:]}")


def dhclient(ns, tmp, iface="c0", timeout=20, conf_extra="",
             request=("subnet-mask", "broadcast-address", "routers",
                      "domain-name", "domain-name-servers", "host-name",
                      "dhcp-lease-time", "dhcp-server-identifier"),
             name="dhclient"):
    """ISC dhclient in the foreground until its script sees BOUND (or
    REBOOT), then ended by PID. Returns the script env (new_ip_address,
    new_routers, new_domain_name_servers, new_domain_name, ...)."""
    script = os.path.join(tmp, f"{name}.sh")
    out = os.path.join(tmp, f"{name}.env")
    conf = os.path.join(tmp, f"{name}.conf")
    for p in (out,):
        if os.path.exists(p):
            os.unlink(p)
    _env_script(script, out)
    with open(conf, "w") as f:
        f.write(f"timeout {timeout};\nretry 1;\ninitial-interval 1;\n"
                f"initial-delay 0;\nrequest {', '.join(request)};\n"
                f"{conf_extra}\n")
    log_path = os.path.join(tmp, f"{name}.log")
    log = open(log_path, "w")
    proc = ns.popen("dhclient", "-4", "-d", "-1", "-v", "-cf", conf,
                    "-sf", script, "-lf", os.path.join(tmp, f"{name}.leases"),
                    "-pf", os.path.join(tmp, f"{name}.pid"), iface,
                    stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, env=CLIENT_ENV)
    log.close()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            bound = [env for ev, env in _env_blocks(out)
                     if ev in ("BOUND", "REBOOT", "RENEW", "REBIND")]
            if bound:
                return bound[-1]
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    finally:
        _end(proc)
    with open(log_path, errors="replace") as f:
        output = f.read()
    events = [ev for ev, _ in _env_blocks(out)]
    raise ClientFailed(f"dhclient on {iface} in {ns.name}: no lease within "
                       f"{timeout}s (exit={proc.returncode}, script events "
                       f"{events})\n{output[-2000:]}")


def dhcpcd_test(ns, tmp, iface="c0", timeout=20, conf_extra="",
                name="dhcpcd"):
    """dhcpcd -T: asks for an address and prints the offer's variables
    without configuring anything. It keeps running after printing, so it
    is ended by PID once the offer is out. Returns {new_ip_address: ...}."""
    conf = os.path.join(tmp, f"{name}.conf")
    with open(conf, "w") as f:
        f.write("option domain_name_servers, domain_name, host_name\n"
                "option subnet_mask, routers, broadcast_address\n"
                "nohook resolv.conf\n" + conf_extra + "\n")
    log_path = os.path.join(tmp, f"{name}.log")
    log = open(log_path, "w")
    proc = ns.popen("dhcpcd", "-4", "-1", "-B", "-T", "-f", conf,
                    "-t", str(timeout), iface, stdout=log,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env=CLIENT_ENV)
    log.close()

    def read():
        with open(log_path, errors="replace") as f:
            return f.read()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if "new_ip_address=" in read():
                time.sleep(0.3)  # the hook prints the rest of the block
                break
            time.sleep(0.1)
    finally:
        _end(proc)
    output = read()
    env = {}
    for line in output.splitlines():
        line = line.strip()
        if "=" in line and line.split("=", 1)[0].isidentifier():
            k, v = line.split("=", 1)
            env[k] = v.strip("'\"")
    if "new_ip_address" not in env:
        raise ClientFailed(f"dhcpcd on {iface} in {ns.name}: no offer "
                           f"printed within {timeout}s\n{output[-2000:]}")
    return env


def have(tool):
    return shutil.which(tool) is not None


class UdhcpcDaemon:
    """busybox udhcpc left running (no -q), configuring c0 itself through
    its script the way a booted system does, so that SIGUSR1 makes it
    renew by unicast from its address, and SIGUSR2 release."""

    def __init__(self, topo, ns, iface="c0", name="udhcpcd", extra=()):
        self.ns = ns
        self.out = os.path.join(topo.tmp, f"{name}.env")
        script = os.path.join(topo.tmp, f"{name}.sh")
        with open(script, "w") as f:
            # configure first, then tell: a test that saw the event may
            # rely on the address being there
            f.write("#!/bin/sh\n"
                    "case \"$1\" in\n"
                    "  deconfig) ip addr flush dev \"$interface\" ;;\n"
                    "  bound|renew) ip addr replace \"$ip/${mask:-24}\" "
                    "dev \"$interface\" ;;\n"
                    "esac\n"
                    f"{{ echo \"EVENT=$1\"; env; echo ---; }} >> '{self.out}'\n"
                    "exit 0\n")
        os.chmod(script, 0o755)
        self.proc = topo.start(ns, ["busybox", "udhcpc", "-i", iface, "-f",
                                    "-t", "5", "-T", "1", "-A", "1",
                                    "-s", script, *extra], f"{name}.log")

    def events(self):
        return _env_blocks(self.out)

    def wait_event(self, names, count=1, timeout=10, stage=None):
        """Wait until `count` events among `names` were seen; the last."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = [env for ev, env in self.events() if ev in names]
            if len(seen) >= count:
                return seen[-1]
            if self.proc.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise ClientFailed(
            f"{stage or 'udhcpc'}: no {names} event #{count} within "
            f"{timeout}s (events {[ev for ev, _ in self.events()]})\n"
            f"{self.proc.log()[-2000:]}")

    def renew(self):
        self.proc.signal(10)  # SIGUSR1
