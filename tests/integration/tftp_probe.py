# SPDX-License-Identifier: MIT
"""A small TFTP client of the tests' own, for what real clients cannot
show: the first reply to any request bytes (path escapes, OACK values), a
stranger's packet in the middle of a transfer (wrong TID), and a transfer
paused half way (files replaced, config reloaded).

Run inside a namespace: /usr/bin/python3 tftp_probe.py COMMAND ...; it
prints one JSON object. Every wait is bounded.
"""
import json
import os
import socket
import struct
import sys
import time

OP_RRQ, OP_DATA, OP_ACK, OP_ERROR, OP_OACK = 1, 3, 4, 5, 6


def rrq(name, mode=b"octet", options=None):
    pkt = struct.pack("!H", OP_RRQ) + name + b"\0" + mode + b"\0"
    for k, v in (options or {}).items():
        pkt += k.encode() + b"\0" + str(v).encode() + b"\0"
    return pkt


def decode(pkt):
    op = struct.unpack("!H", pkt[:2])[0]
    if op == OP_ERROR:
        code = struct.unpack("!H", pkt[2:4])[0]
        return {"op": "error", "code": code,
                "message": pkt[4:].split(b"\0")[0].decode(errors="replace")}
    if op == OP_OACK:
        f = pkt[2:].split(b"\0")[:-1]
        return {"op": "oack",
                "options": {f[i].decode(): f[i + 1].decode()
                            for i in range(0, len(f) - 1, 2)}}
    if op == OP_DATA:
        return {"op": "data", "block": struct.unpack("!H", pkt[2:4])[0],
                "len": len(pkt) - 4}
    return {"op": op}


def udp(timeout=3.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    return s


def first_reply(host, port, name, options=None):
    s = udp()
    try:
        s.sendto(rrq(name, options=options), (host, port))
        pkt, _ = s.recvfrom(70000)
        return decode(pkt)
    except socket.timeout:
        return {"op": "timeout"}
    finally:
        s.close()


def fetch(host, port, name, out, pause_after=None, wait_file=None,
          stranger=False):
    """Lock-step RRQ without options. With pause_after N, after DATA N
    print 'paused' and wait for wait_file; with stranger, after DATA 2 a
    second socket sends an ACK to the transfer's port and reports what it
    got back."""
    s = udp()
    s.sendto(rrq(name.encode()), (host, port))
    tid, expect, data, result = None, 1, bytearray(), {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pkt, peer = s.recvfrom(70000)
        if tid is None:
            tid = peer
        if peer != tid or pkt[:2] != struct.pack("!H", OP_DATA):
            result["unexpected"] = decode(pkt)
            break
        block = struct.unpack("!H", pkt[2:4])[0]
        if block == expect & 0xffff:
            data += pkt[4:]
            expect += 1
        s.sendto(struct.pack("!HH", OP_ACK, block), tid)
        if stranger and block == 2 and "stranger" not in result:
            result["stranger"] = poke(tid, block)
        if pause_after is not None and block == pause_after:
            pause_after = None
            print("paused", flush=True)
            wait_for(wait_file)
        if len(pkt) - 4 < 512:
            break
    with open(out, "wb") as f:
        f.write(data)
    result["bytes"] = len(data)
    return result


def fetch_windowed(host, port, name, out, mode, blksize, window):
    """RRQ with blksize and windowsize: ACK the end of each window, and
    the last block in order on a gap, a stale block or a timeout (RFC
    7440); netascii is decoded back to the file's bytes."""
    s = udp(0.5)
    s.sendto(rrq(name.encode(), mode.encode(),
                 {"blksize": blksize, "windowsize": window}), (host, port))
    pkt, tid = s.recvfrom(70000)
    opts = decode(pkt)["options"]
    blksize, window = int(opts["blksize"]), int(opts["windowsize"])
    s.sendto(struct.pack("!HH", OP_ACK, 0), tid)
    got, data, in_window = 0, bytearray(), 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            pkt, peer = s.recvfrom(70000)
        except socket.timeout:
            s.sendto(struct.pack("!HH", OP_ACK, got & 0xffff), tid)
            in_window = 0
            continue
        block = struct.unpack("!H", pkt[2:4])[0]
        if peer != tid:
            continue
        if block != (got + 1) & 0xffff:
            # a gap or a stale copy: say again where we are
            s.sendto(struct.pack("!HH", OP_ACK, got & 0xffff), tid)
            in_window = 0
            continue
        got, in_window = got + 1, in_window + 1
        data += pkt[4:]
        last = len(pkt) - 4 < blksize
        if last or in_window == window:
            s.sendto(struct.pack("!HH", OP_ACK, block), tid)
            in_window = 0
        if last:
            break
    if mode == "netascii":
        data = data.replace(b"\r\n", b"\n").replace(b"\r\0", b"\r")
    with open(out, "wb") as f:
        f.write(data)
    return {"bytes": len(data), "blocks": got, "window": window}


def many(host, port, name, count):
    """`count` requests from as many sockets at once, none answered
    further: how many distinct transfer ports sent DATA 1."""
    import resource
    import select
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    by_fd = {}
    poller = select.epoll()
    for _ in range(count):
        s = udp()
        s.setblocking(False)
        by_fd[s.fileno()] = s
        poller.register(s, select.EPOLLIN)
        s.sendto(rrq(name.encode()), (host, port))
    tids = set()
    deadline = time.monotonic() + 30
    while by_fd and time.monotonic() < deadline:
        for fd, _ in poller.poll(1.0):
            s = by_fd.pop(fd)
            pkt, peer = s.recvfrom(70000)
            if pkt[:4] == struct.pack("!HH", OP_DATA, 1):
                tids.add(peer[1])
            poller.unregister(fd)
            s.close()
    return {"data1": len(tids)}


def reuse(host, port, first, second):
    """From one socket: RRQ `first` (tsize), unanswered; RRQ `second`
    twice. Which tsize and port answered each, and the ports heard
    after the repeat."""
    s = udp(1.0)
    replies = []
    for name in (first, second):
        s.sendto(rrq(name.encode(), options={"tsize": 0}), (host, port))
        pkt, peer = s.recvfrom(70000)
        replies.append({"tsize": decode(pkt)["options"]["tsize"],
                        "port": peer[1]})
    s.sendto(rrq(second.encode(), options={"tsize": 0}), (host, port))
    heard = set()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        try:
            heard.add(s.recvfrom(70000)[1][1])
        except socket.timeout:
            break
    return {"replies": replies, "heard": sorted(heard)}


def poke(tid, block):
    """An ACK from another port: it must be answered with error 5."""
    s = udp(2.0)
    try:
        s.sendto(struct.pack("!HH", OP_ACK, block), tid)
        return decode(s.recvfrom(70000)[0])
    except socket.timeout:
        return {"op": "timeout"}
    finally:
        s.close()


def wait_for(path, timeout=30):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.02)


def main(argv):
    cmd, host, port = argv[1], argv[2], int(argv[3])
    if cmd == "first":
        # names as hex, so NUL and any byte can be sent
        options = json.loads(os.environ.get("PROBE_OPTIONS", "{}"))
        res = [first_reply(host, port, bytes.fromhex(h), options)
               for h in argv[4:]]
    elif cmd == "fetch":
        pause = int(argv[6]) if len(argv) > 6 else None
        wait = argv[7] if len(argv) > 7 else None
        res = fetch(host, port, argv[4], argv[5], pause, wait)
    elif cmd == "windowed":
        res = fetch_windowed(host, port, argv[4], argv[5], argv[6],
                             int(argv[7]), int(argv[8]))
    elif cmd == "many":
        res = many(host, port, argv[4], int(argv[5]))
    elif cmd == "reuse":
        res = reuse(host, port, argv[4], argv[5])
    elif cmd == "stranger":
        res = fetch(host, port, argv[4], argv[5], stranger=True)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main(sys.argv)
