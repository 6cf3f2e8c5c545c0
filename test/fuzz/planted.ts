// Known bugs planted into the raw exports of a real module instance, to
// prove that each fuzzer can fail. Each wrapper behaves like the module
// except for one deliberate fault, so a conformance vector replayed against
// the wrapper fails the same way.

import type { PolicyExports } from "../../host/loader.ts";
import { crc32 } from "./crc32.ts";
import { snapshotFields } from "./layout.ts";
import { instantiatePolicy, type Instantiate } from "./module.ts";

/** Copies the exports object so single exports can be replaced. */
function copyExports(exports: PolicyExports): PolicyExports {
  return { ...exports };
}

/**
 * Order bug: on every third hand-out, when a second image can be handed out
 * too, ipp_next returns the second best first and the best on the next call.
 */
export function plantOrderBug(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  let held = 0;
  let handOuts = 0;
  planted.ipp_next = () => {
    if (held !== 0) {
      const id = held;
      held = 0;
      return id;
    }
    const first = exports.ipp_next();
    if (first === 0 || ++handOuts % 3 !== 0) return first;
    const second = exports.ipp_next();
    if (second === 0) return first;
    held = first;
    return second;
  };
  return planted;
}

/**
 * Lost-image bug: every fourth completion also hands out the next image and
 * completes it without telling anyone, so its pods never hear of it.
 */
export function plantDropBug(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  let completions = 0;
  planted.ipp_complete = (imageId, outcome) => {
    const count = exports.ipp_complete(imageId, outcome);
    if (count < 0 || ++completions % 4 !== 0) return count;

    // Keep the real result: the caller reads it from the output buffer after this returns.
    const length = 4 + 8 * count;
    const result = new Uint8Array(exports.memory.buffer, exports.ipp_output_ptr(), length).slice();
    const lost = exports.ipp_next();
    if (lost !== 0) exports.ipp_complete(lost, 0);
    new Uint8Array(exports.memory.buffer, exports.ipp_output_ptr(), length).set(result);
    return count;
  };
  return planted;
}

/**
 * Snapshot bug: ipp_snapshot adds 1 to the creation time of the first pod in
 * the snapshot and fixes the checksum, so a restored queue may order that
 * pod's images differently.
 */
export function plantSnapshotBug(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  planted.ipp_snapshot = () => {
    const length = exports.ipp_snapshot();
    const bytes = new Uint8Array(exports.memory.buffer, exports.ipp_output_ptr(), length);
    const creationAt = snapshotFields(bytes).find((field) => field.name === "pods[0].creationTimeMs")?.offset;
    if (creationAt !== undefined) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      view.setBigInt64(creationAt, view.getBigInt64(creationAt, true) + 1n, true);
      view.setUint32(length - 4, crc32(bytes.subarray(0, length - 4)), true);
    }
    return length;
  };
  return planted;
}

/**
 * Semantic bug: an annotation value that is not an int32 leaves the old
 * value in place instead of counting as 0. The call still returns
 * WARN_ANNOTATION_INVALID, and the queue stays self-consistent, so only a
 * comparison with the reference model can notice.
 */
export function plantInvalidAnnotationBug(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  planted.ipp_namespace_set = (length) => {
    if (length <= 0 || length > 0xffff) return exports.ipp_namespace_set(length);
    const input = new Uint8Array(exports.memory.buffer, exports.ipp_input_reserve(length), length).slice();
    const value = decodeAnnotation(input);
    if (value !== undefined && !/^[+-]?[0-9]{1,10}$/.test(value)) return 1;
    // Reserving again moved nothing: the record is still in the input buffer.
    return exports.ipp_namespace_set(length);
  };
  return planted;
}

/** Returns the annotation value of a namespace record, or undefined when it has none or is malformed. */
function decodeAnnotation(record: Uint8Array): string | undefined {
  if (record.length < 2) return undefined;
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const nameEnd = 2 + view.getUint16(0, true);
  if (nameEnd + 3 > record.length || record[nameEnd] !== 1) return undefined;
  const valueLength = view.getUint16(nameEnd + 1, true);
  return new TextDecoder().decode(record.subarray(nameEnd + 3, nameEnd + 3 + valueLength));
}

/** Boundary bug: a namespace record that fails with ERR_TRUNCATED still changes the slot count. */
export function plantStateChangeOnError(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  planted.ipp_namespace_set = (length) => {
    const status = exports.ipp_namespace_set(length);
    if (status === -1) exports.ipp_set_slots(977);
    return status;
  };
  return planted;
}

/** Boundary bug: a pod record with invalid UTF-8 traps, as a missing bounds check would. */
export function plantUtf8Trap(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  planted.ipp_enqueue = (length) => {
    const status = exports.ipp_enqueue(length);
    if (status === -3) throw new WebAssembly.RuntimeError("unreachable (planted)");
    return status;
  };
  return planted;
}

/** Argument bug: ipp_pod_info traps on ids at or above 2^31, as a signed index would. */
export function plantLargeIdTrap(exports: PolicyExports): PolicyExports {
  const planted = copyExports(exports);
  planted.ipp_pod_info = (podId) => {
    if (podId >>> 0 >= 0x80000000) throw new WebAssembly.RuntimeError("memory access out of bounds (planted)");
    return exports.ipp_pod_info(podId);
  };
  return planted;
}

/** The planted bugs by name, each as an Instantiate for the fuzzers. */
export const PLANTED_BUGS = {
  order: () => plantOrderBug(instantiatePolicy()),
  drop: () => plantDropBug(instantiatePolicy()),
  snapshot: () => plantSnapshotBug(instantiatePolicy()),
  "invalid-annotation": () => plantInvalidAnnotationBug(instantiatePolicy()),
  "state-change-on-error": () => plantStateChangeOnError(instantiatePolicy()),
  "utf8-trap": () => plantUtf8Trap(instantiatePolicy()),
  "large-id-trap": () => plantLargeIdTrap(instantiatePolicy()),
} satisfies Record<string, Instantiate>;

export type PlantedBug = keyof typeof PLANTED_BUGS;
