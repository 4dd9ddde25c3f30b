# SPDX-License-Identifier: MIT
"""A UDP forwarder that reorders (and sometimes duplicates) TFTP packets,
since this kernel has no netem.

    /usr/bin/python3 tftp_forwarder.py LISTEN_PORT SERVER_HOST SERVER_PORT

Clients send their request to 127.0.0.1:LISTEN_PORT. For each client the
forwarder talks to the server from a socket of its own, and mirrors each
server TID (the transfer's port) with a local socket of its own, so the
client sees the TID change as it would from the server itself.

Each packet, in either direction, is held back with probability HOLD and
sent after the next packet of that flow (or after HOLD_MS if none
follows): adjacent packets swap. Every DUP-th packet goes out twice.
"""
import random
import select
import socket
import sys
import time

HOLD = 0.1
HOLD_MS = 10
DUP = 50


def bound_socket(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    return s


class Flow:
    """One direction of one path: packets to `dest` out of `sock`."""

    def __init__(self, sock, dest):
        self.sock, self.dest = sock, dest
        self.held, self.held_at, self.count = None, 0.0, 0

    def send(self, pkt, rng):
        self.count += 1
        if self.held is None and rng.random() < HOLD:
            self.held, self.held_at = pkt, time.monotonic()
            return
        self.sock.sendto(pkt, self.dest)
        if self.count % DUP == 0:
            self.sock.sendto(pkt, self.dest)
        self.flush()

    def flush(self, now=None):
        if self.held is not None and (
                now is None or now - self.held_at > HOLD_MS / 1000):
            self.sock.sendto(self.held, self.dest)
            self.held = None


def main(argv):
    listen_port, server = int(argv[1]), (argv[2], int(argv[3]))
    rng = random.Random(7)
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", listen_port))
    up_of_client = {}     # client addr -> upstream socket
    route = {}            # socket -> (Flow out of it, or a callable)
    flows = []
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([front, *route], [], [], HOLD_MS / 1000)
        now = time.monotonic()
        for f in flows:
            f.flush(now)
        for s in ready:
            pkt, peer = s.recvfrom(70000)
            if s is front:
                up = up_of_client.get(peer)
                if up is None:
                    up = bound_socket("0.0.0.0")
                    up_of_client[peer] = up
                    route[up] = {"client": peer, "mirrors": {}}
                up.sendto(pkt, server)      # requests are not reordered
            elif isinstance(route[s], dict):
                # from the server: through the mirror of its TID
                ctx = route[s]
                m = ctx["mirrors"].get(peer)
                if m is None:
                    mirror = bound_socket("127.0.0.1")
                    down = Flow(mirror, ctx["client"])
                    m = ctx["mirrors"][peer] = down
                    route[mirror] = Flow(s, peer)
                    flows += [down, route[mirror]]
                m.send(pkt, rng)
            else:
                route[s].send(pkt, rng)     # from the client, to the TID


if __name__ == "__main__":
    main(sys.argv)
