// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell source, where ${NAME} is parameter expansion
/**
 * parse() is total: on any string — shell-like soup, arbitrary Unicode, lone
 * surrogates, binary bytes and NUL, very long lines, deep nesting — it returns
 * a value, never throws, and finishes in time linear in the input.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MAX_NESTING, parse } from "../../src/shell/parser.js";

const SHELL_CHARS = [..."ab =$(){}'\"`\\|&;<>#\n\t!*?~-012", "$(", "${", "&&", "||", ">&", "2>"];

/** parse() returned a well-formed result for `src`. */
function totalOn(src: string): void {
  const r = parse(src);
  if (r.ok) expect(Array.isArray(r.list.items)).toBe(true);
  else {
    expect(typeof r.error.message).toBe("string");
    expect(r.error.pos).toBeGreaterThanOrEqual(0);
    expect(r.error.pos).toBeLessThanOrEqual(src.length);
    expect(r.error.line).toBeGreaterThanOrEqual(1);
  }
}

describe("never throws", () => {
  test("on shell-like soup", () => {
    const soup = fc
      .array(fc.constantFrom(...SHELL_CHARS), { maxLength: 80 })
      .map((a) => a.join(""));
    fc.assert(fc.property(soup, totalOn), { numRuns: 5000 });
  });

  test("on arbitrary Unicode, including lone surrogates", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), totalOn), {
      numRuns: 2000,
    });
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), totalOn), {
      numRuns: 500,
    });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 20 }), (codes) =>
        totalOn(`echo ${String.fromCharCode(...codes)} "$(${String.fromCharCode(...codes)})"`),
      ),
    );
  });

  test("on binary bytes and NUL", () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b));
    fc.assert(fc.property(bytes, totalOn), { numRuns: 2000 });
    totalOn("echo \0 '\0' \"\0\" $(\0)");
  });

  test("on very long inputs", () => {
    const long = fc
      .tuple(
        fc.array(fc.constantFrom(...SHELL_CHARS), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1000, max: 20000 }),
      )
      .map(([unit, n]) => unit.join("").repeat(n));
    fc.assert(fc.property(long, totalOn), { numRuns: 30 });
  });
});

test("deeply nested parameter expansions fail cleanly instead of overflowing the stack", () => {
  // found by "on very long inputs" (seed 2027574924): `-${a` 5,000 times threw RangeError
  const r = parse("-${a".repeat(5000));
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.message).toContain("nested too deeply");
  totalOn(`echo "${'${a-"'.repeat(3000)}"`);
  expect(parse(`echo ${"${a-".repeat(50)}x${"}".repeat(50)}`).ok).toBe(true);
});

test("deep nesting fails cleanly instead of overflowing the stack", () => {
  const deep = `${"$(".repeat(100_000)}x${")".repeat(100_000)}`;
  const r = parse(deep);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.message).toContain("nested too deeply");
  const backquotes = `${"`".repeat(5000)}`;
  totalOn(backquotes);
  expect(parse(`${"$(".repeat(MAX_NESTING)}x${")".repeat(MAX_NESTING)}`).ok).toBe(true);
});

/**
 * Milliseconds of CPU this process spent in `f` (user and system): unlike
 * the wall clock, it does not grow while other test files hold the CPUs.
 */
function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const { user, system } = process.cpuUsage(t0);
  return (user + system) / 1000;
}

test("a one-megabyte line parses in well under a second per megabyte", () => {
  const words = "word 'quoted' \"$var\" | ".repeat(45_000);
  let r: ReturnType<typeof parse> | undefined;
  const elapsed = cpuMs(() => {
    r = parse(`${words}end`);
  });
  expect(r?.ok).toBe(true);
  expect(elapsed).toBeLessThan(3000);
});

test("time grows linearly: 8x the input takes well under 64x the time", () => {
  const unit = "a \"$b\" '$(c)' $(d | e) ${f}; ";
  const small = unit.repeat(2000);
  const large = unit.repeat(16_000);
  const timed = (src: string): number => cpuMs(() => parse(src));
  // The best of seven runs of each, taken in turns, so that GC, JIT and a
  // machine busy with other test files weigh on both sizes alike.
  timed(small);
  let best = Number.POSITIVE_INFINITY;
  let bigBest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 7; i++) {
    best = Math.min(best, timed(small));
    bigBest = Math.min(bigBest, timed(large));
  }
  const big = bigBest;
  expect(big).toBeLessThan(Math.max(best, 5) * 32);
});
