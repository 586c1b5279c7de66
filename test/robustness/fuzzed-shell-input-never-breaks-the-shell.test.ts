/**
 * Tens of thousands of random and mutated command lines through the batch
 * runtime: the shell never throws, every error is a proper line on stderr,
 * and a command that fails (other than by a signal the simulated program
 * got) leaves the machine exactly as it was.
 */
import { describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import { mulberry32 } from "../../src/ui/typing.js";
import { machineDigest } from "../helpers/machine-digest.js";

/** mulberry32, so every run fuzzes the same lines. */
const prng = mulberry32;

const SEEDS = [
  "spawn /bin/sh",
  "spawn /bin/sleep 5",
  "fork $P",
  "exec $P /bin/sleep 10",
  "exec $P /bin/nope",
  "_exit $C 3",
  "kill -9 $C",
  "wait $C",
  "run $C 'sleep 2; exec /bin/sleep 1'",
  "sleep 1.5",
  "mmap $P 16M --name buf",
  "mmap $P 1M --shared",
  "mmap $P 64K --file /tmp/f --shared",
  "mmap $P 4096 --prot r --fixed 0x700000000000",
  "munmap $P $B 4K",
  "mprotect $P $B 8K r",
  "madvise $P $B 1M dontfork",
  "mlock $P $B 64K",
  "msync $P $B 64K",
  "brk $P +132K",
  "write $P $B 1M -v",
  "write $P buf+2M 4K --value 7",
  "read $P $B 64K --words",
  "truncate -s 4M /tmp/f",
  "echo hello > /tmp/g",
  "cat /proc/$P/smaps",
  "cat /proc/$P/smaps_rollup /proc/meminfo",
  "grep -E 'Rss|Pss' /proc/$P/smaps | head -n 3",
  "smaps $P buf",
  "pagemap $P $B 16K",
  "ps",
  "ls /proc",
  "rm /tmp/g",
  "fsync /tmp/f",
  "evict /tmp/f",
  "help mmap",
  "cut -d' ' -f10 /proc/$P/stat",
  "sort /proc/$P/maps | tail -2",
  "diff /proc/$P/maps /proc/$C/maps",
  "wc -l /proc/$P/smaps",
];

const NASTY = [
  "-1",
  "-4096",
  "0",
  "0x7ffff6c00001",
  "99999999999999999999999",
  "1e309",
  "0xffffffffffffffff",
  "18446744073709551615",
  "NaN",
  "--bogus",
  "-Z",
  "'",
  '"',
  "$(",
  "`",
  "${",
  "\\",
  "|",
  ";;",
  "&&",
  "\u0000",
  "\u00ff\u0001\u007f",
  "[heap]",
  "/proc/999999/smaps",
  "/../../etc/passwd",
  "16G",
  "1T",
  "+",
  "0x",
];

/** One mutated line: a seed with tokens replaced, characters broken, or noise added. */
function mutate(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const words = pick(SEEDS).split(" ");
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * words.length);
    const r = rand();
    if (r < 0.35) words[at] = pick(NASTY);
    else if (r < 0.5) words.splice(at, 0, pick(NASTY));
    else if (r < 0.6) words.splice(at, 1);
    else if (r < 0.7)
      words[at] = (words[at] ?? "").repeat(1 + Math.floor(rand() * 2000)).slice(0, 100_000);
    else if (r < 0.85) {
      const w = words[at] ?? "";
      const i = Math.floor(rand() * (w.length + 1));
      words[at] = w.slice(0, i) + String.fromCharCode(Math.floor(rand() * 256)) + w.slice(i + 1);
    } else words.push(pick(SEEDS));
  }
  return words.join(rand() < 0.9 ? " " : pick(["; ", " | ", " && ", " || ", "\n"]));
}

function fresh(): ShellSession {
  const s = createSession(Machine.boot({ memBytes: 256 * 1024 * 1024 }));
  runSource(
    s,
    "P=$(spawn /bin/sh); C=$(fork $P); B=$(mmap $P 4M); write $P $B 1M; truncate -s 1M /tmp/f",
    () => {},
  );
  return s;
}

/**
 * A single command without redirections: its failure must change nothing.
 * (A redirection creates its file before the command runs, as in bash, so
 * `bad-command > f` leaves an empty f; and in a list, earlier commands may
 * have succeeded.)
 */
const isSimple = (line: string): boolean => !/[;|&\n`>]|\$\(/.test(line);

// Its own budget, above the suite's one minute: about a minute alone here,
// two with the machine loaded.
const FUZZ_BUDGET_MS = 360_000;

describe("fuzzed shell input", () => {
  test(
    "20,000 mutated lines: no throw, proper errors, failures change nothing",
    () => {
      const rand = prng(0xc0ffee);
      let session = fresh();
      for (let n = 0; n < 20_000; n++) {
        if (n % 400 === 0) session = fresh();
        const line = mutate(rand);
        const before = isSimple(line) ? machineDigest(session.machine, false) : "";
        const logged = session.machine.log.length;
        const errors: string[] = [];
        let status: number;
        try {
          status = runSource(session, line, (b) => {
            if (b.kind === "err") errors.push(b.text);
          }).status;
        } catch (e) {
          throw new Error(
            `line ${n} threw: ${JSON.stringify(line.slice(0, 200))}\n${(e as Error).stack}`,
          );
        }
        for (const text of errors) {
          expect(text.endsWith("\n"), JSON.stringify(line.slice(0, 200))).toBe(true);
          // Internal words leaking into a message mean a bug, unless the user typed them.
          for (const leak of ["undefined", "NaN", "[object", "TypeError", ".js:"]) {
            if (!line.includes(leak))
              expect(text, JSON.stringify(line.slice(0, 200))).not.toContain(leak);
          }
        }
        // wait's status is the child's exit status, not a failure of wait.
        if (before !== "" && status !== 0 && status < 128 && !line.startsWith("wait")) {
          expect(
            machineDigest(session.machine, false),
            `line ${n} failed with ${status} but changed the machine: ${JSON.stringify(line.slice(0, 200))}`,
          ).toBe(before);
          // The only trace a failure may leave: overcommit's warning in the kernel log.
          for (const message of session.machine.log.slice(logged))
            expect(message, JSON.stringify(line.slice(0, 200))).toMatch(/^__vm_enough_memory: /);
        }
      }
    },
    FUZZ_BUDGET_MS,
  );
});
