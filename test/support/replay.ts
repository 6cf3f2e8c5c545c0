// Replays a conformance vector against fresh instances of a policy module
// and reports the first step whose result differs from the vector.

import {
  decodeImageInfo, decodePodInfo, decodeStats, decodeWaiters, encodeConfig, encodeNamespace, encodePod,
} from "../../host/abi/records.ts";
import type { PolicyExports } from "../../host/loader.ts";
import { fromHex, type Vector, type VectorStep } from "./vector.ts";

/** A step whose result differs from the vector. */
export interface Mismatch {
  step: number;
  call: string;
  expected: unknown;
  actual: unknown;
}

// Reserves and writes `bytes`, then calls with `length` (the byte count unless a step overrides it).
function send(exports: PolicyExports, bytes: Uint8Array, call: (length: number) => number, length = bytes.length): number {
  const at = exports.ipp_input_reserve(bytes.length);
  if (at === 0) return -18;
  new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  return call(length);
}

function output(exports: PolicyExports, length: number): Uint8Array {
  return new Uint8Array(exports.memory.buffer, exports.ipp_output_ptr(), length).slice();
}

function recordBytes(step: VectorStep): Uint8Array {
  if ("bytes" in step) return fromHex(step.bytes);
  switch (step.call) {
    case "ipp_configure":
      return encodeConfig(step.record).finish();
    case "ipp_namespace_set":
      return encodeNamespace(step.record.namespace, step.record.annotation ?? undefined).finish();
    case "ipp_enqueue":
      return encodePod(step.record).finish();
    default:
      throw new Error(`step ${step.call} has no record`);
  }
}

/** Compares `actual` with `expected`, where `expected` may list only some keys. */
function matches(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== "object") return Object.is(expected, actual);
  if (actual === null || typeof actual !== "object") return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((item, i) => matches(item, actual[i]));
  }
  return Object.entries(expected).every(([key, value]) => matches(value, (actual as Record<string, unknown>)[key]));
}

/** Runs one step and returns [expected, actual] pairs to compare. */
function runStep(exports: PolicyExports, step: VectorStep): Array<[unknown, unknown]> {
  switch (step.call) {
    case "ipp_configure":
    case "ipp_namespace_set":
    case "ipp_enqueue":
    case "ipp_restore": {
      const call = exports[step.call];
      const length = "length" in step ? step.length : undefined;
      const result = send(exports, recordBytes(step), call, length);
      const checks: Array<[unknown, unknown]> = [[step.expect, result]];
      if ("errorOffset" in step && step.errorOffset !== undefined) checks.push([step.errorOffset, exports.ipp_error_offset()]);
      if (step.call === "ipp_enqueue" && "output" in step && step.output !== undefined && result > 0) {
        const view = new DataView(exports.memory.buffer, exports.ipp_output_ptr());
        const count = view.getUint16(4, true);
        const imageIds = Array.from({ length: count }, (_, i) => view.getUint32(6 + 4 * i, true));
        checks.push([step.output, { podId: view.getUint32(0, true), imageIds }]);
      }
      return checks;
    }
    case "ipp_set_slots":
      return [[step.expect, exports.ipp_set_slots(step.args[0])]];
    case "ipp_pod_remove":
      return [[step.expect, exports.ipp_pod_remove(step.args[0])]];
    case "ipp_next":
      return [[step.expect, exports.ipp_next()]];
    case "ipp_complete": {
      const result = exports.ipp_complete(step.args[0], step.args[1]);
      const checks: Array<[unknown, unknown]> = [[step.expect, result]];
      if (step.output !== undefined && result >= 0) {
        checks.push([step.output, { waiters: decodeWaiters(output(exports, 4 + 8 * result)) }]);
      }
      return checks;
    }
    case "ipp_image_info": {
      const result = exports.ipp_image_info(step.args[0]);
      const checks: Array<[unknown, unknown]> = [];
      if (step.expect !== undefined) checks.push([step.expect, result]);
      if (step.output !== undefined && result >= 0) {
        checks.push([step.output, decodeImageInfo(step.args[0], output(exports, result))]);
      }
      return checks;
    }
    case "ipp_pod_info": {
      const result = exports.ipp_pod_info(step.args[0]);
      const checks: Array<[unknown, unknown]> = [];
      if (step.expect !== undefined) checks.push([step.expect, result]);
      if (step.output !== undefined && result >= 0) {
        checks.push([step.output, decodePodInfo(step.args[0], output(exports, result))]);
      }
      return checks;
    }
    case "ipp_stats":
      return [[step.output, decodeStats(output(exports, exports.ipp_stats()))]];
    case "snapshot_restore":
      throw new Error("snapshot_restore is handled by replayVector");
  }
}

/**
 * Replays `vector` on a fresh instance from `instantiate`. A snapshot_restore
 * step moves the state into another fresh instance and checks that its
 * snapshot is byte-identical. Returns the first mismatch, or undefined.
 */
export function replayVector(vector: Vector, instantiate: () => PolicyExports): Mismatch | undefined {
  let exports = instantiate();
  for (let i = 0; i < vector.steps.length; i++) {
    const step = vector.steps[i]!;
    if (step.call === "snapshot_restore") {
      const snapshot = output(exports, exports.ipp_snapshot());
      const restored = instantiate();
      const result = send(restored, snapshot, restored.ipp_restore);
      if (result !== 0) return { step: i, call: step.call, expected: 0, actual: result };
      const again = output(restored, restored.ipp_snapshot());
      if (Buffer.compare(Buffer.from(snapshot), Buffer.from(again)) !== 0) {
        return { step: i, call: step.call, expected: "identical snapshot after restore", actual: "different bytes" };
      }
      exports = restored;
      continue;
    }
    for (const [expected, actual] of runStep(exports, step)) {
      if (!matches(expected, actual)) return { step: i, call: step.call, expected, actual };
    }
  }
  return undefined;
}
