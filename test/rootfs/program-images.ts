/**
 * For tests that boot a machine without the shell (whose host module
 * installs the binary's reader): reads the lazy programs' images from
 * data/programs/NAME.json, as src/shell/host.ts does.
 */
import { readFileSync } from "node:fs";
import { setProgramImageSource } from "../../src/kernel/rootfs-image.js";

export const readProgramImage = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../data/programs/${name}.json`, import.meta.url), "utf8"));

setProgramImageSource(readProgramImage);
