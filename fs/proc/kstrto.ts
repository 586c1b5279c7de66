/**
 * kstrtoint(s, 10) (lib/kstrtox.c), as /proc files parse the numbers
 * written to them: an optional sign, decimal digits only, at most one
 * trailing newline; EINVAL for anything else (empty, "0x1", "1x"),
 * ERANGE when the value does not fit an int.
 */
import { failure, type Result, success } from "../../src/kernel/result.js";

const INT_MAX = 2 ** 31 - 1;

export function kstrtoint(s: string): Result<number> {
  const m = /^([+-]?)([0-9]+)\n?$/.exec(s);
  if (m === null) return failure("EINVAL");
  const digits = m[2]!.replace(/^0+(?=.)/, "");
  // Beyond 20 digits the kernel's u64 overflows (ERANGE) just the same.
  const magnitude = digits.length > 20 ? Number.POSITIVE_INFINITY : Number(digits);
  const value = m[1] === "-" ? -magnitude : magnitude;
  if (value > INT_MAX || value < -INT_MAX - 1) return failure("ERANGE");
  return success(value);
}

/** strstrip: without leading and trailing isspace() characters. */
export const strstrip = (s: string): string => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");

/** The first `n` bytes of `text` in UTF-8 (a cut character becomes U+FFFD, never a digit or a space). */
export function firstBytes(text: string, n: number): string {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= n ? text : new TextDecoder().decode(bytes.subarray(0, n));
}
