/** The dim status line under the prompt, and the progress bar of a long command. */
import { Text } from "ink";
import type { EngineStatus, Progress } from "./engine.js";
import { formatStatus, progressText } from "./format.js";

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

export { progressText } from "./format.js";
