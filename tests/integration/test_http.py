# SPDX-License-Identifier: MIT
"""HTTP: curl and wget fetch files from a directory and from ISO images
(Rock Ridge, Joliet, over 4 GiB) byte for byte; ranges, HEAD, conditional
GET, listings, templates, the access log, reload, and bad input."""
import os
import re

import pytest

from http_fixtures import (BIG, BIG_MARKS, CLIENT_ADDR, CLIENT_MAC, SECRET,
                           HttpEnv, build_data, read_range, sha256,
                           wait_for_text)
from netns import SERVER_ADDR


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("http-data")
    return build_data(str(d), with_big=True)


@pytest.fixture(scope="module")
def env(data, tmp_path_factory):
    e = HttpEnv(tmp_path_factory.mktemp("http-env"), data, with_big=True)
    try:
        yield e
    finally:
        e.close()


# (URL path, source file relative to the data set)
DIR_FILES = [
    ("/srv/four.bin", "tree/four.bin"),
    ("/srv/with%20space%20%26%20more.txt", "tree/with space & more.txt"),
    ("/srv/sub/dir/nested.txt", "tree/sub/dir/nested.txt"),
    ("/srv/inside-link", "tree/sub/dir/nested.txt"),
    ("/srv/empty", "tree/empty"),
    ("/index.txt", "www/index.txt"),
]
ISO_FILES = [
    ("/rhel7.0/images/pxeboot/vmlinuz", "isosrc/images/pxeboot/vmlinuz"),
    ("/rhel7.0/repodata/repomd.xml", "isosrc/repodata/repomd.xml"),
    ("/rhel7.0/a/b/c/d/e/f/g/h/i/Deep_Mixed.Case-Name.txt",
     "isosrc/a/b/c/d/e/f/g/h/i/Deep_Mixed.Case-Name.txt"),
    ("/rhel7.0/Packages/bash-4.2.46-34.el7.x86_64.rpm",
     "isosrc/Packages/bash-4.2.46-34.el7.x86_64.rpm"),
    # Joliet only: long mixed-case names come from the Joliet tree.
    ("/joliet/a/b/c/d/e/f/g/h/i/Deep_Mixed.Case-Name.txt",
     "isosrc/a/b/c/d/e/f/g/h/i/Deep_Mixed.Case-Name.txt"),
    ("/joliet/Packages/bash-4.2.46-34.el7.x86_64.rpm",
     "isosrc/Packages/bash-4.2.46-34.el7.x86_64.rpm"),
    ("/big/after.txt", "bigsrc/after.txt"),
]


def src(data, rel):
    top, _, rest = rel.partition("/")
    return os.path.join(data[top], rest)


@pytest.mark.parametrize("tool", ["curl", "wget"])
def test_files_byte_identical(env, data, tool):
    for url, rel in DIR_FILES + ISO_FILES:
        out = os.path.join(env.tmp, f"got-{tool}")
        if tool == "curl":
            r = env.curl("-f", "-o", out, env.url(url))
        else:
            r = env.client.run("wget", "-q", "-O", out, env.url(url),
                               check=False, timeout=60)
        assert r.returncode == 0, f"{tool} {url}: {r.stderr}"
        assert sha256(out) == sha256(src(data, rel)), url


def test_content_type_and_length(env, data):
    status, h, body = env.fetch("/rhel7.0/repodata/repomd.xml")
    assert status == 200
    assert h["content-type"] == "text/xml"
    assert int(h["content-length"]) == len(body) == 10
    assert h["accept-ranges"] == "bytes"
    status, h, _ = env.fetch("/rhel7.0/Packages/bash-4.2.46-34.el7.x86_64.rpm")
    assert h["content-type"] == "application/x-redhat-package-manager"


def big_ranges():
    """Ranges at the start, across the 4 GiB boundary and at the end:
    small ones (read and sent with the headers) and large ones (sendfile
    at offsets past 4 GiB in the file and in the image)."""
    for off, mark in BIG_MARKS.items():
        yield off, len(mark), mark
    yield (4 << 30) - 4096, 8192, None
    yield (4 << 30) - (1 << 20), 2 << 20, None
    yield BIG - (1 << 20), 1 << 20, None


@pytest.mark.parametrize("path", ["/srv/big.img", "/big/big.img"])
def test_over_4gib(env, data, path):
    """A 5 GiB file, in a directory and inside a 5 GiB ISO image."""
    status, h, body = env.fetch(path, "-I")
    assert status == 200 and int(h["content-length"]) == BIG
    source = os.path.join(data["tree"], "big.img")
    for first, length, mark in big_ranges():
        last = first + length - 1
        status, h, body = env.fetch(path, "-r", f"{first}-{last}")
        assert status == 206, (first, length)
        assert h["content-range"] == f"bytes {first}-{last}/{BIG}"
        assert body == read_range(source, first, length)
        if mark:
            assert body == mark
    status, h, body = env.fetch(path, "-r", "-10")
    assert status == 206 and body == BIG_MARKS[BIG - 10]


def test_ranges(env, data):
    source = os.path.join(data["tree"], "four.bin")
    size = os.path.getsize(source)
    cases = [("0-0", 0, 1), ("100-199", 100, 100),
             (f"{size - 5}-", size - 5, 5), ("-7", size - 7, 7),
             (f"1000-{size * 2}", 1000, size - 1000)]
    for spec, first, length in cases:
        status, h, body = env.fetch("/srv/four.bin", "-r", spec)
        assert status == 206, spec
        assert h["content-range"] == \
            f"bytes {first}-{first + length - 1}/{size}", spec
        assert body == read_range(source, first, length), spec
    # The same on a file inside the ISO image.
    iso_src = os.path.join(data["isosrc"], "images/pxeboot/vmlinuz")
    status, _, body = env.fetch("/rhel7.0/images/pxeboot/vmlinuz", "-r",
                                "4096-8191")
    assert status == 206 and body == read_range(iso_src, 4096, 4096)
    # Unsatisfiable: 416 with the size.
    status, h, _ = env.fetch("/srv/four.bin", "-r", f"{size}-")
    assert status == 416 and h["content-range"] == f"bytes */{size}"
    status, _, _ = env.fetch("/srv/empty", "-r", "0-")
    assert status == 416
    # Several ranges, or nonsense: the whole file.
    status, _, body = env.fetch("/srv/four.bin", "-r", "0-1,5-6")
    assert status == 200 and len(body) == size
    status, _, body = env.fetch("/srv/four.bin", "-H", "Range: bytes=9-2")
    assert status == 200 and len(body) == size


def test_head(env):
    for path in ["/srv/four.bin", "/rhel7.0/images/pxeboot/vmlinuz"]:
        gs, gh, gbody = env.fetch(path)
        hs, hh, hbody = env.fetch(path, "-I")
        assert gs == hs == 200
        assert len(gbody) == int(hh["content-length"])
        r = env.curl("-I", "-o", "/dev/null", "-w", "%{size_download}",
                     env.url(path))
        assert r.stdout == "0", "a body after HEAD"

        for k in ["content-length", "etag", "last-modified", "content-type"]:
            assert gh[k] == hh[k], k


def test_conditional_get(env):
    path = "/rhel7.0/repodata/repomd.xml"
    _, h, _ = env.fetch(path)
    etag, modified = h["etag"], h["last-modified"]
    assert re.fullmatch(r'"[^"]+"', etag)
    status, h, body = env.fetch(path, "-H", f"If-None-Match: {etag}")
    assert status == 304 and body == b"" and h["etag"] == etag
    status, _, _ = env.fetch(path, "-H", 'If-None-Match: "other", ' + etag)
    assert status == 304
    status, _, body = env.fetch(path, "-H", 'If-None-Match: "other"')
    assert status == 200 and body
    status, _, _ = env.fetch(path, "-H", f"If-Modified-Since: {modified}")
    assert status == 304
    status, _, _ = env.fetch(path, "-H",
                             "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT")
    assert status == 200
    # curl -z: the time condition as installers' tools send it.
    status, _, _ = env.fetch(path, "-z", "Sun, 06 Nov 1994 08:49:37 GMT")
    assert status == 200
    # If-Range: a stale validator gets the whole file, not a range.
    status, _, body = env.fetch(path, "-r", "0-1", "-H", 'If-Range: "old"')
    assert status == 200 and len(body) == 10
    status, _, body = env.fetch(path, "-r", "0-1", "-H", f"If-Range: {etag}")
    assert status == 206 and body == b"<r"


def test_listing(env, data):
    status, h, body = env.fetch("/srv/")
    page = body.decode()
    assert status == 200 and h["content-type"].startswith("text/html")
    for link in ['href="four.bin"', 'href="sub/"',
                 'href="with%20space%20%26%20more.txt"', 'href="ks.cfg"']:
        assert link in page, link
    assert ".tmpl" not in page and "etc-link" not in page
    status, _, body = env.fetch("/rhel7.0/a/b/")
    assert status == 200 and 'href="c/"' in body.decode()
    status, _, body = env.fetch("/")
    for tree in ["rhel7.0/", "srv/", "joliet/", "index.txt"]:
        assert f'href="{tree}"' in body.decode(), tree
    status, h, _ = env.fetch("/rhel7.0/a")
    assert status == 301 and h["location"] == "/rhel7.0/a/"


def test_wget_mirrors_tree(env, data):
    """Installers and people browse trees: a recursive wget gets it all."""
    out = os.path.join(env.tmp, "mirror")
    r = env.client.run("wget", "-q", "-r", "-l", "inf", "-np", "-nH", "-R", "index.html*",
                       "-P", out, env.url("/rhel7.0/"), check=False,
                       timeout=90)
    assert r.returncode == 0, r.stderr
    for root, _, files in os.walk(data["isosrc"]):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), data["isosrc"])
            got = os.path.join(out, "rhel7.0", rel)
            assert sha256(got) == sha256(os.path.join(root, name)), rel


def test_template_rendered_for_client(env):
    status, h, body = env.fetch("/srv/ks.cfg")
    assert status == 200, body
    assert body.decode() == (
        f"url --url=http://{SERVER_ADDR}/srv/\nnetwork --hostname=ws1\n"
        f"# srv from {SERVER_ADDR} to {CLIENT_ADDR} ({CLIENT_MAC})\n"
        "%post\necho ${HOME} $$HOME\n%end\n")
    assert h["content-type"].startswith("text/plain")
    status, _, body = env.fetch("/ks/root.cfg")
    assert body.decode() == (
        f"server={SERVER_ADDR} url=http://{SERVER_ADDR} ip={CLIENT_ADDR} "
        f"host=ws1 mac={CLIENT_MAC}\n")
    # The source is not served.
    assert env.status("/srv/ks.cfg.tmpl") == 403


TRAVERSALS = [
    "/../secret.txt", "/srv/../../secret.txt", "/srv/../../../etc/passwd",
    "/%2e%2e/secret.txt", "/srv/%2e%2e/%2e%2e/secret.txt",
    "/srv/%2E%2E/%2E%2E/etc/passwd", "/srv/.%2e/.%2e/secret.txt",
    "/srv/%2e./%2e./secret.txt", "/srv/..%2fsecret.txt",
    "/srv/..%2f..%2fsecret.txt", "/srv/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/srv/..\\..\\secret.txt", "/srv/%5c..%5c..%5csecret.txt",
    "/srv/..%5c..%5csecret.txt", "/srv/four.bin%00.txt",
    "/srv/%00", "/srv/etc-link/passwd", "/srv/etc-link/",
    "/srv/secret-link", "/rhel7.0/../srv/../../secret.txt",
    "/rhel7.0/%2e%2e/%2e%2e/secret.txt", "/srv/%252e%252e/secret.txt",
    "/srv/%c0%ae%c0%ae/secret.txt", "/srv/%%32%65%%32%65/secret.txt",
    "/srv/%2", "/srv/%zz", "/" + "a/" * 600 + "x",
    "/srv/" + "x" * 300, "/srv/....//....//secret.txt", "/srv/./../secret.txt",
]


def test_traversal_refused(env):
    assert len(TRAVERSALS) == 30
    for path in TRAVERSALS:
        status, _, body = env.fetch(path)
        assert 400 <= status < 500, (path, status)
        assert SECRET.encode() not in body and b"root:" not in body, path
    # What curl cannot send: raw bytes, an absolute path, a NUL.
    for raw in [b"GET /srv/\x00/../../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET ../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /srv/\\..\\..\\secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"]:
        status, length = env.raw("request", raw.hex())
        assert status == "closed" or 400 <= int(status) < 500, raw


def test_parallel_downloads(env, data):
    """100 downloads at once, all complete and identical."""
    outs = [os.path.join(env.tmp, f"par{i}") for i in range(100)]
    args = []
    for i, out in enumerate(outs):
        url = "/srv/four.bin" if i % 2 else "/rhel7.0/images/pxeboot/vmlinuz"
        args += ["-o", out, env.url(url)]
    r = env.curl("-f", "-Z", "--parallel-max", "100", *args, timeout=120)
    assert r.returncode == 0, r.stderr
    want = [sha256(os.path.join(data["isosrc"], "images/pxeboot/vmlinuz")),
            sha256(os.path.join(data["tree"], "four.bin"))]
    for i, out in enumerate(outs):
        assert sha256(out) == want[i % 2], out


def test_keep_alive(env):
    r = env.curl("-v", "-o", "/dev/null", "-o", "/dev/null",
                 env.url("/index.txt"), env.url("/srv/four.bin"))
    assert "Re-using existing connection" in r.stderr, r.stderr


def test_pipelined_requests(env):
    """Requests sent back to back in one write are answered in order;
    a request body is read and dropped, and the next request still
    answered; a bare LF ends lines as well as CRLF."""
    get = b"GET /index.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = (get + b"POST /index.txt HTTP/1.1\r\nHost: x\r\n"
           b"Content-Length: 5\r\n\r\nhello"
           b"GET /no/such HTTP/1.1\nHost: x\n\n" + get +
           b"GET /index.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert env.raw("pipeline", raw.hex()) == ["200", "405", "404", "200",
                                               "200"]
    # A malformed head ends the connection after its 400.
    bad = get + b"GET / HTTP/1.1\r\nHost : x\r\n\r\n" + get
    assert env.raw("pipeline", bad.hex()) == ["200", "400"]


def test_methods_and_huge_header(env):
    assert env.status("/index.txt", "-X", "POST", "-d", "x") == 405
    assert env.status("/index.txt", "-X", "DELETE") == 405
    assert env.status("/index.txt", "-H", "X-Big: " + "a" * 40000) == 431
    # The server is still fine.
    assert env.status("/index.txt") == 200


def test_query_string(env):
    """Installers and iPXE scripts add queries (?mac=...): the file is
    served all the same; the query names nothing on disk."""
    status, _, body = env.fetch("/index.txt?mac=52:54:00:12:34:56&arch=x")
    assert (status, body) == (200, env.fetch("/index.txt")[2])
    assert env.status("/no/such?x=1") == 404


def test_access_log(env):
    env.fetch("/srv/four.bin", "-r", "0-99")
    env.fetch("/index.txt?arch=x86_64")
    env.status("/index.txt", "-H", "X-Big: " + "a" * 40000)
    env.fetch("/no/such/file")
    text = wait_for_text(os.path.join(env.tmp, "access.log"),
                         '"GET /no/such/file" 404')
    # The query is logged as sent; a request refused for its oversized
    # head is logged too, by its request line.
    assert re.search(r'"GET /index\.txt\?arch=x86_64" 200 \d+$', text,
                     re.M), text
    assert re.search(r'"GET /index\.txt" 431 \d+$', text, re.M), text
    assert re.search(rf'^{re.escape(CLIENT_ADDR)} - - \[[^]]+\] '
                     r'"GET /srv/four\.bin" 206 100$', text, re.M), text
    assert re.search(rf'^{re.escape(CLIENT_ADDR)} .*"GET /no/such/file" '
                     r'404 \d+$', text, re.M), text
