/**
 * What a batch run of the built binary (`cowsh -c`, a script file, a script
 * on stdin) loads, traced in the process itself: a `--require`d probe
 * records, at exit, Node's list of the built-in modules it loaded and
 * `require.cache` (every CommonJS file). The batch path is CommonJS from
 * the entry to the core (scripts/batch-cjs.mjs), so any ES module on it
 * (Ink, React, yargs and the front ends' chunks are all ES modules) would
 * start Node's ES module loader, which shows in the list; so would a heavy
 * built-in module. Either costs tens of milliseconds of every start-up.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BIN, ROOT } from "./tmux-pane.js";

const DIR = mkdtempSync(join(tmpdir(), "cowsh-trace-"));
const PROBE = join(DIR, "probe.cjs");
writeFileSync(
  PROBE,
  `process.on("exit", () => require("node:fs").writeFileSync(process.env.COWSH_TRACE_OUT,
    JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) })));\n`,
);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

interface Trace {
  /** Node's own list: `NativeModule fs`, `Internal Binding fs`… */
  readonly builtins: readonly string[];
  /** CommonJS files loaded, the probe's own first. */
  readonly files: readonly string[];
  readonly stdout: string;
}

let runs = 0;
function trace(args: readonly string[], input?: string): Trace {
  const out = join(DIR, `trace-${++runs}.json`);
  const r = spawnSync(process.execPath, ["--require", PROBE, ...args], {
    cwd: DIR,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, COWSH_TRACE_OUT: out },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { ...(JSON.parse(readFileSync(out, "utf8")) as Omit<Trace, "stdout">), stdout: r.stdout };
}

/** Node's ES module loader: loaded once any ES module is. */
const ESM_LOADER = "NativeModule internal/modules/esm/module_job";
/** Built-in modules a batch run has no use for, and which take time to load. */
const HEAVY =
  /^NativeModule (?:crypto|zlib|readline|http|https|http2|tls|dns|worker_threads|child_process|inspector|repl|internal\/readline\/interface)$/;

describe.skipIf(!existsSync(BIN) && !process.env.CI)("a batch run of the binary", () => {
  const baseline = (): Trace => trace(["-e", "console.log(1)"]);

  const cases: [string, () => Trace][] = [
    ["-c", () => trace([BIN, "-c", "P=$(spawn /bin/sh); echo hi $P"])],
    [
      "a script file",
      () => {
        const file = join(DIR, "script.cowsh");
        writeFileSync(file, "# a script\necho hi\n");
        return trace([BIN, file]);
      },
    ],
    ["stdin", () => trace([BIN], "echo hi\n")],
  ];

  test.each(cases)("%s: loads no ES module, no package and no heavy built-in", (_, run) => {
    const t = run();
    expect(t.stdout).toMatch(/^hi/);
    expect(t.builtins).not.toContain(ESM_LOADER);
    const files = t.files.slice(1).map((f) => f.slice(ROOT.length));
    expect(files.filter((f) => !/^dist\/bin\/(?:cowsh\.js|chunks\/[\w-]+\.cjs)$/.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /node_modules/.test(f))).toEqual([]);
    const plain = new Set(baseline().builtins);
    expect(t.builtins.filter((m) => !plain.has(m) && HEAVY.test(m))).toEqual([]);
  });

  test("the probe sees the ES module loader when a front end's chunk is loaded", () => {
    // -ec goes through yargs' reader (a chunk of its own, an ES module).
    const t = trace([BIN, "-ec", "echo hi"]);
    expect(t.stdout).toBe("hi\n");
    expect(t.builtins).toContain(ESM_LOADER);
  });

  test("the core is compiled from its code cache, and V8 accepts it", () => {
    const chunks = readFileSync(BIN, "utf8").match(
      /loadCached\("(\.\/chunks\/core-[\w-]+\.cjs)"\)/,
    );
    expect(chunks).not.toBeNull();
    const cache = join(ROOT, "dist/bin", chunks![1]!.replace(/\.cjs$/, ".v8cache"));
    expect(existsSync(cache)).toBe(true);
    const before = statSync(cache).mtimeMs;
    // A rejected or missing cache is written again at exit; an accepted one is left alone.
    trace([BIN, "-c", "echo hi"]);
    expect(statSync(cache).mtimeMs).toBe(before);
  });
});
