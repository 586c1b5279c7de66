/**
 * Exporting writes only inside the directory (or file) the user named:
 * it refuses a non-empty directory or an existing file unless forced,
 * never follows a symlink or hard link planted inside, and on a forced
 * re-export removes only what an earlier export wrote.
 */
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { nodeHost } from "../../src/shell/host.js";
import { createSession, type ShellSession } from "../../src/shell/runtime.js";
import type { HostFs } from "../../src/shell/session.js";
import { run, tempDir } from "./scenario.js";

let dir: string;
let cleanup: () => void;
let session: ShellSession;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  session = createSession(Machine.boot({}));
  run(session, "P=$(spawn /usr/bin/sleep 100)");
});
afterEach(() => cleanup());

describe("refusals", () => {
  test("a non-empty directory: `export-proc: host directory DIR: Directory not empty`, nothing written", () => {
    const target = join(dir, "out");
    mkdirSync(target);
    writeFileSync(join(target, "keep"), "mine");
    expect(run(session, `export-proc ${target}`)).toEqual({
      stdout: "",
      stderr: `export-proc: host directory ${target}: Directory not empty\n`,
      status: 1,
    });
    expect(readdirSync(target)).toEqual(["keep"]);
  });

  test("a file in the way (as the directory or one of its parents), an existing tarball", () => {
    const file = join(dir, "file");
    writeFileSync(file, "x");
    expect(run(session, `export-proc ${file}/sub/out`).stderr).toBe(
      `export-proc: host directory ${file}/sub/out: Not a directory\n`,
    );
    expect(run(session, `export-proc ${file}`).stderr).toBe(
      `export-proc: host directory ${file}: Not a directory\n`,
    );
    expect(run(session, `export-proc --smem ${file}`)).toEqual({
      stdout: "",
      stderr: `export-proc: host file ${file}: File exists\n`,
      status: 1,
    });
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  test("usage errors, and a session without a host", () => {
    expect(run(session, "export-proc").status).toBe(2);
    expect(run(session, `export-proc ${dir}/a ${dir}/b`).status).toBe(2);
    const hostless: ShellSession = { ...createSession(session.machine), host: undefined as never };
    expect(run(hostless, `export-proc ${dir}/x`).stderr).toBe(
      "export-proc: Function not implemented\n",
    );
  });
});

test("DIR is created with its missing parents, as mkdir -p does", () => {
  expect(run(session, `export-proc ${dir}/no/such/out`)).toEqual({
    stdout: "",
    stderr: "",
    status: 0,
  });
  expect(readFileSync(join(dir, "no/such/out/3/comm"), "utf8")).toBe("sleep\n");
  expect(run(session, `export-proc --smem ${dir}/none/x.tar`).stderr).toBe(
    `export-proc: host file ${dir}/none/x.tar: No such file or directory\n`,
  );
});

describe("--force", () => {
  test("replaces planted symlinks and hard links instead of writing through them", () => {
    const target = join(dir, "out");
    const outside = join(dir, "outside");
    mkdirSync(target);
    mkdirSync(outside);
    writeFileSync(join(outside, "secret"), "untouched");
    symlinkSync(join(outside, "secret"), join(target, "meminfo"));
    symlinkSync(outside, join(target, "3"));
    linkSync(join(outside, "secret"), join(target, "version"));
    const tarLink = join(dir, "cap.tar");
    symlinkSync(join(outside, "secret"), tarLink);

    expect(run(session, `export-proc -f ${target} --smem ${tarLink}`).stderr).toBe("");

    expect(readdirSync(outside)).toEqual(["secret"]);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("untouched");
    expect(lstatSync(join(target, "meminfo")).isFile()).toBe(true);
    expect(lstatSync(join(target, "3")).isDirectory()).toBe(true);
    expect(readFileSync(join(target, "version"), "utf8")).toMatch(/^Linux version /);
    expect(lstatSync(tarLink).isFile()).toBe(true);
  });

  test("removes an earlier export's vanished processes, and only what it wrote", () => {
    const target = join(dir, "out");
    mkdirSync(target);
    for (const pid of ["98", "99"]) {
      mkdirSync(join(target, pid));
      writeFileSync(join(target, pid, "smaps"), "");
      writeFileSync(join(target, pid, "status"), "");
    }
    writeFileSync(join(target, "99", "notes"), "mine");
    writeFileSync(join(target, "README"), "mine");
    expect(run(session, `export-proc --force ${target}`).stderr).toBe("");
    const names = readdirSync(target);
    expect(names).not.toContain("98");
    expect(readdirSync(join(target, "99"))).toEqual(["notes"]);
    expect(names).toContain("README");
    expect(names).toContain("3");
  });
});

test("every host call stays at or below the directory named", () => {
  const touched: string[] = [];
  const record =
    <A extends unknown[], R>(name: keyof HostFs, f: (path: string, ...rest: A) => R) =>
    (path: string, ...rest: A): R => {
      touched.push(`${name} ${path}`);
      return f(path, ...rest);
    };
  const spy: HostFs = {
    resolve: nodeHost.resolve,
    stat: record("stat", nodeHost.stat),
    readdir: record("readdir", nodeHost.readdir),
    mkdir: record("mkdir", nodeHost.mkdir),
    unlink: record("unlink", nodeHost.unlink),
    rmdir: record("rmdir", nodeHost.rmdir),
    createFile: record("createFile", nodeHost.createFile),
  };
  const s = createSession(session.machine, spy);
  const target = join(dir, "a", "..", "out"); // `..` the user typed is theirs to type
  mkdirSync(join(dir, "a"));
  expect(run(s, `export-proc ${target} --smem ${dir}/cap.tar`).stderr).toBe("");
  const root = join(dir, "out");
  const writes = touched.filter((t) => !t.startsWith("stat ") && !t.startsWith("readdir "));
  expect(writes.length).toBeGreaterThan(20);
  for (const t of writes) {
    const path = t.slice(t.indexOf(" ") + 1);
    expect(path === root || path.startsWith(`${root}/`) || path === `${dir}/cap.tar`, t).toBe(true);
    expect(path.slice(root.length).split("/")).not.toContain("..");
  }
});
