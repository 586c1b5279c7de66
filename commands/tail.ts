/**
 * tail: output the last part of files, as GNU coreutils tail does:
 * -n [+]NUM lines (default 10; with `+`, starting at line NUM), -c [+]NUM
 * bytes, -q/-v headers, and the obsolete `tail -NUM`. No -f: simulated files
 * do not grow while tail runs. Exit 1 on any error.
 */

import { byteOffset, splitLines, utf8Length } from "../src/shell/tool-io.js";
import { type Amount, partOfFilesCommand } from "./lib/files/part-of-files.js";

const HELP = `Usage: tail [OPTION]... [FILE]...
Print the last 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                             output starting with byte NUM of each file
  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                             or use -n +NUM to skip NUM-1 lines at the start
  -q, --quiet, --silent    never output headers giving file names
  -v, --verbose            always output headers giving file names
      --help        display this help and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y, R, Q.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
`;

export const tail = partOfFilesCommand({
  name: "tail",
  summary: "output the last part of files",
  prints: "the last 10 lines (or -n NUM lines, -c NUM bytes) of each file",
  help: HELP,
  sign: "+",
  take: takeTail,
});

/** The part of `text` tail prints. */
function takeTail(text: string, a: Amount): string {
  if (a.unit === "bytes") {
    const total = utf8Length(text);
    const skip = a.signed ? Math.max(0, a.count - 1) : Math.max(0, total - a.count);
    return text.slice(byteOffset(text, skip));
  }
  const lines = splitLines(text);
  const start = a.signed ? Math.max(0, a.count - 1) : Math.max(0, lines.length - a.count);
  return lines.slice(start).join("");
}
