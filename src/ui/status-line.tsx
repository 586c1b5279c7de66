/** The dim status line under the prompt, and the progress bar of a long command. */
import { Text } from "ink";
import type { EngineStatus, Progress } from "./engine.js";
import { formatProgress, formatStatus } from "./format.js";

export function StatusLine({ status }: { readonly status: EngineStatus }) {
  return <Text dimColor>{formatStatus(status)}</Text>;
}

export function ProgressBar({
  progress,
  columns,
}: {
  readonly progress: Progress;
  readonly columns: number;
}) {
  const width = Math.max(10, Math.min(40, columns - [...progress.label].length - 10));
  return <Text color="cyan">{formatProgress(progress, width)}</Text>;
}
