/**
 * Reading the acceptance experiment's transcript (demo/fork-exec.cowsh) the
 * same way in every front end's test: its "--- LABEL" sections and the
 * figures the real kernel printed for them (test/demo/fixtures/).
 */
import { readFileSync } from "node:fs";

/** What the real kernel printed (/work/shared/truth/expected-output.txt, copied beside the demo tests). */
export const EXPECTED = readFileSync(
  new URL("../demo/fixtures/expected-output.txt", import.meta.url),
  "utf8",
);

/** The expected smaps lines: "STEP ROLE REGION Field=kB Field=kB…". */
export const EXPECTED_SMAPS_LINES = EXPECTED.split("\n").filter((l) =>
  /^\S+ (parent|child) (buffer|shared) /.test(l),
);

/** "--- LABEL" sections of a transcript: label -> field -> kB. */
export function sections(text: string): Map<string, Map<string, number>> {
  const found = new Map<string, Map<string, number>>();
  let current: Map<string, number> | null = null;
  for (const line of text.split("\n")) {
    const header = /^--- (.+)$/.exec(line);
    if (header !== null) {
      current = new Map();
      found.set(header[1]!, current);
      continue;
    }
    const field = /^([A-Za-z_]+):\s+(\d+) kB$/.exec(line);
    if (field !== null && current !== null) current.set(field[1]!, Number(field[2]));
    else current = null;
  }
  return found;
}

/** For each expected smaps line, the fields whose figure differs in `got` (empty: all agree). */
export function smapsMismatches(got: Map<string, Map<string, number>>): string[] {
  const wrong: string[] = [];
  for (const line of EXPECTED_SMAPS_LINES) {
    const [step, role, region, ...fields] = line.split(" ");
    const section = got.get(`${step} ${role} ${region}`);
    if (section === undefined) {
      wrong.push(`no section ${step} ${role} ${region}`);
      continue;
    }
    for (const f of fields) {
      const [name, value] = f.split("=") as [string, string];
      if (section.get(name) !== Number(value))
        wrong.push(`${step} ${role} ${region} ${name}: ${section.get(name)} != ${value}`);
    }
  }
  return wrong;
}
