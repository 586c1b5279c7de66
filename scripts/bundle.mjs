/** The bundling half of `npm run build` (after tsc), quietly: rolldown's CLI lists every chunk. */
import { build } from "rolldown";
import configs from "../rolldown.config.mjs";

// In order: the first empties dist/bin.
for (const config of configs) await build(config);
