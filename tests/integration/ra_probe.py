# SPDX-License-Identifier: MIT
"""A host asking for IPv6 routers, as iPXE does at boot: sends one Router
Solicitation on IFACE, then prints each Router Advertisement heard within
SECONDS, one line each:

    RA from fe80::1 after 1.003s hop-limit 255 lifetime 0 flags 0x00 len 16

    ip netns exec NS python3 ra_probe.py IFACE SECONDS [HOP_LIMIT]

HOP_LIMIT (default 255, as RFC 4861 requires) lets a test send one that
a router must drop.
"""
import select
import socket
import struct
import sys
import time

ND_ROUTER_SOLICIT = 133
ND_ROUTER_ADVERT = 134


def main():
    ifname, seconds = sys.argv[1], float(sys.argv[2])
    hop_limit = int(sys.argv[3]) if len(sys.argv) > 3 else 255
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, hop_limit)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    start = time.monotonic()
    s.sendto(struct.pack("!BBHI", ND_ROUTER_SOLICIT, 0, 0, 0),
             ("ff02::2", 0, 0, idx))
    print("RS sent", flush=True)
    while True:
        left = start + seconds - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            return
        data, anc, _, src = s.recvmsg(2048, socket.CMSG_SPACE(4))
        if data[:1] != bytes([ND_ROUTER_ADVERT]) or len(data) < 16:
            continue
        hops = next((struct.unpack("@i", d)[0] for lvl, t, d in anc
                     if t == socket.IPV6_HOPLIMIT), -1)
        _, _, _, _, flags, lifetime = struct.unpack("!BBHBBH", data[:8])
        print(f"RA from {src[0].split('%')[0]} after "
              f"{time.monotonic() - start:.3f}s hop-limit {hops} "
              f"lifetime {lifetime} flags 0x{flags:02x} len {len(data)}",
              flush=True)


if __name__ == "__main__":
    main()
