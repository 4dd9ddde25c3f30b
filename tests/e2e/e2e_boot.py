# SPDX-License-Identifier: MIT
"""End-to-end boots: a QEMU VM network-boots through a server in a network
namespace, with firmware and boot loaders from Debian packages.

The pieces, used by the pytest tests (test_*.py here), scripts/demo and
bench/boot alike:
  Assets       the kernel + test initramfs (build_initramfs), the install
               tree as an ISO image, the kickstart, the GRUB netboot image
  VmNet        a server namespace with a bridge (the server address) and a
               tap for QEMU; a sniffer (e2e_sniff.py) watches the bridge
  Dnsmasq      the classic setup as the reference: dnsmasq (DHCP + TFTP)
               and busybox httpd, serving the ISO's files extracted
  Pxed         pxed alone, serving the ISO image itself
  boot()       starts QEMU, follows the boot through its milestones (the
               sniffer's DHCP/TFTP/HTTP events and the serial console's
               kernel and "PXED-E2E:" lines), every wait bounded, and
               returns the timeline, or raises BootError naming the stage.

Firmware: "bios" (SeaBIOS + QEMU's iPXE PXE ROM), "uefi" (OVMF booting
through QEMU's iPXE EFI ROM), "uefi-native" (OVMF's own virtio-net driver
and PXE stack, no option ROM: what most real UEFI machines do).

Run as a program it boots once and prints the stages as they happen:
  python3 tests/e2e/e2e_boot.py --server pxed --firmware uefi [--profiles tftp]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
from netns import Netns, Process, SERVER_ADDR, sh, sha256  # noqa: E402

CACHE = os.environ.get("PXED_E2E_CACHE", "/var/cache/pxed-e2e")
PXED_BIN = os.environ.get("PXED_BIN") or os.path.join(TOP, "build", "pxed")
VM_MAC = "52:54:00:12:34:56"        # the host with a profile
OTHER_MAC = "52:54:00:65:43:21"     # a host nobody configured
TREE = "e2e"                         # the tree's name: served at /e2e/
IPXE_SCRIPT = "boot.ipxe"            # in the HTTP root, for iPXE clients
KS_PATH = "/ks/e2e.ks"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
PXELINUX = "/usr/lib/PXELINUX/pxelinux.0"
SYSLINUX_BIOS = "/usr/lib/syslinux/modules/bios"
GRUB_SIGNED = "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed"
GRUB_MODULES = ["normal", "configfile", "linux", "echo", "test", "sleep",
                "efinet", "net", "tftp", "http", "gzio", "serial",
                "terminal", "all_video", "efi_gop"]

# Milestones of one boot, in the order they happen. (name, what it means)
MILESTONES = [
    ("offer", "DHCP offer to the firmware"),
    ("loader", "boot loader requested"),
    ("kernel-fetch", "kernel requested"),
    ("initrd-fetch", "initrd requested"),
    ("kernel", "Linux started (serial: Linux version)"),
    ("init", "initramfs /init running"),
    ("dhcp", "Linux got its lease (udhcpc)"),
    ("kickstart", "kickstart fetched"),
    ("treeinfo", ".treeinfo fetched"),
    ("done", "all checks printed, powering off"),
]
MILESTONE_NAMES = [m for m, _ in MILESTONES]
# The stages a person asks about: how long each took, start to end.
STAGES = [
    ("DHCP offer", None, "offer"),
    ("boot loader", "offer", "kernel-fetch"),
    ("kernel", "kernel-fetch", "initrd-fetch"),
    ("initrd", "initrd-fetch", "init"),
    ("network (Linux DHCP)", "init", "dhcp"),
    ("kickstart fetched", "dhcp", "kickstart"),
    ("total", None, "done"),
]


class BootError(AssertionError):
    pass


class FeatureMissing(Exception):
    """The server lacks a feature the boot needs (a skip reason, not a failure)."""


def accel():
    """KVM when it can work, else TCG; PXED_E2E_ACCEL=kvm|tcg decides.
    /dev/kvm alone is not enough: on these machines it opens but the CPU
    has no vmx/svm and guests stall in the PXE ROM (see TESTING.md)."""
    a = os.environ.get("PXED_E2E_ACCEL", "auto")
    if a == "auto":
        try:
            with open("/proc/cpuinfo") as f:
                flags = re.search(r"^flags\s*:(.*)$", f.read(), re.M)
            hw = flags and re.search(r"\b(vmx|svm)\b", flags.group(1))
        except OSError:
            hw = None
        a = "kvm" if hw and os.access("/dev/kvm", os.R_OK | os.W_OK) else "tcg"
    if a not in ("tcg", "kvm"):
        raise ValueError(f"PXED_E2E_ACCEL={a}: use auto, tcg or kvm")
    return a


def need(paths_or_cmds):
    """Fail (never skip) when a prerequisite is missing: setup-debian
    installs all of them, so a missing one is a broken setup."""
    missing = [p for p in paths_or_cmds
               if not (os.path.exists(p) if p.startswith("/") else shutil.which(p))]
    if missing:
        raise BootError("missing: " + ", ".join(missing) +
                        " (run scripts/setup-debian)")


# --- assets ----------------------------------------------------------------

class Assets:
    """Everything a boot serves, built once into `work` (the kernel and the
    initramfs come from the cache dir and are rebuilt only when stale)."""

    def __init__(self, work, server_addr=SERVER_ADDR):
        self.work = os.path.abspath(work)
        os.makedirs(self.work, exist_ok=True)
        self.addr = server_addr
        need(["qemu-system-x86_64", "xorriso", "grub-mkimage", "cpio",
              GRUB_SIGNED, PXELINUX, SYSLINUX_BIOS + "/ldlinux.c32",
              OVMF_CODE, OVMF_VARS,
              "/usr/lib/ipxe/qemu/pxe-virtio.rom"])
        kdir = os.path.join(CACHE, "boot")
        r = subprocess.run([os.path.join(HERE, "build_initramfs"), kdir],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise BootError("build_initramfs failed:\n" + r.stdout + r.stderr)
        self.vmlinuz = os.path.join(kdir, "vmlinuz")
        self.initrd = os.path.join(kdir, "initrd.gz")
        self._tree()
        self._kickstart()
        self._grub()

    def cmdline(self, tag):
        # no_timer_check: under TCG on a busy host the kernel's IO-APIC
        # timer check can fail and panic ("IO-APIC + timer doesn't work!").
        return (f"console=ttyS0 panic=1 no_timer_check pxed_e2e={tag} "
                f"inst.ks=http://{self.addr}{KS_PATH} "
                f"inst.repo=http://{self.addr}/{TREE}/")

    def _tree(self):
        """An install tree laid out as RHEL's DVD, as an ISO image."""
        src = os.path.join(self.work, "tree-src")
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(os.path.join(src, "images", "pxeboot"))
        shutil.copy(self.vmlinuz, os.path.join(src, "images/pxeboot/vmlinuz"))
        shutil.copy(self.initrd, os.path.join(src, "images/pxeboot/initrd.img"))
        k = sha256(self.vmlinuz)
        i = sha256(self.initrd)
        stamp = time.time()
        with open(os.path.join(src, ".treeinfo"), "w") as f:
            f.write(f"""[general]
family = pxed e2e
name = pxed e2e test tree
version = 1.0
arch = x86_64
platforms = x86_64
timestamp = {stamp:.6f}
packagedir = Packages

[stage2]
mainimage = images/install.img

[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img

[checksums]
images/pxeboot/vmlinuz = sha256:{k}
images/pxeboot/initrd.img = sha256:{i}
""")
        with open(os.path.join(src, ".discinfo"), "w") as f:
            f.write(f"{stamp:.6f}\npxed e2e test tree\nx86_64\n1\n")
        os.makedirs(os.path.join(src, "Packages"))
        with open(os.path.join(src, "Packages", "README"), "w") as f:
            f.write("No packages: the e2e test only reads .treeinfo.\n")
        self.iso = os.path.join(self.work, "tree.iso")
        r = subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J",
                            "-V", "PXED_E2E", "-o", self.iso, src],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise BootError("xorriso failed: " + r.stderr)
        # What the ISO really holds, read back from the image: the guest's
        # checksums are compared with these.
        self.treeinfo = os.path.join(self.work, "treeinfo.from-iso")
        iso_extract(self.iso, "/.treeinfo", self.treeinfo)
        self.treeinfo_sha = sha256(self.treeinfo)

    def _kickstart(self):
        self.ks = os.path.join(self.work, "e2e.ks")
        with open(self.ks, "w") as f:
            f.write(f"""# pxed e2e kickstart
text
url --url=http://{self.addr}/{TREE}/
lang en_US.UTF-8
keyboard us
network --bootproto=dhcp
rootpw --lock
poweroff
""")
        self.ks_sha = sha256(self.ks)

    def _grub(self):
        """The x86-64 UEFI boot loader: Debian's signed network GRUB
        (grub-efi-amd64-signed), as shipped; it reads /grub/grub.cfg from
        the TFTP server that booted it. PXED_E2E_GRUB=mkimage builds one
        with grub-mkimage instead (the same GRUB, only the modules needed)."""
        self.grub_efi = GRUB_SIGNED
        if os.environ.get("PXED_E2E_GRUB") != "mkimage":
            return
        self.grub_efi = os.path.join(self.work, "grubx64.efi")
        r = subprocess.run(["grub-mkimage", "-O", "x86_64-efi", "-p", "/grub",
                            "-o", self.grub_efi, *GRUB_MODULES],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise BootError("grub-mkimage failed: " + r.stderr)

    def pxelinux_cfg(self, tag, menu=True):
        """pxelinux.cfg text: a menu whose default boots the tree, or (a
        host's own file) the tree straight away."""
        kernel = f"{TREE}/images/pxeboot/vmlinuz"
        initrd = f"{TREE}/images/pxeboot/initrd.img"
        if not menu:
            return f"""SERIAL 0 115200
DEFAULT e2e
PROMPT 0
LABEL e2e
  KERNEL {kernel}
  APPEND initrd={initrd} {self.cmdline(tag)}
"""
        return f"""SERIAL 0 115200
UI menu.c32
MENU TITLE pxed e2e boot menu
TIMEOUT 10
DEFAULT e2e
LABEL local
  MENU LABEL Boot from the local disk
  LOCALBOOT 0
LABEL e2e
  MENU LABEL Install the e2e tree
  MENU DEFAULT
  KERNEL {kernel}
  APPEND initrd={initrd} {self.cmdline(tag)}
"""

    def grub_cfg(self, tag):
        return f"""set timeout=1
set default=e2e
menuentry 'Boot from the local disk' --id local {{
  exit
}}
menuentry 'Install the e2e tree' --id e2e {{
  echo 'Loading the e2e kernel'
  linux /{TREE}/images/pxeboot/vmlinuz {self.cmdline(tag)}
  initrd /{TREE}/images/pxeboot/initrd.img
}}
"""

    def ipxe_script(self, tag):
        """What an iPXE client is handed: kernel and initrd over HTTP,
        straight out of the tree (the ISO image, for pxed)."""
        base = f"http://{self.addr}/{TREE}/images/pxeboot"
        return f"""#!ipxe
echo pxed e2e: iPXE script
kernel {base}/vmlinuz initrd=initrd.img {self.cmdline(tag)}
initrd --name initrd.img {base}/initrd.img
boot
"""

    def boot_root(self, dest, profile_mac=None):
        """The TFTP root: the boot loaders and their configs. A host with a
        profile (profile_mac) gets its own pxelinux.cfg/01-MAC that boots
        straight; everyone else gets the menu's default."""
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.join(dest, "pxelinux.cfg"))
        os.makedirs(os.path.join(dest, "grub"))
        shutil.copy(PXELINUX, dest)
        for m in ("ldlinux.c32", "menu.c32", "libutil.c32"):
            shutil.copy(os.path.join(SYSLINUX_BIOS, m), dest)
        shutil.copy(self.grub_efi, os.path.join(dest, "grubx64.efi"))
        with open(os.path.join(dest, "pxelinux.cfg", "default"), "w") as f:
            f.write(self.pxelinux_cfg("menu-default"))
        if profile_mac:
            name = "01-" + profile_mac.replace(":", "-")
            with open(os.path.join(dest, "pxelinux.cfg", name), "w") as f:
                f.write(self.pxelinux_cfg("host-profile", menu=False))
        with open(os.path.join(dest, "grub", "grub.cfg"), "w") as f:
            f.write(self.grub_cfg("menu-default"))
        return dest

    def http_root(self, dest):
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.join(dest, "ks"))
        shutil.copy(self.ks, os.path.join(dest, "ks", "e2e.ks"))
        with open(os.path.join(dest, IPXE_SCRIPT), "w") as f:
            f.write(self.ipxe_script("ipxe-script"))
        return dest


def iso_extract(iso, inner, dest):
    """Copy a file or the whole tree out of an ISO image (no mount)."""
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    r = subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso,
                        "-extract", inner, dest],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise BootError(f"xorriso -extract {inner} failed: {r.stderr}")
    subprocess.run(["chmod", "-R", "u+w", dest], check=False)


# --- network ---------------------------------------------------------------

class VmNet:
    """A server namespace: br0 carries the server address, tap0 is QEMU's
    link. Nothing here routes anywhere else. close() ends every process
    started here by PID and deletes the namespace."""

    def __init__(self, work):
        self.work = work
        os.makedirs(work, exist_ok=True)
        self.procs = []
        self.ns = Netns("v")
        try:
            r = self.ns.run
            r("ip", "link", "add", "br0", "type", "bridge")
            r("ip", "addr", "add", f"{SERVER_ADDR}/24", "dev", "br0")
            r("ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
            r("ip", "link", "set", "tap0", "master", "br0")
            r("ip", "link", "set", "tap0", "up")
            r("ip", "link", "set", "br0", "up")
            self.sniffer = self.start(
                ["/usr/bin/python3", "-u", os.path.join(HERE, "e2e_sniff.py"),
                 "br0"], "sniff.log")
            self.sniffer.wait_log("SNIFF ready", timeout=10,
                                  stage="starting the sniffer")
        except Exception:
            self.close()
            raise

    def path(self, name):
        return os.path.join(self.work, name)

    def start(self, args, log_name):
        log_path = self.path(log_name)
        with open(log_path, "w") as log:
            p = Process(self.ns.popen(*args, stdout=log,
                                      stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL), log_path)
        self.procs.append(p)
        return p

    def listening(self, proto, port):
        """Sockets bound to `port` in the namespace (ss lines)."""
        flag = "-Hlunp" if proto == "udp" else "-Hltnp"
        out = self.ns.run("ss", flag, check=False).stdout
        return [ln for ln in out.splitlines()
                if re.search(rf"[:*]{port}\s", ln)]

    def wait_listening(self, proto, port, timeout=10, stage=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.listening(proto, port):
                return
            time.sleep(0.1)
        raise BootError(f"{stage or 'starting'}: nothing listens on "
                        f"{proto} port {port} after {timeout}s")

    def close(self):
        for p in reversed(self.procs):
            try:
                p.stop(timeout=5)
            except Exception:
                pass
        self.procs = []
        if self.ns:
            self.ns.delete()
            self.ns = None


# --- servers ---------------------------------------------------------------

class Dnsmasq:
    """The classic setup: dnsmasq for DHCP + TFTP, busybox httpd for HTTP,
    the ISO's files extracted (as a loop mount would show them)."""
    name = "dnsmasq"
    loader_names = ("pxelinux.0", "grubx64.efi", IPXE_SCRIPT)

    def __init__(self, net, assets, profile_mac=None, ipxe=False):
        need(["dnsmasq", "/bin/busybox"])
        w = net.path("dnsmasq")
        os.makedirs(w, exist_ok=True)
        tftp = assets.boot_root(os.path.join(w, "tftp"), profile_mac)
        http = assets.http_root(os.path.join(w, "http"))
        iso_extract(assets.iso, "/", os.path.join(tftp, TREE))
        iso_extract(assets.iso, "/", os.path.join(http, TREE))
        self.log = net.start([
            "dnsmasq", "-k", "--conf-file=/dev/null", "--log-facility=-",
            "--log-dhcp", "--port=0", "--interface=br0", "--bind-interfaces",
            "--user=root", "--group=root", "--no-ping",
            f"--pid-file={w}/dnsmasq.pid", f"--dhcp-leasefile={w}/leases",
            "--dhcp-range=172.25.254.60,172.25.254.70,255.255.255.0,10m",
            "--dhcp-match=set:efi64,option:client-arch,7",
            "--dhcp-match=set:efi64,option:client-arch,9",
            f"--dhcp-boot=tag:efi64,tag:!ipxe,grubx64.efi,,{SERVER_ADDR}",
            f"--dhcp-boot=tag:!efi64,tag:!ipxe,pxelinux.0,,{SERVER_ADDR}",
            "--enable-tftp", f"--tftp-root={tftp}",
        ] + ([
            # iPXE says so in its user class (option 77): hand it a script.
            "--dhcp-userclass=set:ipxe,iPXE",
            f"--dhcp-boot=tag:ipxe,http://{SERVER_ADDR}/{IPXE_SCRIPT}",
        ] if ipxe else []), "dnsmasq.log")
        self.httpd = net.start(["/bin/busybox", "httpd", "-f", "-vv", "-p",
                                f"{SERVER_ADDR}:80", "-h", http], "httpd.log")
        self.log.wait_log("TFTP root is", timeout=10, stage="starting dnsmasq")
        net.wait_listening("tcp", 80, stage="starting busybox httpd")

    def logs(self):
        return [self.log, self.httpd]


class Pxed:
    """pxed alone: DHCP, TFTP (the boot loaders' root), HTTP (the kickstart)
    and the tree served from the ISO image itself at /e2e/ for both."""
    name = "pxed"
    loader_names = ("pxelinux.0", "grubx64.efi", IPXE_SCRIPT)

    def __init__(self, net, assets, profile_mac=None, ipxe=False,
                 profiles=None):
        """profiles=None: static boot files (pxelinux.cfg, grub.cfg) in the
        TFTP root, boot files named in [subnet]. profiles="tftp"|"ipxe":
        pxed's own [profile]/[menu]/[host] generate the menus, it finds
        the boot loaders itself, and the host boots via that."""
        need([PXED_BIN])
        w = net.path("pxed")
        os.makedirs(os.path.join(w, "state"), exist_ok=True)
        http = assets.http_root(os.path.join(w, "http"))
        conf = os.path.join(w, "pxed.conf")
        if profiles:
            tftp = os.path.join(w, "tftp")
            os.makedirs(tftp, exist_ok=True)
            text = pxed_profiles_config(w, tftp, http, assets, profile_mac,
                                        profiles)
        else:
            tftp = assets.boot_root(os.path.join(w, "tftp"), profile_mac)
            text = pxed_config(w, tftp, http, assets.iso, ipxe)
        with open(conf, "w") as f:
            f.write(text)
        self.conf = conf
        r = subprocess.run([PXED_BIN, "check", "-c", conf],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise BootError("pxed check rejects the e2e config:\n" +
                            r.stdout + r.stderr)
        self.log = net.start([PXED_BIN, "serve", "-c", conf, "-v"],
                             "pxed.log")
        self.log.wait_log("pxed started", timeout=10, stage="starting pxed")
        # pxed announces itself before its services are up: give them a
        # moment, then ask the kernel which sockets pxed holds. A service
        # with no socket is not written yet (skip); one that is bound but
        # fails the boot is a failure.
        missing = []
        for proto, port, what in (("udp", 67, "DHCP"), ("udp", 69, "TFTP"),
                                  ("tcp", 80, "HTTP")):
            deadline = time.monotonic() + 5
            while not net.listening(proto, port):
                if time.monotonic() > deadline:
                    missing.append(f"{what} ({proto} :{port})")
                    break
                time.sleep(0.1)
        if missing:
            raise FeatureMissing("pxed serve binds no socket for " +
                                 ", ".join(missing) +
                                 ": that service is not in pxed yet")

    def logs(self):
        return [self.log]


def pxed_config(work, tftp, http, iso, ipxe=False):
    ipxe_line = (f"filename-ipxe = http://{SERVER_ADDR}/{IPXE_SCRIPT}\n"
                 if ipxe else "")
    return f"""[server]
interface = br0
address = {SERVER_ADDR}
state-dir = {work}/state

[subnet 172.25.254.0/24]
range = 172.25.254.60 - 172.25.254.70
lease-time = 600
next-server = {SERVER_ADDR}
filename = pxelinux.0
filename-uefi = grubx64.efi
{ipxe_line}
[tftp]
root = {tftp}

[http]
root = {http}
port = 80

[tree {TREE}]
iso = {iso}
"""


def pxed_profiles_config(work, tftp, http, assets, host_mac, via):
    """pxed's own boot profiles: a menu whose default is the tree, and the
    host `host_mac` with a profile of its own, booted via `via` (tftp or
    ipxe). The tag on each command line says which entry booted. The
    subnet names no boot file: pxed picks the loaders it found."""
    base = pxed_config(work, tftp, http, assets.iso)
    base = re.sub(r"(?m)^(next-server|filename|filename-uefi) = .*\n", "", base)
    append = ("console=ttyS0 panic=1 no_timer_check pxed_e2e={tag} "
              "inst.ks=${{kickstart_url}} inst.repo=${{tree_url}}")
    host = f"""
[profile e2e-host]
label = The e2e tree, this host's own
tree = {TREE}
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
kickstart = {assets.ks}
append = {append.format(tag="host-profile")}
boot-via = {via}

[host vm]
mac = {host_mac}
profile = e2e-host
""" if host_mac else ""
    return base + f"""
[menu]
title = pxed e2e boot menu
default = e2e
timeout = 1

[profile e2e]
label = Install the e2e tree
tree = {TREE}
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
kickstart = {assets.ks}
append = {append.format(tag="menu-default")}
""" + host


def pxed_supports(work, what, assets, via="tftp"):
    """(True, "") if `pxed check` accepts the profiles config the e2e boot
    would use, else (False, a skip reason quoting pxed's own words)."""
    need([PXED_BIN])
    os.makedirs(work, exist_ok=True)
    conf = os.path.join(work, "probe.conf")
    with open(conf, "w") as f:
        f.write(pxed_profiles_config(work, work, work, assets, VM_MAC, via))
    r = subprocess.run([PXED_BIN, "check", "-c", conf],
                       capture_output=True, text=True, timeout=30)
    if r.returncode == 0:
        return True, ""
    said = [ln for ln in (r.stderr + r.stdout).splitlines()
            if "probe.conf" in ln] or (r.stderr + r.stdout).splitlines()
    return False, f"pxed lacks {what}: pxed check says: " + " | ".join(said[:3])


SERVERS = {"dnsmasq": Dnsmasq, "pxed": Pxed}


# --- the VM and its timeline -------------------------------------------------

class Boot:
    """One VM boot, followed milestone by milestone."""

    def __init__(self, net, server, firmware, mac=VM_MAC, on_event=None,
                 on_line=None):
        self.net, self.server, self.firmware = net, server, firmware
        self.mac = mac
        self.on_event = on_event or (lambda name, t, detail: None)
        # on_line(source, t, line): every serial line and server log line,
        # as it appears (the demo shows them live).
        self.on_line = on_line
        self._tails = {}
        self.t = {}            # milestone -> seconds since QEMU started
        self.detail = {}
        self.events = []       # (t, source, line)
        self.serial_path = net.path(f"serial-{firmware}.log")
        self.sums = {}

    def qemu_args(self):
        a = ["qemu-system-x86_64", "-accel", accel(), "-m", "1024",
             "-smp", "1", "-nographic", "-no-reboot", "-boot", "n",
             "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
             "-device", f"virtio-net-pci,netdev=n0,mac={self.mac}"
             # uefi-native: no option ROM, so OVMF's own virtio-net driver
             # and PXE stack boot, as on most real UEFI machines; plain
             # "uefi" boots through QEMU's iPXE EFI ROM.
             + (",romfile=" if self.firmware == "uefi-native" else ""),
             "-serial", f"file:{self.serial_path}", "-monitor", "none"]
        if self.firmware in ("uefi", "uefi-native"):
            vars_copy = self.net.path("OVMF_VARS.fd")
            shutil.copy(OVMF_VARS, vars_copy)
            a += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                  "-drive", f"if=pflash,format=raw,file={vars_copy}"]
        return a

    def _mark(self, name, t, detail=""):
        if name in self.t:
            return
        self.t[name] = t
        self.detail[name] = detail
        self.on_event(name, t, detail)

    def _sniffed(self, t, line):
        words = line.split()
        kv = dict(w.split("=", 1) for w in words if "=" in w)
        if line.startswith("DHCP DISCOVER") and not hasattr(self, "t_discover"):
            self.t_discover = t
        if line.startswith("DHCP OFFER") and "offer" not in self.t:
            self._mark("offer", t, f"{kv.get('yiaddr')} file={kv.get('file')}")
        elif line.startswith(("TFTP RRQ", "HTTP GET")):
            f = kv.get("file") or kv.get("path") or ""
            base = f.rsplit("/", 1)[-1]
            proto = line.split()[0]
            if (base in self.server.loader_names or base.endswith(".ipxe")
                    or base in ("undionly.kpxe", "ipxe.efi")):
                self._mark("loader", t, f"{proto} {f}")
            elif base == "vmlinuz":
                self._mark("kernel-fetch", t, f"{proto} {f}")
            elif base in ("initrd.img", "initrd.gz"):
                self._mark("initrd-fetch", t, f"{proto} {f}")

    def _serial(self, t, line):
        m = re.search(r"PXED-E2E: (\S+)(.*)", line)
        if "Linux version" in line:
            self._mark("kernel", t, line.split("Linux version", 1)[1][:40].strip())
        if not m:
            return
        what, rest = m.group(1), m.group(2).strip()
        if what == "FAIL":
            raise BootError(f"the guest failed: {rest}")
        if what in ("kickstart", "treeinfo"):
            s = re.search(r"sha256=([0-9a-f]{64})", rest)
            if s:
                self.sums[what] = s.group(1)
        if what == "init":
            self.cmdline = rest
        names = {"init": "init", "dhcp": "dhcp", "kickstart": "kickstart",
                 "treeinfo": "treeinfo", "done": "done"}
        if what in names:
            self._mark(names[what], t, re.sub(r"\s*uptime=\S+$", "", rest)[:90])

    def run(self, timeout=None, stall=None):
        """Boot until the guest prints 'done' and powers off. Bounded by
        `timeout` overall and `stall` seconds without a new milestone."""
        timeout = timeout or float(os.environ.get("PXED_E2E_TIMEOUT", 420))
        stall = stall or float(os.environ.get("PXED_E2E_STALL", 180))
        open(self.serial_path, "w").close()
        sniff_off = len(self.net.sniffer.log().encode())
        serial_off = 0
        serial_buf = b""
        self.t0 = time.monotonic()
        self.qemu = self.net.start(self.qemu_args(), f"qemu-{self.firmware}.log")
        last_progress = self.t0
        try:
            while True:
                now = time.monotonic()
                n = len(self.t)
                with open(self.net.sniffer.log_path, "rb") as f:
                    f.seek(sniff_off)
                    chunk = f.read()
                # only whole lines
                cut = chunk.rfind(b"\n") + 1
                sniff_off += cut
                for ln in chunk[:cut].decode(errors="replace").splitlines():
                    ts, _, ev = ln.partition(" ")
                    try:
                        t = float(ts) - self.t0
                    except ValueError:
                        continue
                    self.events.append((t, "net", ev))
                    self._sniffed(t, ev)
                with open(self.serial_path, "rb") as f:
                    f.seek(serial_off)
                    chunk = f.read()
                serial_off += len(chunk)
                serial_buf += chunk
                *lines, serial_buf = serial_buf.split(b"\n")
                for ln in lines:
                    s = ln.decode(errors="replace").replace("\r", "")
                    self.events.append((now - self.t0, "serial", s))
                    if self.on_line:
                        self.on_line("serial", now - self.t0, s)
                    self._serial(now - self.t0, s)
                if self.on_line:
                    self._follow_logs(now - self.t0)
                if len(self.t) != n:
                    last_progress = now
                if "done" in self.t and self.qemu.popen.poll() is not None:
                    break
                if self.qemu.popen.poll() is not None and "done" not in self.t:
                    # let the last lines land, then report
                    if now - last_progress > 1:
                        raise BootError(f"QEMU exited ({self.qemu.popen.returncode})"
                                        f" in stage {self.stage()}")
                if now - self.t0 > timeout:
                    raise BootError(f"timed out after {timeout:.0f}s in stage "
                                    f"{self.stage()}")
                if now - last_progress > stall:
                    raise BootError(f"no progress for {stall:.0f}s in stage "
                                    f"{self.stage()}")
                if "done" in self.t and now - self.t["done"] - self.t0 > 30:
                    raise BootError("the guest printed done but did not power off")
                time.sleep(0.05)
        except BootError as e:
            e.args = (e.args[0] + "\n" + self.report(tail=True),)
            raise
        finally:
            self.qemu.stop(timeout=5)
        return self

    def _follow_logs(self, t):
        """Hand the server's new log lines to on_line."""
        for p in self.server.logs():
            off = self._tails.get(p.log_path)
            if off is None:   # start at the end: what came before the boot
                off = os.path.getsize(p.log_path)
            with open(p.log_path, "rb") as f:
                f.seek(off)
                chunk = f.read()
            cut = chunk.rfind(b"\n") + 1
            self._tails[p.log_path] = off + cut
            for ln in chunk[:cut].decode(errors="replace").splitlines():
                self.on_line(os.path.basename(p.log_path).rsplit(".", 1)[0],
                             t, ln)

    def stage(self):
        """'<last reached> -> waiting for <next>'."""
        reached = [m for m in MILESTONE_NAMES if m in self.t]
        waiting = [m for m in MILESTONE_NAMES if m not in self.t]
        desc = dict(MILESTONES)
        last = reached[-1] if reached else "start"
        nxt = desc[waiting[0]] if waiting else "power off"
        return f"after '{last}', waiting for: {nxt}"

    def durations(self):
        """[(stage, seconds or None)] per STAGES."""
        out = []
        # The server's own part of the first stage: DISCOVER to OFFER.
        d = getattr(self, "t_discover", None)
        out.append(("DHCP reply (disc->offer)",
                    self.t["offer"] - d if d is not None and "offer" in self.t
                    else None))
        for name, a, b in STAGES:
            ta = 0.0 if a is None else self.t.get(a)
            tb = self.t.get(b)
            out.append((name, None if ta is None or tb is None else tb - ta))
        return out

    def report(self, tail=False):
        lines = [f"boot: server={self.server.name} firmware={self.firmware} "
                 f"accel={accel()} mac={self.mac}"]
        for m, desc in MILESTONES:
            t = self.t.get(m)
            lines.append(f"  {m:13s} {'-' if t is None else f'{t:7.2f}s'}  {desc}"
                         f"{'  ' + self.detail[m] if m in self.detail and self.detail[m] else ''}")
        if tail:
            ser = [e[2] for e in self.events if e[1] == "serial" and e[2].strip()]
            net = [f"{e[0]:7.2f} {e[2]}" for e in self.events if e[1] == "net"]
            lines.append("--- network events (last 25) ---")
            lines += net[-25:]
            lines.append("--- serial console (last 25 lines) ---")
            lines += ser[-25:]
            log = getattr(self.server, "log", None)
            if log:
                lines.append(f"--- {self.server.name} log (last 25 lines) ---")
                lines += log.log().splitlines()[-25:]
        return "\n".join(lines)


def format_durations(boot):
    return "\n".join(f"  {name:22s} {'-' if d is None else f'{d:6.2f}s'}"
                     for name, d in boot.durations())


def boot_once(work, assets, server="dnsmasq", firmware="bios", mac=VM_MAC,
              profile_mac=VM_MAC, on_event=None, on_ready=None, on_line=None,
              ra=False, **server_kw):
    """Build the namespace, start the server, boot the VM, tear it all
    down. Returns the finished Boot; raises BootError / FeatureMissing.
    ra=True: answer the firmware's IPv6 router solicitations (e2e_ra.py)."""
    net = VmNet(work)
    try:
        if ra:
            p = net.start(["/usr/bin/python3", "-u",
                           os.path.join(HERE, "e2e_ra.py"), "br0"], "ra.log")
            p.wait_log("RA ready", timeout=10, stage="starting e2e_ra.py")
        srv = SERVERS[server](net, assets, profile_mac=profile_mac,
                              **server_kw)
        if on_ready:
            on_ready(net, srv)
        b = Boot(net, srv, firmware, mac=mac, on_event=on_event,
                 on_line=on_line)
        return b.run()
    finally:
        net.close()


def check_boot(boot, assets, expect_tag):
    """What every e2e boot must show: the whole chain ran, the guest read
    the files the server serves, byte for byte, and booted the entry it
    should have."""
    missing = [m for m in MILESTONE_NAMES if m not in boot.t]
    assert not missing, f"milestones not seen: {missing}\n{boot.report(tail=True)}"
    order = [boot.t[m] for m in MILESTONE_NAMES]
    assert order == sorted(order), f"milestones out of order\n{boot.report()}"
    assert boot.sums.get("kickstart") == assets.ks_sha, (
        f"kickstart sha256 {boot.sums.get('kickstart')} != served {assets.ks_sha}")
    assert boot.sums.get("treeinfo") == assets.treeinfo_sha, (
        f".treeinfo sha256 {boot.sums.get('treeinfo')} != the ISO's "
        f"{assets.treeinfo_sha}")
    assert f"server={SERVER_ADDR}" in boot.detail.get("dhcp", "").split(), (
        f"Linux's lease names no server identifier {SERVER_ADDR}: "
        f"{boot.detail.get('dhcp')!r}")
    assert f"pxed_e2e={expect_tag}" in getattr(boot, "cmdline", ""), (
        f"booted the wrong entry: cmdline {getattr(boot, 'cmdline', '')!r}, "
        f"expected pxed_e2e={expect_tag}")


def assert_firmware_dhcp(boot, arch, file):
    """The firmware asked as `arch` (RFC 4578 option 93) and was offered
    `file` as its boot loader."""
    disc = [e for e in boot.events if e[1] == "net" and
            e[2].startswith("DHCP DISCOVER") and f"arch={arch}" in e[2]]
    assert disc, f"no DHCPDISCOVER with arch={arch}\n{boot.report(tail=True)}"
    offer = [e for e in boot.events if e[1] == "net" and
             e[2].startswith("DHCP OFFER")]
    assert offer and f"file={file}" in offer[0][2].split(), (
        f"the first offer is {offer[0][2] if offer else None!r}, "
        f"expected file={file}")


def assert_menu_shown(boot, title="pxed e2e boot menu"):
    """pxelinux drew the menu (menu.c32 on the serial console)."""
    serial = "\n".join(e[2] for e in boot.events if e[1] == "serial")
    assert title in serial, f"the menu '{title}' was not shown"


# --- command line (scripts/demo, bench/boot) ---------------------------------

def live_printer(prefix=""):
    desc = dict(MILESTONES)
    last = [0.0]

    def on_event(name, t, detail):
        d = t - last[0]
        last[0] = t
        print(f"{prefix}[{t:7.2f}s] (+{d:6.2f}s) {desc[name]}"
              f"{'  — ' + detail if detail else ''}", flush=True)
    return on_event


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", choices=sorted(SERVERS), default="dnsmasq")
    ap.add_argument("--firmware", choices=["bios", "uefi", "uefi-native"],
                    default="bios")
    ap.add_argument("--unknown-host", action="store_true",
                    help="boot a MAC without a profile (gets the menu)")
    ap.add_argument("--profiles", choices=["tftp", "ipxe"],
                    help="pxed: its own [profile]s and [menu] generate the "
                    "boot menus; the host boots via tftp or ipxe")
    ap.add_argument("--work", help="keep files here (default: a temp dir)")
    a = ap.parse_args(argv)
    work = a.work or tempfile.mkdtemp(prefix="pxed-e2e-")
    try:
        assets = Assets(os.path.join(work, "assets"))
        mac = OTHER_MAC if a.unknown_host else VM_MAC
        print(f"booting a {a.firmware.upper()} VM ({mac}, {accel()}) "
              f"through {a.server}", flush=True)
        kw = {"profiles": a.profiles} if a.profiles else {}
        b = boot_once(os.path.join(work, "run"), assets, a.server, a.firmware,
                      mac=mac, on_event=live_printer("  "), **kw)
        check_boot(b, assets, "menu-default" if a.unknown_host or
                   (a.firmware != "bios" and not a.profiles)
                   else "host-profile")
        print("stages:\n" + format_durations(b))
        print("the guest's kickstart and .treeinfo checksums match the served files")
        return 0
    except FeatureMissing as e:
        print(f"cannot boot through {a.server}: {e}", file=sys.stderr)
        return 2
    except BootError as e:
        print(f"BOOT FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
