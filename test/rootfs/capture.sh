#!/bin/bash
# Regenerates test/rootfs/fixtures/, src/kernel/rootfs-image.json and
# test/rootfs/captured.json from the
# real machine. Needs root, strace, gcc with a static libc (libc6-dev),
# fincore (util-linux), Debian's /usr/bin/python3, and tini installed
# (apt-get install -y tini). See README.md.
#
#   test/rootfs/capture.sh            capture every program (3 runs each), then generate
#   test/rootfs/capture.sh gen        only regenerate the JSON from the fixtures (any machine)
#   RUNS=1 test/rootfs/capture.sh sleep ls    capture some programs only
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3

if [[ "${1:-}" != gen ]]; then
  [[ $(id -u) == 0 ]] || { echo "capture.sh: must run as root" >&2; exit 1; }
  [[ -x /usr/bin/tini ]] || { echo "capture.sh: apt-get install -y tini first" >&2; exit 1; }
  export LAUNCH="${TMPDIR:-/tmp}/cowsh-rootfs-launch"
  gcc -O2 -static -Wall -o "$LAUNCH" "$here/launch.c"
  # a full capture records the machine's files afresh; a partial one adds to the record
  if [[ $# == 0 ]]; then rm -f "$here/fixtures/host-files.json"; fi
  "$py" "$here/capture.py" capture "$@"
fi
# after a capture, gen reads the real files again and records them (fixtures/host-files.json);
# `gen` alone reads them from that record, so it writes the same data on any machine
if [[ "${1:-}" != gen ]]; then export ROOTFS_RESTAT=1; fi
"$py" "$here/capture.py" gen
cd "$root"
# gen.py writes compact JSON; Biome formats it (and the fixtures' JSON files)
npx biome format --write src/kernel/rootfs-image.json src/kernel/programs test/rootfs >/dev/null
echo "capture.sh: wrote src/kernel/rootfs-image.json, src/kernel/programs/, test/rootfs/captured.json and test/rootfs/fixtures/"
