/**
 * cowsh's own ps layout gains a SWAP column (kB swapped out: smaps_rollup's
 * Swap, /proc/PID/status's VmSwap) while a swap area is on, as smem shows
 * one; without swap the layout is what it always was.
 */
import { expect, test } from "vitest";
import { boot, sh } from "./pictures-helpers.js";

const MiB = 1024 * 1024;

test("with swap on, ps shows each process's swapped kB, equal to VmSwap", () => {
  const s = boot({ swapBytes: 64 * MiB });
  const pid = sh(s, "spawn /bin/sh").stdout.trim();
  sh(s, `A=$(mmap ${pid} 4M); write ${pid} $A 4M; madvise ${pid} $A 2M pageout`);
  const lines = sh(s, "ps").stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/ USS +SWAP COMMAND$/);
  const mine = lines.find((l) => l.trim().startsWith(`${pid} `))!;
  const vmSwap = sh(s, `grep VmSwap /proc/${pid}/status`).stdout.match(/(\d+) kB/)![1];
  expect(vmSwap).toBe("2048");
  expect(mine.trim().split(/ +/)[6]).toBe(vmSwap);
  expect(sh(s, "ps --tree").stdout.split("\n")[0]).toBe(lines[0]);
});

test("without swap, the layout has no SWAP column", () => {
  const s = boot();
  expect(sh(s, "ps").stdout.split("\n")[0]).toMatch(/ USS COMMAND$/);
});
