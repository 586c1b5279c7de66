/**
 * A target names a mapped file by its name alone (`smaps $P libc.so.6`)
 * when no other mapped path has that name, and Tab completion offers
 * exactly the names the commands accept.
 */
import { expect, test } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { complete } from "../../src/shell/complete.js";
import { runScript } from "../helpers/run-script.js";

test("a mapped file's name without its directory names it when unambiguous", () => {
  const r = runScript(
    "P=$(spawn sleep 9)\nsmaps $P libc.so.6 | head -1\nsmaps $P sleep+8K | head -1",
  );
  expect(r.stdout).toBe(
    "7ffff7dd5000-7ffff7dfb000 r--p 00000000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6\n" +
      "555555556000-55555555b000 r-xp 00002000 fe:00 260875                     /usr/bin/sleep\n",
  );
  expect(r.stderr).toBe("");
});

test("two mapped paths with one name: an error that lists both, status 2", () => {
  const r = runScript(
    "P=$(spawn sleep 9)\ntruncate -s 8K /tmp/data /var/tmp/data\n" +
      "mmap $P 8K --file /tmp/data >/dev/null\nmmap $P 8K --file /var/tmp/data >/dev/null\n" +
      "smaps $P data; echo $?\nsmaps $P /var/tmp/data | head -1 | grep -c /var/tmp/data",
  );
  expect(r.stderr).toBe(
    "smaps: data: ambiguous mapping name in process 3: could be /tmp/data or /var/tmp/data\n",
  );
  expect(r.stdout).toBe("2\n1\n");
});

test("completion offers exactly the mapping names every target command accepts", () => {
  const { session } = runScript(
    "P=$(spawn sleep 9)\ntruncate -s 8K /tmp/data /var/tmp/data\n" +
      "mmap $P 8K --file /tmp/data >/dev/null\nmmap $P 8K --file /var/tmp/data >/dev/null\n" +
      "mmap $P 4K --name buf >/dev/null",
  );
  const offered = complete(session, "smaps 3 ", 8).candidates;
  expect(offered).toEqual(expect.arrayContaining(["sleep", "libc.so.6", "/usr/bin/sleep", "buf"]));
  expect(offered).not.toContain("data");
  expect(offered).not.toContain("dash");
  for (const name of offered) {
    const r = runScript(
      `P=$(spawn sleep 9)\ntruncate -s 8K /tmp/data /var/tmp/data\n` +
        "mmap $P 8K --file /tmp/data >/dev/null\nmmap $P 8K --file /var/tmp/data >/dev/null\n" +
        `mmap $P 4K --name buf >/dev/null\nsmaps $P '${name}' >/dev/null`,
    );
    expect(r.stderr, name).toBe("");
  }
  expect(COMMANDS.get("smaps")?.usage.join("\n")).toContain("MAPPING");
});
