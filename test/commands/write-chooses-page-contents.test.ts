/**
 * `write --byte N` fills every written page with byte N; `--random` gives
 * every page its own content; the default stores the one word (1, or
 * --value) into every page, as a program storing one word per page would.
 * `read --words` shows a page's first word.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const words = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => l.split(": ")[1]);

test("--byte fills pages with a byte, --random gives each page its own word", () => {
  const t = runScript(`P=$(spawn /bin/sh)
B=$(mmap $P 16K --name buf)
write $P buf --byte 0xab
read $P buf --words
write $P buf --random
read $P buf --words
write $P buf
read $P buf --words
`);
  expect(t.stderr).toBe("");
  const lines = words(t.stdout);
  expect(lines.slice(0, 4)).toEqual(Array(4).fill("0xabababab"));
  const random = lines.slice(4, 8);
  expect(new Set(random).size).toBe(4);
  expect(random).not.toContain("0x00000000");
  expect(lines.slice(8)).toEqual(Array(4).fill("0x00000001"));
});

test("a bad byte, both options at once, or either on read is a usage error", () => {
  for (const [line, message] of [
    ["write $P buf --byte 256", "write: invalid byte: '256' (0-255)"],
    ["write $P buf --byte 1 --random", "write: --byte and --random exclude each other"],
    ["read $P buf --random", "read: --byte and --random are options of write"],
  ]) {
    const t = runScript(`P=$(spawn /bin/sh)\nmmap $P 16K --name buf >/dev/null\n${line}`);
    expect(t.stderr).toContain(message);
    expect(t.status).toBe(2);
  }
});
