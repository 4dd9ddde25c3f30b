# SPDX-License-Identifier: MIT
"""Answers IPv6 Router Solicitations on one link with a Router Advertisement
that offers nothing (router lifetime 0, no prefix, no M/O flags): "there is
no IPv6 router here". iPXE configures IPv4 and IPv6 together and, with no
answer, goes on soliciting for ~13 s before it loads the boot loader; one
RA ends that wait. bench/boot --ra uses it to show the servers' own
difference without that constant; it is no part of pxed.

    ip netns exec NS python3 e2e_ra.py br0
"""
import socket
import struct
import sys
import time

ND_ROUTER_SOLICIT = 133
ND_ROUTER_ADVERT = 134


def main():
    idx = socket.if_nametoindex(sys.argv[1])
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    # RFC 4861 6.1.2: hosts drop an RA whose hop limit is not 255.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                 socket.inet_pton(socket.AF_INET6, "ff02::2") +
                 struct.pack("@I", idx))
    # type, code, checksum (the kernel fills it), cur hop limit, flags,
    # router lifetime 0 (not a default router), reachable, retrans timers
    ra = struct.pack("!BBHBBHII", ND_ROUTER_ADVERT, 0, 0, 64, 0, 0, 0, 0)
    print(f"{time.monotonic():.3f} RA ready if={sys.argv[1]}", flush=True)
    while True:
        data, _ = s.recvfrom(2048)
        if data[:1] == bytes([ND_ROUTER_SOLICIT]):
            try:
                s.sendto(ra, ("ff02::1", 0, 0, idx))
                print(f"{time.monotonic():.3f} RA sent", flush=True)
            except OSError as e:   # br0's link-local may still be in DAD
                print(f"{time.monotonic():.3f} RA not sent: {e}", flush=True)


if __name__ == "__main__":
    main()
