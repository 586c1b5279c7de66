/** Every command cowsh knows, by name, in the order `help` lists them. */
import type { Command } from "../src/shell/types.js";
import { _exit } from "./_exit.js";
import { brk } from "./brk.js";
import { cat } from "./cat.js";
import { chmod } from "./chmod.js";
import { clear } from "./clear.js";
import { clone } from "./clone.js";
import { cut } from "./cut.js";
import { diff } from "./diff.js";
import { dmesg } from "./dmesg.js";
import { echo } from "./echo.js";
import { evict } from "./evict.js";
import { exec } from "./exec.js";
import { exit } from "./exit.js";
import { expect } from "./expect.js";
import { explain } from "./explain.js";
import { exportProc } from "./export-proc.js";
import { fallocate } from "./fallocate.js";
import { fork } from "./fork.js";
import { frames } from "./frames.js";
import { free } from "./free.js";
import { fsync } from "./fsync.js";
import { grep } from "./grep.js";
import { head } from "./head.js";
import { makeHelp } from "./help.js";
import { history } from "./history.js";
import { kill } from "./kill.js";
import { load } from "./load.js";
import { ls } from "./ls.js";
import { madvise } from "./madvise.js";
import { mkswap } from "./mkswap.js";
import { mlock } from "./mlock.js";
import { mmap } from "./mmap.js";
import { mprotect } from "./mprotect.js";
import { mremap } from "./mremap.js";
import { msync } from "./msync.js";
import { munlock } from "./munlock.js";
import { munmap } from "./munmap.js";
import { pagemap } from "./pagemap.js";
import { pmap } from "./pmap.js";
import { printf } from "./printf.js";
import { ps } from "./ps.js";
import { read } from "./read.js";
import { rm } from "./rm.js";
import { run } from "./run.js";
import { save } from "./save.js";
import { seq } from "./seq.js";
import { sleep } from "./sleep.js";
import { smaps } from "./smaps.js";
import { sort } from "./sort.js";
import { spawn } from "./spawn.js";
import { swapoff } from "./swapoff.js";
import { swapon } from "./swapon.js";
import { tail } from "./tail.js";
import { bracket, test } from "./test.js";
import { thread } from "./thread.js";
import { trace, traced } from "./trace.js";
import { colon, falseCommand, trueCommand } from "./true.js";
import { truncate } from "./truncate.js";
import { vfork } from "./vfork.js";
import { vmmap } from "./vmmap.js";
import { wait } from "./wait.js";
import { wc } from "./wc.js";
import { write } from "./write.js";

const ALL: readonly Command[] = [
  // processes
  spawn,
  fork,
  thread,
  vfork,
  clone,
  exec,
  _exit,
  kill,
  wait,
  run,
  sleep,
  // memory
  mmap,
  munmap,
  mremap,
  mprotect,
  madvise,
  mlock,
  munlock,
  msync,
  brk,
  write,
  read,
  // looking
  cat,
  ls,
  ps,
  smaps,
  pagemap,
  vmmap,
  frames,
  explain,
  trace,
  dmesg,
  pmap,
  free,
  exportProc,
  // files
  truncate,
  fallocate,
  chmod,
  rm,
  fsync,
  mkswap,
  swapon,
  swapoff,
  evict,
  // the whole machine
  save,
  load,
  // text
  echo,
  grep,
  head,
  tail,
  wc,
  sort,
  cut,
  diff,
  printf,
  seq,
  // shell
  test,
  bracket,
  trueCommand,
  falseCommand,
  colon,
  exit,
  expect,
  history,
  clear,
];

/** Every command runs under `traced`, which adds the kernel's events to its output while `trace on`. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [...ALL, makeHelp(() => COMMANDS)].map((c) => [c.name, traced(c)]),
);
