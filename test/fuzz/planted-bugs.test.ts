// The fuzzers must find known bugs planted into the module's exports
// (planted.ts) within the budget `npm test` gives them.

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { replayVector } from "../support/replay.ts";
import { Mismatch } from "./differential.ts";
import { instantiatePolicy } from "./module.ts";
import { PLANTED_BUGS } from "./planted.ts";
import {
  argumentsProperty, CI_BUDGET, differentialProperty, FUZZ_TEST_TIMEOUT_MS, invariantsProperty, recordsProperty,
} from "./properties.ts";
import { compactTrace, traceVector } from "./vectors.ts";

// Fixed seeds keep these tests deterministic. Each bug is also found from
// other seeds: scripts/fuzz.ts --plant runs them with fresh ones.
const SEED = 20240601;

/** Runs `property` with the CI budget and returns fast-check's report; shrinking is skipped to save time. */
function check<T>(property: fc.IProperty<T>, numRuns: number): fc.RunDetails<T> {
  return fc.check(property, { numRuns, seed: SEED, endOnFailure: true });
}

describe("planted bugs", () => {
  const { differential, invariants, records, arguments: argumentBudget } = CI_BUDGET;

  it.each(["order", "drop", "snapshot", "invalid-annotation"] as const)("differential fuzzer finds the %s bug", (bug) => {
    const details = check(differentialProperty(differential.maxCommands, PLANTED_BUGS[bug]), differential.numRuns);
    expect(details.failed).toBe(true);
    expect(details.errorInstance).toBeInstanceOf(Mismatch);
  }, FUZZ_TEST_TIMEOUT_MS);

  // The invalid-annotation bug keeps the queue self-consistent, so only the differential fuzzer can find it.
  it.each(["order", "drop", "snapshot"] as const)("invariant checks find the %s bug", (bug) => {
    const details = check(invariantsProperty(invariants.maxCommands, PLANTED_BUGS[bug]), invariants.numRuns);
    expect(details.failed).toBe(true);
  }, FUZZ_TEST_TIMEOUT_MS);

  it.each(["state-change-on-error", "utf8-trap"] as const)("record fuzzer finds the %s bug", (bug) => {
    const details = check(recordsProperty(records.maxSetupCommands, PLANTED_BUGS[bug]), records.numRuns);
    expect(details.failed).toBe(true);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("argument fuzzer finds the large-id trap", () => {
    const details = check(argumentsProperty(argumentBudget.maxSetupCommands, PLANTED_BUGS["large-id-trap"]), argumentBudget.numRuns);
    expect(details.failed).toBe(true);
  }, FUZZ_TEST_TIMEOUT_MS);

  it("counterexample vector fails on the bug and passes on the module", () => {
    const details = fc.check(differentialProperty(differential.maxCommands, PLANTED_BUGS.order), {
      numRuns: differential.numRuns,
      seed: SEED,
    });
    expect(details.failed).toBe(true);
    const mismatch = details.errorInstance as Mismatch;
    const vector = traceVector("planted order bug", compactTrace(mismatch.trace));

    expect(replayVector(vector, PLANTED_BUGS.order)).toBeDefined();
    expect(replayVector(vector, instantiatePolicy)).toBeUndefined();
  }, FUZZ_TEST_TIMEOUT_MS);
});
