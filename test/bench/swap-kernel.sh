#!/bin/sh
# The real kernel's swap rows (run.ts runs this as root, under
# `flock /tmp/cowsh-truth.lock`, as the truth scenarios run): a swap file of
# its own, swapped on at the highest priority, kernel-bench swap pinned to
# one CPU, then the file swapped off and removed, even when the run fails.
#
#   sh swap-kernel.sh BINARY RUNS PAGES SWAP_MIB
set -eu
bin=$1 runs=$2 pages=$3 mib=$4
dir=$(mktemp -d /tmp/cowsh-bench-swap.XXXXXX)
swapfile=$dir/swapfile
cleanup() {
    swapoff "$swapfile" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fallocate -l "${mib}M" "$swapfile"
chmod 600 "$swapfile"
mkswap "$swapfile" >/dev/null
swapon -p 32767 "$swapfile"
taskset -c 0 "$bin" swap "$runs" "$pages"
