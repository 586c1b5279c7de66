"""Read test/rootfs/fixtures and write src/kernel/rootfs-image.json (what
the kernel reads), test/rootfs/captured.json (what only the tests read) and
fixtures/REPORT.txt: what differed between the runs, and checks of the data
against simple models of the kernel's rules.

Called as `capture.py gen`. Standard library only.
"""

import copy
import json
import os
import re
import stat as st
import struct

from capture import (ENV, FIX, HERE, PROGRAMS, parse_auxv, parse_maps, parse_smaps, parse_stat,
                     parse_status, rle)

OUT = os.environ.get("ROOTFS_IMAGE", os.path.normpath(
    os.path.join(HERE, "..", "..", "src", "kernel", "rootfs-image.json")))
TEST_OUT = os.environ.get("ROOTFS_CAPTURED", os.path.join(HERE, "captured.json"))
# one file per program of the lazily loaded kind (see `lazy` in capture.py)
LAZY_DIR = os.environ.get("ROOTFS_PROGRAMS", os.path.normpath(
    os.path.join(HERE, "..", "..", "src", "kernel", "programs")))
PAGE = 4096


# ---------------------------------------------------------------- helpers

def rd(path, mode="r"):
    with open(path, mode) as fh:
        return fh.read()


def hx(n):
    return "0x%x" % n


def js(s):
    return json.dumps(s, ensure_ascii=False)


# ---------------------------------------------------------------- strace log

LINE_RE = re.compile(r"^(\d+)\s+(.*)$")


def strace_events(log):
    """Yields (pid, text) of complete system-call lines, with the
    <unfinished ...> / <... resumed> halves joined."""
    pending = {}
    for raw in rd(log, "rb").decode("utf-8", "surrogateescape").splitlines():
        m = LINE_RE.match(raw)
        if not m:
            continue
        pid, text = int(m.group(1)), m.group(2)
        if text.startswith("+++") or text.startswith("---"):
            continue
        if text.endswith("<unfinished ...>"):
            pending[pid] = text[: -len("<unfinished ...>")].rstrip()
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", text)
        if r:
            text = pending.pop(pid, r.group(1) + "(") + r.group(2)
        yield pid, text
    for pid, text in pending.items():
        yield pid, text + " <unfinished>"


FD = r"(-?\d+)(?:<((?:[^>\\]|\\.)*)>)?"
NUM = r"(0x[0-9a-f]+|\d+)"
ERR = r"-1 (E\w+)"
STR = r'"((?:[^"\\]|\\.)*)"'
RE = {
    "mmap": re.compile(r"^mmap\((NULL|0x[0-9a-f]+), (\d+), ([A-Z_|]+), ([A-Z_|]+), " + FD + ", "
                       + NUM + r"\)\s+= (?:(0x[0-9a-f]+)|" + ERR + ")"),
    "mprotect": re.compile(r"^mprotect\((0x[0-9a-f]+), (\d+), ([A-Z_|]+)\)\s+= (?:(0)|" + ERR
                           + ")"),
    "munmap": re.compile(r"^munmap\((0x[0-9a-f]+), (\d+)\)\s+= (?:(0)|" + ERR + ")"),
    "brk": re.compile(r"^brk\((NULL|0x[0-9a-f]+)\)\s+= (0x[0-9a-f]+)"),
    "madvise": re.compile(r"^madvise\((0x[0-9a-f]+), (\d+), (\w+)\)\s+= (?:(0)|" + ERR + ")"),
    "mremap": re.compile(r"^mremap\((0x[0-9a-f]+), (\d+), (\d+), ([A-Z_|0]+)(?:, (0x[0-9a-f]+))?"
                         r"\)\s+= (?:(0x[0-9a-f]+)|" + ERR + ")"),
    "openat": re.compile(r"^openat\(AT_FDCWD(?:<[^>]*>)?, " + STR + r", ([A-Z_|]+)(?:, (0\d*))?\)"
                         r"\s+= (?:(\d+)(?:<((?:[^>\\]|\\.)*)>)?|" + ERR + ")"),
    "close": re.compile(r"^close\(" + FD + r"\)\s+= (?:(0)|" + ERR + ")"),
}
# system calls whose first string argument is a path (for the list of files
# and of paths that were looked up but do not exist)
PATH_CALLS = re.compile(r"^(execve|access|faccessat2?|newfstatat|stat|lstat|statx|readlink|"
                        r"readlinkat|openat|open|chdir)\((?:AT_FDCWD(?:<[^>]*>)?, )?" + STR
                        + r".*\)\s+= (?:(-1) (E\w+)|(\S+))")

MEMORY_CALLS = {"mmap", "mprotect", "munmap", "brk", "madvise", "mremap", "mlock", "munlock",
                "msync", "mincore", "pkey_mprotect", "remap_file_pages", "mseal", "shmat", "shmdt"}


def unescape(s):
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


def prot_str(p):
    if p == "PROT_NONE":
        return "---"
    ps = p.split("|")
    return ("r" if "PROT_READ" in ps else "-") + ("w" if "PROT_WRITE" in ps else "-") + (
        "x" if "PROT_EXEC" in ps else "-")


def parse_events(log, exe_path, pick_child=False):
    """The events of the target after its successful execve of exe_path.
    The launcher (the first pid in the log) execs the program itself;
    pick_child: take instead a process it forked that exec'd exe_path."""
    target = None
    threads = set()
    root = None
    events = []
    paths = []
    # the threads the program started (clone3 with CLONE_THREAD), in order:
    # TID in the strace run, the stack glibc mapped for it, its PR_SET_NAME
    clones = []
    # the processes it forked (clone without CLONE_THREAD), in order, each with
    # its own events after the fork (nginx's workers)
    forks = {}
    everyone = events
    for pid, text in strace_events(log):
        if root is None:
            root = pid
        if target is None:
            if text.startswith('execve("%s",' % exe_path) and text.rstrip().endswith("= 0"):
                if (pid != root) == pick_child:
                    target = pid
                    threads = {pid}
                    m = re.match(r'^execve\("([^"]*)", \[(.*)\], ', text)
                    paths.append(("execve", m.group(1), None))
            continue
        if pid in threads:
            events = everyone
        elif pid in forks:
            events = forks[pid]
        else:
            continue
        name = text.split("(", 1)[0]
        if name in ("clone", "clone3") and "CLONE_THREAD" not in text and pid in threads:
            child = re.search(r"\)\s+= (\d+)$", text)
            if child:
                forks[int(child.group(1))] = []
        # the program's threads share its mm: their memory calls are its own
        if name in ("clone", "clone3") and "CLONE_THREAD" in text:
            tid = re.search(r"\)\s+= (\d+)$", text)
            if tid:
                threads.add(int(tid.group(1)))
                stack = re.search(r"stack=(0x[0-9a-f]+)", text)
                clones.append(dict(tid=int(tid.group(1)),
                                   stack=int(stack.group(1), 16) if stack else None,
                                   comm=None))
        if name == "prctl" and text.startswith('prctl(PR_SET_NAME, "'):
            for c in clones:
                if c["tid"] == pid:
                    c["comm"] = unescape(re.match(r'prctl\(PR_SET_NAME, ' + STR, text).group(1))[:15]
        pm = PATH_CALLS.match(text)
        if pm and pm.group(2):
            p = unescape(pm.group(2))
            paths.append((pm.group(1), p, pm.group(4)))
        if name in MEMORY_CALLS:
            m = RE.get(name) and RE[name].match(text)
            if not m:
                raise SystemExit("unparsed memory call in %s: %s" % (log, text))
            if name == "mmap":
                addr, length, prot, flags, fd, fpath, off, res, err = m.groups()
                ev = dict(op="mmap", addr=None if addr == "NULL" else int(addr, 16),
                          length=int(length), prot=prot_str(prot), flags=flags.split("|"),
                          fd=int(fd), offset=int(off, 0))
                if int(fd) >= 0:
                    ev["file"] = unescape(fpath)
                ev["result"] = int(res, 16) if res else -1
                if err:
                    ev["errno"] = err
            elif name == "mprotect":
                addr, length, prot, ok, err = m.groups()
                ev = dict(op="mprotect", addr=int(addr, 16), length=int(length),
                          prot=prot_str(prot), result=0 if ok else -1)
                if err:
                    ev["errno"] = err
            elif name == "munmap":
                addr, length, ok, err = m.groups()
                ev = dict(op="munmap", addr=int(addr, 16), length=int(length),
                          result=0 if ok else -1)
                if err:
                    ev["errno"] = err
            elif name == "brk":
                addr, res = m.groups()
                ev = dict(op="brk", addr=None if addr == "NULL" else int(addr, 16),
                          result=int(res, 16))
            elif name == "madvise":
                addr, length, adv, ok, err = m.groups()
                ev = dict(op="madvise", addr=int(addr, 16), length=int(length), advice=adv,
                          result=0 if ok else -1)
                if err:
                    ev["errno"] = err
            else:
                addr, olen, nlen, flags, naddr, res, err = m.groups()
                ev = dict(op="mremap", addr=int(addr, 16), oldLength=int(olen),
                          newLength=int(nlen), flags=flags.split("|"),
                          result=int(res, 16) if res else -1)
                if err:
                    ev["errno"] = err
            events.append(ev)
        elif name == "openat":
            m = RE["openat"].match(text)
            if not m:
                if text.endswith("<unfinished>"):
                    continue
                raise SystemExit("unparsed openat: " + text)
            path, flags, _mode, fd, fpath, err = m.groups()
            ev = dict(op="openat", path=unescape(path), flags=flags.split("|"))
            if fd is not None:
                ev["result"] = int(fd)
                if fpath and fpath.startswith("/"):
                    ev["file"] = unescape(fpath)
            else:
                ev["result"] = -1
                ev["errno"] = err
            events.append(ev)
        elif name == "close":
            m = RE["close"].match(text)
            if not m:
                raise SystemExit("unparsed close: " + text)
            fd, fpath, ok, err = m.groups()
            ev = dict(op="close", fd=int(fd))
            if fpath and fpath.startswith("/"):
                ev["file"] = unescape(fpath)
            ev["result"] = 0 if ok else -1
            if err:
                ev["errno"] = err
            events.append(ev)
    if target is None:
        raise SystemExit("no execve of %s in %s" % (exe_path, log))
    return everyone, paths, clones, [forks[c] for c in sorted(forks)]


# ---------------------------------------------------------------- ELF

PT = {1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 6: "PHDR", 7: "TLS", 0x6474E551: "GNU_STACK",
      0x6474E552: "GNU_RELRO"}


def pflags(f):
    return ("r" if f & 4 else "") + ("w" if f & 2 else "") + ("x" if f & 1 else "")


def parse_elf(path):
    data = rd(path, "rb")
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    (e_type, _m, _v, e_entry, e_phoff, _shoff, _fl, _ehs, e_phentsize,
     e_phnum) = struct.unpack_from("<HHIQQQIHHH", data, 16)
    loads, relro, interp, dyn, tls, stack = [], None, None, None, None, None
    for i in range(e_phnum):
        (p_type, p_flags, p_offset, p_vaddr, _pa, p_filesz, p_memsz,
         p_align) = struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == 1:
            loads.append(dict(offset=p_offset, vaddr=p_vaddr, filesz=p_filesz, memsz=p_memsz,
                              flags=pflags(p_flags), align=p_align))
        elif p_type == 3:
            interp = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
        elif p_type == 0x6474E552:
            relro = dict(vaddr=p_vaddr, memsz=p_memsz)
        elif p_type == 2:
            dyn = (p_offset, p_filesz)
        elif p_type == 7:
            tls = dict(vaddr=p_vaddr, filesz=p_filesz, memsz=p_memsz, align=p_align)
        elif p_type == 0x6474E551:
            stack = pflags(p_flags)
    needed, soname = [], None
    if dyn:
        ents = []
        for off in range(dyn[0], dyn[0] + dyn[1], 16):
            tag, val = struct.unpack_from("<qQ", data, off)
            if tag == 0:
                break
            ents.append((tag, val))
        strtab = [v for t, v in ents if t == 5][0]
        stroff = None
        for ld in loads:
            if ld["vaddr"] <= strtab < ld["vaddr"] + ld["filesz"]:
                stroff = strtab - ld["vaddr"] + ld["offset"]

        def cstr(o):
            return data[stroff + o:data.index(b"\0", stroff + o)].decode()

        needed = [cstr(v) for t, v in ents if t == 1]
        sn = [cstr(v) for t, v in ents if t == 14]
        soname = sn[0] if sn else None
    out = dict(type={2: "EXEC", 3: "DYN"}[e_type], entry=e_entry, phoff=e_phoff, phnum=e_phnum,
               loads=loads, needed=needed, stack=stack or "")
    if interp:
        out["interp"] = interp
    if relro:
        out["relro"] = relro
    if tls:
        out["tls"] = tls
    if soname:
        out["soname"] = soname
    return out


# ---------------------------------------------------------------- files, symlinks

def resolve(path, links):
    """Like realpath, recording each symlink met as links[linkpath] = target."""
    parts = [p for p in path.split("/") if p]
    cur = "/"
    hops = 0
    while parts:
        p = parts.pop(0)
        if p == ".":
            continue
        if p == "..":
            cur = os.path.dirname(cur) or "/"
            continue
        nxt = os.path.join(cur, p)
        tgt = HOST.readlink(nxt)
        if tgt is not None:
            links[nxt] = tgt
            hops += 1
            if hops > 40:
                raise SystemExit("symlink loop at " + path)
            if tgt.startswith("/"):
                cur = "/"
            parts = [q for q in tgt.split("/") if q] + parts
        else:
            cur = nxt
    return cur


def file_spec(canon):
    s = os.stat(canon)
    kind = "dir" if st.S_ISDIR(s.st_mode) else "file" if st.S_ISREG(s.st_mode) else None
    if kind is None:
        return None
    spec = dict(path=canon, kind=kind, inode=s.st_ino, size=s.st_size, mode=s.st_mode,
                dev=[os.major(s.st_dev), os.minor(s.st_dev)])
    if kind == "file":
        elf = parse_elf(canon)
        if elf:
            spec["elf"] = elf
    return spec


class HostView:
    """The capture machine's files as gen.py reads them (does a path exist, is
    it a symlink, its stat and ELF headers). When the capture runs
    (ROOTFS_RESTAT=1, set by capture.sh) they are read from the real files
    and recorded in fixtures/host-files.json; `capture.sh gen` reads them
    back from there, so it writes the same data on any machine."""

    def __init__(self):
        self.path = os.path.join(FIX, "host-files.json")
        self.live = os.environ.get("ROOTFS_RESTAT") == "1" or not os.path.exists(self.path)
        if self.live and not os.path.exists(self.path):
            self.rec = {"exists": {}, "links": {}, "files": {}}
        else:
            # after a partial capture (some programs added later), the record
            # keeps what the earlier captures saw and gains only new entries:
            # a library updated since then would otherwise change the data of
            # programs that were not recaptured
            with open(self.path) as fh:
                self.rec = json.load(fh)

    def _get(self, table, key, compute):
        t = self.rec[table]
        if key not in t:
            if not self.live:
                raise SystemExit("fixtures/host-files.json has no %s entry for %s: rerun the "
                                 "capture (capture.sh) to record the files again" % (table, key))
            t[key] = compute()
        return copy.deepcopy(t[key])

    def exists(self, p):
        return self._get("exists", p, lambda: os.path.exists(p))

    def readlink(self, p):
        return self._get("links", p, lambda: os.readlink(p) if os.path.islink(p) else None)

    def file_spec(self, canon):
        return self._get("files", canon, lambda: file_spec(canon))

    def save(self):
        if not self.live:
            return
        with open(self.path, "w") as fh:
            json.dump({t: dict(sorted(v.items())) for t, v in self.rec.items()}, fh,
                      ensure_ascii=False)
            fh.write("\n")
        print("wrote", self.path)


HOST = HostView()


# ---------------------------------------------------------------- snapshots

def load_snapshot(d):
    maps = parse_maps(rd(os.path.join(d, "maps")))
    smaps = parse_smaps(rd(os.path.join(d, "smaps")))
    classes = {}
    for ln in rd(os.path.join(d, "resident.txt")).splitlines():
        rng = ln.split()[0]
        a, b = rng.split("-")
        classes[(int(a, 16), int(b, 16))] = ln.split(None, 3)[3]
    # pages.tsv holds only non-absent pages; rebuild the class string
    pages = {}
    for ln in rd(os.path.join(d, "pages.tsv")).splitlines()[1:]:
        f = ln.split("\t")
        pages[int(f[0], 16)] = f[5]
    sm = {(s["start"], s["end"]): s for s in smaps}
    vmas = []
    for v in maps:
        s = sm[(v["start"], v["end"])]
        n = (v["end"] - v["start"]) // PAGE
        if v["start"] >= 0x800000000000:
            cls = "-" * n
        else:
            cls = "".join(pages.get(v["start"] + i * PAGE, "-") for i in range(n))
        vmas.append(dict(start=v["start"], end=v["end"], perms=v["perms"], offset=v["offset"],
                         dev=v["dev"], inode=v["inode"], path=v["name"], vmFlags=s["vmflags"],
                         pages=rle(cls), cls=cls, rssKb=s["fields"]["Rss"],
                         privateDirtyKb=s["fields"]["Private_Dirty"],
                         anonymousKb=s["fields"]["Anonymous"]))
    for v in vmas:
        # cross-check the page classes against smaps
        # the zero page is mapped but not counted (vm_normal_page is NULL for it)
        present = sum(v["cls"].count(c) for c in "fam")
        anon = v["cls"].count("a")
        if present * 4 != v["rssKb"] or anon * 4 != v["anonymousKb"]:
            raise SystemExit("%s: %x-%x pages %s but smaps Rss %d Anonymous %d" % (
                d, v["start"], v["end"], v["pages"], v["rssKb"], v["anonymousKb"]))
    stat = parse_stat(rd(os.path.join(d, "stat")))
    status = parse_status(rd(os.path.join(d, "status")))
    statm = [int(x) for x in rd(os.path.join(d, "statm")).split()]
    auxv = parse_auxv(rd(os.path.join(d, "auxv"), "rb"))
    return dict(vmas=vmas, stat=stat, status=status, statm=statm, auxv=auxv,
                syscall=rd(os.path.join(d, "syscall")).split()[0])


SYSCALL_NAMES = {"0": "read", "7": "poll", "23": "select", "61": "wait4", "128": "rt_sigtimedwait",
                 "130": "rt_sigsuspend", "232": "epoll_wait", "281": "epoll_pwait",
                 "230": "clock_nanosleep", "231": "exit_group", "270": "pselect6", "271": "ppoll",
                 "59": "execve"}


# ---------------------------------------------------------------- JSON writer

GENERATED = ("GENERATED by test/rootfs/capture.sh from test/rootfs/fixtures (see "
             "test/rootfs/README.md); do not edit by hand")


def pick(d, keys):
    """The keys of d that are present, in the order given (JSON key order)."""
    return {k: d[k] for k in keys if k in d and d[k] is not None}


def elf_obj(e):
    o = pick(e, ("type", "entry", "phoff", "phnum", "interp"))
    o["loads"] = [pick(ld, ("offset", "vaddr", "filesz", "memsz", "flags", "align"))
                  for ld in e["loads"]]
    if "relro" in e:
        o["relro"] = pick(e["relro"], ("vaddr", "memsz"))
    if "tls" in e:
        o["tls"] = pick(e["tls"], ("vaddr", "filesz", "memsz", "align"))
    o["stack"] = e["stack"]
    o["needed"] = e["needed"]
    if "soname" in e:
        o["soname"] = e["soname"]
    return o


EVENT_KEYS = {
    "mmap": ("addr", "length", "prot", "flags", "fd", "file", "offset", "result"),
    "mprotect": ("addr", "length", "prot", "result"),
    "munmap": ("addr", "length", "result"),
    "brk": ("addr", "result"),
    "madvise": ("addr", "length", "advice", "result"),
    "mremap": ("addr", "oldLength", "newLength", "flags", "result"),
    "openat": ("path", "flags", "file", "result"),
    "close": ("fd", "file", "result"),
}


def event_obj(e):
    o = {"op": e["op"]}
    for k in EVENT_KEYS[e["op"]]:
        if k in e and (e[k] is not None or k == "addr"):
            o[k] = e[k]
    if e["op"] in ("mmap", "mremap") and e["result"] < 0:
        o["result"] = -1
    if "errno" in e:
        o["errno"] = e["errno"]
    return o


def kernel_vma(v):
    """What exec replays of a captured VMA: where it is and which pages were resident."""
    o = {"start": v["start"], "end": v["end"]}
    if v["path"]:
        o["path"] = v["path"]
    o["pages"] = v["pages"]
    return o


def test_vma(v):
    """What only the tests compare: the maps and smaps figures of a captured VMA."""
    o = {k: v[k] for k in ("start", "end", "perms", "offset", "dev", "inode")}
    if v["path"]:
        o["path"] = v["path"]
    for k in ("vmFlags", "rssKb", "privateDirtyKb", "anonymousKb"):
        o[k] = v[k]
    return o


def write_json(machine, files, links, absent, programs, layout):
    """src/kernel/rootfs-image.json: what the kernel builds the root image and
    replays exec from; test/rootfs/captured.json: what only the tests read."""
    f0 = layout[programs[0]["name"]]
    sizes = sorted({f["stackEnd"] - f["stackStart"] for f in layout.values()})
    kernel = {
        "generated": GENERATED,
        "capturedOn": machine["uname"].split()[0],
        "layout": {
            "stackTop": 0x7FFFFFFFF000,
            "stackRlimit": machine["stack_rlimit"][0],
            "elfEtDynBase": 0x555555554000,
            "vvarBytes": f0["vvar"][1] - f0["vvar"][0],
            "vvarVclockBytes": f0["vclock"][1] - f0["vclock"][0],
            "vdsoBytes": f0["vdso"][1] - f0["vdso"][0],
        },
        "symlinks": [[k, links[k]] for k in sorted(links)],
        "files": [],
        "programs": [],
        # programs whose image is a file of its own (src/kernel/programs/NAME.json),
        # read when the program is first exec'd: name, path and argv only
        "lazyPrograms": [],
    }
    lazy_files = {}
    for canon in sorted(files):
        f = files[canon]
        o = pick(f, ("path", "kind", "inode", "size", "mode", "dev"))
        if f.get("elf"):
            o["elf"] = elf_obj(f["elf"])
        kernel["files"].append(o)
    test = {
        "generated": GENERATED,
        "machine": {
            "kernel": machine["uname"].split()[0],
            "debian": machine["debian"],
            "cpu": machine["cpu"],
            "zeroPage": not machine["pvm_no_zero_page"],
            "thp": re.search(r"\[(\w+)\]", machine["thp_enabled"]).group(1),
        },
        "env": ENV,
        "layout": {
            "stackVmaBytes": sizes[0],
            "mmapBase": 0x7FFFF7FFF000,
            "vsyscallStart": 0xFFFFFFFFFF600000,
            "brkGapBytes": 0,
        },
        "absentPaths": sorted(absent),
        "openedAs": {canon: files[canon]["openedAs"] for canon in sorted(files)},
        "programs": [],
    }
    for p in programs:
        k = pick(p, ("name", "path", "argv", "env", "parent"))
        if "initialStack" in p:
            k["auxvCount"] = len(p["initialStack"]["auxv"])
        k["startup"] = [event_obj(e) for e in p["startup"]]
        if "execImage" in p:
            k["execImage"] = [kernel_vma(v) for v in p["execImage"]]
        k["resident"] = [kernel_vma(v) for v in p["resident"]]
        k["minflt"] = p["minflt"]
        k["majflt"] = p["majflt"]
        if p.get("threads"):
            k["threads"] = p["threads"]
        if p.get("forks"):
            # the master's own replay stops at what it had at its first fork
            k["resident"] = [kernel_vma(v) for v in p["residentAtFork"]]
            k["forks"] = [dict(parentWrites=[kernel_vma(v) for v in c["parentWrites"]],
                               startup=[event_obj(e) for e in c["startup"]],
                               resident=[kernel_vma(v) for v in c["resident"]],
                               minflt=c["minflt"], majflt=c["majflt"]) for c in p["forks"]]
            k["parentWritesAfterForks"] = [kernel_vma(v) for v in p["parentWritesAfterForks"]]
        if p.get("lazy"):
            kernel["lazyPrograms"].append(pick(p, ("name", "path", "argv")))
            lazy_files[p["name"]] = dict({"generated": GENERATED}, **k)
        else:
            kernel["programs"].append(k)
        t = pick(p, ("name", "execPath", "cwd", "stdin", "capturedAt", "syscall", "kernel"))
        if "execImage" in p:
            t["execImage"] = [test_vma(v) for v in p["execImage"]]
        if "initialStack" in p:
            st0 = p["initialStack"]
            t["initialStack"] = {"sp": st0["sp"], "ip": st0["ip"],
                                 "auxv": [[a, b] for a, b in st0["auxv"]]}
        t["resident"] = [test_vma(v) for v in p["resident"]]
        t["minfltInExec"] = p["minfltInExec"]
        t["minfltRuns"] = p["minfltRuns"]
        t["stat"] = {k2: p["stat"][k2] for k2 in (
            "startcode", "endcode", "startstack", "startData", "endData", "startBrk", "brk",
            "argStart", "argEnd", "envStart", "envEnd", "vsize", "rss")}
        t["statm"] = p["statm"]
        t["status"] = dict(p["status"])
        test["programs"].append(t)
    os.makedirs(LAZY_DIR, exist_ok=True)
    outs = [(OUT, kernel), (TEST_OUT, test)]
    outs += [(os.path.join(LAZY_DIR, n + ".json"), d) for n, d in sorted(lazy_files.items())]
    for path, data in outs:
        with open(path, "w") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.write("\n")
        print("wrote", path)


def main():
    machine = json.load(open(os.path.join(FIX, "machine.json")))
    links = {}
    file_paths = {}  # canonical -> set of other names
    absent = set()
    programs = []
    variation = []

    def note_path(p, used_as=None):
        # devices (the capture's pty) and pseudo file systems are not part of the rootfs
        if not p.startswith("/") or p.startswith(("/dev/", "/proc/", "/sys/")):
            return None
        if not HOST.exists(p):
            absent.add(p)
            return None
        canon = resolve(p, links)
        s = file_paths.setdefault(canon, set())
        if used_as and used_as != canon:
            s.add(used_as)
        return canon

    for prog in PROGRAMS:
        pdir = os.path.join(FIX, prog["name"])
        runs = sorted(d for d in os.listdir(pdir) if re.match(r"run\d+$", d))
        metas = [json.load(open(os.path.join(pdir, r, "meta.json"))) for r in runs]
        targets = [(prog["name"], None, "final")]
        if prog.get("child"):
            targets.append((prog["child"], prog["name"], "child"))
        for name, parent, sub in targets:
            log = os.path.join(pdir, "strace.log")
            exe = prog["exe"] if parent is None else prog["argv"][-2]
            events, paths, clones, forked = parse_events(log, exe, pick_child=parent is not None)
            if not prog.get("workers"):
                forked = []
            for call, p, err in paths:
                if err == "ENOENT" or err == "ENOTDIR":
                    if p.startswith("/") and not p.startswith(("/dev/", "/proc/", "/sys/")):
                        absent.add(p)
                    continue
                if err is None:
                    note_path(p, p)
            for e in events + [e for evs in forked for e in evs]:
                if e.get("file"):
                    note_path(e["file"])
                if e["op"] == "openat" and e.get("file"):
                    note_path(e["path"], e["path"])
            snaps = [load_snapshot(os.path.join(pdir, r, sub)) for r in runs]
            s0 = snaps[0]
            m0 = metas[0]
            for v in s0["vmas"]:
                if v["path"].startswith("/"):
                    note_path(v["path"])
            # variation between runs
            vary = []
            for i, s in enumerate(snaps[1:], start=2):
                if [(v["start"], v["end"], v["perms"]) for v in s["vmas"]] != [
                        (v["start"], v["end"], v["perms"]) for v in s0["vmas"]]:
                    vary.append("run%d: the VMA list differs" % i)
                for a, b in zip(s0["vmas"], s["vmas"]):
                    if a["cls"] != b["cls"]:
                        vary.append("run%d: pages of %x-%x %s %s: %s  vs  %s" % (
                            i, a["start"], a["end"], a["perms"], a["path"] or "-", a["pages"],
                            b["pages"]))
                for k in ("VmRSS", "RssAnon", "RssFile", "VmPTE", "VmHWM", "VmSize"):
                    if s["status"][k] != s0["status"][k]:
                        vary.append("run%d: %s %s vs %s" % (i, k, s["status"][k],
                                                            s0["status"][k]))
                for k in ("startstack", "arg_start", "env_end", "start_brk", "vsize"):
                    if s["stat"][k] != s0["stat"][k]:
                        vary.append("run%d: stat %s differs" % (i, k))
            if parent is None:
                base = [m["preexec"]["minflt"] for m in metas]
                mins = [m["final"]["minflt"] - m["preexec"]["minflt"] for m in metas]
                majs = [m["final"]["majflt"] - m["preexec"]["majflt"] for m in metas]
                inexec = [m["exec"]["minflt"] - m["preexec"]["minflt"] for m in metas]
                vary.append("minflt (from execve entry) per run: %s; in execve: %s; "
                            "launcher's pre-exec faults: %s; majflt: %s" % (mins, inexec, base,
                                                                            majs))
            else:
                mins = [m["child"]["minflt"] for m in metas]
                majs = [m["child"]["majflt"] for m in metas]
                vary.append("minflt (raw, includes the fork child's faults) per run: %s; "
                            "majflt: %s" % (mins, majs))
            if parent is None and len(snaps) > 1:
                ex = [load_snapshot(os.path.join(pdir, r, "exec")) for r in runs]
                for i, s in enumerate(ex[1:], start=2):
                    if [v["cls"] for v in s["vmas"]] != [v["cls"] for v in ex[0]["vmas"]]:
                        vary.append("run%d: the exec image's resident pages differ" % i)
            vary.append("stat rss (field 24, per-CPU batched) per run: %s; statm resident: %s" % (
                [x["stat"]["rss"] for x in snaps], [x["statm"][1] for x in snaps]))
            partial = set()
            for r in runs:
                pc = os.path.join(pdir, r, sub, "pagecache.txt")
                for ln in rd(pc).splitlines()[1:]:
                    res, size, path = ln.split(None, 2)
                    if int(res) < (int(size) + PAGE - 1) // PAGE * PAGE:
                        partial.add("%s (%s of %s bytes)" % (path, res, size))
            vary.append("mapped files only partly in the page cache at capture: " + (
                "; ".join(sorted(partial)) if partial else "none"))
            variation.append((name, vary))
            stt = s0["stat"]
            brks = [e["result"] for e in events if e["op"] == "brk"]
            # a program captured after the others (perhaps on a newer
            # kernel build) has its own machine record
            own = os.path.join(pdir, "machine.json")
            kernel_of = (json.load(open(own))["uname"].split()[0]
                         if os.path.exists(own) else None)
            spec = dict(
                name=name,
                lazy=prog.get("lazy", False),
                kernel=kernel_of,
                path=(m0["final"]["exe"] if parent is None else m0["child"]["exe"]),
                execPath=exe,
                argv=(prog["argv"] if parent is None else prog["argv"][-2:]),
                env=ENV,
                cwd=m0["cwd"],
                stdin=prog["stdin"],
                capturedAt="idle" if prog["mode"] == "idle" else "exit_group",
                syscall=SYSCALL_NAMES.get(s0["syscall"], s0["syscall"]),
                parent=parent,
                startup=events,
                resident=s0["vmas"],
                minflt=mins[0],
                majflt=majs[0],
                minfltInExec=(m0["exec"]["minflt"] - m0["preexec"]["minflt"])
                if parent is None else None,
                minfltRuns=mins,
                stat=dict(startcode=stt["startcode"], endcode=stt["endcode"],
                          startstack=stt["startstack"], startData=stt["start_data"],
                          endData=stt["end_data"], startBrk=stt["start_brk"],
                          brk=brks[-1] if brks else stt["start_brk"], argStart=stt["arg_start"],
                          argEnd=stt["arg_end"], envStart=stt["env_start"],
                          envEnd=stt["env_end"], vsize=stt["vsize"], rss=stt["rss"]),
                statm=s0["statm"],
                status={k: int(s0["status"][k].split()[0]) for k in (
                    "VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile",
                    "RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap")},
            )
            if clones:
                spec["threads"] = thread_specs(name, clones, events, metas, sub, vary)
            if forked:
                fork_plan(spec, pdir, runs[0], forked, m0, vary)
            if parent is None:
                ex0 = load_snapshot(os.path.join(pdir, runs[0], "exec"))
                spec["execImage"] = ex0["vmas"]
                spec["initialStack"] = dict(sp=m0["exec"]["rsp"], ip=m0["exec"]["rip"],
                                            auxv=ex0["auxv"])
                for v in ex0["vmas"]:
                    if v["path"].startswith("/"):
                        note_path(v["path"])
                note_path(exe, exe)
            else:
                note_path(exe, exe)
            programs.append(spec)

    # ELF interpreters are opened by the kernel under their PT_INTERP name
    files = {}
    for canon in sorted(file_paths):
        f = HOST.file_spec(canon)
        if f is None:
            continue
        files[canon] = f
    for f in list(files.values()):
        if f.get("elf", {}).get("interp"):
            ip = f["elf"]["interp"]
            c = note_path(ip, ip)
            if c and c not in files:
                files[c] = HOST.file_spec(c)
    for canon, f in files.items():
        f["openedAs"] = sorted(file_paths.get(canon, ()))

    for p in programs:
        if "execImage" in p:
            d = replay(p)
            for name, vary in variation:
                if name == p["name"]:
                    vary.append("replay of exec image + startup events: " + (
                        "matches the captured VMA list" if not d else "; ".join(d)))
        sm = os.path.join(FIX, p["parent"] or p["name"], "strace-final-maps")
        if os.path.exists(sm) and p["parent"] is None:
            a = [(v["start"], v["end"], v["perms"], v["name"]) for v in parse_maps(rd(sm))]
            b = [(v["start"], v["end"], v["perms"], v["path"]) for v in p["resident"]]
            for name, vary in variation:
                if name == p["name"]:
                    vary.append("maps of the run under strace: " + (
                        "same as run1" if a == b else "DIFFER from run1"))
    for p in programs:
        if "execImage" in p:
            d = stack_model(p)
            for name, vary in variation:
                if name == p["name"]:
                    vary.append("initial stack addresses predicted by create_elf_tables: " + (
                        "match" if not d else "; ".join(d)))
            d = exec_model(p, files)
            for name, vary in variation:
                if name == p["name"]:
                    vary.append("exec image predicted from the ELF headers + layout rules: " + (
                        "matches" if not d else "; ".join(d)))
    layout = derive_layout(programs, files)
    write_json(machine, files, links, absent, programs, layout)
    HOST.save()
    write_variation(variation, machine)


def thread_specs(name, clones, events, metas, sub, vary):
    """The threads a program started, in order: the name it gave each
    (PR_SET_NAME), the stack glibc mapped for it (the mmap whose result is
    clone3's stack), and each one's own fault counts at capture
    (/proc/PID/task/TID/stat, run 1; the TIDs of a run sorted are the
    order of creation). The leader's own counts are the group's minus these."""
    lengths = {e["result"]: e["length"] for e in events if e["op"] == "mmap"}
    runs = [m[sub]["tasks"] for m in metas]
    for i, tasks in enumerate(runs, start=1):
        comms = [t["comm"] for t in tasks[1:]]
        if comms != [c["comm"] for c in clones]:
            raise SystemExit("%s run%d: threads %s, strace saw %s" % (
                name, i, comms, [c["comm"] for c in clones]))
    vary.append("threads' own minflt per run: %s" % [[t["minflt"] for t in tasks[1:]]
                                                       for tasks in runs])
    out = []
    for c, t in zip(clones, runs[0][1:]):
        if c["stack"] not in lengths:
            raise SystemExit("%s: no mmap made the stack of thread %s" % (name, c["comm"]))
        out.append(dict(comm=c["comm"], stack=c["stack"], stackBytes=lengths[c["stack"]],
                        minflt=t["minflt"], majflt=t["majflt"]))
    return out


def page_counts(d):
    """vaddr -> (class, kpagecount) of every mapped page of a snapshot (pages.tsv)."""
    out = {}
    for ln in rd(os.path.join(d, "pages.tsv")).splitlines()[1:]:
        f = ln.split("\t")
        out[int(f[0], 16)] = (f[5], int(f[4]))
    return out


def plan_vmas(vmas, letter):
    """The VMAs of a snapshot, each page's letter chosen by letter(vaddr) ("-": nothing)."""
    out = []
    for v in vmas:
        cls = "".join(letter(v["start"] + i * PAGE) for i in range((v["end"] - v["start"]) // PAGE))
        if cls.strip("-"):
            out.append(dict(start=v["start"], end=v["end"], path=v["path"], pages=rle(cls)))
    return out


def fork_plan(spec, pdir, run, forked, m0, vary):
    """A master that forks its workers in its start-up (nginx): what its own
    replay makes resident before the first fork, what it touches between the
    forks and after the last, and each worker's start-up after its fork and
    the pages it touches, so that fork gives the pages the capture saw
    shared (kpagecount 2 or 3) and every other anonymous page is a write of
    its one owner. An anonymous page of the master mapped once is its own
    write after the forks: made before them if a worker has a page there (so
    both wrote their copy), else new. A page it shares with one worker only,
    that worker's fork came after the master wrote it (made before the forks
    when the worker forked earlier has a page there). Pages in kernel_vma's
    letters: a = an anonymous page of this task's own (write it, or make it),
    m = a shared page written, f and z = mapped for reading."""
    final = page_counts(os.path.join(pdir, run, "final"))
    workers = [page_counts(os.path.join(pdir, run, "worker%d" % i))
               for i in range(1, len(forked) + 1)]
    n = len(workers)
    # for the master's anonymous pages: the step after which it (re)wrote each one (n: after all)
    wrote = {}
    before = set()
    for va, (c, count) in final.items():
        if c in "fz":
            before.add(va)
            continue
        if c == "m":
            wrote[va] = n
            continue
        sharers = [i for i, w in enumerate(workers) if w.get(va) == ("a", count) and count > 1]
        had = [i for i, w in enumerate(workers) if w.get(va, ("-",))[0] == "a"]
        if count == n + 1:
            before.add(va)
        elif count == 1:
            wrote[va] = n
            if had:
                before.add(va)
        else:
            # shared with the workers forked after its write; the earlier ones hold their own
            first = min(sharers)
            if sum(1 for i in sharers if i >= first) != count - 1 or sharers != list(
                    range(first, first + count - 1)):
                raise SystemExit("%s: page %x shared with workers %s" % (spec["name"], va, sharers))
            wrote[va] = first
            if any(i < first for i in had):
                before.add(va)
    final_snap = load_snapshot(os.path.join(pdir, run, "final"))
    spec["residentAtFork"] = plan_vmas(final_snap["vmas"],
                                       lambda va: final[va][0] if va in before else "-")
    children = []
    for i, (evs, w) in enumerate(zip(forked, workers)):
        wsnap = load_snapshot(os.path.join(pdir, run, "worker%d" % (i + 1)))

        def own(va, w=w):
            c, count = w.get(va, ("-", 0))
            if c == "a" and count > 1:
                return "-"  # the fork's: shared with the master or the other worker
            return c
        meta = m0["workers"][i]
        children.append(dict(
            parentWrites=plan_vmas(final_snap["vmas"],
                                   lambda va, i=i: final[va][0] if wrote.get(va) == i else "-"),
            startup=evs,
            resident=plan_vmas(wsnap["vmas"], own),
            minflt=meta["minflt"], majflt=meta["majflt"]))
    spec["forks"] = children
    spec["parentWritesAfterForks"] = plan_vmas(
        final_snap["vmas"], lambda va: final[va][0] if wrote.get(va) == n else "-")
    vary.append("workers' minflt per run (from fork): see meta.json; master's pages written "
                "after the forks: %d, between them: %d" % (
                    sum(1 for v in wrote.values() if v == n),
                    sum(1 for v in wrote.values() if v < n)))


def derive_layout(programs, files):
    """The kernel's placement rules, checked against every capture."""
    facts = {}
    for p in programs:
        img = p.get("execImage") or p["resident"]
        stack = [v for v in p["resident"] if v.get("path") == "[stack]"][0]
        vvar = [v for v in img if v.get("path") == "[vvar]"][0]
        vclock = [v for v in img if v.get("path") == "[vvar_vclock]"][0]
        vdso = [v for v in img if v.get("path") == "[vdso]"][0]
        exe_vmas = [v for v in img if v.get("path") == p["path"]]
        elf = files[p["path"]]["elf"]
        interp = files[resolve(elf["interp"], {})]
        interp_vmas = [v for v in img if v.get("path") == interp["path"]]
        f = dict(
            stackStart=stack["start"], stackEnd=stack["end"],
            vvar=(vvar["start"], vvar["end"]), vclock=(vclock["start"], vclock["end"]),
            vdso=(vdso["start"], vdso["end"]),
            exeStart=exe_vmas[0]["start"],
            interpStart=interp_vmas[0]["start"], interpEnd=interp_vmas[-1]["end"],
            startBrk=p["stat"]["startBrk"],
        )
        last = max(ld["vaddr"] + ld["memsz"] for ld in elf["loads"])
        f["exeBssEnd"] = (0x555555554000 if elf["type"] == "DYN" else 0) + last
        facts[p["name"]] = f
        assert f["stackEnd"] == 0x7FFFFFFFF000, p["name"]
        # ET_DYN at ELF_ET_DYN_BASE; ET_EXEC (Debian's python3.11) where it was linked
        want_start = 0x555555554000 if elf["type"] == "DYN" else min(
            ld["vaddr"] for ld in elf["loads"]) // PAGE * PAGE
        assert f["exeStart"] == want_start, p["name"]
        assert f["interpEnd"] == 0x7FFFF7FFF000, p["name"]
        assert f["vdso"][1] == f["interpStart"], p["name"]
        assert f["vclock"][1] == f["vdso"][0] and f["vvar"][1] == f["vclock"][0], p["name"]
        assert f["startBrk"] == (f["exeBssEnd"] + PAGE - 1) // PAGE * PAGE, p["name"]
    return facts


def write_variation(variation, machine):
    with open(os.path.join(FIX, "REPORT.txt"), "w") as fh:
        fh.write("# Per capture: what differed between the runs, and the model checks\n"
                 "# (generated by test/rootfs/gen.py)\n")
        fh.write("# kernel %s\n\n" % machine["uname"])
        for name, vary in variation:
            fh.write("%s:\n" % name)
            for v in vary:
                fh.write("  %s\n" % v)
            fh.write("\n")


# ---------------------------------------------------------------- replay check

def replay(p):
    """Rebuilds the final VMA list from the exec image plus the startup
    events, with a naive model (top-down first fit below MMAP_BASE, no
    alignment, merging of adjacent compatible VMAs), and returns the
    differences from the captured maps. A check of the data, and of the rules
    cowsh needs, not part of the output."""
    mmap_base = 0x7FFFF7FFF000

    def up(n):
        return (n + PAGE - 1) // PAGE * PAGE

    vmas = [dict(start=v["start"], end=v["end"], perms=v["perms"],
                 file=v["path"] if v["path"].startswith("/") else None,
                 special=v["path"] if v["path"].startswith("[") else None,
                 off=v["offset"], anon=(v["path"] == ""),
                 acct=("ac" in v["vmFlags"].split()))
            for v in p["execImage"] if v["start"] < 0x800000000000]

    def carve(lo, hi):
        out = []
        for v in vmas:
            if v["end"] <= lo or v["start"] >= hi:
                out.append(v)
                continue
            if v["start"] < lo:
                out.append(dict(v, end=lo))
            if v["end"] > hi:
                d = hi - v["start"]
                out.append(dict(v, start=hi, off=v["off"] + (d if v["file"] else 0)))
        vmas[:] = sorted(out, key=lambda x: x["start"])

    def insert(v):
        carve(v["start"], v["end"])
        vmas.append(v)
        vmas.sort(key=lambda x: x["start"])

    def top_down(length):
        hi = mmap_base
        for v in sorted(vmas, key=lambda x: -x["start"]):
            if v["start"] >= mmap_base:
                continue
            if v["end"] <= hi and hi - v["end"] >= length:
                return hi - length
            hi = min(hi, v["start"])
        raise RuntimeError("no gap")

    pmd = 2 << 20

    def thp_top_down(length, offset):
        """thp_get_unmapped_area (mm/huge_memory.c): search for length +
        2 MiB, then move up to where offset and address agree modulo 2 MiB
        (top-down: a whole 2 MiB up if they already do)."""
        ret = top_down(length + pmd)
        off_sub = (offset - ret) % pmd
        return ret + (pmd if off_sub == 0 else off_sub)

    start_brk = p["stat"]["startBrk"]
    brk = start_brk
    for e in p["startup"]:
        op = e["op"]
        if op == "mmap":
            ln = up(e["length"])
            # a file mapping (ext4: thp_get_unmapped_area) of at least 2 MiB past
            # its aligned offset, or an anonymous one of a 2 MiB multiple, is
            # PMD-aligned when the kernel chooses the address
            thp = (e.get("file") and up(e["offset"] + ln) - (e["offset"] + pmd - 1) // pmd * pmd
                   >= pmd) or (not e.get("file") and ln % pmd == 0)
            if "MAP_FIXED" in e["flags"]:
                addr = e["addr"]
            else:
                addr = thp_top_down(ln, e["offset"]) if thp else top_down(ln)
            if addr != e["result"]:
                return ["mmap %d bytes: model gives %x, kernel gave %x" % (e["length"], addr,
                                                                            e["result"])]
            shared = "MAP_SHARED" in e["flags"]
            insert(dict(start=addr, end=addr + ln, perms=e["prot"] + ("s" if shared else "p"),
                        file=e.get("file"), special=None, off=e["offset"],
                        anon=e.get("file") is None,
                        acct=not shared and "w" in e["prot"] and "MAP_NORESERVE" not in e["flags"]))
        elif op == "munmap":
            carve(e["addr"], e["addr"] + up(e["length"]))
        elif op == "mprotect":
            lo, hi = e["addr"], e["addr"] + up(e["length"])
            parts = [dict(v) for v in vmas if v["start"] < hi and v["end"] > lo]
            for v in parts:
                a, b = max(v["start"], lo), min(v["end"], hi)
                # VM_ACCOUNT is set when a private mapping becomes writable and
                # is kept when it becomes read-only again (mprotect_fixup)
                nv = dict(v, start=a, end=b, perms=e["prot"] + v["perms"][3],
                          off=v["off"] + (a - v["start"] if v["file"] else 0),
                          acct=v["acct"] or ("w" in e["prot"] and v["perms"][3] == "p"))
                insert(nv)
        elif op == "brk" and e["addr"] is not None and e["result"] == e["addr"]:
            if e["addr"] > brk:
                insert(dict(start=up(brk) if brk != start_brk else start_brk,
                            end=up(e["addr"]), perms="rw-p", file=None, special="[heap]", off=0,
                            anon=True, acct=True))
            elif up(e["addr"]) < up(brk):
                carve(up(e["addr"]), up(brk))
            brk = e["addr"]
    # merge
    merged = []
    for v in vmas:
        if merged:
            u = merged[-1]
            same = (u["end"] == v["start"] and u["perms"] == v["perms"]
                    and u["acct"] == v["acct"] and u["special"] is None and v["special"] is None and
                    ((u["anon"] and v["anon"]) or
                     (u["file"] and u["file"] == v["file"] and
                      u["off"] + (u["end"] - u["start"]) == v["off"])))
            if same or (u["special"] == "[heap]" and v["special"] == "[heap]"
                        and u["end"] == v["start"]):
                u["end"] = v["end"]
                continue
        merged.append(dict(v))
    got = [(v["start"], v["end"], v["perms"]) for v in merged]
    want = [(v["start"], v["end"], v["perms"]) for v in p["resident"]
            if v["start"] < 0x800000000000]
    if got == want:
        return []
    diff = ["model:   " + " ".join("%x-%x%s" % g for g in got if g not in want),
            "captured: " + " ".join("%x-%x%s" % g for g in want if g not in got)]
    return diff


def exec_model(p, files):
    """The exec image predicted from the ELF headers and the layout rules
    (ELF_ET_DYN_BASE, MMAP_BASE, vDSO block below the interpreter, stack at
    STACK_TOP), compared with the captured one. Returns differences."""

    def up(n):
        return (n + PAGE - 1) // PAGE * PAGE

    def down(n):
        return n // PAGE * PAGE

    def segs(elf, base, path):
        out = []
        for ld in elf["loads"]:
            perms = ("r" if "r" in ld["flags"] else "-") + ("w" if "w" in ld["flags"] else "-") + (
                "x" if "x" in ld["flags"] else "-") + "p"
            fend = up(ld["vaddr"] + ld["filesz"])
            out.append((base + down(ld["vaddr"]), base + fend, perms, path))
            mend = up(ld["vaddr"] + ld["memsz"])
            if mend > fend:
                out.append((base + fend, base + mend, perms, ""))
        return out

    exe = files[p["path"]]
    elf = exe["elf"]
    interp = files[resolve(elf["interp"], {})]
    ispan = up(max(ld["vaddr"] + ld["memsz"] for ld in interp["elf"]["loads"]))
    ibase = 0x7FFFF7FFF000 - ispan
    want = segs(elf, 0x555555554000 if elf["type"] == "DYN" else 0, exe["path"])
    want += [(ibase - 0x8000, ibase - 0x4000, "r--p", "[vvar]"),
             (ibase - 0x4000, ibase - 0x2000, "r--p", "[vvar_vclock]"),
             (ibase - 0x2000, ibase, "r-xp", "[vdso]")]
    want += segs(interp["elf"], ibase, interp["path"])
    stack = [v for v in p["execImage"] if v.get("path") == "[stack]"][0]
    want.append((0x7FFFFFFFF000 - (stack["end"] - stack["start"]), 0x7FFFFFFFF000, "rw-p",
                 "[stack]"))
    got = [(v["start"], v["end"], v["perms"], v["path"]) for v in p["execImage"]
           if v["start"] < 0x800000000000]
    if got == want:
        return []
    return ["model: " + " ".join("%x-%x %s %s" % w for w in want if w not in got),
            "captured: " + " ".join("%x-%x %s %s" % g for g in got if g not in want)]


def stack_model(p):
    """The initial stack addresses predicted by the create_elf_tables recipe
    (see README), compared with the capture. Returns differences."""
    top = 0x7FFFFFFFF000
    pos = top - 8
    execfn = pos - (len(p["execPath"].encode()) + 1)
    env_len = sum(len(e.encode()) + 1 for e in p["env"])
    arg_len = sum(len(a.encode()) + 1 for a in p["argv"])
    env_start = execfn - env_len
    arg_start = env_start - arg_len
    q = arg_start & ~0xF
    platform = q - len(b"x86_64\0")
    rand = platform - 16
    naux = len(p["initialStack"]["auxv"])
    items = 1 + (len(p["argv"]) + 1) + (len(p["env"]) + 1) + 2 * naux
    sp = (rand - 8 * items) & ~0xF
    aux = dict(p["initialStack"]["auxv"])
    want = dict(execfn=execfn, envStart=env_start, argStart=arg_start, platform=platform,
                random=rand, sp=sp)
    got = dict(execfn=aux["AT_EXECFN"], envStart=p["stat"]["envStart"],
               argStart=p["stat"]["argStart"], platform=aux["AT_PLATFORM"],
               random=aux["AT_RANDOM"], sp=p["initialStack"]["sp"])
    return ["%s: model %x captured %x" % (k, want[k], got[k]) for k in want if want[k] != got[k]]
