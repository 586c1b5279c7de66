#!/usr/bin/python3
"""Ground truth of redis-server forking for BGSAVE (test/rootfs/README.md,
"redis-server forking for BGSAVE"). As root, on the capture machine:

    test/rootfs/capture-bgsave.py [RUNS]     # default 3 runs -> fixtures/redis-bgsave/runN/

Each run starts Debian's redis-server as the program capture does (no
address randomisation, the same environment and arguments) plus a directory
to save in, the debug command (for DEBUG POPULATE) and rdb-key-save-delay
(the child sleeps that many microseconds per key, so it lives long enough
to be read). Then, with redis-cli on the unix socket:

  started  the server idle after start-up
  loaded   after DEBUG POPULATE KEYS key VALUE (KEYS keys of VALUE bytes)
  forked   right after BGSAVE: the parent (P) and the child (C), as soon as
           the child exists
  written  after clients overwrote WRITES of the keys (SET key:i, values of
           VALUE bytes, through redis-cli --pipe), the child still saving

Each snapshot, runN/STEP-WHO/: smaps_rollup, status, stat, smaps, maps and
the server's INFO memory (P only). meta.json: the parameters, pids, and
timings.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "redis-bgsave")
SOCK = "/run/cowsh-bgsave.sock"
DIR = "/tmp/cowsh-bgsave"
KEYS = 100000
VALUE = 1000
WRITES = 20000
DELAY_US = 300  # 100000 keys: 30 s of saving
ENV = ["PATH=/usr/bin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8"]
ARGV = ["redis-server", "--save", "", "--appendonly", "no", "--port", "0", "--unixsocket", SOCK,
        "--dir", DIR, "--enable-debug-command", "local", "--rdb-key-save-delay", str(DELAY_US)]


def cli(*args, stdin=None):
    r = subprocess.run(["redis-cli", "-s", SOCK] + list(args), input=stdin, capture_output=True,
                       check=True)
    return r.stdout.decode()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def snapshot(pid, d, info=False):
    os.makedirs(d, exist_ok=True)
    for f in ("smaps_rollup", "status", "stat", "smaps", "maps", "comm"):
        with open("/proc/%d/%s" % (pid, f)) as src, open(os.path.join(d, f), "w") as dst:
            dst.write(src.read())
    if info:
        with open(os.path.join(d, "info-memory.txt"), "w") as fh:
            fh.write(cli("INFO", "memory").replace("\r", ""))


def set_commands(n):
    """RESP for SET key:i <VALUE bytes> for i < n (redis-cli --pipe)."""
    out = []
    val = b"w" * VALUE
    for i in range(n):
        key = b"key:%d" % i
        out.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, VALUE, val))
    return b"".join(out)


def run(rundir):
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR)
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    p = subprocess.Popen(["setarch", "x86_64", "-R", "env", "-i"] + ENV + ["/usr/bin/redis-server"]
                         + ARGV[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd="/", start_new_session=True)
    # setarch and env exec in place: p.pid is the server
    meta = dict(argv=ARGV, env=ENV, keys=KEYS, value=VALUE, writes=WRITES, delayUs=DELAY_US,
                pid=p.pid)
    try:
        deadline = time.time() + 10
        while True:
            try:
                if cli("PING").strip() == "PONG":
                    break
            except subprocess.CalledProcessError:
                pass
            if time.time() > deadline:
                raise RuntimeError("redis-server did not answer")
            time.sleep(0.05)
        time.sleep(1.5)  # idle, as the program capture waits
        snapshot(p.pid, os.path.join(rundir, "started-P"), info=True)
        t0 = time.time()
        assert cli("DEBUG", "POPULATE", str(KEYS), "key", str(VALUE)).strip() == "OK"
        meta["populateSeconds"] = round(time.time() - t0, 3)
        time.sleep(0.5)
        snapshot(p.pid, os.path.join(rundir, "loaded-P"), info=True)
        assert "started" in cli("BGSAVE")
        deadline = time.time() + 5
        while not children(p.pid):
            if time.time() > deadline:
                raise RuntimeError("no BGSAVE child")
            time.sleep(0.001)
        child = children(p.pid)[0]
        meta["child"] = child
        time.sleep(0.2)  # the child has started saving (and allocated its buffers)
        snapshot(child, os.path.join(rundir, "forked-C"))
        snapshot(p.pid, os.path.join(rundir, "forked-P"), info=True)
        t0 = time.time()
        r = subprocess.run(["redis-cli", "-s", SOCK, "--pipe"], input=set_commands(WRITES),
                           capture_output=True, check=True)
        meta["writeSeconds"] = round(time.time() - t0, 3)
        meta["pipe"] = r.stdout.decode().strip().splitlines()[-1]
        time.sleep(0.5)
        if children(p.pid) != [child]:
            raise RuntimeError("the BGSAVE child ended before the writes were read")
        snapshot(child, os.path.join(rundir, "written-C"))
        snapshot(p.pid, os.path.join(rundir, "written-P"), info=True)
    finally:
        for c in children(p.pid):
            os.kill(c, signal.SIGKILL)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        shutil.rmtree(DIR, ignore_errors=True)
    with open(os.path.join(rundir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def main():
    if os.geteuid() != 0:
        sys.exit("capture-bgsave.py needs root (other processes' smaps)")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with open("/proc/sys/kernel/osrelease") as fh:
        kernel = fh.read().strip()
    thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip()
    with open(os.path.join(OUT, "machine.json"), "w") as fh:
        json.dump(dict(kernel=kernel, thp=thp,
                       redis=subprocess.run(["redis-server", "--version"], capture_output=True)
                       .stdout.decode().strip()), fh, indent=1)
    for i in range(1, runs + 1):
        m = run(os.path.join(OUT, "run%d" % i))
        print("run%d: populate %.1f s, writes %.1f s (%s)" % (i, m["populateSeconds"],
                                                              m["writeSeconds"], m["pipe"]))


if __name__ == "__main__":
    main()
