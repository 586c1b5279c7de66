/**
 * For tests that boot a machine without the shell (whose host module
 * installs the binary's reader): reads the lazy programs' images from
 * src/kernel/programs/NAME.json, as src/shell/host.ts does, whether this runs
 * from test/rootfs/ (vitest) or dist/test/rootfs/ (the soak, built).
 */
import { existsSync, readFileSync } from "node:fs";
import { setProgramImageSource } from "../../src/kernel/rootfs-image.js";

const DIR = ["../../src/kernel/programs/", "../../../src/kernel/programs/"]
  .map((up) => new URL(up, import.meta.url))
  .find((url) => existsSync(url));

export const readProgramImage = (name: string): unknown =>
  DIR === undefined ? undefined : JSON.parse(readFileSync(new URL(`${name}.json`, DIR), "utf8"));

setProgramImageSource(readProgramImage);
