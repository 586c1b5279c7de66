import { describe, expect, it } from "vitest";
import { historyAt, walkHistory } from "../../src/ui/history-nav.js";

describe("walkHistory", () => {
  it("walks up and down, stopping at both ends", () => {
    const start = historyAt(["ls", "ps"]);
    const up1 = walkHistory(start, "", -1);
    expect(up1?.text).toBe("ps");
    const up2 = up1 && walkHistory(up1.cursor, up1.text, -1);
    expect(up2?.text).toBe("ls");
    expect(up2 && walkHistory(up2.cursor, up2.text, -1)).toBeUndefined();
    expect(walkHistory(start, "", 1)).toBeUndefined();
  });

  it("restores the unsent draft when coming back down", () => {
    const up = walkHistory(historyAt(["ls", "ps"]), "cat /proc/1/sm", -1);
    const down = up && walkHistory(up.cursor, up.text, 1);
    expect(down?.text).toBe("cat /proc/1/sm");
  });

  it("remembers edits made to a recalled line until it is accepted", () => {
    const up = walkHistory(historyAt(["ls", "ps"]), "", -1);
    const down = up && walkHistory(up.cursor, "ps aux", 1);
    const again = down && walkHistory(down.cursor, down.text, -1);
    expect(again?.text).toBe("ps aux");
    expect(again?.cursor.entries).toEqual(["ls", "ps"]);
  });
});
