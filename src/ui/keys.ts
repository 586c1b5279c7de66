/**
 * Decoding the bytes a terminal sends into keystrokes.
 *
 * Ink's `useInput` cannot tell Backspace (DEL, 0x7f) from Delete (ESC [3~):
 * it reports both as `key.delete`. So the UI reads the raw input events and
 * decodes them here, in readline's vocabulary ("C-a", "M-b"). Pure: no I/O.
 */

const ESC = "\u001b";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** The characters of a string literal type, as a union. */
type Chars<S extends string> = S extends `${infer Head}${infer Tail}` ? Head | Chars<Tail> : never;
type Letter = Chars<typeof LETTERS>;

/** A named key: control keys as "C-x", Alt (Meta) keys as "M-x". */
export type KeyName =
  | "enter"
  | "tab"
  | "backspace"
  | "delete"
  | "escape"
  | "left"
  | "right"
  | "up"
  | "down"
  | "home"
  | "end"
  | "M-backspace"
  | "M-."
  | "M-_"
  | `C-${Letter}`
  | `M-${Letter}`;

/** One keystroke: printable text (one key, or a pasted run) or a named key. */
export type Key =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "key"; readonly name: KeyName };

const named = (name: KeyName): Key => ({ kind: "key", name });

function isLetter(c: string): c is Letter {
  return c.length === 1 && LETTERS.includes(c);
}

/**
 * Splits `input` (one chunk read from the terminal; may hold several keys, a
 * paste, or a mix) into keys, in order. Unknown escape sequences and control
 * characters are dropped; an incomplete escape sequence at the end is dropped.
 * Consecutive printable characters form one "text" key.
 */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const [key, next] = decodeAt(input, i);
    const last = keys[keys.length - 1];
    if (key?.kind === "text" && last?.kind === "text") {
      keys[keys.length - 1] = { kind: "text", text: last.text + key.text };
    } else if (key) {
      keys.push(key);
    }
    i = next;
  }
  return keys;
}

/** Decodes the key starting at `i`: the key (undefined if ignored) and the index after it. */
function decodeAt(input: string, i: number): [Key | undefined, number] {
  const c = input[i] as string;
  if (c === ESC) return decodeEscape(input, i);
  const control = controlKey(c);
  if (control !== null) return [control, i + 1];
  let j = i + 1;
  while (j < input.length && controlKey(input[j] as string) === null) j++;
  return [{ kind: "text", text: input.slice(i, j) }, j];
}

/** The key for a control character (undefined: ignored), or null for a printable one. */
function controlKey(c: string): Key | undefined | null {
  const code = c.charCodeAt(0);
  if (c === "\r" || c === "\n") return named("enter");
  if (c === "\t") return named("tab");
  if (c === "\u007f" || c === "\b") return named("backspace");
  if (c === ESC) return undefined;
  if (code >= 1 && code <= 26) return named(`C-${LETTERS[code - 1] as Letter}`);
  if (code < 0x20 || (code >= 0x80 && code < 0xa0)) return undefined;
  return null;
}

/** Decodes ESC, ESC-prefixed (Alt) keys, CSI and SS3 sequences starting at `i`. */
function decodeEscape(input: string, i: number): [Key | undefined, number] {
  const n = input[i + 1];
  if (n === undefined) return [named("escape"), i + 1];
  if (n === "[") return decodeCsi(input, i);
  if (n === "O") return [ss3Key(input[i + 2] ?? ""), Math.min(i + 3, input.length)];
  if (n === ESC) {
    if (i + 2 >= input.length) return [named("escape"), i + 2];
    const [inner, next] = decodeAt(input, i + 1);
    return [inner ? withAlt(inner) : undefined, next];
  }
  if (n === "\u007f" || n === "\b") return [named("M-backspace"), i + 2];
  if (n === "." || n === "_") return [named(`M-${n}`), i + 2];
  const lower = n.toLowerCase();
  return [isLetter(lower) ? named(`M-${lower}`) : undefined, i + 2];
}

/** Alt plus an arrow moves by words, as in bash with most terminals. */
function withAlt(key: Key): Key {
  if (key.kind !== "key") return key;
  if (key.name === "left") return named("M-b");
  if (key.name === "right") return named("M-f");
  if (key.name === "backspace") return named("M-backspace");
  return key;
}

/** Parses "ESC [ params final" (xterm and rxvt function keys). */
function decodeCsi(input: string, i: number): [Key | undefined, number] {
  let j = i + 2;
  if (input[j] === "[") j++;
  while (j < input.length && /[\x20-\x3f]/.test(input[j] as string)) j++;
  if (j >= input.length) return [undefined, input.length];
  const final = input[j] as string;
  const params = input.slice(i + 2, j).split(";");
  return [csiKey(params, final), j + 1];
}

const CSI_LETTER_KEYS: Readonly<Record<string, KeyName>> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
};

const CSI_TILDE_KEYS: Readonly<Record<string, KeyName>> = {
  "1": "home",
  "7": "home",
  "4": "end",
  "8": "end",
  "3": "delete",
};

/** The key for a complete CSI sequence; modifier 3 (Alt) or 5 (Ctrl) on ←/→ moves by words. */
function csiKey(params: readonly string[], final: string): Key | undefined {
  if (final === "~" || final === "$" || final === "^") {
    const name = CSI_TILDE_KEYS[params[0] ?? ""];
    return name ? named(name) : undefined;
  }
  const name = CSI_LETTER_KEYS[final];
  if (!name) return undefined;
  const modifier = Number(params[1] ?? "1") - 1;
  const byWord = (modifier & 2) !== 0 || (modifier & 4) !== 0;
  return byWord ? withAlt(named(name)) : named(name);
}

/** "ESC O x": application-mode arrows and Home/End; rxvt's Ctrl-arrows. */
function ss3Key(c: string): Key | undefined {
  if (c === "c") return named("M-f");
  if (c === "d") return named("M-b");
  const name = CSI_LETTER_KEYS[c];
  return name ? named(name) : undefined;
}
