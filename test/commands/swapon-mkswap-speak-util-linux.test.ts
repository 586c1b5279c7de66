/**
 * mkswap, swapon, swapoff, fallocate and chmod on the simulated file system,
 * with util-linux 2.38's and the kernel's words, captured on this machine
 * (6.18.44-fc-v1045) with loop-free files under /tmp: sizes, warnings,
 * refusals, the --show table, -s, and the automatic priorities that
 * swapoff gives back. The UUIDs are the simulation's own (deterministic).
 */
import { expect, test } from "vitest";
import { sizeToHumanString } from "../../commands/lib/swap/human-size.js";
import { runScript } from "../helpers/run-script.js";

const SWAP = { swapBytes: 64 * 1024 * 1024 };

test("mkswap prints the size as util-linux does, for the sizes captured", () => {
  // fallocate -l SIZE t; mkswap t  ->  "size = ... (N bytes)", captured.
  const cases: [string, string][] = [
    ["40K", "36 KiB (36864 bytes)"],
    ["41K", "36 KiB (36864 bytes)"],
    ["100K", "96 KiB (98304 bytes)"],
    ["1M", "1020 KiB (1044480 bytes)"],
    ["1000K", "996 KiB (1019904 bytes)"],
    ["1023K", "1016 KiB (1040384 bytes)"],
    ["1500K", "1.5 MiB (1531904 bytes)"],
    ["10M", "10 MiB (10481664 bytes)"],
    ["100M", "100 MiB (104853504 bytes)"],
    ["1G", "1024 MiB (1073737728 bytes)"],
    ["1500M", "1.5 GiB (1572859904 bytes)"],
    ["3G", "3 GiB (3221221376 bytes)"],
  ];
  const script = cases
    .map(([size], i) => `fallocate -l ${size} /t${i}; chmod 600 /t${i}; mkswap /t${i} | head -1`)
    .join("\n");
  const { stdout, stderr } = runScript(script);
  expect(stderr).toBe("");
  expect(stdout.trimEnd().split("\n")).toEqual(
    cases.map(([, s]) => `Setting up swapspace version 1, size = ${s}`),
  );
  expect(sizeToHumanString(0, false)).toBe("0B");
  expect(sizeToHumanString(16773120, false)).toBe("16M");
  expect(sizeToHumanString(36864, false)).toBe("36K");
});

test("mkswap warns of permissions, holes and an old signature, and refuses what util-linux refuses", () => {
  const { text } = runScript(`truncate -s 8M /t
mkswap /t | tail -1 | cut -c1-15
mkswap /t > /dev/null
truncate -s 16K /small; mkswap /small; echo status=$?
mkswap; echo status=$?
mkswap /nope; echo status=$?
mkswap /etc; echo status=$?
`);
  expect(text).toBe(`mkswap: /t: insecure permissions 0644, fix with: chmod 0600 /t

mkswap: /t contains holes or other unsupported extents.
        This swap file can be rejected by kernel on swap activation!
        Use --verbose for more details.

no label, UUID=
mkswap: /t: insecure permissions 0644, fix with: chmod 0600 /t

mkswap: /t contains holes or other unsupported extents.
        This swap file can be rejected by kernel on swap activation!
        Use --verbose for more details.

mkswap: /t: warning: wiping old swap signature.
mkswap: error: swap area needs to be at least 40 KiB
status=1
mkswap: error: Nowhere to set up swap on?
Try 'mkswap --help' for more information.
status=1
mkswap: cannot open /nope: No such file or directory
status=1
mkswap: cannot open /etc: Is a directory
status=1
`);
});

test("swapon refuses a file with holes, without a signature, or in use, in util-linux's words", () => {
  const { text } = runScript(`truncate -s 8M /holes; mkswap /holes >/dev/null 2>&1
swapon /holes; echo status=$?
fallocate -l 8M /plain; chmod 600 /plain
swapon /plain; echo status=$?
swapon /nonexist; echo status=$?
swapon /tmp; echo status=$?
mkswap /plain >/dev/null; swapon /plain; echo status=$?
swapon /plain; echo status=$?
mkswap /plain; echo status=$?
swapon -p abc /plain; echo status=$?
swapon -p 40000 /plain; echo status=$?
cat /proc/swaps
`);
  expect(text).toBe(`swapon: /holes: insecure permissions 0644, 0600 suggested.
swapon: /holes: skipping - it appears to have holes.
status=255
swapon: /plain: read swap header failed
status=255
swapon: cannot open /nonexist: No such file or directory
status=255
swapon: /tmp: insecure permissions 0755, 0600 suggested.
swapon: /tmp: read swap header failed
status=255
status=0
swapon: /plain: swapon failed: Device or resource busy
status=255
mkswap: unable to erase bootbits sectors
status=1
swapon: failed to parse priority: 'abc'
status=1
swapon: failed to parse priority: '40000': Numerical result out of range
status=1
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/plain                                  file\t\t8188\t\t0\t\t-2
`);
});

test("swapon --show, -s and priorities: swapoff gives an automatic priority back, as the kernel does", () => {
  // Captured: n1 (8M, auto), n2 (40K, -p 3), n4 (50000 bytes, auto); swapoff n1; swapon n1.
  // The table counts the header in a column's width even with --noheadings ("/tmp/ksw/s3  16M").
  const { stdout } =
    runScript(`for f in n1:8M n2:40K n4:50000; do fallocate -l \${f#*:} /tmp/\${f%:*}; chmod 600 /tmp/\${f%:*}; mkswap /tmp/\${f%:*} >/dev/null; done
swapon /tmp/n1; swapon -p 3 /tmp/n2; swapon /tmp/n4
swapon -s
swapon --show
swapon --show --raw --bytes
swapon --show=PRIO,NAME
swapon --show=NAME,SIZE --noheadings
swapoff /tmp/n1
swapon -s
swapon /tmp/n1
swapon -s
dmesg -t
`);
  expect(stdout).toBe(`Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/tmp/n1                                 file\t\t8188\t\t0\t\t-2
/tmp/n2                                 file\t\t36\t\t0\t\t3
/tmp/n4                                 file\t\t44\t\t0\t\t-3
NAME    TYPE SIZE USED PRIO
/tmp/n1 file   8M   0B   -2
/tmp/n2 file  36K   0B    3
/tmp/n4 file  44K   0B   -3
NAME TYPE SIZE USED PRIO
/tmp/n1 file 8384512 0 -2
/tmp/n2 file 36864 0 3
/tmp/n4 file 45056 0 -3
PRIO NAME
  -2 /tmp/n1
   3 /tmp/n2
  -3 /tmp/n4
/tmp/n1   8M
/tmp/n2  36K
/tmp/n4  44K
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/tmp/n2                                 file\t\t36\t\t0\t\t3
/tmp/n4                                 file\t\t44\t\t0\t\t-2
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/tmp/n1                                 file\t\t8188\t\t0\t\t-3
/tmp/n2                                 file\t\t36\t\t0\t\t3
/tmp/n4                                 file\t\t44\t\t0\t\t-2
Adding 8188k swap on /tmp/n1.  Priority:-2 extents:1 across:8188k 
Adding 36k swap on /tmp/n2.  Priority:3 extents:1 across:36k 
Adding 44k swap on /tmp/n4.  Priority:-3 extents:1 across:44k 
Adding 8188k swap on /tmp/n1.  Priority:-3 extents:1 across:8188k 
`);
});

test("the console does not print swapon's info-level record; an unknown column and -a without fstab fail", () => {
  const { text } = runScript(`fallocate -l 1M /s; chmod 600 /s; mkswap /s > /dev/null
swapon /s
swapon --show=NAME,FOO; echo status=$?
swapon -a; echo status=$?
echo '/s none swap sw,pri=7 0 0' > /etc/fstab
swapoff /s; swapon -a; swapon -a; echo status=$?
swapon --show=NAME,PRIO,UUID | cut -c1-14
swapoff; echo status=$?
`);
  expect(text).toBe(`swapon: unknown column: FOO
status=1
swapon: failed to parse /etc/fstab: No such file or directory
status=1
status=0
NAME PRIO UUID
/s      7 80c6
swapoff: bad usage
Try 'swapoff --help' for more information.
status=16
`);
});

test("/swapfile is a file: ls shows it, rm and truncate fail while it is on, and it goes once swapped off", () => {
  const { text } = runScript(
    `ls -l /swapfile
rm /swapfile; echo status=$?
truncate -s 1M /swapfile; echo status=$?
echo x > /swapfile; echo status=$?
swapoff /swapfile; rm /swapfile; echo status=$?
cat /proc/swaps
`,
    SWAP,
  );
  expect(text).toBe(`-rw------- 1 root root 67108864 Jan  1 00:00 /swapfile
rm: cannot remove '/swapfile': Operation not permitted
status=1
truncate: failed to truncate '/swapfile' at 1048576 bytes: Text file busy
status=1
cowsh: /swapfile: Text file busy
status=1
status=0
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
`);
});

test("mkswap's block-count operand is refused rather than ignored; a third operand is util-linux's error", () => {
  const { text } = runScript(
    "fallocate -l 1M /f\nmkswap /f 512; echo status=$?\nmkswap /f 512 x; echo status=$?\n",
  );
  expect(
    text,
  ).toBe(`mkswap: a block count is not modelled: the area is the whole file (make it that size with fallocate)
status=1
mkswap: only one device argument is supported
Try 'mkswap --help' for more information.
status=1
`);
});
