// Saving fuzz counterexamples as conformance vectors (test/support/vector.ts).

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { replayVector, type Mismatch as ReplayMismatch } from "../support/replay.ts";
import { writeVector, type Vector, type VectorStep } from "../support/vector.ts";
import type { Instantiate } from "./module.ts";
import { instantiatePolicy } from "./module.ts";

/** Builds a vector from recorded steps; the expected values in them are the model's results. */
export function traceVector(description: string, steps: readonly VectorStep[]): Vector {
  return { description, steps: [...steps] };
}

/**
 * Drops the ipp_stats steps before the last step: the differential runner
 * checks the stats after every command, which makes a vector long without
 * making it fail any earlier. The last step, the one that failed, stays.
 */
export function compactTrace(steps: readonly VectorStep[]): VectorStep[] {
  return steps.filter((step, i) => step.call !== "ipp_stats" || i === steps.length - 1);
}

/**
 * Writes `vector` to `dir/<name>.json`, adding -2, -3 ... to the name when
 * the file exists. Returns the path written.
 */
export function saveVector(dir: string, name: string, vector: Vector): string {
  mkdirSync(dir, { recursive: true });
  let path = join(dir, `${name}.json`);
  for (let suffix = 2; existsSync(path); suffix++) path = join(dir, `${name}-${suffix}.json`);
  writeVector(path, vector);
  return path;
}

/** Replays `vector` on fresh instances; returns the first mismatching step, or undefined when every step matches. */
export function replay(vector: Vector, instantiate: Instantiate = instantiatePolicy): ReplayMismatch | undefined {
  return replayVector(vector, instantiate);
}
