/**
 * A tar archive in memory, with the headers busybox's smemcap writes (GNU
 * magic "ustar  ", octal fields, a checksum of the header's bytes), which is
 * what `smem --source` has always been fed. Names must fit the 100-byte
 * name field; this is for /proc captures (`1234/smaps`), not general use.
 */

const BLOCK = 512;

export interface TarMember {
  readonly name: string;
  readonly type: "file" | "dir";
  /** Permission bits. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** The file's bytes (empty for a directory). */
  readonly data: Uint8Array;
}

const encoder = new TextEncoder();

/** Writes `text` (ASCII) at `offset` of `block`, NUL-padded by the block's zeros. */
function put(block: Uint8Array, offset: number, width: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > width) throw new Error(`tar: '${text}' does not fit ${width} bytes`);
  block.set(bytes, offset);
}

/** `%o` of a non-negative integer. */
const octal = (n: number): string => n.toString(8);

/** The 512-byte header of one member (writeheader in busybox procps/smemcap.c). */
function header(member: TarMember, size: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  put(h, 0, 100, member.name);
  put(h, 100, 8, octal(member.mode & 0o777));
  put(h, 108, 8, octal(member.uid & 0o7777777));
  put(h, 116, 8, octal(member.gid & 0o7777777));
  put(h, 124, 12, octal(size));
  put(h, 136, 12, octal(member.mtime));
  h[156] = (member.type === "dir" ? "5" : "0").charCodeAt(0);
  put(h, 257, 8, "ustar  "); // GNU tar's magic and version, NUL-terminated by the zeros
  // The checksum is the sum of the header's bytes with its own field read as 8 spaces.
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.fill(0, 148, 156);
  put(h, 148, 7, octal(sum).padStart(6, "0"));
  h[155] = 0x20; // "%06o", NUL, space
  return h;
}

/** The archive: each member's header and data padded to 512 bytes, then two zero blocks. */
export function tarArchive(members: readonly TarMember[]): Uint8Array {
  const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
  const total = members.reduce((t, m) => t + BLOCK + padded(m.data.length), 2 * BLOCK);
  const archive = new Uint8Array(total);
  let at = 0;
  for (const m of members) {
    archive.set(header(m, m.data.length), at);
    archive.set(m.data, at + BLOCK);
    at += BLOCK + padded(m.data.length);
  }
  return archive;
}
