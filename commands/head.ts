/**
 * head: output the first part of files, as GNU coreutils head does:
 * -n [-]NUM lines (default 10; with `-`, all but the last NUM), -c [-]NUM
 * bytes, -q/-v headers, and the obsolete `head -NUM`. Exit 1 on any error.
 */

import { byteOffset, splitLines, utf8Length } from "../src/shell/tool-io.js";
import { type Amount, partOfFilesCommand } from "./lib/files/part-of-files.js";

const HELP = `Usage: head [OPTION]... [FILE]...
Print the first 10 lines of each FILE to standard output.
With more than one FILE, precede each with a header giving the file name.

With no FILE, or when FILE is -, read standard input.

Mandatory arguments to long options are mandatory for short options too.
  -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                             with the leading '-', print all but the last
                             NUM bytes of each file
  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                             with the leading '-', print all but the last
                             NUM lines of each file
  -q, --quiet, --silent    never print headers giving file names
  -v, --verbose            always print headers giving file names
      --help        display this help and exit

NUM may have a multiplier suffix:
b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,
GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y, R, Q.
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
`;

export const head = partOfFilesCommand({
  name: "head",
  summary: "output the first part of files",
  prints: "the first 10 lines (or -n NUM lines, -c NUM bytes) of each file",
  help: HELP,
  sign: "-",
  take: takeHead,
});

/** The part of `text` head prints. */
function takeHead(text: string, a: Amount): string {
  if (a.unit === "bytes") {
    const keep = a.signed ? Math.max(0, utf8Length(text) - a.count) : a.count;
    return text.slice(0, byteOffset(text, keep));
  }
  const lines = splitLines(text);
  const keep = a.signed ? Math.max(0, lines.length - a.count) : a.count;
  return lines.slice(0, keep).join("");
}
