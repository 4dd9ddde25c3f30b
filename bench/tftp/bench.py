# SPDX-License-Identifier: MIT
"""pxed's TFTP against tftpd-hpa, atftpd and dnsmasq, side by side on
loopback: the same client, the same files.

The client is bench/tftp/client.c (tftp-bench-client, built with pxed):
one process that runs every transfer of a run from one epoll loop and
checks each block against the original. atftp, the client of earlier
runs, spent more CPU per block than the servers, and 200 atftp processes
took 200 shares of the CPU against a single-process server's one, so
those figures showed the client more than the servers.

For each blksize (512, 1468, 8192) and windowsize (1, 16; a peer that does
not acknowledge windowsize runs lock-step, as a real client would with
it), one file is fetched REPEAT times from each server, the servers taking
turns; the median MB/s and the server's CPU seconds per GB (its cgroup's:
tftpd-hpa forks a child per transfer) are printed, with pxed's ratio to
the best peer. Then CONCURRENT clients fetch a 4 MiB file at once from
each.

Below the table, the lock-step cells again against the floor
(bench/tftp/floor.c, tftp-bench-floor): a server that only answers each
ACK with the next block from memory on a connected socket. How much faster
than the best peer the floor is bounds what any server could be there.

Run through bench/tftp/run, which installs the peers and builds the
client. A wrong byte fails the run.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from tftp_probe import first_reply  # noqa: E402

HOST = "127.0.0.1"
MIB = 1024 * 1024
SIZE = int(os.environ.get("BENCH_MIB", "32")) * MIB
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "200"))
RUN_TIMEOUT = 60
BLKSIZES = (512, 1468, 8192)
WINDOWS = (1, 16)


CGROUP_V1 = "/sys/fs/cgroup/cpuacct"
CGROUP_V2 = "/sys/fs/cgroup"


class CpuGroup:
    """A cgroup of the server and everything it forks (tftpd-hpa forks a
    child per transfer, and a child's time reaches its parent's counters
    only once reaped): its CPU time, whichever cgroup version is here."""

    def __init__(self, name):
        v1 = os.path.isdir(CGROUP_V1)
        self.path = os.path.join(CGROUP_V1 if v1 else CGROUP_V2,
                                 f"pxed-bench-{name}-{os.getpid()}")
        self.v1 = v1
        os.mkdir(self.path)

    def enter(self):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def seconds(self):
        if self.v1:
            with open(os.path.join(self.path, "cpuacct.usage")) as f:
                return int(f.read()) / 1e9
        with open(os.path.join(self.path, "cpu.stat")) as f:
            usage = dict(line.split() for line in f)
        return int(usage["usage_usec"]) / 1e6

    def remove(self):
        try:
            os.rmdir(self.path)
        except OSError:
            pass


class Server:
    def __init__(self, name, port, argv):
        self.name, self.port, self.argv = name, port, argv
        self.proc = None
        self.group = None

    def start(self, log):
        self.group = CpuGroup(self.name)
        self.proc = subprocess.Popen(self.argv, stdout=log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=self.group.enter)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start")
            if first_reply(HOST, self.port, b"ping")["op"] == "error":
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within 10 s")

    def cpu_seconds(self):
        return self.group.seconds()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.group:
            self.group.remove()

    def window_supported(self):
        r = first_reply(HOST, self.port, b"f4m", {"windowsize": 16})
        return r["op"] == "oack" and "windowsize" in r["options"]


class Floor(Server):
    """Lock-step only, one transfer at a time: not asked about windows
    (a probe would leave it waiting on an ACK that never comes)."""

    def window_supported(self):
        return False


def servers(work, root, pxed, peers):
    conf = os.path.join(work, "pxed.conf")
    with open(conf, "w") as f:
        f.write(f"[server]\naddress = {HOST}\nstate-dir = {work}/state\n\n"
                f"[tftp]\nroot = {root}\nport = 6901\n")
    return [
        Server("pxed", 6901, [pxed, "serve", "-c", conf]),
        Server("tftpd-hpa", 6902, [f"{peers}/usr/sbin/in.tftpd", "-L",
                                   "-a", f"{HOST}:6902", "-u", "nobody",
                                   "-s", root]),
        Server("atftpd", 6903, [f"{peers}/usr/sbin/atftpd", "--daemon",
                                "--no-fork", "--port", "6903",
                                "--bind-address", HOST, "--user",
                                "nobody.nogroup", "--maxthread", "1000",
                                "--logfile", "/dev/null", root]),
        # dnsmasq's TFTP port is 69 and nothing else
        Server("dnsmasq", 69, ["dnsmasq", "--keep-in-foreground",
                               "--conf-file=/dev/null", "--pid-file=",
                               "--port=0", "--enable-tftp",
                               f"--tftp-root={root}", "--tftp-max=1000",
                               "--bind-interfaces",
                               f"--listen-address={HOST}", "--user=nobody",
                               "--quiet-tftp", "--log-facility=/dev/null"]),
    ]


def fetch(client, server, root, name, blksize, window, count):
    """COUNT transfers of NAME at once: (seconds, server CPU seconds,
    transfers complete and identical), or None if the client gave up or
    took over RUN_TIMEOUT (atftpd 0.8 with windowsize 16 at blksize 8192
    crawls at well under 1 MB/s)."""
    argv = [client, HOST, str(server.port), name, os.path.join(root, name),
            str(blksize), str(window), str(count)]
    cpu0 = server.cpu_seconds()
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=RUN_TIMEOUT,
                           text=True)
    except subprocess.TimeoutExpired:
        return None
    time.sleep(0.05)     # let a forked child finish its exit
    cpu = server.cpu_seconds() - cpu0
    if r.returncode != 0:
        return None
    secs, ok = r.stdout.split()
    return float(secs), cpu, int(ok)


def run_one(client, server, root, blksize, window):
    """One fetch of the big file: (seconds, server CPU seconds) or None."""
    r = fetch(client, server, root, "big", blksize, window, 1)
    return r and r[:2]


def cell(client, srv, root, blksize, window):
    """One table cell for every server: the runs take turns (pxed, the
    peers, pxed again...), so that whatever else loads the machine falls
    on all of them alike. A server that fails once is out of the cell."""
    runs = {s.name: [] for s in srv}
    for _ in range(REPEAT):
        for s in srv:
            if runs[s.name] is None:
                continue
            r = run_one(client, s, root, blksize, window)
            runs[s.name] = None if r is None else runs[s.name] + [r]
    row = {}
    for name, rs in runs.items():
        if rs is None:
            row[name] = None
            continue
        secs = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        row[name] = (SIZE / MIB / secs, cpu / (SIZE / 1e9))
    return row


def concurrent(client, srv, root):
    """CONCURRENT transfers of the 4 MiB file at once, REPEAT times, the
    servers taking turns: per server the median run's (seconds, server
    CPU seconds, identical), or None if a run failed."""
    runs = {s.name: [] for s in srv}
    for _ in range(REPEAT):
        for s in srv:
            runs[s.name].append(fetch(client, s, root, "f4m", 1468, 1,
                                      CONCURRENT))
    return {name: None if None in rs else sorted(rs)[len(rs) // 2]
            for name, rs in runs.items()}


def make_files(root):
    os.makedirs(root)
    for name, size in (("big", SIZE), ("f4m", 4 * MIB)):
        with open(os.path.join(root, name), "wb") as f:
            f.write(os.urandom(size))
        os.chmod(os.path.join(root, name), 0o644)
    os.chmod(root, 0o755)


def print_table(names, results, windows):
    head = f"{'blksize':>7} {'window':>6} |" + "".join(
        f" {n:>10} MB/s {'s/GB':>6} |" for n in names) + " ratio"
    print(head)
    print("-" * len(head))
    for (b, w), row in results.items():
        line = f"{b:>7} {w:>6} |"
        for n in names:
            mark = "*" if w > 1 and not windows[n] else " "
            if row[n] is None:
                line += f" {'failed':>10}{mark}     {'-':>6} |"
                continue
            mbs, cpu = row[n]
            line += f" {mbs:>10.1f}{mark}     {cpu:>6.2f} |"
        best = max(row[n][0] for n in names[1:] if row[n])
        print(line + f" {row[names[0]][0] / best:5.2f}x")
    print("* the server does not acknowledge windowsize: lock-step")
    print(f"failed: an error, or slower than {RUN_TIMEOUT} s for the file")


def print_floor(names, results, floor):
    print("\nLock-step against the floor (a server that only answers each "
          "ACK from memory):")
    print(f"{'blksize':>7} | {'floor MB/s':>10} | {'pxed':>6} | "
          f"{'best peer':>9} | floor / best peer")
    for (b, w), row in results.items():
        if w != 1 or not row.get(floor.name) or not row[names[0]]:
            continue
        f = row[floor.name][0]
        best = max(row[n][0] for n in names[1:] if row[n])
        print(f"{b:>7} | {f:>10.1f} | {row[names[0]][0] / f:5.2f}x | "
              f"{best / f:8.2f}x | {f / best:5.2f}x")
    print("pxed, best peer: their share of the floor's MB/s; floor / best "
          "peer: the most any server could be over the best peer")


def main():
    pxed, client, peers = sys.argv[1], sys.argv[2], sys.argv[3]
    floor_bin = sys.argv[4]
    work = tempfile.mkdtemp(prefix="pxed-bench-tftp-")
    os.chmod(work, 0o755)
    root = os.path.join(work, "root")
    make_files(root)
    srv = servers(work, root, pxed, peers)
    floor = Floor("floor", 6904, [floor_bin, "6904",
                                  os.path.join(root, "big")])
    results, windows = {}, {}
    try:
        for s in srv + [floor]:
            with open(os.path.join(work, f"{s.name}.log"), "w") as log:
                s.start(log)
            windows[s.name] = s.window_supported()
        for b in BLKSIZES:
            for w in WINDOWS:
                results[(b, w)] = cell(client, srv + [floor] * (w == 1),
                                       root, b, w)
        conc = concurrent(client, srv, root)
    finally:
        for s in srv + [floor]:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    names = [s.name for s in srv]
    print(f"\nTFTP on loopback, {SIZE // MIB} MiB file, client "
          f"tftp-bench-client, "
          f"median of {REPEAT} runs taken in turns; s/GB = server CPU "
          f"seconds per GB\n")
    print_table(names, results, windows)
    print_floor(names, results, floor)
    print(f"\n{CONCURRENT} concurrent 4 MiB transfers (blksize 1468), "
          f"median of {REPEAT}:")
    for n in names:
        if conc[n] is None:
            print(f"  {n:>10}: failed")
            continue
        secs, cpu, ok = conc[n]
        print(f"  {n:>10}: {secs:6.2f} s wall, {cpu:6.2f} s server CPU, "
              f"{ok}/{CONCURRENT} identical")
    best = min(conc[n][0] for n in names[1:] if conc[n])
    if conc["pxed"]:
        print(f"  pxed vs the fastest peer: {best / conc['pxed'][0]:.2f}x")


if __name__ == "__main__":
    main()
