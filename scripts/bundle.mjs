/** The bundling half of `npm run build` (after tsc), quietly: rolldown's CLI lists every chunk. */
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { build } from "rolldown";
import configs from "../rolldown.config.mjs";
import { makeBatchPathCommonJs } from "./batch-cjs.mjs";
import { writeLauncher } from "./launcher.mjs";

const [binary, ...others] = configs;
const DIR = binary.output.dir;

// The binary first: it empties dist/bin.
const { output } = await build(binary);
makeBatchPathCommonJs(DIR, output);
for (const config of others) await build(config);
// The `cowsh` command (package.json "bin"), beside the binary it starts;
// the binary stays executable too (bin links made before the launcher point at it).
await writeLauncher(join(DIR, ".."));
chmodSync(join(DIR, "cowsh.js"), 0o755);

// One batch run writes the core's code cache (scripts/batch-cjs.mjs), with
// the functions a script's start-up compiles.
const warm = spawnSync(process.execPath, [join(DIR, "cowsh.js"), "-c", "echo warm"], {
  encoding: "utf8",
  env: { ...process.env, COWSH_CODE_CACHE: "1" },
});
if (warm.status !== 0 || warm.stdout !== "warm\n") {
  process.stderr.write(
    `bundle: the built binary failed its first run:\n${warm.stdout}${warm.stderr}`,
  );
  process.exit(1);
}
