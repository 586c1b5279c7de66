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

// Captured on this machine (util-linux 2.38.1, kernel 6.18.44), as root on an 8 MiB file in
// /tmp: fallocate -l 8M a; chmod 600 a; mkswap a BLOCKS ...
test("mkswap FILE BLOCKS sets up an area of BLOCKS KiB, refused when larger than the file", () => {
  const { text } = runScript(
    `fallocate -l 8M /a; chmod 600 /a
mkswap /a 4096; echo status=$?
mkswap /a 9000; echo status=$?
mkswap /a 100 2>/dev/null; echo status=$?
mkswap /a 39; echo status=$?
mkswap /a 4096x; echo status=$?
mkswap /a 0 2>/dev/null | head -1; echo status=$?
mkswap /a 512 x; echo status=$?
`,
  );
  expect(
    text.replace(/UUID=[-0-9a-f]+/g, "UUID=…"),
  ).toBe(`Setting up swapspace version 1, size = 4 MiB (4190208 bytes)
no label, UUID=…
status=0
mkswap: error: size 9000 KiB is larger than device size 8192 KiB
status=1
Setting up swapspace version 1, size = 96 KiB (98304 bytes)
no label, UUID=…
status=0
mkswap: error: swap area needs to be at least 40 KiB
status=1
mkswap: invalid block count argument: '4096x'
status=1
Setting up swapspace version 1, size = 8 MiB (8384512 bytes)
status=0
mkswap: only one device argument is supported
Try 'mkswap --help' for more information.
status=1
`);
});

test("mkswap -L and -U write a label and a UUID; -U clear is all zeros; a bad UUID and a long label as util-linux says", () => {
  const { text } = runScript(
    `fallocate -l 8M /a; chmod 600 /a
mkswap -L mylabel -U 01234567-89AB-cdef-0123-456789abcdef /a; echo status=$?
mkswap -U bogus /a; echo status=$?
mkswap -U nil /a; echo status=$?
mkswap -U 0123456789abcdef0123456789abcdef /a; echo status=$?
mkswap -U clear /a 2>/dev/null; echo status=$?
mkswap -L 0123456789abcdefXYZ /a; echo status=$?
mkswap --label=x --uuid random /a 2>/dev/null | tail -1 | cut -c1-14
`,
  );
  expect(
    text.replace(/(abcde, UUID=)[-0-9a-f]{36}/, "$1…"),
  ).toBe(`Setting up swapspace version 1, size = 8 MiB (8384512 bytes)
LABEL=mylabel, UUID=01234567-89ab-cdef-0123-456789abcdef
status=0
mkswap: error: parsing UUID failed
status=1
mkswap: error: parsing UUID failed
status=1
mkswap: error: parsing UUID failed
status=1
Setting up swapspace version 1, size = 8 MiB (8384512 bytes)
no label, UUID=00000000-0000-0000-0000-000000000000
status=0
mkswap: /a: warning: wiping old swap signature.
Setting up swapspace version 1, size = 8 MiB (8384512 bytes)
mkswap: Label was truncated.
LABEL=0123456789abcde, UUID=…
status=0
LABEL=x, UUID=
`);
});

test("a generated UUID is the same in every run of the same script, and differs between two files", () => {
  const script = `fallocate -l 1M /a; fallocate -l 1M /b; chmod 600 /a /b
mkswap /a | tail -1; mkswap /b | tail -1
`;
  const first = runScript(script).stdout;
  expect(runScript(script).stdout).toBe(first);
  const [a, b] = first.trimEnd().split("\n");
  expect(a).toMatch(
    /^no label, UUID=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  expect(b).not.toBe(a);
});

// Captured (as /tmp/ksw/a, a name as long): mkswap -L lab a 4000 on an 8 MiB file; swapon a; swapon --show...; swapoff a;
// fallocate -l 16M a; swapon a (still 3996k, across the whole file); then mkswap a; truncate
// -s 4M a; swapon a: EINVAL, "Swap area shorter than signature indicates" in dmesg.
test("swapon takes the area's size from the header: a grown file keeps the old area, a shrunk one is refused", () => {
  const { text } = runScript(
    `fallocate -l 8M /tmp/kswap; chmod 600 /tmp/kswap
mkswap -L lab -U fb5ca247-3b9c-4906-b03c-0e5aaf803378 /tmp/kswap 4000 >/dev/null
swapon /tmp/kswap; swapon --show; swapon --show=NAME,UUID,LABEL,SIZE; swapon -s
swapoff /tmp/kswap
fallocate -l 16M /tmp/kswap; swapon /tmp/kswap; swapon --show --bytes; swapoff /tmp/kswap
mkswap /tmp/kswap >/dev/null 2>&1; truncate -s 4M /tmp/kswap; swapon /tmp/kswap; echo status=$?
dmesg -t
`,
  );
  expect(text).toBe(`NAME       TYPE SIZE USED PRIO
/tmp/kswap file 3.9M   0B   -2
NAME       UUID                                 LABEL SIZE
/tmp/kswap fb5ca247-3b9c-4906-b03c-0e5aaf803378 lab   3.9M
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/tmp/kswap                              file\t\t3996\t\t0\t\t-2
NAME       TYPE    SIZE USED PRIO
/tmp/kswap file 4091904    0   -2
swapon: /tmp/kswap: swapon failed: Invalid argument
status=255
Adding 3996k swap on /tmp/kswap.  Priority:-2 extents:1 across:8188k 
Adding 3996k swap on /tmp/kswap.  Priority:-2 extents:1 across:16380k 
Swap area shorter than signature indicates
`);
});

// Captured with this fstab in /etc/fstab (restored afterwards), as /tmp/ksw/… files.
test("swapon -a: a LABEL= spec is never found for a file, nofail skips a missing file, swapoff -a needs no fstab", () => {
  const { text } = runScript(
    `fallocate -l 8M /a; chmod 600 /a; mkswap -L lab /a >/dev/null
printf "LABEL=lab none swap sw 0 0\\n/tmp/nonexist none swap sw 0 0\\n/tmp/nf none swap sw,nofail 0 0\\n/a none swap sw,pri=4 0 0\\n" > /etc/fstab
swapon -a; echo rc=$?; swapon --show; swapon -a; echo rc=$?
swapoff -a; echo rc=$?; swapon --show
rm /etc/fstab; swapon -a; echo rc=$?; swapoff -a; echo rc=$?
echo > /etc/fstab; swapon -a; echo rc=$?
swapon LABEL=lab; echo rc=$?
swapon -L lab; echo rc=$?
`,
  );
  expect(text).toBe(`swapon: cannot find the device for LABEL=lab
swapon: cannot open /tmp/nonexist: No such file or directory
rc=255
NAME TYPE SIZE USED PRIO
/a   file   8M   0B    4
swapon: cannot find the device for LABEL=lab
swapon: cannot open /tmp/nonexist: No such file or directory
rc=255
rc=0
swapon: failed to parse /etc/fstab: No such file or directory
rc=1
rc=0
rc=0
swapon: cannot find the device for LABEL=lab
rc=255
swapon: cannot find the device for lab
rc=255
`);
});
