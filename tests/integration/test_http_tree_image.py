# SPDX-License-Identifier: MIT
"""The image of an ISO tree served whole as /NAME.iso, where Ubuntu's
casper fetches it (url=${server_url}/${tree}.iso): byte for byte over HTTP
and TFTP, by HEAD and by range, listed in "/", over the [http] root's own
file of that name; a directory tree publishes no image."""
import os

import pytest

from http_fixtures import HttpEnv, build_data, read_range, sha256, write
from test_tftp import client_cmd

PVD = 16 * 2048   # the primary volume descriptor, "\x01CD001"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    p = build_data(str(tmp_path_factory.mktemp("image-data")),
                   with_big=False)
    write(f"{p['www']}/rhel7.0.iso", "the root's own, hidden by the image\n")
    return p


@pytest.fixture(scope="module")
def env(data, tmp_path_factory):
    # A [tftp] without a root: it serves the trees and their images.
    e = HttpEnv(tmp_path_factory.mktemp("image-env"), data, with_big=False,
                http_extra="[tftp]")
    try:
        yield e
    finally:
        e.close()


@pytest.mark.parametrize("name,image", [("rhel7.0", "iso"),
                                        ("joliet", "joliet")])
def test_image_downloaded_whole(env, data, name, image):
    out = os.path.join(env.tmp, f"{name}.iso")
    r = env.curl("-f", "-o", out, env.url(f"/{name}.iso"))
    assert r.returncode == 0, r.stderr
    assert sha256(out) == sha256(data[image])


def test_image_head_and_range(env, data):
    size = os.path.getsize(data["iso"])
    status, h, _ = env.fetch("/rhel7.0.iso", "-I")
    assert status == 200 and int(h["content-length"]) == size
    assert h["etag"] and h["last-modified"]
    last = PVD + 2047
    status, h, body = env.fetch("/rhel7.0.iso", "-r", f"{PVD}-{last}")
    assert status == 206
    assert h["content-range"] == f"bytes {PVD}-{last}/{size}"
    assert body == read_range(data["iso"], PVD, 2048)
    assert body[1:6] == b"CD001"


def test_image_in_root_listing(env):
    status, _, body = env.fetch("/")
    page = body.decode()
    assert status == 200
    for href in ['href="rhel7.0/"', 'href="rhel7.0.iso"',
                 'href="joliet.iso"', 'href="srv/"', 'href="index.txt"']:
        assert href in page, href
    # Once: the root's own rhel7.0.iso is hidden, not listed beside it.
    assert page.count('href="rhel7.0.iso"') == 1, page
    assert 'href="srv.iso"' not in page
    assert env.status("/srv.iso") == 404


@pytest.mark.parametrize("kind", ["tftp-hpa", "curl"])
def test_image_over_tftp(env, data, kind):
    out = os.path.join(env.tmp, f"tftp-{kind}.iso")
    r = env.client.run(*client_cmd(kind, "rhel7.0.iso", out), check=False,
                       timeout=120)
    assert os.path.exists(out), r.stderr
    assert sha256(out) == sha256(data["iso"]), r.stderr
