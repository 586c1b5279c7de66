import { describe, expect, it } from "vitest";
import {
  expandTabs,
  formatBytes,
  formatClock,
  formatProgress,
  formatStatus,
  layoutLine,
} from "../../src/ui/format.js";

const GiB = 1024 ** 3;

describe("status line", () => {
  it("formats the simulated clock in seconds, truncated to milliseconds", () => {
    expect(formatClock(3e9)).toBe("t=3.000s");
    expect(formatClock(12_345_678_901)).toBe("t=12.345s");
    expect(formatClock(0)).toBe("t=0.000s");
  });

  it("formats memory in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(8 * GiB)).toBe("8.0 GiB");
    expect(formatBytes(Math.round(7.8 * GiB))).toBe("7.8 GiB");
    expect(formatBytes(16 * 1024 * 1024)).toBe("16.0 MiB");
  });

  it("reads clock, processes and free memory", () => {
    const line = formatStatus({
      clockNs: 3e9,
      processes: 4,
      freeBytes: Math.round(7.8 * GiB),
      totalBytes: 8 * GiB,
    });
    expect(line).toBe("t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB");
    expect(formatStatus({ clockNs: 0, processes: 1, freeBytes: 0, totalBytes: 0 })).toContain(
      "1 process ",
    );
  });

  it("fits a narrow terminal in one row, dropping the total first", () => {
    const s = { clockNs: 3e9, processes: 4, freeBytes: Math.round(7.8 * GiB), totalBytes: 8 * GiB };
    expect(formatStatus(s, 40)).toBe("t=3.000s  4 processes  free 7.8 GiB");
    expect(formatStatus(s, 31)).toBe("t=3.000s  4 procs  7.8 GiB free");
    expect(formatStatus(s, 22)).toBe("t=3.000s 4p 7.8 GiB");
    expect(formatStatus(s, 10)).toBe("t=3.000s 4");
    for (const columns of [10, 20, 30, 40, 50, 80]) {
      expect(formatStatus(s, columns).length).toBeLessThanOrEqual(columns);
    }
  });
});

describe("progress bar", () => {
  it("fills in proportion and shows the percentage", () => {
    expect(formatProgress({ done: 1, total: 2, label: "write" }, 10)).toBe(
      "write [█████░░░░░]  50%",
    );
    expect(formatProgress({ done: 9, total: 0, label: "x" }, 4)).toBe("x [░░░░]   0%");
    expect(formatProgress({ done: 5, total: 4, label: "x" }, 4)).toBe("x [████] 100%");
  });
});

describe("expandTabs", () => {
  it("expands to 8-column stops, as /proc/PID/status is shown", () => {
    expect(expandTabs("Name:\tsleep")).toBe("Name:   sleep");
    expect(expandTabs("VmRSS:\t  1 kB")).toBe("VmRSS:    1 kB");
  });
});

describe("layoutLine", () => {
  it("places the cursor after the prompt", () => {
    expect(layoutLine("$ ", "ls", 1, 80)).toEqual({ rows: ["$ ls"], x: 3, y: 0 });
  });

  it("cuts long lines into rows and follows the cursor onto them", () => {
    expect(layoutLine("$ ", "abcdefgh", 8, 4)).toEqual({
      rows: ["$ ab", "cdef", "gh"],
      x: 2,
      y: 2,
    });
    expect(layoutLine("$ ", "ab", 2, 4)).toEqual({ rows: ["$ ab", ""], x: 0, y: 1 });
  });
});
