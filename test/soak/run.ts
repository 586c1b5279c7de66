/**
 * `npm run soak`: the model-based test of test/kernel/model.ts, run long.
 * Random sequences of every process verb (fast-check `commands`, up to
 * MAX_COMMANDS each) run against the naive reference model until a million
 * operations have run in total. Every read is compared with the model as it
 * runs; the invariants are checked every CHECK_EVERY operations and at the
 * end of each sequence, and once more after its processes have all exited
 * (nothing may leak). Every other batch of sequences runs on a small
 * machine with swap, under memory pressure (PRESSURE), with the pressure
 * runs' command mix (more shared memory written and paged out): shmem
 * pages go to swap and come back, counted as they go; a soak whose
 * pressure batches never swapped shmem fails. Progress goes to stderr; the last line on stdout is
 * `N operations, 0 failures, T s`. A failure prints fast-check's report
 * (the shrunk sequence, and the seed and path that replay it) and exits 1.
 *
 *   node dist/test/soak/run.js [--ops N] [--seed S]
 */
import fc from "fast-check";
import { assertInvariants } from "../../src/kernel/invariants.js";
import {
  allCommands,
  assertThreadGroups,
  type Model,
  pressureCommands,
  type Real,
  ShmemSwapWatch,
  setup,
} from "../kernel/model.js";

const MAX_COMMANDS = 400;
const CHECK_EVERY = 4;
/** Sequences per fast-check call: one progress line each. */
const RUNS_PER_BATCH = 100;
/** A machine big enough that long sequences never run out of memory (unused RAM costs nothing). */
const MEM_BYTES = 1024 * 1024 * 1024;
/**
 * Every other batch runs under memory pressure instead: 21 MiB of RAM (about
 * 140 frames free once the shells are up) and 16 MiB of swap, so that
 * reclaim drops page cache and swaps anonymous pages out while the model
 * checks every read.
 */
const PRESSURE = { memBytes: 21 * 1024 * 1024, swapBytes: 16 * 1024 * 1024 };
let config: { memBytes: number; swapBytes?: number } = { memBytes: MEM_BYTES };

interface Options {
  readonly ops: number;
  readonly seed: number;
}

function parseArgs(argv: readonly string[]): Options | string {
  let ops = 1_000_000;
  let seed = Date.now() % 2 ** 31;
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if ((name === "--ops" || name === "--seed") && Number.isSafeInteger(n) && n >= 0) {
      if (name === "--ops") ops = n;
      else seed = n;
      i++;
    } else return `soak: usage: run.js [--ops N] [--seed S]`;
  }
  return { ops, seed };
}

/** The operations run so far (shrinking included, which happens only on a failure). */
let operations = 0;

/** Shmem pages swapped out and back in, over the pressure batches. */
const shmemSwap = { outs: 0, ins: 0 };

/**
 * `cmds`, each counted, with the invariants asserted after every
 * CHECK_EVERY-th; under pressure, shmem swap traffic counted after each.
 */
function* checkedEvery(
  cmds: Iterable<fc.Command<Model, Real>>,
  watch: ShmemSwapWatch | null,
): Generator<fc.Command<Model, Real>> {
  let step = 0;
  for (const cmd of cmds) {
    yield {
      check: (m) => cmd.check(m),
      run: (model, real) => {
        cmd.run(model, real);
        operations++;
        if (++step % CHECK_EVERY === 0) {
          assertInvariants(real.m);
          assertThreadGroups(real.m);
        }
        watch?.step(real.m);
      },
      toString: () => cmd.toString(),
    };
  }
}

/** One sequence: run and checked; then every test process exits, and nothing may leak. */
function runSequence(cmds: Iterable<fc.Command<Model, Real>>): void {
  const { model, real } = setup(config);
  const watch = config === PRESSURE ? new ShmemSwapWatch() : null;
  fc.modelRun(() => ({ model, real }), checkedEvery(cmds, watch));
  if (watch !== null) {
    shmemSwap.outs += watch.outs;
    shmemSwap.ins += watch.ins;
  }
  assertInvariants(real.m);
  for (const p of model.procs) real.m.exit(p.pid, 0);
  for (const task of [...real.m.tasks.values()]) if (task.isZombie) real.m.wait(task.pid);
  assertInvariants(real.m);
  assertThreadGroups(real.m);
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === "string") {
    process.stderr.write(`${options}\n`);
    return 2;
  }
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const property = fc.property(
    fc.commands(allCommands, { maxCommands: MAX_COMMANDS, size: "max" }),
    runSequence,
  );
  const underPressure = fc.property(
    fc.commands(pressureCommands, { maxCommands: MAX_COMMANDS, size: "max" }),
    runSequence,
  );
  let sequences = 0;
  for (let batch = 0; operations < options.ops; batch++) {
    const seed = (options.seed + batch) % 2 ** 31;
    config = batch % 2 === 1 ? PRESSURE : { memBytes: MEM_BYTES };
    const details = fc.check(config === PRESSURE ? underPressure : property, {
      numRuns: RUNS_PER_BATCH,
      seed,
    });
    if (details.failed) {
      process.stdout.write(`${fc.defaultReportMessage(details) ?? "failed"}\n`);
      const error = details.errorInstance;
      process.stdout.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.stdout.write(
        `${operations} operations, 1 failure, ${seconds()} s (replay: --seed ${seed})\n`,
      );
      return 1;
    }
    sequences += details.numRuns;
    process.stderr.write(
      `soak: ${operations} operations in ${sequences} sequences, ${seconds()} s` +
        `${config === PRESSURE ? " (under pressure)" : ""}` +
        `, shmem pages swapped out ${shmemSwap.outs}, in ${shmemSwap.ins}\n`,
    );
  }
  if (sequences > RUNS_PER_BATCH && shmemSwap.outs === 0) {
    process.stdout.write(
      `${operations} operations, 1 failure, ${seconds()} s: shmem never went to swap under pressure\n`,
    );
    return 1;
  }
  process.stdout.write(`${operations} operations, 0 failures, ${seconds()} s\n`);
  return 0;
}

process.exitCode = main();
