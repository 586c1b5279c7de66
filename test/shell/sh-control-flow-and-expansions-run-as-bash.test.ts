/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell source */
/**
 * POSIX sh's grammar as bash users write it: compound commands, functions,
 * arithmetic (hex and octal too), parameter expansion, test and [[ ]],
 * globbing over the simulated /proc, here-documents, set -e / -x, and the
 * builtins that act on the shell. Each expected output is what bash prints.
 */
import { describe, expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const run = (source: string) => runScript(source, {}, { check: false });
const stdout = (source: string) => run(source).stdout;

describe("control flow", () => {
  test("for, if/elif/else, while, until", () => {
    expect(stdout("for i in 1 2 3; do echo $i; done")).toBe("1\n2\n3\n");
    expect(
      stdout(
        "x=2; if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi",
      ),
    ).toBe("two\n");
    expect(stdout("n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n")).toBe("3\n");
    expect(stdout("n=3; until (( n == 0 )); do (( n-- )); done; echo $n")).toBe("0\n");
    expect(stdout("for ((i = 0; i < 3; i++)); do printf '%d,' $i; done; echo")).toBe("0,1,2,\n");
  });

  test("case with patterns and alternatives; break and continue", () => {
    expect(stdout("for w in a1 b c; do case $w in a*) echo A;; b|c) echo BC;; esac; done")).toBe(
      "A\nBC\nBC\n",
    );
    expect(
      stdout("for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done"),
    ).toBe("1\n3\n");
    expect(
      stdout("for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done"),
    ).toBe("1a\n2a\n");
  });

  test("functions with arguments, local and return", () => {
    const r = run('f() { local x=$1; echo "$x $# $@"; return 3; }\nx=outer; f in two; echo $? $x');
    expect(r.stdout).toBe("in 2 in two\n3 outer\n");
    expect(stdout("function g { echo g; }; g")).toBe("g\n");
  });

  test("the loop over processes a demo writes first", () => {
    const r = run("P=$(spawn /bin/sh)\nfor i in 1 2 3; do fork $P; done\nps | wc -l");
    expect(r.stdout).toBe("4\n5\n6\n7\n");
  });
});

describe("arithmetic", () => {
  test("hex, octal, bases, C operators, 64-bit wrap", () => {
    expect(stdout("A=0x7ffff6c00000; printf '%x\\n' $((A + 0x280000))")).toBe("7ffff6e80000\n");
    expect(
      stdout("echo $((010)) $((2#101)) $((7 / 2)) $((-7 % 3)) $((1 << 62 << 1)) $((2 ** 10))"),
    ).toBe("8 5 3 -1 -9223372036854775808 1024\n");
    expect(stdout("A=0x7ffff6c00fff; echo $(( (A & ~0xfff) == 0x7ffff6c00000 ))")).toBe("1\n");
    expect(stdout("x=5; (( x > 3 )) && echo big; echo $(( x++ )) $x $(( y = 4, y * 2 ))")).toBe(
      "big\n5 6 8\n",
    );
  });

  test("division by zero is bash's error", () => {
    const r = run("echo $((1 / 0))");
    expect(r.stderr).toBe('cowsh: 1 / 0: division by 0 (error token is "0")\n');
    expect(r.status).toBe(1);
  });
});

describe("parameter expansion", () => {
  test("defaults, alternatives, length, affixes, replacement, substrings", () => {
    const script = [
      "echo ${U:-def} ${U-unset} ${E:-empty}",
      "E=; echo [${E-set}] ${E:+alt} ${F:=assigned} $F",
      "p=/proc/3/smaps; echo ${#p} ${p#*/} ${p##*/} ${p%/*} ${p%%/*}x",
      "a=foo-foo; echo ${a/foo/bar} ${a//foo/bar} ${a:4} ${a:1:2} ${a: -3}",
    ].join("\n");
    expect(stdout(script)).toBe(
      "def unset empty\n[] assigned assigned\n13 proc/3/smaps smaps /proc/3 x\nbar-foo bar-bar foo oo foo\n",
    );
  });

  test("${X:?} fails with bash's message", () => {
    expect(run("echo ${NOPE:?}").stderr).toBe("cowsh: NOPE: parameter null or not set\n");
  });
});

describe("test, [ ] and [[ ]]", () => {
  test("strings, integers, files of the simulated machine", () => {
    expect(
      stdout("[ -d /proc/1 ] && [ -f /proc/1/smaps ] && [ ! -e /proc/99 ] && echo files"),
    ).toBe("files\n");
    expect(stdout("test 10 -gt 9 && test abc != abd && [ -n x -a -z '' ] && echo yes")).toBe(
      "yes\n",
    );
    expect(stdout("[[ /proc/1/smaps == /proc/*/smaps && 0x10 -eq 16 ]] && echo glob")).toBe(
      "glob\n",
    );
    expect(stdout("[[ abc123 =~ ^[a-z]+[0-9]+$ ]] && echo re")).toBe("re\n");
    const r = run("[ 1 -eq x ]");
    expect([r.stderr, r.status]).toEqual(["cowsh: [: x: integer expression expected\n", 2]);
  });
});

describe("globbing, here-documents, set and source", () => {
  test("globs expand over /proc, sorted; no match stays as typed", () => {
    expect(stdout("spawn /bin/sh >/dev/null; echo /proc/[0-9]*/smaps_rollup")).toBe(
      "/proc/1/smaps_rollup /proc/2/smaps_rollup /proc/3/smaps_rollup\n",
    );
    expect(stdout("echo /proc/*/nothing '/proc/*'")).toBe("/proc/*/nothing /proc/*\n");
  });

  test("here-documents expand unless the delimiter is quoted; <<- strips tabs", () => {
    expect(
      stdout(
        "X=1\ncat <<EOF\nx=$X $((X + 1))\nEOF\ncat <<'EOF'\n$X\nEOF\ncat <<-END\n\tindented\n\tEND",
      ),
    ).toBe("x=1 2\n$X\nindented\n");
  });

  test("set -e stops at the first failure outside conditions; set -x traces", () => {
    const r = run("set -e\nif false; then :; fi\nfalse || echo ok\nfalse\necho never");
    expect([r.stdout, r.status]).toEqual(["ok\n", 1]);
    expect(run("set -x\necho 'a b' c").stderr).toBe("+ echo 'a b' c\n");
  });

  test("while read takes its input a line at a time", () => {
    expect(stdout("printf 'a b\\nc d\\n' | while read x y; do echo \"$y-$x\"; done")).toBe(
      "b-a\nd-c\n",
    );
    expect(stdout("read -r v <<< 'here string'; echo $v")).toBe("here string\n");
  });

  test("eval, command -v, type", () => {
    expect(stdout("eval 'for i in 1 2; do echo $i; done'")).toBe("1\n2\n");
    expect(stdout("f() { :; }; type f if spawn; command -v spawn")).toBe(
      "f is a function\nif is a shell keyword\nspawn is a shell builtin\nspawn\n",
    );
  });
});

test("help lists the shell's own builtins and explains each", () => {
  expect(stdout("help local")).toBe(
    "local: make variables local to the running function\nusage: local NAME[=VALUE]...\n",
  );
  expect(stdout("help")).toMatch(/\n {2}_exit +the process exits, as _exit\(2\)/);
  expect(stdout("help")).toMatch(/\n {2}return +leave the running function/);
});

describe("exit and _exit", () => {
  test("exit N leaves cowsh with N; nothing after it runs", () => {
    const r = run("spawn /bin/sh\nexit 3\necho never");
    expect([r.stdout, r.status]).toEqual(["3\n", 3]);
    expect(run("exit 3 4").stderr).toBe("cowsh: exit: too many arguments\n");
  });

  test("_exit PID STATUS is the process's system call; exit inside $( ) leaves only it", () => {
    const r = run("P=$(spawn /bin/sh)\n_exit $P 7\ngrep State /proc/$P/status\necho $(exit 4) $?");
    expect(r.stdout).toBe("State:\tZ (zombie)\n4\n");
  });

  test("a misspelled command gets a suggestion", () => {
    const r = run("spwan /bin/sh");
    expect([r.stderr, r.status]).toEqual([
      "cowsh: spwan: command not found\ncowsh: did you mean `spawn'?\n",
      127,
    ]);
  });
});
