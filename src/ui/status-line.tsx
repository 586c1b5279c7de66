/** The dim status line under the prompt, and the progress bar of a long command. */
import { Text } from "ink";
import type { EngineStatus, Progress } from "./engine.js";
import { formatProgress, formatStatus } from "./format.js";

export function StatusLine({
  status,
  columns,
}: {
  readonly status: EngineStatus;
  readonly columns: number;
}) {
  return <Text dimColor>{formatStatus(status, columns)}</Text>;
}

export function ProgressBar({
  progress,
  columns,
}: {
  readonly progress: Progress;
  readonly columns: number;
}) {
  return <Text color="cyan">{progressText(progress, columns)}</Text>;
}

/** The progress bar's text at a terminal `columns` wide. */
export function progressText(progress: Progress, columns: number): string {
  const width = Math.max(10, Math.min(40, columns - [...progress.label].length - 10));
  return formatProgress(progress, width);
}
