#!/usr/bin/env bash
# Captures procps-ng pmap's output for /usr/bin/sleep run as cowsh runs it:
# no address randomisation (setarch -R) and argv[0] "sleep", as a shell
# passes it. Run on the machine the root image was captured on (test/rootfs/),
# with no other sleep running, so the sleep binary's pages are its own.
set -euo pipefail
cd "$(dirname "$0")"
setarch -R bash -c 'exec -a sleep /usr/bin/sleep 1000' &
pid=$!
sleep 0.5
pmap -V >version.txt
for opt in "" -x -X -XX -d; do
  pmap $opt "$pid" | sed "1s/^$pid:/PID:/" >"sleep${opt}.txt"
done
kill "$pid"
