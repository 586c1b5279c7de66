/**
 * The typed syntax tree of cowsh's shell language: a bash-compatible subset.
 *
 *   List      := item (";" | "&" | newline) item ...      (top level, or inside `$(…)`)
 *   AndOr     := Pipeline (("&&" | "||") Pipeline)*        (left-associative, bash semantics)
 *   Pipeline  := Simple ("|" Simple)*
 *   Simple    := (Assignment | Redirect)* (Word | Redirect)*
 *
 * Every node carries `pos`, a UTF-16 offset into the parsed source, so the
 * runtime can point at it in messages. Nodes are plain readonly data.
 */

/** One piece of a word. `quoted` parts are never split into fields. */
export type WordPart =
  /** Literal text, after quote removal. `quoted` when it came from '…', "…", $'…' or a backslash escape. */
  | { readonly kind: "lit"; readonly text: string; readonly quoted: boolean }
  /** `$NAME`, `${NAME}` or a special parameter (`$?`, `$!`, `$$`, `$#`, `$0`…`$9`, `$-`, `$@`, `$*`). */
  | { readonly kind: "var"; readonly name: string; readonly quoted: boolean }
  /** `$(list)` or `` `list` ``: the runtime runs `list` and the result replaces the part. */
  | { readonly kind: "subst"; readonly list: List; readonly quoted: boolean }
  /**
   * A `${…}` the shell cannot expand (`${a b}`, `${}`): parsing succeeds, as in
   * bash, and expanding it fails with `cowsh: ${a b}: bad substitution`.
   */
  | { readonly kind: "bad"; readonly text: string };

export interface Word {
  readonly parts: readonly WordPart[];
  /** The word exactly as typed (quotes included), for messages such as `ambiguous redirect`. */
  readonly raw: string;
  readonly pos: number;
}

/** `NAME=value` before a command's name (or alone). The value is never split into fields. */
export interface Assignment {
  readonly name: string;
  readonly value: Word;
  readonly pos: number;
}

/**
 * A redirection. `fd` is the descriptor it applies to, with the default already
 * applied (1 for `>`, `>>`, `>&`, `&>`, `&>>`; 0 for `<`, `<&`), or the number
 * typed before the operator (`2>` gives 2).
 *
 * - `>` truncate/create, `>>` append, `<` read: `target` names a file.
 * - `>&` / `<&`: `target` expands to a descriptor number (`2>&1`) or `-` (close);
 *   bash also reads `>&file` (no number before it) as `&>file`.
 * - `&>` / `&>>`: stdout and stderr both to the file.
 */
export type RedirectOp = ">" | ">>" | "<" | ">&" | "<&" | "&>" | "&>>";

export interface Redirect {
  readonly op: RedirectOp;
  readonly fd: number;
  readonly target: Word;
  readonly pos: number;
}

export interface SimpleCommand {
  readonly kind: "simple";
  /** Leading `NAME=value` words, in order. With no `words`, they set shell variables. */
  readonly assignments: readonly Assignment[];
  /** The command name and its arguments, unexpanded. May be empty (assignments or redirects alone). */
  readonly words: readonly Word[];
  /** Redirections in the order typed (order matters: `2>&1 >f` differs from `>f 2>&1`). */
  readonly redirects: readonly Redirect[];
  readonly pos: number;
}

export interface Pipeline {
  /** At least one command; the status of the pipeline is its last command's. */
  readonly commands: readonly SimpleCommand[];
  readonly pos: number;
}

export type AndOrOp = "&&" | "||";

export interface AndOr {
  readonly first: Pipeline;
  /** Each pipeline runs when the status so far is 0 (`&&`) or non-zero (`||`). */
  readonly rest: readonly { readonly op: AndOrOp; readonly pipeline: Pipeline }[];
  /** Terminated by `&` (bash would run it in the background; the runtime decides). */
  readonly background: boolean;
  /** 1-based line of the item's first token in the parsed source. */
  readonly line: number;
  readonly pos: number;
}

export interface List {
  readonly items: readonly AndOr[];
}
