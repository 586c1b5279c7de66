/**
 * util-linux's size_to_human_string (lib/strutils.c): binary units, one
 * decimal rounded half up and dropped when it is 0 ("1.5 MiB", "1024 MiB",
 * "16M", "0B"). `threeLetter` adds "iB" and a space (mkswap's "64 MiB");
 * without it the suffix is one letter (swapon --show's "16M").
 */
export function sizeToHumanString(bytes: number, threeLetter: boolean): string {
  let exp = 10;
  while (exp <= 60 && bytes >= 2 ** exp) exp += 10;
  exp -= 10;
  const letter = "BKMGTPE"[exp / 10]!;
  let dec = exp === 0 ? bytes : Math.floor(bytes / 2 ** exp);
  let frac = exp === 0 ? 0 : bytes - dec * 2 ** exp;
  if (frac !== 0) {
    frac = Math.floor((Math.floor((frac * 1000) / 2 ** exp) + 50) / 100);
    if (frac === 10) {
      dec++;
      frac = 0;
    }
  }
  const suffix = threeLetter ? ` ${letter}${letter === "B" ? "" : "iB"}` : letter;
  return frac === 0 ? `${dec}${suffix}` : `${dec}.${frac}${suffix}`;
}
