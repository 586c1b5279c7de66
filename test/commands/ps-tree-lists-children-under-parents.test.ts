import { expect, test } from "vitest";
import { forked, sh } from "./pictures-helpers.js";

test("ps --tree lists each child under its parent, with ps's columns", () => {
  const s = forked();
  sh(s, "D=$(fork $C); E=$(spawn /bin/sleep 5)");
  const out = sh(s, "ps --tree").stdout.split("\n");
  expect(out[0]).toBe("    PID    PPID S      RSS      PSS      USS COMMAND");
  const cmd = out
    .slice(1, -1)
    .map((l) => `${l.slice(0, 7).trim()} ${l.slice(out[0]!.indexOf("COMMAND"))}`);
  expect(cmd).toEqual([
    "1 /sbin/init",
    "2  \\_ -bash",
    "3      \\_ sh",
    "4          \\_ sh",
    "5              \\_ sh",
    "6      \\_ sleep 5",
  ]);
});

test("plain ps keeps PID order; orphans go under init", () => {
  const s = forked();
  sh(s, "kill $P");
  const plain = sh(s, "ps").stdout;
  expect(plain.split("\n")[1]).toMatch(/^ {6}1 {7}0 S /);
  const tree = sh(s, "ps --forest").stdout;
  expect(tree).toMatch(/\n {6}4 {7}1 S .* \\_ sh\n/);
  expect(sh(s, "ps --bogus").status).toBe(1); // procps: "error: unknown gnu long option"
});
