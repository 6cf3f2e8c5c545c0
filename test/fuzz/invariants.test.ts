// Queue invariants checked on the module alone (invariants.ts).

import fc from "fast-check";
import { describe, it } from "vitest";

import { CI_BUDGET, FUZZ_TEST_TIMEOUT_MS, invariantsProperty } from "./properties.ts";

describe("queue invariants", () => {
  it("hold over random command sequences", () => {
    const { numRuns, maxCommands } = CI_BUDGET.invariants;
    fc.assert(invariantsProperty(maxCommands), { numRuns });
  }, FUZZ_TEST_TIMEOUT_MS);
});
