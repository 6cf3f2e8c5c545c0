import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests replay thousands of command sequences against the module.
    testTimeout: 60_000,
  },
});
