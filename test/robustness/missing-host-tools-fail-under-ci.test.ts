/**
 * A suite whose host tool is missing fails under CI and skips elsewhere with
 * its reason (test/helpers/host-tools.ts, used by the tmux, smem, psutil,
 * asciinema and pmap suites).
 */
import { describe, expect, test } from "vitest";
import { missingTool, toolsRequired, toolVerdict } from "../helpers/host-tools.js";

describe("host tools", () => {
  test("a command that cannot run is missing, with the package named", () => {
    const why = missingTool("cowsh-no-such-package", "cowsh-no-such-tool", ["-V"]);
    expect(why).toMatch(
      /^cowsh-no-such-package is not installed here \(`cowsh-no-such-tool -V` failed\)/,
    );
    expect(missingTool("node", process.execPath, ["--version"])).toBeNull();
  });

  test("the version check can refuse a tool that runs", () => {
    const old = missingTool("node", process.execPath, ["--version"], (v) => `node is ${v.trim()}`);
    expect(old).toBe(`node is ${process.version}`);
  });

  test("under CI a missing tool fails the suite; elsewhere it skips, saying why", () => {
    const missing = ["smem is not installed here", null];
    expect(toolVerdict(missing, true)).toEqual({
      kind: "fail",
      reason: "smem is not installed here; CI must install it (.ci/run)",
    });
    expect(toolVerdict(missing, false)).toEqual({
      kind: "skip",
      reason: "smem is not installed here; CI installs it (.ci/run)",
    });
    expect(toolVerdict([null, null], true)).toEqual({ kind: "run" });
  });

  test("CI=true (as .ci/run sets it) requires the tools; unset or false does not", () => {
    expect(toolsRequired({ CI: "true" })).toBe(true);
    expect(toolsRequired({ CI: "1" })).toBe(true);
    expect(toolsRequired({})).toBe(false);
    expect(toolsRequired({ CI: "false" })).toBe(false);
  });
});
