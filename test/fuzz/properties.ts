// The fuzz properties, shared by the test files and scripts/fuzz.ts, and the
// budgets `npm test` gives them.

import fc from "fast-check";

import { argumentCaseArbitrary, recordCaseArbitrary, runArgumentCase, runRecordCase } from "./boundary.ts";
import { scenarioArbitrary } from "./commands.ts";
import { runDifferential } from "./differential.ts";
import { runInvariants } from "./invariants.ts";
import { instantiatePolicy, type Instantiate } from "./module.ts";

/**
 * Runs per property under `npm test`. scripts/fuzz.ts runs the same
 * properties for as long as it is given.
 */
export const CI_BUDGET = {
  differential: { numRuns: 1500, maxCommands: 300 },
  /** Fewer, longer scenarios reach deeper states: more pods, more slot reuse. */
  differentialLong: { numRuns: 100, maxCommands: 2000 },
  invariants: { numRuns: 1000, maxCommands: 200 },
  records: { numRuns: 12000, maxSetupCommands: 20 },
  arguments: { numRuns: 2500, maxSetupCommands: 20 },
} as const;

/**
 * Timeout of each fuzz test. Alone on the 2-core machine the slowest takes
 * about 11 s, so this leaves room for `npm test` running other files beside it.
 */
export const FUZZ_TEST_TIMEOUT_MS = 180_000;

export function differentialProperty(maxCommands: number, instantiate: Instantiate = instantiatePolicy, statsAfterEachCommand = true) {
  return fc.property(scenarioArbitrary(maxCommands), (scenario) => {
    runDifferential(scenario, { instantiate, statsAfterEachCommand });
  });
}

export function invariantsProperty(maxCommands: number, instantiate: Instantiate = instantiatePolicy) {
  return fc.property(scenarioArbitrary(maxCommands), (scenario) => {
    runInvariants(scenario, instantiate);
  });
}

export function recordsProperty(maxSetupCommands: number, instantiate: Instantiate = instantiatePolicy) {
  return fc.property(recordCaseArbitrary(maxSetupCommands), (testCase) => {
    runRecordCase(testCase, instantiate);
  });
}

export function argumentsProperty(maxSetupCommands: number, instantiate: Instantiate = instantiatePolicy) {
  return fc.property(argumentCaseArbitrary(maxSetupCommands), (testCase) => {
    runArgumentCase(testCase, instantiate);
  });
}
