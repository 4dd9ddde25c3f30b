# SPDX-License-Identifier: MIT
"""`pxed import` on ISO images built here with xorriso that mimic each
family's layout: RHEL 7 (old .treeinfo), Rocky 9 (productmd .treeinfo),
AlmaLinux 8 with only .discinfo, Debian and Ubuntu (.disk/info), and an
image that is none of them. The sections it writes must pass `pxed check`
(which opens the kernel and initrd inside the image)."""
import os
import shutil
import subprocess

import pytest

from netns import PXED_BIN

pytestmark = pytest.mark.skipif(not shutil.which("xorriso"),
                                reason="no xorriso")

RHEL7_TREEINFO = """[general]
name = Red Hat Enterprise Linux-7.9
family = Red Hat Enterprise Linux
variant = Server
version = 7.9
arch = x86_64
packagedir =

[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
boot.iso = images/boot.iso
"""

ROCKY9_TREEINFO = """[checksums]
images/pxeboot/vmlinuz = sha256:00

[general]
arch = x86_64
family = Rocky Linux
name = Rocky Linux 9.3
version = 9.3

[header]
type = productmd.treeinfo
version = 1.2

[images-x86_64]
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[release]
name = Rocky Linux
short = Rocky
version = 9.3

[tree]
arch = x86_64
platforms = x86_64,xen
"""

LAYOUTS = {
    "rhel7": {".treeinfo": RHEL7_TREEINFO,
              ".discinfo": "1600000000.0\nRed Hat Enterprise Linux 7.9\n"
                           "x86_64\nALL\n",
              "images/pxeboot/vmlinuz": "K", "images/pxeboot/initrd.img": "I"},
    "rocky9": {".treeinfo": ROCKY9_TREEINFO,
               "images/pxeboot/vmlinuz": "K",
               "images/pxeboot/initrd.img": "I"},
    "alma8": {".discinfo": "1700000000.1\nAlmaLinux 8.9\nx86_64\n",
              "images/pxeboot/vmlinuz": "K", "images/pxeboot/initrd.img": "I"},
    "debian": {".disk/info": 'Debian GNU/Linux 12.5.0 "Bookworm" - Official '
                             "amd64 NETINST with firmware 20240210-11:28",
               "install.amd/vmlinuz": "K", "install.amd/initrd.gz": "I"},
    "ubuntu": {".disk/info": 'Ubuntu-Server 22.04.3 LTS "Jammy Jellyfish" - '
                             "Release amd64 (20230810)",
               "casper/vmlinuz": "K", "casper/initrd": "I"},
    "plain": {"README.TXT": "nothing to boot here\n"},
}

EXPECTED = {
    "rhel7": ("rhel7-name", "Red Hat Enterprise Linux", "7.9", "x86_64",
              "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img",
              "repo=${tree_url} ks=${kickstart_url}"),
    "rocky9": ("rocky-9.3-x86_64", "Rocky Linux", "9.3", "x86_64",
               "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img",
               "inst.repo=${tree_url} inst.ks=${kickstart_url}"),
    "alma8": ("almalinux-8.9-x86_64", "AlmaLinux", "8.9", "x86_64",
              "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img",
              "inst.repo=${tree_url} inst.ks=${kickstart_url}"),
    "debian": ("debian-12.5.0-amd64", "Debian GNU/Linux", "12.5.0", "amd64",
               "install.amd/vmlinuz", "install.amd/initrd.gz",
               "auto=true priority=critical url=${kickstart_url}"),
    "ubuntu": ("ubuntu-server-22.04.3-amd64", "Ubuntu-Server", "22.04.3",
               "amd64", "casper/vmlinuz", "casper/initrd",
               "ip=dhcp url=${server_url}/${tree}.iso"),
}


def make_iso(tmp, layout):
    root = os.path.join(tmp, layout)
    for path, text in LAYOUTS[layout].items():
        p = os.path.join(root, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
    iso = os.path.join(tmp, layout + ".iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-R", "-J", "-quiet",
                    "-V", layout.upper(), "-o", iso, root], check=True,
                   capture_output=True, timeout=60)
    return iso


def pxed(*args):
    return subprocess.run([PXED_BIN, *args], capture_output=True, text=True,
                          timeout=30)


def base_config(tmp):
    conf = os.path.join(tmp, "pxed.conf")
    with open(conf, "w") as f:
        f.write("[tftp]\n[http]\n")
    return conf


@pytest.mark.parametrize("layout", sorted(EXPECTED))
def test_import_recognises_and_writes_a_working_config(tmp_path, layout):
    tmp = str(tmp_path)
    iso = make_iso(tmp, layout)
    ks = os.path.join(tmp, "install.ks")
    with open(ks, "w") as f:
        f.write("url --url=${tree_url}\n")
    name, family, version, arch, kernel, initrd, append = EXPECTED[layout]
    args = ["--name", name] if layout == "rhel7" else []
    # printed: what was found, as comments, then the sections
    r = pxed("import", iso, "--kickstart", ks, *args)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for what, value in (("family", family), ("version", version),
                        ("arch", arch), ("kernel", kernel),
                        ("initrd", initrd)):
        line = next(ln for ln in out.splitlines()
                    if ln.startswith(f"#   {what} "))
        assert value in line, (what, out)
    assert f"[tree {name}]\niso = {iso}\n" in out
    assert (f"[profile {name}]\nlabel = {family} {version} {arch}\n"
            f"tree = {name}\nkernel = {kernel}\ninitrd = {initrd}\n"
            f"append = {append}") in out, out
    assert f"kickstart = {ks}\n" in out
    # added to a config: it passes pxed check (kernel, initrd in the image)
    conf = base_config(tmp)
    r = pxed("import", iso, "--kickstart", ks, "-c", conf, *args)
    assert r.returncode == 0, r.stderr
    assert f"added [tree {name}] and [profile {name}]" in r.stdout
    r = pxed("check", "-c", conf)
    assert r.returncode == 0, r.stderr + open(conf).read()
    # a second import under the same name is refused, the file untouched
    before = open(conf).read()
    r = pxed("import", iso, "-c", conf, *args)
    assert r.returncode == 1 and "already has a tree or profile" in r.stderr
    assert open(conf).read() == before


def test_import_into_a_conf_d_directory(tmp_path):
    """A config that includes conf.d/*.conf gets a file per image there
    (the directory made if missing), the main file untouched; the names
    are checked against the included files too."""
    tmp = str(tmp_path)
    iso = make_iso(tmp, "rocky9")
    conf = os.path.join(tmp, "pxed.conf")
    main = "[server]\ninclude = conf.d/*.conf\n[tftp]\n[http]\n"
    with open(conf, "w") as f:
        f.write(main)
    r = pxed("import", iso, "--name", "rocky", "-c", conf)
    assert r.returncode == 0, r.stderr
    drop_in = os.path.join(tmp, "conf.d", "rocky.conf")
    assert f"added [tree rocky] and [profile rocky] to {drop_in}" in r.stdout
    assert open(conf).read() == main
    assert open(drop_in).read().startswith("[tree rocky]\n")
    r = pxed("check", "-c", conf)
    assert r.returncode == 0, r.stderr
    # the name is taken now, in the included file: refused
    r = pxed("import", iso, "--name", "rocky", "-c", conf)
    assert r.returncode == 1 and "already has a tree or profile" in r.stderr
    # another name: a second file beside the first
    r = pxed("import", iso, "--name", "rocky-b", "-c", conf)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(os.path.join(tmp, "conf.d"))) == [
        "rocky-b.conf", "rocky.conf"]
    assert pxed("check", "-c", conf).returncode == 0


def test_import_without_kickstart_boots_the_installer(tmp_path):
    iso = make_iso(str(tmp_path), "rocky9")
    r = pxed("import", iso)
    assert r.returncode == 0, r.stderr
    assert "append = inst.repo=${tree_url}\n" in r.stdout
    assert "kickstart =" not in r.stdout


def test_import_unknown_image_says_what_it_looked_for(tmp_path):
    iso = make_iso(str(tmp_path), "plain")
    r = pxed("import", iso)
    assert r.returncode == 1
    assert r.stdout == ""
    for marker in (".treeinfo", ".discinfo", ".disk/info", "casper/"):
        assert marker in r.stderr, r.stderr


def test_import_not_an_iso(tmp_path):
    bad = tmp_path / "x.iso"
    bad.write_bytes(b"\0" * 70000)
    r = pxed("import", str(bad))
    assert r.returncode == 1 and str(bad) in r.stderr, r.stderr
    r = pxed("import", str(tmp_path / "missing.iso"))
    assert r.returncode == 1 and "No such file" in r.stderr


@pytest.mark.parametrize("layout,fmt", [("rocky9", "kickstart"),
                                        ("debian", "preseed")])
def test_kickstart_command_with_import(tmp_path, layout, fmt):
    """pxed kickstart writes a template that pxed check accepts for the
    profile pxed import made; the password is hashed, never copied."""
    tmp = str(tmp_path)
    iso = make_iso(tmp, layout)
    pw = tmp_path / "pw"
    pw.write_text("correct horse\n")
    ks = os.path.join(tmp, "auto.cfg")
    r = pxed("kickstart", "--format", fmt, "--root-password-file", str(pw),
             "--disk", "sda", "--packages", "openssh-server", "--out", ks)
    assert r.returncode == 0, r.stderr
    text = open(ks).read()
    assert "correct horse" not in text
    assert "$6$" in text and "openssh-server" in text
    conf = base_config(tmp)
    r = pxed("import", iso, "--kickstart", ks, "-c", conf)
    assert r.returncode == 0, r.stderr
    r = pxed("check", "-c", conf)
    assert r.returncode == 0, r.stderr


def test_kickstart_refuses_bad_values(tmp_path):
    r = pxed("kickstart", "--timezone", "UTC\n%post")
    assert r.returncode == 1 and "time zone" in r.stderr
    r = pxed("kickstart", "--root-password-hash", "$6$x$y",
             "--root-password-file", "/dev/null")
    assert r.returncode == 2
    r = pxed("kickstart", "--root-password-file", str(tmp_path / "none"))
    assert r.returncode == 1 and "No such file" in r.stderr
