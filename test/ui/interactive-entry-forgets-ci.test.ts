import { describe, expect, it } from "vitest";
import { forgetCi } from "../../src/ui/main.js";

describe("forgetCi", () => {
  it("drops CI and CONTINUOUS_INTEGRATION, which would stop Ink drawing the prompt", () => {
    const env: Record<string, string | undefined> = {
      CI: "true",
      CONTINUOUS_INTEGRATION: "1",
      HOME: "/h",
    };
    expect(forgetCi(env)).toEqual(["CI", "CONTINUOUS_INTEGRATION"]);
    expect(env).toEqual({ HOME: "/h" });
    expect(forgetCi(env)).toEqual([]);
  });
});
