// Differential fuzzing: the module against the reference model (model.ts).

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { PullQueue } from "../../host/queue.ts";
import { replayVector } from "../support/replay.ts";
import { scenarioArbitrary } from "./commands.ts";
import { runDifferential } from "./differential.ts";
import { IMAGE_TABLE } from "./images.ts";
import { instantiatePolicy } from "./module.ts";
import { CI_BUDGET, differentialProperty, FUZZ_TEST_TIMEOUT_MS } from "./properties.ts";
import { traceVector } from "./vectors.ts";

describe("differential fuzzing", () => {
  it("image table spellings normalize to their canonical form", () => {
    const queue = new PullQueue(instantiatePolicy());
    let pod = 0;
    for (const image of IMAGE_TABLE) {
      for (const spelling of image.spellings) {
        const { imageIds } = queue.enqueue({ namespace: "table", name: `pod-${pod++}`, creationTimeMs: 0, images: [spelling] });
        expect(queue.imageInfo(imageIds[0]!).image, spelling).toBe(image.canonical);
      }
    }
  });

  it("module matches the model", () => {
    const { numRuns, maxCommands } = CI_BUDGET.differential;
    fc.assert(differentialProperty(maxCommands), { numRuns });
  }, FUZZ_TEST_TIMEOUT_MS);

  it("module matches the model on long runs", () => {
    const { numRuns, maxCommands } = CI_BUDGET.differentialLong;
    fc.assert(differentialProperty(maxCommands), { numRuns });
  }, FUZZ_TEST_TIMEOUT_MS);

  it("recorded traces replay as conformance vectors", () => {
    for (const scenario of fc.sample(scenarioArbitrary(80), { numRuns: 20 })) {
      const { trace } = runDifferential(scenario);
      expect(replayVector(traceVector("differential trace", trace), instantiatePolicy)).toBeUndefined();
    }
  });
});
