/**
 * Every demo/NAME.cowsh, run as batch mode runs it (with the options its
 * first lines ask for), prints demo/NAME.out: stdout and stderr interleaved
 * as produced. Its `expect` lines all hold, and it ends with status 0.
 *
 * After reviewing a change, `npm run golden` accepts the new transcripts.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { directiveArgs, kernelConfig, parseCommandLine } from "../../src/cli/cli-options.js";
import { runScript } from "../helpers/run-script.js";

const DEMO = new URL("../../demo/", import.meta.url);
const ACCEPT = process.env.COWSH_GOLDEN === "accept";
const names = readdirSync(DEMO)
  .filter((f) => f.endsWith(".cowsh"))
  .map((f) => f.slice(0, -".cowsh".length))
  .sort();

/** The transcript batch mode prints for demo/NAME.cowsh. */
function transcript(name: string) {
  const source = readFileSync(new URL(`${name}.cowsh`, DEMO), "utf8");
  const directive = directiveArgs(source);
  if (typeof directive === "string") throw new Error(directive);
  const args = parseCommandLine(directive, (message) => {
    throw new Error(message);
  });
  const config = kernelConfig(args);
  if (typeof config === "string") throw new Error(config);
  return runScript(source, config, { scriptName: `demo/${name}.cowsh`, errexit: args.errexit });
}

describe("demo/*.cowsh print their transcripts", () => {
  test("there are at least six demos, each with comments for the learner", () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const source = readFileSync(new URL(`${name}.cowsh`, DEMO), "utf8");
      expect(source.split("\n").filter((l) => l.startsWith("#")).length).toBeGreaterThan(5);
    }
  });

  test.each(names)("%s", (name) => {
    const { text, status } = transcript(name);
    expect(text, "an expect line failed").not.toMatch(/^expect: /m);
    expect(status).toBe(0);
    const golden = new URL(`${name}.out`, DEMO);
    if (ACCEPT) writeFileSync(golden, text);
    else expect(text).toBe(readFileSync(golden, "utf8"));
  });
});
