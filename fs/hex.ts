/**
 * Hexadecimal as cowsh prints numbers: one definition for procfs, the
 * views and the commands (the kernel prints no text).
 */

/** `0x7f3a…`: an address or number as the commands and explanations show it (0 is `0x0`). */
export const hex = (n: number): string => `0x${n.toString(16)}`;

/** Zero-padded to `width` digits without a prefix, as printf's `%0*lx` (maps ranges, status masks). */
export const hexPad = (n: number | bigint, width: number): string =>
  n.toString(16).padStart(width, "0");

/** A u64 held as two 32-bit halves (as /proc/kpageflags entries are), as `0x…`. */
export function hexU64(hi: number, lo: number): string {
  const high = hi >>> 0;
  const low = (lo >>> 0).toString(16);
  return high === 0 ? `0x${low}` : `0x${high.toString(16)}${low.padStart(8, "0")}`;
}
