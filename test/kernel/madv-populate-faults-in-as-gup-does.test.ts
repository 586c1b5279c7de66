/**
 * MADV_POPULATE_READ / _WRITE beyond scenario 49 (test/truth): COW broken
 * up front after fork, and the errors madvise(2) documents for them.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("populate_write after fork copies every shared page (COW broken), populate_read copies none", () => {
  const { text, status } = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 64K --name buf)
write $P buf 64K --value 1
C=$(fork $P)
madvise $C buf 64K populate_read -v
madvise $C buf 64K populate_write -v
madvise $C buf 64K populate_write -v
smaps $C buf | grep -E '^(Shared_Dirty|Private_Dirty):'
`);
  expect(status).toBe(0);
  expect(text.replace(/ +/g, " ").trimEnd().split("\n")).toEqual([
    "minflt=0 majflt=0",
    "minflt=16 majflt=0",
    "minflt=0 majflt=0",
    "Shared_Dirty: 0 kB",
    "Private_Dirty: 64 kB",
  ]);
});

test("populate fails as Linux's: EINVAL for a forbidden access, ENOMEM over a hole, EFAULT beyond the end of a file", () => {
  const { text } = runScript(`P=$(spawn /bin/sh)
R=$(mmap $P 64K --prot r)
madvise $P $R 64K populate_write
madvise $P $R 64K populate_read
N=$(mmap $P 64K --prot none)
madvise $P $N 64K populate_read
H=$(mmap $P 64K)
munmap $P $H+32K 32K
madvise $P $H 64K populate_read
truncate -s 4K /tmp/small
F=$(mmap $P 64K --file /tmp/small --prot r)
madvise $P $F 64K populate_read
`);
  const lines = text.trimEnd().split("\n");
  expect(lines.map((l) => l.replace(/0x[0-9a-f]+/, "ADDR"))).toEqual([
    "madvise: ADDR: Invalid argument",
    "madvise: ADDR: Invalid argument",
    "madvise: ADDR: Cannot allocate memory",
    "madvise: ADDR: Bad address",
  ]);
});
