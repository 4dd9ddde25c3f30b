# SPDX-License-Identifier: MIT
"""A raw HTTP client for what curl will not send, run inside a client
namespace as a script (`ip netns exec NS python3 http_rawclient.py ...`).

  request HOST PORT HEX        send the bytes, print the status code (or
                               "closed"), then the body length
  idle HOST PORT PARTIAL_HEX   send a partial request, print the seconds
                               until the server closes (bounded: 30 s)
  pipeline HOST PORT HEX       send the bytes in one write, read until the
                               server closes; print each answer's status
  hold HOST PORT N HOLD_SECS   open N idle connections, then one GET /;
                               print its status (or "closed"); after
                               closing the N, another GET / is printed
Every socket operation has a timeout.
"""
import re
import socket
import sys
import time


def read_response(s, deadline=10):
    s.settimeout(deadline)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if len(body) >= length:
                    break
    except (socket.timeout, ConnectionResetError):
        pass
    if not data.startswith(b"HTTP/"):
        return "closed", b""
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b" ")[1].decode(), body


def request(host, port, raw):
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(raw)
        return read_response(s)


def cmd_request(host, port, hexbytes):
    status, body = request(host, port, bytes.fromhex(hexbytes))
    print(status, len(body))


def cmd_pipeline(host, port, hexbytes):
    data = b""
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(bytes.fromhex(hexbytes))
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    print(" ".join(m.decode() for m in
                   re.findall(rb"^HTTP/1\.1 (\d{3}) ", data, re.M)))


def cmd_idle(host, port, hexbytes):
    start = time.monotonic()
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(bytes.fromhex(hexbytes))
        try:
            while s.recv(4096):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
    print(round(time.monotonic() - start, 2))


def cmd_hold(host, port, n, hold):
    get = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    held = [socket.create_connection((host, port), timeout=10)
            for _ in range(int(n))]
    time.sleep(float(hold))
    print(request(host, port, get)[0])
    for s in held:
        s.close()
    time.sleep(0.5)
    print(request(host, port, get)[0])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    args[1] = int(args[1])
    {"request": cmd_request, "pipeline": cmd_pipeline, "idle": cmd_idle,
     "hold": cmd_hold}[cmd](*args)
