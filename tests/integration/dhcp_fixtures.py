# SPDX-License-Identifier: MIT
"""Fixtures and server start-up shared by the test_dhcp*.py files.

Import what a test file uses: `from dhcp_fixtures import dtopo, make_dtopo,
start_dhcp`.

start_dhcp() runs pxed. With PXED_DHCP_PEER=dnsmasq it runs dnsmasq
instead, translated from the same pxed.conf (addresses, options, hosts,
boot files by architecture, proxy mode): that checks the tests against a
server known to work, so a failure against pxed points at pxed. Tests of
things only pxed has (its log lines, its lease database, SIGHUP) fail
against dnsmasq by design.
"""
import os
import re
import time

import pytest

from dhcp_clients import all_tx_checksum_off
from netns import (RelayTopology, SegmentTopology, Topology,
                   TwoSubnetTopology)

PEER = os.environ.get("PXED_DHCP_PEER", "")

KINDS = {"veth": Topology, "segment": SegmentTopology,
         "relay": RelayTopology, "two": TwoSubnetTopology}


def _make(kind, path, clients):
    cls = KINDS[kind]
    if kind in ("relay", "two"):
        t = cls(path)
    else:
        t = cls(path, clients=clients)
    try:
        all_tx_checksum_off(t)
    except Exception:
        t.close()
        raise
    return t


SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")


def _close_and_check(topos):
    """Tear down; then fail if a pxed we ran reported a sanitizer error
    (under the ASan+UBSan build), even where the test itself passed."""
    for t in topos:
        t.close()
    for t in topos:
        for p in t.procs:
            if "pxed" not in os.path.basename(p.log_path or ""):
                continue
            log = p.log()
            for m in SANITIZER_MARKS:
                if m in log:
                    i = log.index(m)
                    raise AssertionError(f"{p.log_path}: {m}\n"
                                         f"{log[max(0, i - 200):i + 3000]}")


@pytest.fixture
def dtopo(tmp_path):
    """Server + one client joined by a veth pair, checksums in software."""
    t = _make("veth", tmp_path, 1)
    try:
        yield t
    finally:
        _close_and_check([t])


@pytest.fixture
def make_dtopo(tmp_path):
    """make_dtopo(kind="veth"|"segment"|"relay"|"two", clients=N)."""
    made = []

    def make(kind="veth", clients=1):
        t = _make(kind, tmp_path / f"{kind}{len(made)}", clients)
        made.append(t)
        return t
    try:
        yield make
    finally:
        _close_and_check(made)


def start_dhcp(topo, config_text, name="pxed", ready="pxed started",
               extra_args=()):
    """Start the DHCP server under test with this pxed config."""
    m = re.search(r"^state-dir\s*=\s*(\S+)", config_text, re.M)
    if m:
        os.makedirs(m.group(1), exist_ok=True)
    if PEER == "dnsmasq":
        return _start_dnsmasq(topo, config_text, name)
    return topo.start_pxed(config_text, name=name, ready=ready,
                           extra_args=extra_args)


# --- the dnsmasq stand-in ---------------------------------------------------

def _sections(text):
    """pxed.conf → [(section, arg, [(key, value)])] (';'/'#' comments)."""
    out = []
    for raw in text.splitlines():
        line = re.sub(r"\s[;#].*$", "", raw).strip()
        if not line or line[0] in ";#":
            continue
        m = re.match(r"^\[(\w+)(?:\s+(.+))?\]$", line)
        if m:
            out.append((m.group(1), m.group(2), []))
            continue
        k, _, v = line.partition("=")
        out[-1][2].append((k.strip(), v.strip()))
    return out


_ARCH_TAGS = {"filename-bios": ["0"], "filename-uefi32": ["6"],
              "filename-uefi": ["7", "9"], "filename-arm64": ["11"]}


def _dnsmasq_value(v):
    if v.startswith("hex:"):
        return v[4:]
    for p in ("u8:", "u16:", "u32:"):
        if v.startswith(p):
            return v[len(p):]
    if v.startswith('"') and v.endswith('"'):
        return v[1:-1]
    return v.replace(" ", "")


def _boot_args(tag, keys, args, next_server):
    for k, v in keys:
        if k == "filename":
            args.append(f"--dhcp-boot=tag:{tag},{v},,{next_server}")
        elif k in _ARCH_TAGS:
            t = f"{tag}{k[9:]}"
            for a in _ARCH_TAGS[k]:
                args.append(f"--dhcp-match=set:{t},option:client-arch,{a}")
            args.append(f"--dhcp-boot=tag:{tag},tag:{t},{v},,{next_server}")
        elif k == "filename-http":
            args.append(f"--dhcp-vendorclass=set:{tag}http,HTTPClient")
            args.append(f"--dhcp-option-force=tag:{tag}http,60,HTTPClient")
            args.append(f"--dhcp-boot=tag:{tag},tag:{tag}http,{v},,"
                        f"{next_server}")
        elif k == "filename-ipxe":
            args.append(f"--dhcp-userclass=set:{tag}ipxe,iPXE")
            args.append(f"--dhcp-boot=tag:{tag},tag:{tag}ipxe,{v},,"
                        f"{next_server}")


def _option_args(tags, keys, args):
    named = {"routers": 3, "dns": 6, "domain": 15, "broadcast": 28,
             "ntp": 42, "hostname": 12}
    for k, v in keys:
        if k in named:
            args.append(f"--dhcp-option={tags},{named[k]},"
                        f"{_dnsmasq_value(v)}")
        elif k.startswith("option-"):
            args.append(f"--dhcp-option={tags},{k[7:]},{_dnsmasq_value(v)}")


def _start_dnsmasq(topo, text, name):
    args = ["dnsmasq", "--no-daemon", "--port=0", "--no-ping",
            "--log-dhcp", "--bind-interfaces", "--dhcp-authoritative",
            f"--dhcp-leasefile={topo.path(name + '.leases')}",
            "--dhcp-lease-max=100000", "--conf-file=/dev/null"]
    server_addr = None
    args += ["--dhcp-vendorclass=set:pxe,PXEClient",
             "--dhcp-option-force=tag:pxe,60,PXEClient"]
    for section, arg, keys in _sections(text):
        kv = dict(keys)
        if section == "server":
            for i in kv.get("interface", "").split(","):
                args.append(f"--interface={i.strip()}")
            server_addr = kv.get("address")
        elif section == "subnet":
            net, prefix = arg.split("/")
            tag = "n" + net.replace(".", "_")
            mask = ".".join(str((0xffffffff << (32 - int(prefix)) >> s) & 255)
                            for s in (24, 16, 8, 0))
            lease = kv.get("lease-time", "3600")
            if kv.get("mode") == "proxy":
                args.append(f"--dhcp-range=set:{tag},{net},proxy,{mask}")
            for k, v in keys:
                if k == "range":
                    a, b = (x.strip() for x in v.split("-"))
                    args.append(f"--dhcp-range=set:{tag},{a},{b},{mask},"
                                f"{lease}")
            _option_args(f"tag:{tag}", keys, args)
            _boot_args(tag, keys, args, kv.get("next-server", server_addr
                                                 or ""))
        elif section == "host":
            tag = "h_" + re.sub(r"\W", "_", arg)
            ident = kv.get("mac") or "id:" + kv.get("client-id", "")
            args.append(f"--dhcp-host={ident},set:{tag}" +
                        (f",{kv['ip']}" if "ip" in kv else ""))
            # two tags outrank a subnet's one
            args.append(f"--tag-if=set:{tag}2,tag:{tag}")
            _option_args(f"tag:{tag},tag:{tag}2", keys, args)
            _boot_args(tag, keys, args, kv.get("next-server", server_addr
                                                 or ""))
    p = topo.start(topo.server, args, f"{name}.log")
    p.config_path = topo.write(f"{name}.conf", text)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "DHCP, " not in p.log():
        if p.popen.poll() is not None:
            raise AssertionError(f"dnsmasq exited: {args}\n{p.log()}")
        time.sleep(0.05)
    return p
