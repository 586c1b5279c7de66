/** The bundling half of `npm run build` (after tsc), quietly: rolldown's CLI lists every chunk. */
import { build } from "rolldown";
import config from "../rolldown.config.mjs";

await build(config);
