import { describe, expect, it } from "vitest";
import { expandHistory, historyWords } from "../../src/shell/history-expand.js";

const H = ["ls /proc", "cat /proc/1/maps", 'echo "a b" > out.txt', "spawn /bin/sleep"];
const ok = (line: string) => {
  const r = expandHistory(line, H);
  if (!r.ok) throw new Error(r.message);
  return r.line;
};
const fails = (line: string) => {
  const r = expandHistory(line, H);
  return r.ok ? undefined : r.message;
};

describe("history expansion, as interactive bash does it", () => {
  it("expands events: !!, !N, !-N, !prefix, !?text?", () => {
    expect(ok("!!")).toBe("spawn /bin/sleep");
    expect(ok("sudo !!")).toBe("sudo spawn /bin/sleep");
    expect(ok("!2")).toBe("cat /proc/1/maps");
    expect(ok("!-2")).toBe('echo "a b" > out.txt');
    expect(ok("!ls")).toBe("ls /proc");
    expect(ok("!c")).toBe("cat /proc/1/maps");
    expect(ok("!?maps?")).toBe("cat /proc/1/maps");
  });

  it("expands word designators: !$, !^, !*, :N, :N-M, and after an event", () => {
    expect(ok("ls !$")).toBe("ls /bin/sleep");
    expect(ok("echo !^")).toBe("echo /bin/sleep");
    expect(ok("x !-2:*")).toBe('x "a b" > out.txt');
    expect(ok("echo !-2$")).toBe("echo out.txt");
    expect(ok("echo !2:1")).toBe("echo /proc/1/maps");
    expect(ok("echo !2:0-1")).toBe("echo cat /proc/1/maps");
    expect(ok("!cat:0 x")).toBe("cat x");
  });

  it("says 'event not found' and 'bad word specifier' as bash does", () => {
    expect(fails("echo !99")).toBe("!99: event not found");
    expect(fails("!nosuch")).toBe("!nosuch: event not found");
    expect(fails("!-9")).toBe("!-9: event not found");
    expect(fails("echo !!:5")).toBe(":5: bad word specifier");
    expect(expandHistory("!!", [])).toEqual({ ok: false, message: "!!: event not found" });
  });

  it("leaves single quotes, escaped !, and ! before a blank, = or ( alone", () => {
    for (const line of [
      "echo '!!'",
      "echo \\!!",
      "echo hi !",
      "echo ! x",
      "[ a != b ]",
      "echo !(x)",
      "echo $!",
      "echo $" + "{!name}",
    ]) {
      expect(expandHistory(line, H)).toEqual({ ok: true, line, changed: false });
    }
    expect(ok('echo "!!"')).toBe('echo "spawn /bin/sleep"');
    expect(expandHistory("echo hi", H)).toEqual({ ok: true, line: "echo hi", changed: false });
  });

  it("splits history lines into words as bash's history_tokenize", () => {
    expect(historyWords('echo "a b" >out.txt|wc -l')).toEqual([
      "echo",
      '"a b"',
      ">",
      "out.txt",
      "|",
      "wc",
      "-l",
    ]);
  });
});
