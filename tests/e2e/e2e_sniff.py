# SPDX-License-Identifier: MIT
"""Watches one link (the VM's bridge) and prints the boot's network events,
one per line, each stamped with CLOCK_MONOTONIC (the same clock as the
parent's time.monotonic(), so the test can place them on its timeline):

    <t> DHCP OFFER yiaddr=172.25.254.61 file=pxelinux.0
    <t> DHCP DISCOVER arch=7
    <t> TFTP RRQ file=pxelinux.0
    <t> HTTP GET path=/e2e/.treeinfo

It reads frames only (an AF_PACKET socket) and never sends, so it measures
any server, pxed or a peer, the same way. Run inside the namespace:
    ip netns exec NS python3 e2e_sniff.py br0
It stops when its parent kills it (SIGTERM).
"""
import os
import socket
import struct
import sys
import time

# PXED_E2E_SNIFF_ALL=1: print every frame too (ARP, other IP), to debug a boot.
ALL = os.environ.get("PXED_E2E_SNIFF_ALL") == "1"

ETH_P_ALL = 0x0003
DHCP_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE",
              5: "ACK", 6: "NAK", 7: "RELEASE", 8: "INFORM"}


def dhcp_options(b):
    opts = {}
    i = 0
    while i < len(b):
        code = b[i]
        if code == 0:
            i += 1
            continue
        if code == 255 or i + 1 >= len(b):
            break
        n = b[i + 1]
        opts[code] = opts.get(code, b"") + b[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def cstr(b):
    return b.split(b"\0", 1)[0].decode("ascii", "replace")


def on_dhcp(p):
    if len(p) < 240 or p[236:240] != b"\x63\x82\x53\x63":
        return None
    opts = dhcp_options(p[240:])
    kind = DHCP_TYPES.get(opts.get(53, b"\0")[0], "BOOTP")
    words = [f"DHCP {kind}", "mac=" + p[28:34].hex(":")]
    if p[0] == 2:
        words.append("yiaddr=" + socket.inet_ntoa(p[16:20]))
        words.append("siaddr=" + socket.inet_ntoa(p[20:24]))
        words.append("file=" + (cstr(p[108:236]) or
                                cstr(opts.get(67, b"")) or "-"))
        if len(opts.get(54, b"")) == 4:
            words.append("sid=" + socket.inet_ntoa(opts[54]))
        words.append("opts=" + ",".join(str(c) for c in sorted(opts)))
    else:
        if 93 in opts and len(opts[93]) >= 2:
            words.append("arch=%d" % struct.unpack("!H", opts[93][:2]))
        if 60 in opts:
            words.append("vc=" + cstr(opts[60]).replace(" ", "_"))
        if 55 in opts:
            words.append("prl=" + ",".join(str(c) for c in opts[55]))
    return " ".join(words)


def on_frame(f):
    # Most frames are TFTP DATA/ACK or HTTP body: reject them cheaply.
    if (not ALL and len(f) > 300 and f[23:24] == b"\x11" and
            f[36:38] not in (b"\x00\x43", b"\x00\x44")):
        return None
    if f[12:14] == b"\x08\x06" and len(f) >= 42:
        if ALL:
            return "ARP op=%d who=%s from=%s" % (
                f[21], socket.inet_ntoa(f[38:42]), socket.inet_ntoa(f[28:32]))
        return None
    if ALL and f[12:14] == b"\x86\xdd" and len(f) >= 55:
        return "IPv6 next=%d icmp6type=%d" % (f[20], f[54] if f[20] == 58 else -1)
    if len(f) < 14 + 20 or f[12:14] != b"\x08\x00":
        return None
    ip = f[14:]
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    l4 = ip[ihl:]
    if proto == 17 and len(l4) >= 8:
        sport, dport = struct.unpack("!HH", l4[:4])
        p = l4[8:]
        if (sport, dport) in ((67, 68), (68, 67)):
            return on_dhcp(p)
        if dport == 69 and len(p) > 2 and p[1] == 1:
            return "TFTP RRQ file=" + cstr(p[2:]).replace(" ", "%20")
    elif proto == 6 and len(l4) >= 20:
        dport = struct.unpack("!H", l4[2:4])[0]
        p = l4[(l4[12] >> 4) * 4:]
        for method in (b"GET ", b"HEAD "):
            if dport in (80, 8080) and p.startswith(method):
                path = p[len(method):].split(b" ", 1)[0]
                return "HTTP %s path=%s" % (method.decode().strip(),
                                            path.decode("ascii", "replace"))
    if ALL:
        return "IP proto=%d %s -> %s len=%d" % (
            proto, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
            len(ip))
    return None


def main():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    # A kernel sent over TFTP is thousands of frames in a burst: with the
    # default buffer this reader falls behind and the kernel drops frames,
    # among them the next RRQ. 64 MiB holds a whole boot's burst.
    SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind((sys.argv[1], 0))
    print(f"{time.monotonic():.3f} SNIFF ready if={sys.argv[1]}", flush=True)
    while True:
        f = s.recv(65535)
        try:
            ev = on_frame(f)
        except (IndexError, struct.error):
            ev = None
        if ev:
            print(f"{time.monotonic():.3f} {ev}", flush=True)


if __name__ == "__main__":
    main()
