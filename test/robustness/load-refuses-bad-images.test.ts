/**
 * `load` refuses whatever is not an intact image of this cowsh's making,
 * each with its own message, and keeps the current machine exactly as it
 * was: a flipped byte, a truncated file, foreign JSON, a wrong magic, a
 * newer version, and images whose checksum is right but whose contents are
 * not a consistent machine. `cowsh --load` reads files the same way.
 */

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { parseCommandLine } from "../../src/cli/cli-options.js";
import { encodeImage, readImageFile } from "../../src/image/machine-image.js";
import { Machine } from "../../src/kernel/machine.js";
import { nodeHost } from "../../src/shell/host.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import { machineDigest } from "../helpers/machine-digest.js";

const dir = mkdtempSync(join(tmpdir(), "cowsh-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(session: ShellSession, source: string): { text: string; status: number } {
  let text = "";
  const { status } = runSource(session, source, (b) => {
    text += b.text;
  });
  return { text, status };
}

const saved = createSession(Machine.boot({ memBytes: 128 * 1024 * 1024 }));
run(
  saved,
  "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nwrite $P buf\nC=$(fork $P)\nwrite $C buf 1M\nrun $C 'sleep 5; exit 1'",
);
const good = encodeImage(saved.machine);

/** A session with a machine of its own, and what it looks like now. */
function current(): { session: ShellSession; digest: string } {
  const session = createSession(Machine.boot());
  run(session, "P=$(spawn /bin/sh)\nmmap $P 1M\nwrite $P $B");
  return { session, digest: machineDigest(session.machine) };
}

let files = 0;
/** `load` of a file holding `bytes`: its message; the machine must stay as it was. */
function refusal(bytes: Uint8Array | string): string {
  const file = join(dir, `f${files++}.img`);
  writeFileSync(file, bytes);
  const { session, digest } = current();
  const before = session.machine;
  const r = run(session, `load ${file}`);
  expect(r.status).toBe(1);
  expect(session.machine).toBe(before);
  expect(machineDigest(session.machine)).toBe(digest);
  return r.text.replace(file, "FILE");
}

/** The image's parts: the header lines and the body (ungzipped). */
function parts(image: Uint8Array): { magic: string; body: Buffer } {
  const text = Buffer.from(image);
  const first = text.indexOf(10);
  const second = text.indexOf(10, first + 1);
  return { magic: text.subarray(0, first).toString(), body: gunzipSync(text.subarray(second + 1)) };
}

/** An image of `body` with a correct checksum. */
function sealed(magic: string, body: Buffer): Buffer {
  const payload = gzipSync(body);
  const sum = createHash("sha256").update(payload).digest("hex");
  return Buffer.concat([Buffer.from(`${magic}\nsha256 ${sum}\n`), payload]);
}

/** The good image with its JSON changed by `edit` (the blobs kept, realigned), sealed again. */
function edited(edit: (data: Record<string, unknown>) => void): Buffer {
  const { magic, body } = parts(good);
  const length = body.readUInt32LE(0);
  const data = JSON.parse(body.subarray(4, 4 + length).toString());
  edit(data);
  const json = Buffer.from(JSON.stringify(data));
  const blobs = body.subarray((4 + length + 7) & ~7);
  const head = Buffer.alloc((4 + json.length + 7) & ~7);
  head.writeUInt32LE(json.length, 0);
  json.copy(head, 4);
  return sealed(magic, Buffer.concat([head, blobs]));
}

describe("damaged or foreign files are refused, the machine kept", () => {
  test("a good image loads", () => {
    const file = join(dir, "good.img");
    writeFileSync(file, good);
    const { session } = current();
    expect(run(session, `load ${file}`)).toEqual({ text: "", status: 0 });
    expect(machineDigest(session.machine)).toBe(machineDigest(saved.machine));
  });

  test("a flipped byte anywhere after the header", () => {
    for (const at of [60, 200, Math.floor(good.length / 2), good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x10;
      expect(refusal(bad)).toBe("load: host file FILE: corrupt (checksum mismatch)\n");
    }
  });

  test("a truncated file", () => {
    expect(refusal(good.subarray(0, good.length - 1))).toBe(
      "load: host file FILE: corrupt (checksum mismatch)\n",
    );
    expect(refusal(good.subarray(0, 100))).toBe(
      "load: host file FILE: corrupt (checksum mismatch)\n",
    );
    expect(refusal(good.subarray(0, 40))).toBe(
      "load: host file FILE: corrupt (checksum mismatch)\n",
    );
    expect(refusal(good.subarray(0, 10))).toBe("load: host file FILE: not a cowsh machine image\n");
    expect(refusal("")).toBe("load: host file FILE: not a cowsh machine image\n");
  });

  test("foreign files: JSON, text, a wrong magic", () => {
    expect(refusal('{"version":1,"tasks":[]}')).toBe(
      "load: host file FILE: not a cowsh machine image\n",
    );
    expect(refusal("echo hello\n")).toBe("load: host file FILE: not a cowsh machine image\n");
    const wrong = Buffer.from(good);
    wrong[0] = "C".charCodeAt(0);
    expect(refusal(wrong)).toBe("load: host file FILE: not a cowsh machine image\n");
    expect(refusal(Buffer.from(good).subarray(1))).toBe(
      "load: host file FILE: not a cowsh machine image\n",
    );
  });

  test("an image from a newer cowsh", () => {
    const { body } = parts(good);
    expect(refusal(sealed("cowsh machine image 2", body))).toBe(
      "load: host file FILE: made by a newer cowsh (version 2)\n",
    );
    expect(refusal(`cowsh machine image 17\nwhatever follows\n`)).toBe(
      "load: host file FILE: made by a newer cowsh (version 17)\n",
    );
  });

  test("a right checksum over contents that are not a machine", () => {
    const invalid = (bytes: Buffer) => {
      const text = refusal(bytes);
      expect(text).toMatch(/^load: host file FILE: not a valid machine image \(.+\)\n$/);
      return text;
    };
    expect(invalid(sealed("cowsh machine image 1", Buffer.from("not gzip, not json")))).toMatch(
      /not a valid/,
    );
    expect(invalid(edited((d) => delete d.tasks))).toContain("(tasks: not a list)");
    expect(
      invalid(
        edited((d) => {
          (d.tables as { sharers: number[] }).sharers[0]! += 1;
        }),
      ),
    ).toContain("tables.sharers[0]");
    expect(
      invalid(
        edited((d) => {
          const tasks = d.tasks as { mm: { vmas: { start: number }[] } | null }[];
          tasks[2]!.mm!.vmas[1]!.start += 1;
        }),
      ),
    ).toContain("not page aligned");
    expect(
      invalid(
        edited((d) => {
          d.nextPid = 3;
        }),
      ),
    ).toContain("nextPid: PID 3 is not below it");
    expect(
      invalid(
        edited((d) => {
          const tasks = d.tasks as { mm: { rssAnon: number } | null }[];
          tasks[2]!.mm!.rssAnon += 1;
        }),
      ),
    ).toContain("RSS counters");
    expect(
      invalid(
        edited((d) => {
          const inodes = (d.vfs as { inodes: { elf?: string }[] }).inodes;
          inodes.find((i) => i.elf !== undefined)!.elf = "/no/such/elf";
        }),
      ),
    ).toContain("is not an ELF file of the root image");
    expect(
      invalid(
        edited((d) => {
          (d.phys as { nrFree: number }).nrFree -= 1;
        }),
      ),
    ).toContain("phys.nrFree");
    expect(
      invalid(
        edited((d) => {
          (d.phys as { mapcount: { length: number } }).mapcount.length += 1 << 30;
        }),
      ),
    ).toContain("runs past the end");
  });

  test("a missing file, a directory, a device", () => {
    const { session } = current();
    expect(run(session, `load ${dir}/none.img`).text).toBe(
      `load: host file ${dir}/none.img: No such file or directory\n`,
    );
    expect(run(session, `load ${dir}`).text).toBe(`load: host file ${dir}: Is a directory\n`);
    expect(run(session, "load /dev/zero").text).toBe(
      "load: host file /dev/zero: Invalid argument\n",
    );
  });
});

describe("cowsh --load", () => {
  test("reads the image the way load does", () => {
    const file = join(dir, "start.img");
    writeFileSync(file, good);
    expect(parseCommandLine(["--load", file]).load).toBe(file);
    const r = readImageFile(nodeHost, file);
    expect(r.ok && machineDigest(r.machine)).toBe(machineDigest(saved.machine));
    writeFileSync(join(dir, "junk.img"), "junk");
    expect(readImageFile(nodeHost, join(dir, "junk.img"))).toEqual({
      ok: false,
      message: `host file ${join(dir, "junk.img")}: not a cowsh machine image`,
    });
  });
});
