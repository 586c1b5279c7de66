/**
 * Start-up times: from spawning a process to the first appearance of some
 * text in its output. The interactive shell gets a pseudo-terminal from
 * util-linux `script` (node-pty is not available), which runs the command
 * under `sh -c`; its reference, bash, is started the same way, so both
 * carry the same few milliseconds of `script` and `sh`.
 */
import { spawn, spawnSync } from "node:child_process";
import stripAnsi from "strip-ansi";
import { nowNs } from "./stats.js";

const TIMEOUT_MS = 15_000;

/**
 * Spawns `command` in a process group of its own and resolves with the
 * nanoseconds until its stdout (ANSI sequences removed) matches `until`;
 * then kills the group.
 */
export function timeToOutput(
  command: string,
  args: readonly string[],
  until: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowNs();
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let seen = "";
    let errors = "";
    let done = false;
    const finish = (result: number | Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      if (typeof result === "number") resolve(result);
      else reject(result);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`no ${until} within ${TIMEOUT_MS} ms: ${JSON.stringify(seen + errors)}`)),
      TIMEOUT_MS,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (until.test(stripAnsi(seen))) finish(nowNs() - t0);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString("utf8");
    });
    child.on("error", (e) => finish(e));
    child.on("close", () =>
      finish(new Error(`exited before ${until}: ${JSON.stringify(seen + errors)}`)),
    );
  });
}

/** `script` running `inner` (a shell command) on a 100x30 pseudo-terminal. */
export const onPty = (inner: string): [string, string[]] => [
  "script",
  ["-q", "-e", "-c", `stty rows 30 cols 100; exec ${inner}`, "/dev/null"],
];

/**
 * Nanoseconds from spawning `command` to its exit, output discarded; throws
 * when it fails. For batch start-up, where the whole run is the cost a
 * script pays each time it calls cowsh.
 */
export function timeToExit(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  const t0 = nowNs();
  const r = spawnSync(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  const ns = nowNs() - t0;
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")}: status ${r.status}: ${r.stderr}`);
  return ns;
}
