/**
 * Casts in the page, played with asciinema's own player: a cast recorded
 * with `cowsh --record`, or the page's own recording. The player (and its
 * style sheet) is loaded the first time it is needed, so the page opens
 * without it.
 */

/** Plays `cast` (asciicast text) in `container`, replacing what was there. */
export async function playCast(container: HTMLElement, cast: string): Promise<void> {
  loadStyles();
  const player = await import("asciinema-player");
  container.replaceChildren();
  player.create({ data: cast }, container, { autoPlay: true, fit: "width", idleTimeLimit: 2 });
}

function loadStyles(): void {
  if (document.querySelector("link[data-asciinema]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "asciinema-player.css";
  link.dataset.asciinema = "";
  document.head.append(link);
}
