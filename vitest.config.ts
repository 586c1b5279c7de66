import { defineConfig } from "vitest/config";

// `.ci/run` sets COWSH_VITEST_JSON to a path: vitest then also writes its own
// result counts there, and the CI script prints them as "N passed, M failed".
const json = process.env.COWSH_VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Generous: the model-based and fuzz tests take a minute here, and CI machines may be slower.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: json ? ["default", ["json", { outputFile: json }]] : ["default"],
  },
});
