import { describe, expect, it } from "vitest";
import { decodeKeys, type Key } from "../../src/ui/keys.js";

const k = (name: string) => ({ kind: "key", name }) as Key;
const t = (text: string): Key => ({ kind: "text", text });

describe("decodeKeys", () => {
  it("decodes control characters as C-x, keeping Tab, Enter and Backspace apart", () => {
    expect(decodeKeys("\u0001\u0005\u0012\u0003\u0004\u000c")).toEqual(
      ["C-a", "C-e", "C-r", "C-c", "C-d", "C-l"].map(k),
    );
    expect(decodeKeys("\t\r\n\u007f\b")).toEqual(
      ["tab", "enter", "enter", "backspace", "backspace"].map(k),
    );
  });

  it("tells Backspace (DEL) from Delete (ESC [3~), which Ink's useInput merges", () => {
    expect(decodeKeys("\u007f")).toEqual([k("backspace")]);
    expect(decodeKeys("\u001b[3~")).toEqual([k("delete")]);
  });

  it("decodes arrows, Home and End in their xterm, rxvt and application forms", () => {
    expect(decodeKeys("\u001b[A\u001b[B\u001b[C\u001b[D")).toEqual(
      ["up", "down", "right", "left"].map(k),
    );
    expect(decodeKeys("\u001bOA\u001bOD")).toEqual(["up", "left"].map(k));
    expect(
      decodeKeys("\u001b[H\u001b[F\u001b[1~\u001b[4~\u001b[7~\u001b[8~\u001bOH\u001bOF"),
    ).toEqual(["home", "end", "home", "end", "home", "end", "home", "end"].map(k));
  });

  it("decodes Alt keys sent as ESC prefixes, and Alt/Ctrl-arrows as word moves", () => {
    expect(decodeKeys("\u001bb\u001bf\u001bd\u001b\u007f")).toEqual(
      ["M-b", "M-f", "M-d", "M-backspace"].map(k),
    );
    expect(decodeKeys("\u001b[1;5D\u001b[1;3C\u001b\u001b[D")).toEqual(
      ["M-b", "M-f", "M-b"].map(k),
    );
  });

  it("reads a lone ESC as Escape", () => {
    expect(decodeKeys("\u001b")).toEqual([k("escape")]);
  });

  it("groups printable characters and splits a pasted chunk at control keys", () => {
    expect(decodeKeys("ls /proc\rcat x\t")).toEqual([
      t("ls /proc"),
      k("enter"),
      t("cat x"),
      k("tab"),
    ]);
    expect(decodeKeys("héllo 🐄")).toEqual([t("héllo 🐄")]);
  });

  it("drops unknown sequences and incomplete ones", () => {
    expect(decodeKeys("a\u001b[200~b\u001b[15~c")).toEqual([t("abc")]);
    expect(decodeKeys("a\u001b[1;")).toEqual([t("a")]);
    expect(decodeKeys("\u0000\u001c")).toEqual([]);
  });
});
