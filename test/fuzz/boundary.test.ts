// Byte-level fuzzing of the exports (boundary.ts).

import fc from "fast-check";
import { describe, it } from "vitest";

import { argumentsProperty, CI_BUDGET, FUZZ_TEST_TIMEOUT_MS, recordsProperty } from "./properties.ts";

describe("boundary fuzzing", () => {
  it("record exports survive mutated and random input", () => {
    const { numRuns, maxSetupCommands } = CI_BUDGET.records;
    fc.assert(recordsProperty(maxSetupCommands), { numRuns });
  }, FUZZ_TEST_TIMEOUT_MS);

  it("id and count arguments are checked", () => {
    const { numRuns, maxSetupCommands } = CI_BUDGET.arguments;
    fc.assert(argumentsProperty(maxSetupCommands), { numRuns });
  }, FUZZ_TEST_TIMEOUT_MS);
});
