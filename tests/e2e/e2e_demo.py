# SPDX-License-Identifier: MIT
"""The demo behind scripts/demo: pxed on a private network of its own (a
network namespace with a bridge, 172.25.254.0/24, no route anywhere else)
network-boots a QEMU VM, and every stage shows up as it happens: pxed's
DHCP offer, the boot loader and the kernel leaving over TFTP, Linux
starting, the installer-style DHCP and the kickstart fetched over HTTP.

  python3 tests/e2e/e2e_demo.py [--firmware bios|uefi|both] [--server pxed|dnsmasq]
"""
import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import time

import e2e_boot
from e2e_boot import (BootError, FeatureMissing, MILESTONES, SERVER_ADDR,
                      VM_MAC, accel, check_boot, format_durations)

BOLD, DIM, GREEN, RED, CYAN, OFF = ("\033[1m", "\033[2m", "\033[32m",
                                    "\033[31m", "\033[36m", "\033[0m")
if not sys.stdout.isatty():
    BOLD = DIM = GREEN = RED = CYAN = OFF = ""

# Server log lines worth showing live (the rest is in the work dir).
SHOW = re.compile(r"DHCPOFFER|DHCPACK|tftp: sent|\"GET |HTTP|"
                  r"sent .* to 172|DHCPOFFER\(|DHCPACK\(|error", re.I)


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_sigterm(signo, frame):
    raise KeyboardInterrupt(f"signal {signo}")


def show_line(source, t, line):
    if source == "serial":
        line = ANSI.sub("", line)
        if "Linux version" in line:
            line = line[line.index("Linux version"):]
        if "PXED-E2E:" in line or "Linux version" in line:
            print(f"{DIM}  {t:7.2f}s  vm     | {line[:110]}{OFF}", flush=True)
        return
    if SHOW.search(line):
        line = re.sub(r"^\S+Z (info|debug): ", "", line)
        print(f"{DIM}  {t:7.2f}s  {source:6s} | {line[:110]}{OFF}", flush=True)


def milestone_printer():
    desc = dict(MILESTONES)
    last = [0.0]

    def on_event(name, t, detail):
        d = t - last[0]
        last[0] = t
        print(f"{BOLD}{CYAN}▶ {t:7.2f}s (+{d:5.2f}s)  {desc[name]}{OFF}"
              f"{'  ' + detail if detail else ''}", flush=True)
    return on_event


def show_config(net, srv):
    conf = getattr(srv, "conf", None)
    if not conf:
        return
    print(f"{DIM}pxed's configuration ({conf}):{OFF}")
    with open(conf) as f:
        for ln in f.read().strip().splitlines():
            print(f"{DIM}    {ln}{OFF}")
    print(f"{DIM}pxed is serving; starting the VM{OFF}", flush=True)


def boot(work, assets, server, firmware, profiles=None):
    print(f"\n{BOLD}== {firmware.upper()} VM {VM_MAC} network-boots through "
          f"{server} ({accel()}) =={OFF}", flush=True)
    kw = {"profiles": profiles} if server == "pxed" and profiles else {}
    b = e2e_boot.boot_once(os.path.join(work, f"{server}-{firmware}"), assets,
                           server, firmware, mac=VM_MAC,
                           on_event=milestone_printer(), on_line=show_line,
                           on_ready=show_config, **kw)
    # The checksums must match; which entry booted is shown, not judged
    # (the tests judge it).
    tag = re.search(r"pxed_e2e=(\S+)", getattr(b, "cmdline", ""))
    check_boot(b, assets, tag.group(1) if tag else "?")
    print(f"{GREEN}{BOLD}✔ {firmware.upper()} boot through {server}: the VM "
          f"booted the entry '{tag.group(1) if tag else '?'}', fetched the "
          f"kickstart and .treeinfo, checksums match what {server} serves{OFF}")
    print("stage times:\n" + format_durations(b), flush=True)
    return b


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firmware", choices=["bios", "uefi", "both"],
                    default="both")
    ap.add_argument("--server", choices=["pxed", "dnsmasq"], default="pxed")
    ap.add_argument("--keep", help="keep the work files in this dir")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    work = a.keep or tempfile.mkdtemp(prefix="pxed-demo-")
    fws = ["bios", "uefi"] if a.firmware == "both" else [a.firmware]
    print(f"""{BOLD}pxed demo{OFF}: a private network inside a network namespace
  server side: bridge br0 = {SERVER_ADDR}/24, tap0 for the VM; no route out,
  your real network is never touched. Files in {work}
  the VM: QEMU ({accel()}), {', '.join(f.upper() for f in fws)} firmware, real boot loaders
  (pxelinux.0 / GRUB), Debian's kernel, a busybox initramfs standing in for
  an installer. The install tree is an ISO image, served without mounting.""",
          flush=True)
    t0 = time.monotonic()
    server = a.server
    try:
        print("preparing the kernel, initramfs, ISO image and boot loaders ...",
              flush=True)
        assets = e2e_boot.Assets(os.path.join(work, "assets"))
        profiles = None
        if server == "pxed":
            ok, why = e2e_boot.pxed_supports(os.path.join(work, "probe"),
                                             "boot profiles", assets)
            profiles = "tftp" if ok else None
            print("pxed generates the boot menus from its [profile]s" if ok
                  else "pxed serves static boot menus from its TFTP root "
                  f"({why})", flush=True)
        for fw in fws:
            try:
                boot(work, assets, server, fw, profiles)
            except FeatureMissing as e:
                if server != "pxed":
                    raise
                print(f"{RED}{BOLD}pxed cannot serve this boot yet: {e}{OFF}\n"
                      "showing the same boot through the classic setup "
                      "(dnsmasq + busybox httpd) instead", flush=True)
                server = "dnsmasq"
                boot(work, assets, server, fw)
        print(f"\n{DIM}('DHCP offer' is mostly the firmware starting. iPXE "
              "waits ~13 s for an IPv6 router on a network without one; "
              "pxed answers its solicitation, which is most of why "
              f"'sudo bench/boot' finds the classic setup ~3x slower){OFF}")
        print(f"\n{GREEN}{BOLD}done in {time.monotonic() - t0:.0f}s{OFF}; "
              "everything it started is stopped and its namespace deleted.")
        return 0
    except (BootError, FeatureMissing) as e:
        print(f"\n{RED}{BOLD}DEMO FAILED: {e}{OFF}", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", flush=True)
        return 130
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
