/** The smaps panel's blocks (smaps-panel.ts) drawn into the page. */
import type { LineChange } from "../src/views/changes.js";
import { type SmapsBlock, shownWhole } from "./smaps-panel.js";

/** Draws `blocks` into `pre`: folded blocks as a dim header, changed words in <mark>. */
export function drawSmaps(pre: HTMLElement, blocks: readonly SmapsBlock[]): void {
  const doc = pre.ownerDocument;
  const nodes: Node[] = [];
  const lineNode = (line: LineChange, cls?: string): HTMLElement => {
    const span = doc.createElement("span");
    span.className = ["line", cls, line.kind === "same" ? "" : line.kind].filter(Boolean).join(" ");
    if (line.kind === "changed") {
      for (const s of line.spans) {
        if (s.changed) {
          const mark = doc.createElement("mark");
          mark.textContent = s.text;
          span.append(mark);
        } else span.append(s.text);
      }
      span.title = `was: ${line.was}`;
    } else span.textContent = line.text;
    span.append("\n");
    return span;
  };
  for (const block of blocks) {
    const whole = shownWhole(block);
    nodes.push(lineNode(block.header, whole ? "header" : "header folded"));
    if (whole) for (const f of block.fields) nodes.push(lineNode(f));
  }
  pre.replaceChildren(...nodes);
  // The panel is position: relative, so a line's offsetTop is measured from its top.
  const first = pre.querySelector<HTMLElement>(".changed, .new");
  if (first) pre.scrollTop = Math.max(0, first.offsetTop - 40);
}
