/**
 * The machine image file (`save`, `load`, `cowsh --load`): the kernel's
 * plain snapshot (src/kernel/snapshot.ts) as bytes.
 *
 *     cowsh machine image 1\n          magic and layout version
 *     sha256 <64 hex digits>\n         checksum of everything after this line
 *     <gzip of the body>
 *
 * The body is a little-endian u32 giving the length of a JSON text, the
 * JSON (UTF-8), then the typed arrays' bytes, each starting at a multiple
 * of 8. In the JSON a typed array is `{"$blob": i, "type": "u32", "length":
 * n}`: blob i of n elements, blobs laid out in order. Nothing is base64:
 * a machine with 1 GiB resident saves in a few megabytes.
 */
import type * as Crypto from "node:crypto";
import type * as Zlib from "node:zlib";
import type { Machine } from "../kernel/machine.js";
import { IMAGE_VERSION, loadMachine, saveMachine } from "../kernel/snapshot.js";
import { type HostFs, hostStrerror } from "../shell/session.js";

const IMAGE_MAGIC = "cowsh machine image";

// Loaded when an image is first saved or read: together they cost a batch
// start-up (which every `cowsh -c` pays) more than booting the machine.
const crypto = (): typeof Crypto => process.getBuiltinModule("node:crypto");
const zlib = (): typeof Zlib => process.getBuiltinModule("node:zlib");

/** Why bytes are not a machine: each has its message in `imageMessage`. */
export type ImageRefusal =
  | { readonly kind: "foreign" }
  | { readonly kind: "corrupt" }
  | { readonly kind: "newer"; readonly version: number }
  | { readonly kind: "invalid"; readonly problem: string };

export type DecodeResult =
  | { readonly ok: true; readonly machine: Machine }
  | ({ readonly ok: false } & ImageRefusal);

/** The text after `FILE: ` that says why a file was refused. */
function imageMessage(r: ImageRefusal): string {
  switch (r.kind) {
    case "foreign":
      return "not a cowsh machine image";
    case "corrupt":
      return "corrupt (checksum mismatch)";
    case "newer":
      return `made by a newer cowsh (version ${r.version})`;
    case "invalid":
      return `not a valid machine image (${r.problem})`;
  }
}

type Blob = Uint32Array | Uint16Array | Float64Array;
const BLOB_TYPES = { u32: Uint32Array, u16: Uint16Array, f64: Float64Array } as const;
type BlobType = keyof typeof BLOB_TYPES;

const blobType = (a: Blob): BlobType =>
  a instanceof Uint32Array ? "u32" : a instanceof Uint16Array ? "u16" : "f64";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align8 = (n: number): number => (n + 7) & ~7;

/** Reverses the byte order of each `width`-byte element of `bytes`, in place. */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** The bytes of a typed array as stored: little-endian. */
function leBytes(a: Blob): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const swapped = bytes.slice();
  swapBytes(swapped, a.BYTES_PER_ELEMENT);
  return swapped;
}

/** The image file of machine `m`. Changes nothing in the machine. */
export function encodeImage(m: Machine): Uint8Array {
  const blobs: Blob[] = [];
  const json = JSON.stringify(saveMachine(m), (_key, value: unknown) => {
    if (
      value instanceof Uint32Array ||
      value instanceof Uint16Array ||
      value instanceof Float64Array
    ) {
      blobs.push(value);
      return { $blob: blobs.length - 1, type: blobType(value), length: value.length };
    }
    return value;
  });
  const text = Buffer.from(json, "utf8");
  let size = align8(4 + text.length);
  for (const b of blobs) size += align8(b.byteLength);
  const body = Buffer.alloc(size);
  body.writeUInt32LE(text.length, 0);
  text.copy(body, 4);
  let at = align8(4 + text.length);
  for (const b of blobs) {
    body.set(leBytes(b), at);
    at += align8(b.byteLength);
  }
  const payload = zlib().gzipSync(body, { level: 1 });
  const sum = crypto().createHash("sha256").update(payload).digest("hex");
  return Buffer.concat([Buffer.from(`${IMAGE_MAGIC} ${IMAGE_VERSION}\nsha256 ${sum}\n`), payload]);
}

/** The line of `bytes` starting at `from` (without its newline), or null if none ends within `max` bytes. */
function lineAt(
  bytes: Uint8Array,
  from: number,
  max: number,
): { text: string; next: number } | null {
  const end = bytes.subarray(from, from + max).indexOf(0x0a);
  if (end < 0) return null;
  return {
    text: Buffer.from(bytes.subarray(from, from + end)).toString("latin1"),
    next: from + end + 1,
  };
}

/** The machine an image file holds, or why these bytes are refused. */
export function decodeImage(bytes: Uint8Array): DecodeResult {
  const magic = lineAt(bytes, 0, 64);
  const m =
    magic === null ? null : new RegExp(`^${IMAGE_MAGIC} ([1-9][0-9]{0,8})$`).exec(magic.text);
  if (magic === null || m === null) return { ok: false, kind: "foreign" };
  const version = Number(m[1]);
  if (version > IMAGE_VERSION) return { ok: false, kind: "newer", version };
  const sumLine = lineAt(bytes, magic.next, 80);
  const sum = sumLine === null ? null : /^sha256 ([0-9a-f]{64})$/.exec(sumLine.text);
  if (sumLine === null || sum === null) return { ok: false, kind: "corrupt" };
  const payload = bytes.subarray(sumLine.next);
  if (crypto().createHash("sha256").update(payload).digest("hex") !== sum[1])
    return { ok: false, kind: "corrupt" };
  let data: unknown;
  try {
    data = unpack(zlib().gunzipSync(payload));
  } catch (e) {
    return { ok: false, kind: "invalid", problem: (e as Error).message };
  }
  const r = loadMachine(data);
  return r.ok ? r : { ok: false, kind: "invalid", problem: r.problem };
}

/** The snapshot data of an image body (throws on a malformed one). */
function unpack(body: Buffer): unknown {
  if (body.length < 4) throw new Error("body too short");
  const length = body.readUInt32LE(0);
  if (4 + length > body.length) throw new Error("JSON runs past the end");
  let at = align8(4 + length);
  let expected = 0;
  return JSON.parse(body.subarray(4, 4 + length).toString("utf8"), (_key, value: unknown) => {
    if (typeof value !== "object" || value === null || !("$blob" in value)) return value;
    const ref = value as { $blob: unknown; type: unknown; length: unknown };
    const type = BLOB_TYPES[ref.type as BlobType];
    const n = ref.length;
    if (
      ref.$blob !== expected++ ||
      type === undefined ||
      !Number.isSafeInteger(n) ||
      (n as number) < 0
    )
      throw new Error(`bad blob reference ${JSON.stringify(value)}`);
    const byteLength = (n as number) * type.BYTES_PER_ELEMENT;
    if (at + byteLength > body.length) throw new Error(`blob ${ref.$blob} runs past the end`);
    const copy = new Uint8Array(byteLength);
    copy.set(body.subarray(at, at + byteLength));
    at += align8(byteLength);
    if (!LITTLE_ENDIAN) swapBytes(copy, type.BYTES_PER_ELEMENT);
    return new type(copy.buffer);
  });
}

/** `load`'s and `--load`'s whole read: `host file SHOWN: why` when the file cannot be had or is refused. */
export function readImageFile(
  host: HostFs,
  shown: string,
):
  | { readonly ok: true; readonly machine: Machine }
  | { readonly ok: false; readonly message: string } {
  if (host.readFile === undefined) return { ok: false, message: hostStrerror("ENOSYS") };
  const bytes = host.readFile(host.resolve(shown));
  // "host file": the path is the real machine's, not the simulated one's.
  const name = `host file ${shown}`;
  if (!bytes.ok) return { ok: false, message: `${name}: ${hostStrerror(bytes.errno)}` };
  const r = decodeImage(bytes.value);
  return r.ok ? r : { ok: false, message: `${name}: ${imageMessage(r)}` };
}
