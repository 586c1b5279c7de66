#!/bin/sh
# The real kernel's KSM row (run.ts runs this as root, under
# `flock /tmp/cowsh-truth.lock`, as the truth scenarios that start ksmd
# run): saves ksmd's run, pages_to_scan, sleep_millisecs and smart_scan,
# sets pages_to_scan to PAGES (one batch is one full scan), sleep_millisecs
# to 20 (time to read the counters between scans) and smart_scan to 1 (the
# defaults cowsh boots with otherwise), starts ksmd, runs kernel-bench ksm,
# then waits for ksmd to drop what the exited run left and writes every
# value back, even when the run fails.
#
#   sh ksm-kernel.sh BINARY PAGES
set -eu
bin=$1 pages=$2
dir=/sys/kernel/mm/ksm
[ -w $dir/run ] || { echo '{"unavailable": "no writable /sys/kernel/mm/ksm (KSM not built in, or not root)"}'; exit 0; }
run=$(cat $dir/run) scan=$(cat $dir/pages_to_scan) sleep=$(cat $dir/sleep_millisecs)
smart=$(cat $dir/smart_scan 2>/dev/null || echo)
restore() {
    # ksmd drops the exited run's stable nodes and rmap items when it scans
    # again: let it, up to 5 s, before stopping it.
    n=0
    while [ "$(cat $dir/pages_shared)$(cat $dir/pages_sharing)$(cat $dir/pages_unshared)" != 000 ] &&
        [ "$n" -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    echo "$run" > $dir/run
    echo "$scan" > $dir/pages_to_scan
    echo "$sleep" > $dir/sleep_millisecs
    [ -z "$smart" ] || echo "$smart" > $dir/smart_scan
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "$pages" > $dir/pages_to_scan
echo 20 > $dir/sleep_millisecs
[ -z "$smart" ] || echo 1 > $dir/smart_scan
echo 1 > $dir/run
"$bin" ksm "$pages"
