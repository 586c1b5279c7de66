/**
 * The interactive shell in a real terminal: `node dist/src/main.js` runs in
 * a detached tmux session of a fixed size; the test types with `send-keys`
 * and reads the screen with `capture-pane -p`, polling until what it waits
 * for appears. It covers the main flows a person uses: a command and its
 * output, Tab completion of a mapping name (also typed ahead in one burst
 * while the line before still runs), ↑, Ctrl-R, Ctrl-C, the
 * `history` command over the same history, a picture drawn in colour, and
 * Ctrl-D leaving.
 *
 * The tmux server is private to the test (its own socket, no config file),
 * and the history file is a temporary one. Without tmux it fails under CI
 * and skips elsewhere, saying why (test/helpers/host-tools.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import { describeWithTools, missingTool } from "../helpers/host-tools.js";
import { paneWithHome, promptLine, ROOT, ready } from "./tmux-pane.js";

const MAIN = join(ROOT, "dist/src/main.js");
const WIDTH = 100;
const HEIGHT = 40;

/** What the wrapper prints once cowsh has exited. */
const EXITED = /^\[cowsh exited with status (\d+)\]$/m;

describeWithTools("cowsh in a real terminal (tmux)", [missingTool("tmux", "tmux", ["-V"])], () => {
  const { pane, env } = paneWithHome("tmux");
  const historyFile = env.COWSH_HISTORY!;
  const waitFor = pane.waitFor.bind(pane);
  const keys = pane.keys.bind(pane);
  const type = pane.type.bind(pane);

  beforeAll(() => {
    if (!existsSync(MAIN)) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    }
    pane.start(WIDTH, HEIGHT, env, [
      "sh",
      "-c",
      // The pane stays after cowsh exits, showing its status.
      `"$0" "$1"; echo "[cowsh exited with status $?]"; exec sleep 600`,
      process.execPath,
      MAIN,
    ]);
  });

  test("shows the greeting, a prompt and the status line", async () => {
    const text = await waitFor(ready, "the prompt and the status line");
    expect(text).toContain("cowsh: a shell over a simulated Linux machine");
  });

  test("runs a command and prints its output", async () => {
    type("P=$(spawn /bin/sh)");
    keys("Enter");
    // Typed after the first line has run: a line typed while it runs would be echoed twice, as by bash's tty.
    await waitFor(
      (s) => s.includes("cowsh$ P=$(spawn /bin/sh)\n") && ready(s),
      "the first line to run",
    );
    type("mmap $P 1M --name buf");
    keys("Enter");
    const text = await waitFor(
      (s) => /^0x7f[0-9a-f]+$/m.test(s) && ready(s),
      "the address mmap prints",
    );
    expect(text).toContain("cowsh$ P=$(spawn /bin/sh)\ncowsh$ mmap $P 1M --name buf\n0x7f");
  });

  test("Tab completes a mapping name", async () => {
    type("smaps $P b");
    keys("Tab");
    // Completed as bash completes a unique match: the word and a space.
    await waitFor((s) => promptLine(s) === "cowsh$ smaps $P buf", "the completed line");
    keys("Enter");
    const text = await waitFor((s) => /^Rss: +0 kB$/m.test(s) && ready(s), "the smaps of buf");
    expect(text).toMatch(/^Size: +1024 kB$/m);
  });

  test("↑ recalls the previous line and Ctrl-C cancels it", async () => {
    keys("Up");
    await waitFor((s) => promptLine(s) === "cowsh$ smaps $P buf", "the recalled line");
    keys("C-c");
    const text = await waitFor(
      (s) => s.includes("cowsh$ smaps $P buf ^C") && ready(s),
      "the cancelled line and a fresh prompt",
    );
    // Cancelled, not run: the smaps block is printed once, not twice.
    expect(text.match(/^Size: +1024 kB$/gm)).toHaveLength(1);
  });

  test("Ctrl-R finds an older line, and Enter runs it", async () => {
    keys("C-r");
    type("mmap");
    await waitFor(
      (s) => promptLine(s) === "(reverse-i-search)`mmap': mmap $P 1M --name buf",
      "the search prompt with its match",
    );
    keys("Enter");
    const text = await waitFor(
      (s) => (s.match(/^0x7f[0-9a-f]+$/gm) ?? []).length === 2 && ready(s),
      "a second mapping's address",
    );
    expect(text).toContain("cowsh$ mmap $P 1M --name buf\n0x7f");
  });

  test("history lists the lines typed, numbered as bash does", async () => {
    type("history");
    keys("Enter");
    const text = await waitFor(
      (s) => /^ {4}5 {2}history$/m.test(s) && ready(s),
      "the history listing",
    );
    expect(text).toMatch(/^ {4}1 {2}P=\$\(spawn \/bin\/sh\)$/m);
    expect(text).toMatch(/^ {4}3 {2}smaps \$P buf ?$/m); // capture-pane drops trailing spaces
  });

  test("vmmap draws its picture with the app's views (· for a page not present)", async () => {
    type("vmmap $P buf");
    keys("Enter");
    const text = await waitFor(
      (s) => /^7ffff[0-9a-f]+ ·{64}$/m.test(s) && ready(s),
      "the vmmap picture",
    );
    expect(text).toContain("[anon:buf]  (512 pages");
    expect(text).toMatch(/^· not present/m);
  });

  test("keys sent in one burst: Tab completes against what the lines before it made", async () => {
    // One send-keys: the Tab arrives while the mmap still runs, as in a scripted demo.
    keys(
      // The first line runs at once; the mmap waits in the queue behind it.
      ...["ps", "Enter", "mmap $P 64K --name burst", "Enter"],
      ...["smaps $P bur", "Tab", "Enter"],
    );
    const text = await waitFor(
      (s) =>
        s.includes("[anon:burst]") &&
        /^VmFlags:.*$/m.test(s.split("[anon:burst]").at(-1) ?? "") &&
        ready(s),
      "the smaps block of the mapping made in the same burst",
    );
    expect(text).toContain("cowsh$ smaps $P burst");
    expect(text.split("[anon:burst]").at(-1)).toMatch(/^Size: +64 kB$/m);
  });

  test("Ctrl-D on an empty line leaves, and the history was saved", async () => {
    keys("C-d");
    const text = await waitFor((s) => EXITED.test(s), "the shell to exit");
    expect(EXITED.exec(text)?.[1]).toBe("0");
    expect(text).toMatch(/^exit$/m);
    expect(readFileSync(historyFile, "utf8")).toBe(
      [
        "P=$(spawn /bin/sh)",
        "mmap $P 1M --name buf",
        "smaps $P buf ",
        "mmap $P 1M --name buf",
        "history",
        "vmmap $P buf",
        "ps",
        "mmap $P 64K --name burst",
        "smaps $P burst ",
        "",
      ].join("\n"),
    );
  });
});
