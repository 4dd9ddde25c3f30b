# SPDX-License-Identifier: MIT
"""Real firmware boots what pxed generates: a QEMU VM (TCG) network-boots
through boot profiles alone — no TFTP root, no hand-written config — by
pxelinux (BIOS), GRUB (UEFI, OVMF) and iPXE (kernel and initrd over
HTTP). The kernel, initramfs and install-tree ISO are the e2e suite's
(tests/e2e/e2e_boot.py); the initramfs prints its command line and what it
fetched. Run once: skipped in the sanitizer pass (run-all's e2e stage
makes the same choice)."""
import os
import shutil
import subprocess
import sys
import time

import pytest

from netns import PXED_BIN, Netns, Process, SERVER_ADDR

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))

VM_MAC = "52:54:00:12:34:56"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
BOOT_TIMEOUT = 240

pytestmark = [
    pytest.mark.skipif(not shutil.which("qemu-system-x86_64"),
                       reason="no qemu-system-x86_64"),
    pytest.mark.skipif("asan" in PXED_BIN,
                       reason="VM boots run once, not under the sanitizers"),
]


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    import e2e_boot
    try:
        return e2e_boot.Assets(str(tmp_path_factory.mktemp("vm-assets")))
    except Exception as e:  # a missing package or kernel: say which
        pytest.skip(f"e2e assets unavailable: {e}")


def config(work, assets, via):
    ks = os.path.join(work, "auto.ks")
    with open(ks, "w") as f:
        f.write("# pxed test kickstart\nurl --url=${tree_url}\n")
    args = ("console=ttyS0 panic=1 no_timer_check pxed_e2e={tag} "
            "inst.ks=${{kickstart_url}} inst.repo=${{tree_url}}")
    return f"""[server]
interface = br0
address = {SERVER_ADDR}
state-dir = {work}/state

[subnet 172.25.254.0/24]
range = 172.25.254.60 - 172.25.254.70

[tftp]
[http]

[tree e2e]
iso = {assets.iso}

[profile install]
tree = e2e
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
append = {args.format(tag="host-profile")}
kickstart = {ks}
boot-via = {via}

[profile other]
tree = e2e
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
append = {args.format(tag="menu-default")}
kickstart = {ks}

[menu]
default = other
timeout = 1

[host vm]
mac = {VM_MAC}
profile = install
"""


def boot(tmp_path, assets, firmware, via):
    work = str(tmp_path)
    os.makedirs(os.path.join(work, "state"))
    conf = os.path.join(work, "pxed.conf")
    with open(conf, "w") as f:
        f.write(config(work, assets, via))
    ns = Netns("v")
    procs = []
    try:
        for cmd in (("link", "add", "br0", "type", "bridge"),
                    ("addr", "add", f"{SERVER_ADDR}/24", "dev", "br0"),
                    ("tuntap", "add", "dev", "tap0", "mode", "tap"),
                    ("link", "set", "tap0", "master", "br0"),
                    ("link", "set", "tap0", "up"),
                    ("link", "set", "br0", "up")):
            ns.run("ip", *cmd)
        pxed = start(ns, [PXED_BIN, "serve", "-c", conf, "-v"], work,
                     "pxed.log")
        procs.append(pxed)
        pxed.wait_log("pxed started", stage="starting pxed")
        serial = os.path.join(work, "serial.log")
        procs.append(start(ns, qemu(work, firmware, serial), work,
                           "qemu.log"))
        text = wait_serial(serial, procs[-1])
        return text, pxed.log()
    finally:
        for p in reversed(procs):
            p.stop(timeout=5)
        ns.delete()


def start(ns, args, work, log_name):
    log_path = os.path.join(work, log_name)
    with open(log_path, "w") as log:
        p = ns.popen(*args, stdout=log, stderr=subprocess.STDOUT,
                     stdin=subprocess.DEVNULL)
    return Process(p, log_path)


def qemu(work, firmware, serial):
    args = ["qemu-system-x86_64", "-accel", "tcg", "-m", "1024",
            "-nographic", "-no-reboot", "-boot", "n", "-netdev",
            "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device",
            f"virtio-net-pci,netdev=n0,mac={VM_MAC}",
            "-serial", f"file:{serial}", "-monitor", "none"]
    if firmware == "uefi":
        vars_copy = os.path.join(work, "vars.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        args += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                 "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    return args


def wait_serial(path, vm):
    deadline = time.monotonic() + BOOT_TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                text = f.read()
            if "PXED-E2E: done" in text or "PXED-E2E: FAIL" in text:
                return text
        if vm.popen.poll() is not None:
            break
        time.sleep(0.5)
    raise AssertionError(f"booting: no PXED-E2E end within {BOOT_TIMEOUT}s"
                         f"\n--- serial ---\n{text[-3000:]}")


@pytest.mark.parametrize("firmware,via,loader,fetch", [
    ("bios", "tftp", "pxelinux.cfg/01-52-54-00-12-34-56", "tftp: sent"),
    ("uefi", "tftp", "/grub/grub.cfg-01-52-54-00-12-34-56", "tftp: sent"),
    ("bios", "ipxe", "GET /ipxe/52-54-00-12-34-56.ipxe", "GET"),
])
def test_vm_boots_its_host_profile(tmp_path, assets, firmware, via, loader,
                                   fetch):
    serial, log = boot(tmp_path, assets, firmware, via)
    assert "PXED-E2E: done" in serial, serial[-3000:]
    assert "pxed_e2e=host-profile" in serial, serial[-3000:]
    assert "url=http://172.25.254.100/ks/install.ks" in serial
    assert loader in log, log[-3000:]
    # the kernel came out of the ISO, by TFTP or (iPXE) by HTTP
    kernel = [ln for ln in log.splitlines()
              if "e2e/images/pxeboot/vmlinuz" in ln and fetch in ln]
    assert kernel, log[-3000:]
