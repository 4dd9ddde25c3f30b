# SPDX-License-Identifier: MIT
"""bench/boot: the same VM network-boots through pxed and through the
classic setup (dnsmasq for DHCP + TFTP, busybox httpd for HTTP, the ISO's
files extracted), in one run, with the same kernel, initramfs, boot loaders
and ISO image. Prints each stage's time for both and the ratio.

Most of a boot is the firmware's and the guest's own time (the PXE ROM's
waits, the kernel starting under TCG): identical for both servers. The
stages where the server shows are the DHCP offer, the kernel and initrd
transfers and the HTTP fetches.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))
import e2e_boot  # noqa: E402
from e2e_boot import accel  # noqa: E402

SERVERS = [("pxed", "pxed"), ("dnsmasq", "dnsmasq+httpd")]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firmware", choices=["bios", "uefi", "uefi-native"],
                    default="bios")
    ap.add_argument("--rounds", type=int, default=1,
                    help="boots per server; the medians are compared")
    ap.add_argument("--ra", action="store_true",
                    help="answer the firmware's IPv6 router solicitations, "
                    "so iPXE's ~13 s IPv6 wait does not hide the servers' "
                    "own difference (tests/e2e/e2e_ra.py)")
    ap.add_argument("--pxed-via", choices=["ipxe", "tftp", "static"],
                    default="ipxe",
                    help="how pxed boots the VM: its own boot profiles with "
                    "boot-via = ipxe (kernel and initrd over HTTP, the "
                    "default) or tftp, or (static) the same pxelinux files "
                    "in a TFTP root as dnsmasq serves")
    ap.add_argument("--keep", help="keep the work files in this dir")
    a = ap.parse_args(argv)
    work = a.keep or tempfile.mkdtemp(prefix="pxed-bench-boot-")
    times = {s: [] for s, _ in SERVERS}
    try:
        assets = e2e_boot.Assets(os.path.join(work, "assets"))
        for r in range(a.rounds):
            # Alternate who goes first, so neither always meets a warm cache.
            order = SERVERS if r % 2 == 0 else SERVERS[::-1]
            for server, label in order:
                print(f"round {r + 1}/{a.rounds}: {a.firmware.upper()} VM "
                      f"through {label} ({accel()}) ...", flush=True)
                kw = ({"profiles": a.pxed_via}
                      if server == "pxed" and a.pxed_via != "static" else {})
                try:
                    b = e2e_boot.boot_once(
                        os.path.join(work, f"{server}-{r}"), assets, server,
                        a.firmware, mac=e2e_boot.VM_MAC, ra=a.ra, **kw)
                except e2e_boot.FeatureMissing as e:
                    print(f"  {label}: cannot boot: {e}", flush=True)
                    continue
                # pxed's profiles give the VM's MAC a profile of its own;
                # the static files do so for pxelinux (BIOS) only.
                e2e_boot.check_boot(b, assets, "host-profile"
                                    if a.firmware == "bios" or kw
                                    else "menu-default")
                times[server].append(dict(b.durations()))
                print(f"  total {b.t['done']:.2f}s", flush=True)
    except e2e_boot.BootError as e:
        print(f"bench/boot: a boot failed: {e}", file=sys.stderr)
        return 1
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    def med(server, stage):
        v = [t[stage] for t in times[server] if t.get(stage) is not None]
        return statistics.median(v) if v else None

    print(f"\nboot stages, {a.firmware.upper()}, {accel()}, pxed via "
          f"{a.pxed_via}"
          f"{', IPv6 RAs answered' if a.ra else ''}, median of "
          f"{a.rounds} boot(s) each; ratio = classic / pxed (>1: pxed faster)")
    print(f"  {'stage':22s} {'pxed':>9s} {'dnsmasq+httpd':>14s} {'ratio':>7s}")
    # Stage names, in order, from the first boot that finished.
    stages = next((list(t) for v in times.values() for t in v), [])
    for stage in stages:
        p, c = med("pxed", stage), med("dnsmasq", stage)
        ratio = f"{c / p:6.2f}x" if p and c else "     -"
        fp = f"{p:8.3f}s" if p is not None else "        -"
        fc = f"{c:13.3f}s" if c is not None else "             -"
        print(f"  {stage:22s} {fp} {fc} {ratio}")
    if not times["pxed"]:
        print("pxed could not boot the VM (see above): no ratio")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
