/**
 * Keystrokes from Ink's stdin, decoded by `decodeKeys`.
 *
 * On a terminal, Ink puts stdin in raw mode and splits what it reads into
 * key events; they are taken raw from Ink's input emitter rather than through
 * `useInput`, which merges Backspace and Delete and drops the bytes needed to
 * tell them apart. When stdin is not a terminal (a pipe, a test harness),
 * Ink cannot enable raw mode (and throws if asked), so the hook reads stdin's
 * data itself and reports its end.
 */
import { useStdin } from "ink";
import { useEffect, useRef } from "react";
import { decodeKeys, type Key } from "./keys.js";

export interface KeyHandlers {
  /** Keys decoded from one read, in order. */
  readonly onKeys: (keys: readonly Key[]) => void;
  /** Stdin ended (only reported when it is not a terminal). */
  readonly onEnd: () => void;
}

export function useKeys(handlers: KeyHandlers, active: boolean): void {
  const { stdin, setRawMode, isRawModeSupported, internal_eventEmitter } = useStdin();
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!active) return;
    const onInput = (data: string | Buffer) => {
      const keys = decodeKeys(String(data));
      if (keys.length > 0) latest.current.onKeys(keys);
    };
    if (isRawModeSupported) {
      setRawMode(true);
      internal_eventEmitter.on("input", onInput);
      return () => {
        internal_eventEmitter.off("input", onInput);
        setRawMode(false);
      };
    }
    const onEnd = () => latest.current.onEnd();
    stdin.on("data", onInput);
    stdin.on("end", onEnd);
    return () => {
      stdin.off("data", onInput);
      stdin.off("end", onEnd);
      stdin.pause();
    };
  }, [active, stdin, setRawMode, isRawModeSupported, internal_eventEmitter]);
}
