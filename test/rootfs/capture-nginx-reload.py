#!/usr/bin/python3
"""Ground truth of nginx reloading (test/rootfs/README.md, "nginx reloading").
As root, on the capture machine:

    test/rootfs/capture-nginx-reload.py [RUNS]   # default 3 runs -> fixtures/nginx-reload/runN/

Each run starts Debian's nginx as the program capture does (setarch -R, the
same environment, test/rootfs/nginx.conf installed as /etc/nginx/cowsh.conf:
a master and two workers), waits until the three are idle, snapshots them
(`before-M`, `before-W1`, `before-W2`), then runs `nginx -s reload` (SIGHUP
to the master: it reads the configuration again, forks two new workers and
tells the old ones to leave) and, once the old workers are gone and the new
ones idle, snapshots the master and the new workers (`after-M`,
`after-W1`, `after-W2`). Each snapshot: smaps_rollup, smaps, status, stat,
maps. meta.json: the pids.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "nginx-reload")
CONF = "/etc/nginx/cowsh.conf"
ENV = ["PATH=/usr/bin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8"]
STALE = ["/run/cowsh-nginx.sock", "/run/cowsh-nginx.pid"]


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as fh:
            return sorted(int(x) for x in fh.read().split())
    except OSError:
        return []


def state(pid):
    with open("/proc/%d/stat" % pid) as fh:
        text = fh.read()
    f = text[text.rindex(")") + 2:].split()
    with open("/proc/%d/maps" % pid) as fh:
        maps = fh.read()
    return (f[0], f[7], maps)  # state, minflt, maps


def wait_idle(pids, settle=1.0):
    last, since, deadline = None, time.time(), time.time() + 20
    while time.time() < deadline:
        cur = [state(p) for p in pids]
        if cur != last or any(s[0] != "S" for s in cur):
            last, since = cur, time.time()
        elif time.time() - since >= settle:
            return
        time.sleep(0.05)
    raise RuntimeError("never idle: %r" % pids)


def snapshot(pid, d):
    os.makedirs(d, exist_ok=True)
    for f in ("smaps_rollup", "status", "stat", "smaps", "maps"):
        with open("/proc/%d/%s" % (pid, f)) as src, open(os.path.join(d, f), "w") as dst:
            dst.write(src.read())


def run(rundir):
    for p in STALE:
        if os.path.exists(p):
            os.unlink(p)
    p = subprocess.Popen(["setarch", "x86_64", "-R", "env", "-i"] + ENV
                         + ["/usr/sbin/nginx", "-c", CONF], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                         start_new_session=True)
    meta = dict(master=p.pid)
    try:
        deadline = time.time() + 10
        while len(children(p.pid)) < 2:
            if time.time() > deadline:
                raise RuntimeError("no workers")
            time.sleep(0.05)
        old = children(p.pid)
        wait_idle([p.pid] + old, 1.5)
        meta["before"] = old
        snapshot(p.pid, os.path.join(rundir, "before-M"))
        for i, w in enumerate(old, start=1):
            snapshot(w, os.path.join(rundir, "before-W%d" % i))
        subprocess.run(["setarch", "x86_64", "-R", "env", "-i"] + ENV
                       + ["/usr/sbin/nginx", "-c", CONF, "-s", "reload"], check=True,
                       capture_output=True)
        deadline = time.time() + 10
        while True:
            kids = children(p.pid)
            if len(kids) == 2 and not set(kids) & set(old):
                break
            if time.time() > deadline:
                raise RuntimeError("the reload did not replace the workers: %r" % kids)
            time.sleep(0.05)
        wait_idle([p.pid] + kids, 1.5)
        meta["after"] = kids
        snapshot(p.pid, os.path.join(rundir, "after-M"))
        for i, w in enumerate(kids, start=1):
            snapshot(w, os.path.join(rundir, "after-W%d" % i))
    finally:
        for c in children(p.pid):
            os.kill(c, signal.SIGKILL)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    with open(os.path.join(rundir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)


def main():
    if os.geteuid() != 0:
        sys.exit("capture-nginx-reload.py needs root (other processes' smaps)")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    shutil.copyfile(os.path.join(HERE, "nginx.conf"), CONF)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with open("/proc/sys/kernel/osrelease") as fh:
        kernel = fh.read().strip()
    with open(os.path.join(OUT, "machine.json"), "w") as fh:
        json.dump(dict(kernel=kernel), fh, indent=1)
    for i in range(1, runs + 1):
        run(os.path.join(OUT, "run%d" % i))
        print("run%d done" % i, flush=True)


if __name__ == "__main__":
    main()
