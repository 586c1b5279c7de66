import { defineConfig } from "vitest/config";

// `.ci/run` sets COWSH_VITEST_JSON to a path: vitest then also writes its own
// result counts there, and the CI script prints them as "N passed, M failed".
const json = process.env.COWSH_VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // A hung test fails in a minute. The slow property, fuzz and GNU-comparison
    // tests set their own larger budget in the test itself.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: json ? ["default", ["json", { outputFile: json }]] : ["default"],
  },
});
