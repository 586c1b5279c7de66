#!/bin/sh
# run.sh: build the ground-truth scenarios, run them on the real kernel and
# write their output as fixtures.
#
#   test/truth/run.sh                 all scenarios (NN-name.c, NNN-name.c) -> test/truth/fixtures/
#   test/truth/run.sh 05 pss          only scenarios whose name contains a word
#   test/truth/run.sh --repeat N ...  also run each scenario N more times into
#                                     /tmp/cowsh-truth/runs and list every
#                                     line that differs from the fixture
#
# Needs root (pagemap PFNs, /proc/kpageflags, other processes' /proc files),
# cc and setarch.  Scenarios run one at a time under `setarch -R` (no address
# randomisation) with an empty environment, so addresses and the layout of
# exec'ed programs are the same on every run.  Rerunning rewrites the same
# files; the binaries live in /tmp/cowsh-truth/bin.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/cowsh-truth
bin=$work/bin
runs=$work/runs
fixtures=$here/fixtures
cflags="-O1 -Wall -Wextra"

repeat=0
if [ "${1-}" = "--repeat" ]; then
    repeat=$2
    shift 2
fi

if [ "$(id -u)" != 0 ]; then
    echo "run.sh: must run as root (pagemap PFNs, kpageflags)" >&2
    exit 1
fi

mkdir -p "$bin" "$runs" "$fixtures"

# run BINARY OUTPUT: run a scenario binary, output to OUTPUT (atomically).
# It runs in the background and run.sh waits for it, so that a signal to
# run.sh runs its trap at once; `timeout` leads a process group of its own
# (the scenario and its peers), which stop_scenario kills as a whole before
# the machine's settings are restored.
child=
run() {
    env -i PATH=/usr/bin:/bin timeout 120 setarch x86_64 -R "$1" > "$2.tmp" &
    child=$!
    rc=0
    wait "$child" || rc=$?
    child=
    if [ "$rc" != 0 ]; then
        rm -f "$2.tmp"
        return "$rc"
    fi
    mv "$2.tmp" "$2"
}
# stop_scenario: kill the scenario running now, if any (timeout passes the
# TERM on to its whole group), and wait until no process of the group is
# left, so that none of them changes a setting or holds memory afterwards.
stop_scenario() {
    [ -n "$child" ] || return 0
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    n=0
    while kill -0 -- "-$child" 2>/dev/null && [ "$n" -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    child=
    rm -f "$fixtures"/*.tmp "$runs"/*.tmp
}

# selected NAME: true if no filter words were given or NAME contains one.
selected() {
    [ $# -eq 1 ] && return 0
    name=$1
    shift
    for word in "$@"; do
        case $name in *"$word"*) return 0 ;; esac
    done
    return 1
}

# compare NAME: list the lines of every repeat run that differ from the
# fixture, as "NAME run I line L: fixture | run".
compare() {
    i=1
    while [ "$i" -le "$repeat" ]; do
        awk -v name="$1" -v i="$i" '
            NR == FNR { want[FNR] = $0; n = FNR; next }
            { if (want[FNR] != $0) printf "%s run %d line %d: %s | %s\n", name, i, FNR, want[FNR], $0 }
            END { if (FNR != n) printf "%s run %d: %d lines, fixture has %d\n", name, i, FNR, n }
        ' "$fixtures/$1.out" "$runs/$1.$i.out"
        i=$((i + 1))
    done
}

# Machine settings for the swap scenarios (README.md, "Swap scenarios"): a
# scenario whose source holds the line "truth: needs swap" runs with the
# 512 MiB file $swapfile swapped on at the highest priority; every other
# scenario runs with it off.  Swap the machine already had is reported and
# left alone.  The EXIT trap swaps the file off and removes it however
# run.sh ends (a failing scenario, Ctrl-C, kill).  No sysctl is changed.
swapfile=/var/tmp/cowsh-truth.swap
swap_mine=0
swap_on() {
    [ "$swap_mine" = 1 ] && return 0
    others=$(swapon --noheadings --show=NAME | grep -vx "$swapfile" || true)
    [ -n "$others" ] && echo "run.sh: the machine already swaps on: $others (left alone)"
    swapoff "$swapfile" 2>/dev/null || true
    rm -f "$swapfile"
    swap_mine=1
    dd if=/dev/zero of="$swapfile" bs=1M count=512 status=none
    chmod 600 "$swapfile"
    mkswap -q "$swapfile" > /dev/null
    swapon -p 32767 "$swapfile"
}
swap_off() {
    [ "$swap_mine" = 1 ] || return 0
    swapoff "$swapfile" 2>/dev/null || true
    rm -f "$swapfile"
    swap_mine=0
}
# Overcommit settings (README.md, "Overcommit scenarios"): scenarios 60 and
# up change vm.overcommit_* for a few system calls at a time.  The values the
# machine had are saved here and written back after every scenario and by
# the traps, however run.sh ends.  overcommit_kbytes and overcommit_ratio
# reset each other when written, so the one in use is written last.
oc_dir=/proc/sys/vm
oc_memory=$(cat $oc_dir/overcommit_memory)
oc_ratio=$(cat $oc_dir/overcommit_ratio)
oc_kbytes=$(cat $oc_dir/overcommit_kbytes)
oc_restore() {
    if [ "$oc_kbytes" = 0 ]; then
        echo "$oc_ratio" > $oc_dir/overcommit_ratio
    else
        echo "$oc_kbytes" > $oc_dir/overcommit_kbytes
    fi
    echo "$oc_memory" > $oc_dir/overcommit_memory
}
# Huge page, hugetlb and KSM settings (README.md, "Huge pages, hugetlb,
# KSM, mremap"): scenarios 70 and up run with THP enabled=madvise,
# defrag=madvise, shmem_enabled=never, nr_hugepages=0 and KSM stopped,
# unless their source says otherwise in lines "truth: thp KEY=VALUE...",
# "truth: hugepages N" and "truth: ksm" (run=1, pages_to_scan=10000,
# sleep_millisecs=1).  The machine's values are saved here and written back
# after every scenario and by the traps, however run.sh ends.
thp_dir=/sys/kernel/mm/transparent_hugepage
ksm_dir=/sys/kernel/mm/ksm
chosen() { sed 's/.*\[\(.*\)\].*/\1/' "$1"; }
thp_enabled=$(chosen $thp_dir/enabled)
thp_defrag=$(chosen $thp_dir/defrag)
thp_shmem=$(chosen $thp_dir/shmem_enabled)
nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)
ksm_run=$(cat $ksm_dir/run)
ksm_pages=$(cat $ksm_dir/pages_to_scan)
ksm_sleep=$(cat $ksm_dir/sleep_millisecs)
# "size=mode ..." for every hugepages-<size>kB/enabled (mTHP; 8kB has none).
mthp=$(for f in $thp_dir/hugepages-*kB/enabled; do
    [ -f "$f" ] || continue
    d=${f%/enabled}
    echo "${d##*/}=$(chosen "$f")"
done)
# ksm_drain: with ksmd running, wait (up to 5 s) until it has dropped what
# exited scenarios left: pages_shared, pages_sharing and pages_unshared
# only fall when ksmd scans again, so stopping it at once would leave the
# next KSM scenario's first @ksm record stale.
ksm_drain() {
    [ "$(cat $ksm_dir/run)" = 1 ] || return 0
    n=0
    while [ "$(cat $ksm_dir/pages_shared)$(cat $ksm_dir/pages_sharing)$(cat $ksm_dir/pages_unshared)" != 000 ] &&
        [ "$n" -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
}
huge_restore() {
    ksm_drain
    for kv in $mthp; do
        echo "${kv#*=}" > "$thp_dir/${kv%%=*}/enabled"
    done
    echo "$thp_enabled" > $thp_dir/enabled
    echo "$thp_defrag" > $thp_dir/defrag
    echo "$thp_shmem" > $thp_dir/shmem_enabled
    echo "$nr_hugepages" > /proc/sys/vm/nr_hugepages
    echo "$ksm_run" > $ksm_dir/run
    echo "$ksm_pages" > $ksm_dir/pages_to_scan
    echo "$ksm_sleep" > $ksm_dir/sleep_millisecs
}
# huge_setup SOURCE: the settings scenario SOURCE asks for (70 and up only).
huge_setup() {
    echo madvise > $thp_dir/enabled
    echo madvise > $thp_dir/defrag
    echo never > $thp_dir/shmem_enabled
    for kv in $mthp; do
        echo "${kv#*=}" > "$thp_dir/${kv%%=*}/enabled"
    done
    for kv in $(sed -n 's/.*truth: thp //p' "$1"); do
        echo "${kv#*=}" > "$thp_dir/${kv%%=*}"
    done
    pages=$(sed -n 's/.*truth: hugepages \([0-9]*\).*/\1/p' "$1")
    echo "${pages:-0}" > /proc/sys/vm/nr_hugepages
    if [ "$(cat /proc/sys/vm/nr_hugepages)" != "${pages:-0}" ]; then
        echo "run.sh: nr_hugepages: asked ${pages:-0}, got $(cat /proc/sys/vm/nr_hugepages)" >&2
        return 1
    fi
    if grep -q 'truth: ksm' "$1"; then
        echo 10000 > $ksm_dir/pages_to_scan
        echo 1 > $ksm_dir/sleep_millisecs
        echo 1 > $ksm_dir/run
        ksm_drain
    else
        echo 0 > $ksm_dir/run
    fi
}
restore() {
    stop_scenario
    oc_restore
    huge_restore
    swap_off
}
trap 'restore' EXIT
trap 'restore; exit 130' INT
trap 'restore; exit 143' TERM

failed=0
# Scenarios 07 and 28 exec /bin/sleep: run it once, so that it and its
# libraries are in the page cache and the exec takes no major fault.
/bin/sleep 0
cc $cflags -o "$bin/probe-machine" "$here/probe-machine.c"
run "$bin/probe-machine" "$fixtures/machine.txt"
cat "$fixtures/machine.txt"

for src in "$here"/scenarios/[0-9][0-9]-*.c "$here"/scenarios/[0-9][0-9][0-9]-*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    selected "$name" "$@" || continue
    cc $cflags -o "$bin/$name" "$src"
    if grep -q 'truth: needs swap' "$src"; then swap_on; else swap_off; fi
    case $name in [0-6][0-9]-*) ;; *) huge_setup "$src" ;; esac
    if ! run "$bin/$name" "$fixtures/$name.out"; then
        oc_restore
        huge_restore
        echo "run.sh: $name failed" >&2
        failed=1
        continue
    fi
    oc_restore
    huge_restore
    echo "$name: $(grep -c '^@' "$fixtures/$name.out") records"
    i=1
    while [ "$i" -le "$repeat" ]; do
        case $name in [0-6][0-9]-*) ;; *) huge_setup "$src" ;; esac
        run "$bin/$name" "$runs/$name.$i.out" || failed=1
        oc_restore
        huge_restore
        i=$((i + 1))
    done
    [ "$repeat" -gt 0 ] && compare "$name"
done
swap_off
exit $failed
