#!/usr/bin/python3
"""Capture, from the real machine, what cowsh needs to rebuild the address
spaces of a few Debian programs run with address randomisation disabled.

  capture.py capture [PROG...]   run the programs, write fixtures/<prog>/...
  capture.py gen                 read fixtures/, write src/kernel/rootfs-image.json
                                 and test/rootfs/captured.json

Run through capture.sh (needs root: pagemap PFNs, kpageflags, kpagecount).
Only Debian's /usr/bin/python3 and its standard library are used.
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import termios
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.environ.get("FIXTURES", os.path.join(HERE, "fixtures"))
LAUNCH = os.environ.get("LAUNCH", "/tmp/cowsh-rootfs-launch")
RUNS = int(os.environ.get("RUNS", "3"))

# The one environment every program gets (exactly these strings, this order).
ENV = ["PATH=/usr/bin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8"]
CWD = "/"
WINSIZE = (24, 80)

# name, execve path, argv, stdin kind, mode, settle seconds
#   stdin "pty": fds 0,1,2 are a pty slave (24x80) that is the controlling tty
#   stdin "pipe": fd 0 is a pipe kept open (never written), fds 1,2 the pty
#   mode "idle": captured untraced once blocked; "exit": captured at the entry
#   of exit_group (ptrace syscall stop)
#   lazy: the image goes to src/kernel/programs/NAME.json, read at the first exec,
#   not into src/kernel/rootfs-image.json, which every start-up loads
PROGRAMS = [
    dict(name="sleep", exe="/usr/bin/sleep", argv=["sleep", "1000"], stdin="pty", mode="idle"),
    dict(name="sh", exe="/usr/bin/sh", argv=["sh"], stdin="pty", mode="idle"),
    dict(name="sh-c", exe="/usr/bin/sh", argv=["sh", "-c", "read x"], stdin="pipe", mode="idle"),
    dict(name="bash", exe="/usr/bin/bash", argv=["bash", "--noprofile", "--norc"], stdin="pty",
         mode="idle"),
    dict(name="bash-c", exe="/usr/bin/bash", argv=["bash", "--noprofile", "--norc", "-c", "read x"],
         stdin="pipe", mode="idle"),
    dict(name="cat", exe="/usr/bin/cat", argv=["cat"], stdin="pty", mode="idle"),
    dict(name="tini", exe="/usr/bin/tini", argv=["tini", "-s", "--", "/usr/bin/sleep", "1000"],
         stdin="pty", mode="idle", settle=3.5, child="tini-child"),
    dict(name="true", exe="/usr/bin/true", argv=["true"], stdin="pty", mode="exit"),
    dict(name="ls", exe="/usr/bin/ls", argv=["ls", "/"], stdin="pty", mode="exit"),
    # issue 14: a language runtime, a threaded server, a pre-forking server.
    # python3 -S: no `site`, whose start-up reads the .pth files of whatever
    # else is installed (setuptools', and on the capture machine one of its
    # sandbox's), so that the capture is Debian's interpreter alone
    dict(name="python3", lazy=True, exe="/usr/bin/python3",
         argv=["python3", "-S", "-c", "import time; time.sleep(1000)"], stdin="pty", mode="idle"),
    dict(name="perl", lazy=True, exe="/usr/bin/perl", argv=["perl", "-e", "sleep 1000"], stdin="pty",
         mode="idle"),
    # no persistence, no TCP port: it serves a unix socket only, and wakes
    # 10 times a second (serverCron), so it settles for longer; three bio
    # threads (and their stacks) are part of its address space
    dict(name="redis-server", lazy=True, exe="/usr/bin/redis-server",
         argv=["redis-server", "--save", "", "--appendonly", "no", "--port", "0",
               "--unixsocket", "/run/cowsh-redis.sock"], stdin="pty", mode="idle", settle=2.0),
    # master_process on, 2 workers, daemon off (test/rootfs/nginx.conf, installed
    # as /etc/nginx/cowsh.conf for the capture): the master is the capture,
    # its forked workers are snapshotted beside it (runN/worker1, worker2)
    dict(name="nginx", lazy=True, exe="/usr/sbin/nginx", argv=["nginx", "-c", "/etc/nginx/cowsh.conf"],
         stdin="pty", mode="idle", settle=1.5, workers=2),
]

# files a capture needs in place on the machine: test folder -> machine
INSTALL = {"nginx": [("nginx.conf", "/etc/nginx/cowsh.conf")]}
# what a killed run leaves behind and the next run must not find (nginx does
# not unlink its socket before bind)
STALE = {"nginx": ["/run/cowsh-nginx.sock", "/run/cowsh-nginx.pid"],
         "redis-server": ["/run/cowsh-redis.sock"]}


def remove_stale(prog):
    for path in STALE.get(prog["name"], []):
        if os.path.lexists(path):
            os.unlink(path)

PAGE = 4096
KPF = {
    0: "LOCKED", 1: "ERROR", 2: "REFERENCED", 3: "UPTODATE", 4: "DIRTY", 5: "LRU", 6: "ACTIVE",
    7: "SLAB", 8: "WRITEBACK", 9: "RECLAIM", 10: "BUDDY", 11: "MMAP", 12: "ANON", 13: "SWAPCACHE",
    14: "SWAPBACKED", 15: "COMPOUND_HEAD", 16: "COMPOUND_TAIL", 17: "HUGE", 18: "UNEVICTABLE",
    19: "HWPOISON", 20: "NOPAGE", 21: "KSM", 22: "THP", 23: "OFFLINE", 24: "ZERO_PAGE", 25: "IDLE",
    26: "PGTABLE", 32: "RESERVED", 33: "MLOCKED", 34: "OWNER_2", 35: "PRIVATE", 36: "PRIVATE_2",
    37: "OWNER_PRIVATE", 38: "ARCH", 40: "SOFTDIRTY", 41: "ARCH_2", 42: "ARCH_3",
}

MAPS_RE = re.compile(
    r"^([0-9a-f]+)-([0-9a-f]+) (....) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s?(.*)$")


# ---------------------------------------------------------------- /proc readers

def parse_maps(text):
    out = []
    for line in text.splitlines():
        m = MAPS_RE.match(line)
        if not m:
            continue
        name = m.group(8).strip()
        out.append(dict(start=int(m.group(1), 16), end=int(m.group(2), 16), perms=m.group(3),
                        offset=int(m.group(4), 16), dev=[int(m.group(5), 16), int(m.group(6), 16)],
                        inode=int(m.group(7)), name=name))
    return out


def parse_smaps(text):
    out = []
    cur = None
    for line in text.splitlines():
        m = MAPS_RE.match(line)
        if m and not line.startswith(("VmFlags", "Rss")):
            cur = dict(start=int(m.group(1), 16), end=int(m.group(2), 16), fields={}, vmflags="")
            out.append(cur)
            continue
        if cur is None:
            continue
        if line.startswith("VmFlags:"):
            cur["vmflags"] = line[len("VmFlags:"):].strip()
        else:
            k, _, v = line.partition(":")
            v = v.strip()
            if v.endswith(" kB"):
                v = v[:-3]
            try:
                cur["fields"][k] = int(v)
            except ValueError:
                cur["fields"][k] = v
    return out


def parse_status(text):
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


STAT_NAMES = [
    "pid", "comm", "state", "ppid", "pgrp", "session", "tty_nr", "tpgid", "flags", "minflt",
    "cminflt", "majflt", "cmajflt", "utime", "stime", "cutime", "cstime", "priority", "nice",
    "num_threads", "itrealvalue", "starttime", "vsize", "rss", "rsslim", "startcode", "endcode",
    "startstack", "kstkesp", "kstkeip", "signal", "blocked", "sigignore", "sigcatch", "wchan",
    "nswap", "cnswap", "exit_signal", "processor", "rt_priority", "policy",
    "delayacct_blkio_ticks", "guest_time", "cguest_time", "start_data", "end_data", "start_brk",
    "arg_start", "arg_end", "env_start", "env_end", "exit_code",
]


def parse_stat(text):
    lp = text.index("(")
    rp = text.rindex(")")
    vals = [text[:lp].strip(), text[lp + 1:rp]] + text[rp + 2:].split()
    out = {}
    for i, n in enumerate(STAT_NAMES):
        v = vals[i]
        out[n] = v if n in ("comm", "state") else int(v)
    return out


AT_NAMES = {
    0: "AT_NULL", 3: "AT_PHDR", 4: "AT_PHENT", 5: "AT_PHNUM", 6: "AT_PAGESZ", 7: "AT_BASE",
    8: "AT_FLAGS", 9: "AT_ENTRY", 11: "AT_UID", 12: "AT_EUID", 13: "AT_GID", 14: "AT_EGID",
    15: "AT_PLATFORM", 16: "AT_HWCAP", 17: "AT_CLKTCK", 23: "AT_SECURE", 24: "AT_BASE_PLATFORM",
    25: "AT_RANDOM", 26: "AT_HWCAP2", 27: "AT_RSEQ_FEATURE_SIZE", 28: "AT_RSEQ_ALIGN",
    29: "AT_HWCAP3", 30: "AT_HWCAP4", 31: "AT_EXECFN", 33: "AT_SYSINFO_EHDR",
    51: "AT_MINSIGSTKSZ",
}


def parse_auxv(raw):
    out = []
    for i in range(0, len(raw), 16):
        t, v = struct.unpack_from("<QQ", raw, i)
        out.append([AT_NAMES.get(t, "AT_%d" % t), v])
        if t == 0:
            break
    return out


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_text(path):
    with open(path, "r", errors="surrogateescape") as f:
        return f.read()


def classify_pages(pid, maps, smaps):
    """Per VMA, per page: the pagemap entry and, if present, kpageflags and
    kpagecount of its PFN. Returns (rows for pages.tsv, per-VMA page class
    strings)."""
    rows = []
    classes = []
    vmflags = {(s["start"], s["end"]): s["vmflags"] for s in smaps}
    with open("/proc/%d/pagemap" % pid, "rb") as pm, open("/proc/kpageflags", "rb") as kf, \
            open("/proc/kpagecount", "rb") as kc:
        for v in maps:
            if v["start"] >= 0x800000000000:  # [vsyscall]: beyond task_size, not in pagemap
                classes.append(None)
                continue
            n = (v["end"] - v["start"]) // PAGE
            pm.seek((v["start"] // PAGE) * 8)
            raw = pm.read(n * 8)
            pfnmap = "pf" in vmflags.get((v["start"], v["end"]), "").split()
            cls = []
            for i in range(n):
                (e,) = struct.unpack_from("<Q", raw, i * 8)
                va = v["start"] + i * PAGE
                if not (e >> 63) & 1:
                    c = "s" if (e >> 62) & 1 else "-"
                    cls.append(c)
                    if c != "-":
                        rows.append((va, e, 0, 0, 0, c))
                    continue
                pfn = e & ((1 << 55) - 1)
                kf.seek(pfn * 8)
                (flags,) = struct.unpack("<Q", kf.read(8))
                kc.seek(pfn * 8)
                (count,) = struct.unpack("<Q", kc.read(8))
                if pfnmap:
                    c = "p"
                elif (flags >> 24) & 1:
                    c = "z"
                elif (e >> 61) & 1:
                    c = "m" if (flags >> 14) & 1 else "f"
                else:
                    c = "a"
                cls.append(c)
                rows.append((va, e, pfn, flags, count, c))
            classes.append("".join(cls))
    return rows, classes


def rle(s):
    out = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out.append("%s%d" % (s[i], j - i))
        i = j
    return " ".join(out)


def flag_names(flags):
    return ",".join(n for b, n in sorted(KPF.items()) if (flags >> b) & 1)


def snapshot(pid, outdir):
    """Copy the raw /proc files of pid into outdir and write pages.tsv."""
    os.makedirs(outdir, exist_ok=True)
    raw = {}
    for f in ("maps", "smaps", "smaps_rollup", "status", "stat", "statm"):
        raw[f] = read_text("/proc/%d/%s" % (pid, f))
    for f in ("cmdline", "environ", "auxv"):
        raw[f] = read_bytes("/proc/%d/%s" % (pid, f))
    raw["syscall"] = read_text("/proc/%d/syscall" % pid)
    raw["exe"] = os.readlink("/proc/%d/exe" % pid)
    maps = parse_maps(raw["maps"])
    smaps = parse_smaps(raw["smaps"])
    rows, classes = classify_pages(pid, maps, smaps)
    for f in ("maps", "smaps", "smaps_rollup", "status", "stat", "statm", "syscall"):
        with open(os.path.join(outdir, f), "w", errors="surrogateescape") as fh:
            fh.write(raw[f])
    for f in ("cmdline", "environ", "auxv"):
        with open(os.path.join(outdir, f), "wb") as fh:
            fh.write(raw[f])
    with open(os.path.join(outdir, "pages.tsv"), "w") as fh:
        fh.write("# vaddr\tpagemap\tpfn\tkpageflags\tkpagecount\tclass\tflag names\n")
        for va, e, pfn, flags, count, c in rows:
            fh.write("%x\t%016x\t%x\t%x\t%d\t%s\t%s\n" % (va, e, pfn, flags, count, c,
                                                        flag_names(flags)))
    # how much of each mapped file is in the page cache right now (mincore)
    files = sorted({v["name"] for v in maps if v["name"].startswith("/")})
    if files:
        r = subprocess.run(["fincore", "--raw", "--bytes", "--noheadings", "-o", "RES,SIZE,FILE"]
                           + files, capture_output=True, text=True)
        with open(os.path.join(outdir, "pagecache.txt"), "w") as fh:
            fh.write("# resident-bytes file-size file (fincore)\n" + r.stdout)
    with open(os.path.join(outdir, "resident.txt"), "w") as fh:
        for v, c in zip(maps, classes):
            fh.write("%x-%x %s %s %s\n" % (v["start"], v["end"], v["perms"], v["name"] or "-",
                                           rle(c) if c is not None else "(not in pagemap)"))
    return dict(exe=raw["exe"], syscall=raw["syscall"].strip(), tasks=snapshot_tasks(pid, outdir))


def snapshot_tasks(pid, outdir):
    """The thread group's tasks (/proc/PID/task/TID): TID, comm and own fault
    counters, and each one's raw stat and status under outdir/task/TID."""
    tasks = []
    for tid in sorted(int(t) for t in os.listdir("/proc/%d/task" % pid)):
        tdir = os.path.join(outdir, "task", str(tid))
        os.makedirs(tdir, exist_ok=True)
        raw = {f: read_text("/proc/%d/task/%d/%s" % (pid, tid, f)) for f in ("stat", "status", "comm")}
        for f, text in raw.items():
            with open(os.path.join(tdir, f), "w") as fh:
                fh.write(text)
        st = parse_stat(raw["stat"])
        tasks.append(dict(tid=tid, comm=raw["comm"].strip(), minflt=st["minflt"], majflt=st["majflt"]))
    return tasks


def read_stack(pid, sp, outdir):
    """Dump the initial stack (sp .. top of the [stack] VMA) at exec time."""
    maps = parse_maps(read_text("/proc/%d/maps" % pid))
    top = [v["end"] for v in maps if v["name"] == "[stack]"][0]
    with open("/proc/%d/mem" % pid, "rb") as mem:
        mem.seek(sp)
        data = mem.read(top - sp)
    with open(os.path.join(outdir, "stack.bin"), "wb") as fh:
        fh.write(data)


# ---------------------------------------------------------------- running

class Pty:
    def __init__(self):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", WINSIZE[0], WINSIZE[1],
                                                                0, 0))
        self.out = bytearray()
        self.stop = False
        self.t = threading.Thread(target=self._drain, daemon=True)
        self.t.start()

    def _drain(self):
        while not self.stop:
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    d = os.read(self.master, 4096)
                except OSError:
                    return
                if not d:
                    return
                self.out += d

    def close(self):
        self.stop = True
        self.t.join()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def stdio_for(prog, pty):
    """Returns (stdin, stdout, stderr, keep) for Popen."""
    if prog["stdin"] == "pipe":
        r, w = os.pipe()
        return r, pty.slave, pty.slave, [r, w]
    return pty.slave, pty.slave, pty.slave, []


def children(pid):
    try:
        return [int(x) for x in read_text("/proc/%d/task/%d/children" % (pid, pid)).split()]
    except OSError:
        return []


def fault_state(pid):
    st = parse_stat(read_text("/proc/%d/stat" % pid))
    return (st["state"], st["minflt"], st["majflt"], read_text("/proc/%d/maps" % pid),
            read_text("/proc/%d/syscall" % pid).split()[0])


def wait_idle(pid, settle):
    """Wait until pid sleeps in a system call and nothing (faults, maps) has
    changed for `settle` seconds."""
    deadline = time.time() + 30
    last = None
    since = time.time()
    while time.time() < deadline:
        cur = fault_state(pid)
        if cur != last or cur[0] != "S" or cur[4] == "running":
            last = cur
            since = time.time()
        elif time.time() - since >= settle:
            return cur
        time.sleep(0.05)
    raise RuntimeError("pid %d never settled: %r" % (pid, last[:3]))


def write_env(path):
    with open(path, "w") as fh:
        fh.write("".join(e + "\n" for e in ENV))


def capture_run(prog, rundir, envfile):
    """One supervised run: snapshot at exec, then at idle or at exit_group."""
    os.makedirs(rundir, exist_ok=True)
    remove_stale(prog)
    pty = Pty()
    sin, sout, serr, keep = stdio_for(prog, pty)
    rep_r, rep_w = os.pipe()
    go_r, go_w = os.pipe()
    cmd = [LAUNCH, "super", "--ctty", "--rep", str(rep_w), "--go", str(go_r)]
    if prog["mode"] == "exit":
        cmd.append("--stop-exit")
    cmd += [prog["exe"], envfile] + prog["argv"]
    p = subprocess.Popen(cmd, stdin=sin, stdout=sout, stderr=serr, pass_fds=(rep_w, go_r),
                         cwd=CWD, start_new_session=True)
    os.close(rep_w)
    os.close(go_r)
    rep = os.fdopen(rep_r, "r")
    try:
        return supervised(prog, rundir, p, pty, keep, rep, go_w)
    except BaseException:
        kill_tree(p.pid)
        p.wait()
        pty.close()
        for fd in keep + [go_w]:
            os.close(fd)
        rep.close()
        raise


def supervised(prog, rundir, p, pty, keep, rep, go_w):
    meta = dict(program=prog["name"], exe=prog["exe"], argv=prog["argv"], env=ENV, cwd=CWD,
                stdin=prog["stdin"], mode=prog["mode"])

    def line(expect):
        ln = rep.readline().split()
        if not ln or ln[0] != expect:
            raise RuntimeError("%s: expected %s, got %r" % (prog["name"], expect, ln))
        return ln

    pid = int(line("PID")[1])
    meta["pid"] = pid
    pre = line("PREEXEC")
    meta["preexec"] = dict(minflt=int(pre[1]), majflt=int(pre[2]))
    ex = line("EXEC")
    meta["exec"] = dict(minflt=int(ex[1]), majflt=int(ex[2]), rsp=int(ex[3], 16),
                        rip=int(ex[4], 16))
    meta["exec"].update(snapshot(pid, os.path.join(rundir, "exec")))
    read_stack(pid, int(ex[3], 16), os.path.join(rundir, "exec"))
    os.write(go_w, b"go\n")
    kids = []
    if prog["mode"] == "idle":
        st = wait_idle(pid, prog.get("settle", 1.0))
        meta["final"] = dict(state=st[0], minflt=st[1], majflt=st[2])
        meta["final"].update(snapshot(pid, os.path.join(rundir, "final")))
        if prog.get("workers"):
            deadline = time.time() + 10
            while len(children(pid)) < prog["workers"] and time.time() < deadline:
                time.sleep(0.05)
            kids = sorted(children(pid))
            meta["workers"] = []
            for i, c in enumerate(kids, start=1):
                st = wait_idle(c, 1.0)
                w = dict(pid=c, state=st[0], minflt=st[1], majflt=st[2])
                w.update(snapshot(c, os.path.join(rundir, "worker%d" % i)))
                meta["workers"].append(w)
        if prog.get("child"):
            kids = children(pid)
            if len(kids) == 1:
                c = kids[0]
                st = wait_idle(c, 1.0)
                cdir = os.path.join(rundir, "child")
                meta["child"] = dict(pid=c, state=st[0], minflt=st[1], majflt=st[2])
                meta["child"].update(snapshot(c, cdir))
        for k in kids:
            os.kill(k, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
    else:
        eg = line("EXITGROUP")
        st = parse_stat(read_text("/proc/%d/stat" % pid))
        meta["final"] = dict(state=st["state"], minflt=int(eg[1]), majflt=int(eg[2]))
        meta["final"].update(snapshot(pid, os.path.join(rundir, "final")))
        os.write(go_w, b"go\n")
    status = rep.readline().split()
    meta["wstatus"] = int(status[1]) if len(status) > 1 else None
    p.wait()
    time.sleep(0.1)
    pty.close()
    for fd in keep + [go_w]:
        os.close(fd)
    rep.close()
    with open(os.path.join(rundir, "tty-output.txt"), "wb") as fh:
        fh.write(bytes(pty.out))
    with open(os.path.join(rundir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def strace_run(prog, pdir, envfile):
    """One run under strace -f (all system calls, fds shown as paths)."""
    log = os.path.join(pdir, "strace.log")
    remove_stale(prog)
    pty = Pty()
    sin, sout, serr, keep = stdio_for(prog, pty)
    cmd = ["/usr/bin/strace", "-f", "-y", "-s", "256", "-o", log, LAUNCH, "plain", prog["exe"],
           envfile] + prog["argv"]

    def ctty():
        os.setsid()
        try:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        except OSError:
            fcntl.ioctl(1, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(cmd, stdin=sin, stdout=sout, stderr=serr, cwd=CWD, preexec_fn=ctty)
    try:
        return strace_wait(prog, pdir, p, pty, keep)
    except BaseException:
        kill_tree(p.pid)
        p.wait()
        pty.close()
        for fd in keep:
            os.close(fd)
        raise


def kill_tree(pid):
    """SIGKILL pid and its descendants (processes this script started)."""
    for c in children(pid):
        kill_tree(c)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def strace_wait(prog, pdir, p, pty, keep):
    info = {}
    if prog["mode"] == "idle":
        # strace forks short-lived test processes first: wait for the child
        # that runs the program
        deadline = time.time() + 20
        pid = None
        want = os.path.realpath(prog["exe"])
        while time.time() < deadline and pid is None:
            for k in children(p.pid):
                try:
                    if os.readlink("/proc/%d/exe" % k) == want:
                        pid = k
                except OSError:
                    pass
            time.sleep(0.05)
        st = wait_idle(pid, prog.get("settle", 1.0))
        maps = read_text("/proc/%d/maps" % pid)
        with open(os.path.join(pdir, "strace-final-maps"), "w") as fh:
            fh.write(maps)
        info["pid"] = pid
        info["state"] = st[0]
        for k in children(pid):
            os.kill(k, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
    p.wait()
    pty.close()
    for fd in keep:
        os.close(fd)
    return info


def warm_page_cache(log, exe):
    """Read every regular file the program opened (fds shown as <path> in the
    strace log) from start to end, so that all of it is in the page cache.
    Fault-around maps only pages that are cached, so a partly cached file
    would leave holes in the resident set."""
    paths = {os.path.realpath(exe)}
    for m in re.finditer(r"<(/[^<>]*)>", read_text(log)):
        paths.add(m.group(1))
    for p in sorted(paths):
        if p.startswith(("/dev/", "/proc/", "/sys/")) or not os.path.isfile(p):
            continue
        with open(p, "rb") as fh:
            while fh.read(1 << 20):
                pass


def retry(fn, tries=3):
    for i in range(tries):
        try:
            return fn()
        except (RuntimeError, OSError, IndexError, TypeError) as e:
            print("  attempt %d failed: %r" % (i + 1, e), flush=True)
            if i == tries - 1:
                raise
            time.sleep(1)


def capture(names):
    if os.geteuid() != 0:
        sys.exit("capture needs root (pagemap PFNs, /proc/kpageflags)")
    os.makedirs(FIX, exist_ok=True)
    envfile = os.path.join(FIX, "env.txt")
    write_env(envfile)
    machine = dict(
        uname=os.uname().release + " " + os.uname().version,
        # the one boot option that changes what these captures show
        pvm_no_zero_page="pvm_no_zero_page=1" in read_text("/proc/cmdline").split(),
        randomize_va_space=read_text("/proc/sys/kernel/randomize_va_space").strip(),
        legacy_va_layout=read_text("/proc/sys/vm/legacy_va_layout").strip(),
        thp_enabled=read_text("/sys/kernel/mm/transparent_hugepage/enabled").strip(),
        stack_rlimit=list(__import__("resource").getrlimit(__import__("resource").RLIMIT_STACK)),
        debian=read_text("/etc/debian_version").strip(),
        cpu=[ln.split(":", 1)[1].strip() for ln in read_text("/proc/cpuinfo").splitlines()
             if ln.startswith("model name")][0],
    )
    # a full capture describes the machine once; a partial one (some programs
    # added or recaptured later, perhaps on a newer kernel) beside each program
    if not names:
        with open(os.path.join(FIX, "machine.json"), "w") as fh:
            json.dump(machine, fh, indent=1)
    for prog in PROGRAMS:
        if names and prog["name"] not in names:
            continue
        for src, dst in INSTALL.get(prog["name"], []):
            shutil.copyfile(os.path.join(HERE, src), dst)
        pdir = os.path.join(FIX, prog["name"])
        if os.path.isdir(pdir):
            shutil.rmtree(pdir)
        os.makedirs(pdir)
        if names:
            with open(os.path.join(pdir, "machine.json"), "w") as fh:
                json.dump(machine, fh, indent=1)
        print("==", prog["name"], flush=True)
        info = retry(lambda: strace_run(prog, pdir, envfile))
        with open(os.path.join(pdir, "strace-info.json"), "w") as fh:
            json.dump(info, fh)
        warm_page_cache(os.path.join(pdir, "strace.log"), prog["exe"])
        for r in range(1, RUNS + 1):
            m = retry(lambda: capture_run(prog, os.path.join(pdir, "run%d" % r), envfile))
            print("  run%d minflt %d majflt %d (pre-exec %d, at exec %d)" % (
                r, m["final"]["minflt"], m["final"]["majflt"], m["preexec"]["minflt"],
                m["exec"]["minflt"]), flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "capture":
        capture(sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "gen":
        sys.path.insert(0, HERE)
        import gen  # noqa: E402

        gen.main()
    else:
        sys.exit(__doc__)
