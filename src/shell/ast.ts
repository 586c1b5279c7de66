/**
 * The typed syntax tree of cowsh's shell language: a bash-compatible subset.
 *
 *   List      := item (";" | "&" | newline) item ...      (top level, or inside `$(…)`)
 *   AndOr     := Pipeline (("&&" | "||") Pipeline)*        (left-associative, bash semantics)
 *   Pipeline  := ["!"] Command ("|" Command)*
 *   Command   := Simple | Compound Redirect* | FunctionDef
 *   Simple    := (Assignment | Redirect)* (Word | Redirect)*
 *   Compound  := if | for | while | until | case | { list; } | ( list ) | (( expr )) | [[ … ]]
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
  /** `$((expr))`: `expr` is expanded as in double quotes, then evaluated (arith.ts). */
  | { readonly kind: "arith"; readonly expr: Word; readonly quoted: boolean }
  /**
   * `${NAME OP ARG}`: `${#NAME}` (op "len"), `${NAME:-ARG}` and its kin, the
   * pattern removals `#` `##` `%` `%%`, replacement `/` `//` `/#` `/%` (with
   * `rep`), and the substring `:` (ARG is `OFFSET[:LENGTH]`).
   */
  | {
      readonly kind: "param";
      readonly name: string;
      readonly op: ParamOp;
      readonly arg?: Word;
      readonly rep?: Word;
      readonly quoted: boolean;
    }
  /**
   * A `${…}` the shell cannot expand (`${a b}`, `${}`): parsing succeeds, as in
   * bash, and expanding it fails with `cowsh: ${a b}: bad substitution`.
   */
  | { readonly kind: "bad"; readonly text: string };

export type ParamOp =
  | "len"
  | ":-"
  | "-"
  | ":="
  | "="
  | ":+"
  | "+"
  | ":?"
  | "?"
  | "#"
  | "##"
  | "%"
  | "%%"
  | "/"
  | "//"
  | "/#"
  | "/%"
  | ":";

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
export type RedirectOp = ">" | ">>" | "<" | ">&" | "<&" | "&>" | "&>>" | "<<" | "<<-" | "<<<";

/**
 * A here-document's body, read after the line holding `<<DELIM` ends: the
 * parser fills `body` then. With a quoted delimiter the body is literal.
 */
export interface HereDoc {
  readonly delimiter: string;
  readonly quoted: boolean;
  body: Word | undefined;
}

export interface Redirect {
  readonly op: RedirectOp;
  readonly fd: number;
  /** The file, descriptor or here-string word; for `<<` the delimiter as typed. */
  readonly target: Word;
  readonly pos: number;
  /** Set for `<<` and `<<-`. */
  readonly heredoc?: HereDoc;
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

/** A compound command's body parts. Each carries the redirections typed after it. */
export type CompoundCommand =
  | {
      readonly kind: "if";
      /** `if`/`elif` conditions and their bodies, in order. */
      readonly clauses: readonly { readonly cond: List; readonly body: List }[];
      readonly elseBody?: List;
    }
  | {
      readonly kind: "for";
      readonly name: string;
      readonly words?: readonly Word[];
      readonly body: List;
    }
  /** `for ((init; cond; step))`: each expression is expanded then evaluated, empty meaning true. */
  | {
      readonly kind: "arith-for";
      readonly init: Word;
      readonly cond: Word;
      readonly step: Word;
      readonly body: List;
    }
  | { readonly kind: "while"; readonly until: boolean; readonly cond: List; readonly body: List }
  | {
      readonly kind: "case";
      readonly word: Word;
      readonly items: readonly { readonly patterns: readonly Word[]; readonly body: List }[];
    }
  /** `{ list; }` runs in this shell; `( list )` in a copy of it (variables set inside are lost). */
  | { readonly kind: "group"; readonly subshell: boolean; readonly body: List }
  /** `(( expr ))`: status 0 when the value is not zero. */
  | { readonly kind: "arith"; readonly expr: Word }
  /** `[[ … ]]`: words and the operators `&&`, `||`, `!`, `(`, `)`, `<`, `>` in order. */
  | { readonly kind: "cond"; readonly tokens: readonly CondToken[] };

export type CondToken =
  | { readonly kind: "word"; readonly word: Word }
  | { readonly kind: "op"; readonly op: string };

export type Compound = CompoundCommand & {
  readonly redirects: readonly Redirect[];
  readonly pos: number;
};

/** `name() compound` or `function name compound`. */
export interface FunctionDef {
  readonly kind: "function";
  readonly name: string;
  readonly body: Compound;
  readonly pos: number;
}

export type Command = SimpleCommand | Compound | FunctionDef;

export interface Pipeline {
  /** At least one command; the status of the pipeline is its last command's. */
  readonly commands: readonly Command[];
  /** `! pipeline`: the status is inverted. */
  readonly negated: boolean;
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
