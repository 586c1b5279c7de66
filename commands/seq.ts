/** seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST: numbers from FIRST to LAST, as GNU seq prints them. */
import { type Command, err, fail, ok, out } from "../src/shell/types.js";

const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

const decimals = (text: string): number => {
  const dot = text.indexOf(".");
  return dot === -1 || /e/i.test(text) ? 0 : text.length - dot - 1;
};

export const seq: Command = {
  name: "seq",
  summary: "print numbers from FIRST (1) to LAST by INCREMENT (1)",
  prints: "the numbers, one a line",
  usage: ["seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST"],
  run(_ctx, argv) {
    let sep = "\n";
    let width = false;
    const nums: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "-s" || a.startsWith("-s")) {
        const v = a === "-s" ? argv[++i] : a.slice(2);
        if (v === undefined)
          return fail(
            1,
            err("seq: option requires an argument -- 's'\nTry 'seq --help' for more information."),
          );
        sep = v;
      } else if (a === "-w") width = true;
      else if (NUMBER.test(a)) nums.push(a);
      else if (a.startsWith("-") && !/^-[0-9.]/.test(a))
        return fail(
          1,
          err(`seq: invalid option -- '${a.slice(1, 2)}'\nTry 'seq --help' for more information.`),
        );
      else
        return fail(
          1,
          err(
            `seq: invalid floating point argument: '${a}'\nTry 'seq --help' for more information.`,
          ),
        );
    }
    if (nums.length === 0 || nums.length > 3)
      return fail(
        1,
        err(
          `seq: ${nums.length === 0 ? "missing operand" : `extra operand '${nums[3]}'`}\nTry 'seq --help' for more information.`,
        ),
      );
    const [firstText, incText, lastText] =
      nums.length === 1
        ? ["1", "1", nums[0]!]
        : nums.length === 2
          ? [nums[0]!, "1", nums[1]!]
          : [nums[0]!, nums[1]!, nums[2]!];
    const inc = Number(incText);
    if (inc === 0)
      return fail(
        1,
        err(
          `seq: invalid Zero increment value: '${incText}'\nTry 'seq --help' for more information.`,
        ),
      );
    const places = Math.max(decimals(firstText), decimals(incText));
    const first = Number(firstText);
    const last = Number(lastText);
    const values: string[] = [];
    for (let k = 0; ; k++) {
      const v = first + k * inc;
      if (inc > 0 ? v > last + 1e-9 : v < last - 1e-9) break;
      values.push(v.toFixed(places));
      if (values.length > 10_000_000) break;
    }
    if (width) {
      const w = Math.max(...values.map((v) => v.replace("-", "").length));
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        values[i] = v.startsWith("-") ? `-${v.slice(1).padStart(w, "0")}` : v.padStart(w, "0");
      }
    }
    return values.length === 0 ? ok() : ok(out(`${values.join(sep)}\n`));
  },
};
