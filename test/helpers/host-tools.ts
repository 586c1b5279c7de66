/**
 * Suites that run a real tool of the host (tmux, smem, psutil, asciinema,
 * procps' pmap). Where a tool is missing:
 *
 * - under CI (`CI` set, as .ci/run sets it, which installs every tool) the
 *   suite FAILS, with one test naming what is missing, so a broken install
 *   cannot pass as a green run with fewer tests;
 * - elsewhere the suite is SKIPPED, and says why: the reason is in the
 *   skipped suite's name and printed as a warning.
 *
 * Every such suite goes through `describeWithTools` or `testWithTools`.
 */
import { spawnSync } from "node:child_process";
import { describe, test } from "vitest";

/** Why a tool cannot be used here, or null when it can. */
export type Missing = string | null;

/**
 * Null when `command args` runs and exits 0 (and `check`, given its stdout,
 * finds nothing wrong); else why not, naming `what` (the package to install).
 */
export function missingTool(
  what: string,
  command: string,
  args: readonly string[],
  check: (stdout: string) => Missing = () => null,
): Missing {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0)
    return `${what} is not installed here (\`${command} ${args.join(" ")}\` failed)`;
  return check(r.stdout);
}

/** Whether missing tools fail (CI) rather than skip. */
export const toolsRequired = (env: Readonly<Record<string, string | undefined>> = process.env) =>
  env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";

/** What happens to a suite that needs tools: run it, fail it (naming why), or skip it (naming why). */
export function toolVerdict(
  missing: readonly Missing[],
  required: boolean,
): { kind: "run" } | { kind: "fail" | "skip"; reason: string } {
  const reasons = missing.filter((m): m is string => m !== null);
  if (reasons.length === 0) return { kind: "run" };
  const reason = reasons.join("; ");
  return required
    ? { kind: "fail", reason: `${reason}; CI must install it (.ci/run)` }
    : { kind: "skip", reason: `${reason}; CI installs it (.ci/run)` };
}

/** `describe(name, body)` when every tool is there; see the file comment otherwise. */
export function describeWithTools(
  name: string,
  missing: readonly Missing[],
  body: () => void,
): void {
  const verdict = toolVerdict(missing, toolsRequired());
  if (verdict.kind === "run") describe(name, body);
  else if (verdict.kind === "fail")
    describe(name, () => {
      test("has the host tools it needs", () => {
        throw new Error(verdict.reason);
      });
    });
  else {
    console.warn(`skipped: ${name}: ${verdict.reason}`);
    describe.skip(`${name} (skipped: ${verdict.reason})`, body);
  }
}

/** `test(name, fn, timeout)` when every tool is there; see the file comment otherwise. */
export function testWithTools(
  name: string,
  missing: readonly Missing[],
  fn: () => void | Promise<void>,
  timeout?: number,
): void {
  const verdict = toolVerdict(missing, toolsRequired());
  if (verdict.kind === "run") test(name, fn, timeout);
  else if (verdict.kind === "fail")
    test(name, () => {
      throw new Error(verdict.reason);
    });
  else {
    console.warn(`skipped: ${name}: ${verdict.reason}`);
    test.skip(`${name} (skipped: ${verdict.reason})`, fn);
  }
}
