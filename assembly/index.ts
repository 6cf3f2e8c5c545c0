// The module's exports: the whole ABI. docs/abi.md is the contract for every
// function here, its record layouts and its status codes.
//
// The module imports nothing and has no clock, randomness or I/O. Every call
// is a function of the state and its arguments, so hosts in any language
// replaying the same calls get the same results.

import { reserveInput, inputBytes, outputPointer } from "./abi/buffers";
import { garbageEstimate, leaveGarbage, resetGarbage } from "./abi/garbage";
import { Reader } from "./abi/reader";
import { Writer } from "./abi/writer";
import { readConfig, readNamespace, readPod } from "./abi/records";
import * as status from "./abi/status";
import { PodFields, PullQueue } from "./queue/queue";
import { readSnapshot, writeSnapshot } from "./queue/snapshot";

/** Version of this ABI; hosts check it before any other call. */
const ABI_VERSION: i32 = 1;

let queue = new PullQueue();
const out = new Writer();

// The minimal runtime collects garbage only when asked. Every export starts
// with no managed value on the stack, so its entry is a safe point. Each call
// adds an upper estimate of the garbage it leaves (decoded strings, forgotten
// records), and a full collection, which costs O(live objects), runs once that
// estimate passes twice the live state. So garbage stays proportional to the
// live state and the collection cost per call stays constant. The cap keeps
// the largest state plus its garbage well inside the maximum memory.
// Replaced input and output buffers count themselves (abi/buffers.ts).
const MIN_COLLECT_BYTES: i64 = 4 << 20;
const MAX_COLLECT_BYTES: i64 = 64 << 20;

function collectIfDue(): void {
  const threshold = min(MAX_COLLECT_BYTES, max(MIN_COLLECT_BYTES, 2 * queue.liveBytesEstimate()));
  if (garbageEstimate() < threshold) return;
  __collect();
  resetGarbage();
}

// Input offset of the field that failed the last decoding call, or -1.
let errorOffset: i32 = -1;

// One reader and one decoded pod serve every call, so decoding leaves no garbage of its own.
const reader = new Reader(0, 0);
const podFields = new PodFields();

function inputReader(length: i32): Reader | null {
  errorOffset = -1;
  const ptr = inputBytes(length);
  if (ptr == 0) return null;
  return reader.reset(ptr, ptr + <usize>length);
}

// Returns the reader's status and remembers where it failed.
function decodeFailure(reader: Reader): i32 {
  errorOffset = reader.failedAt;
  return reader.status;
}

/** Returns the ABI version, 1. */
export function ipp_abi_version(): i32 {
  return ABI_VERSION;
}

/** Returns a pointer to `length` writable input bytes, or 0 when length is negative or over 64 MiB. */
export function ipp_input_reserve(length: i32): usize {
  collectIfDue();
  return reserveInput(length);
}

/** Returns the input offset of the field that made the last record call fail, or -1. */
export function ipp_error_offset(): i32 {
  return errorOffset;
}

/** Returns the pointer to the last call's output bytes. */
export function ipp_output_ptr(): usize {
  return outputPointer();
}

/** Replaces the configuration with the record in the input; only before the first pod or namespace. */
export function ipp_configure(length: i32): i32 {
  collectIfDue();
  leaveGarbage(1024 + 2 * <i64>length);
  const reader = inputReader(length);
  if (reader === null) return status.ERR_INPUT_TOO_LARGE;
  const config = readConfig(reader);
  if (reader.finish() != status.OK) return decodeFailure(reader);
  if (!queue.isEmpty()) return status.ERR_NOT_EMPTY;
  queue.config = config;
  return status.OK;
}

/** Sets the number of images that may be in flight at once (1 to 1024). */
export function ipp_set_slots(slots: i32): i32 {
  return queue.setSlots(slots);
}

/** Sets or clears a namespace's priority annotation from the record in the input. */
export function ipp_namespace_set(length: i32): i32 {
  collectIfDue();
  leaveGarbage(256 + 2 * <i64>length);
  const reader = inputReader(length);
  if (reader === null) return status.ERR_INPUT_TOO_LARGE;
  const fields = readNamespace(reader);
  if (reader.finish() != status.OK) return decodeFailure(reader);
  return queue.setNamespaceAnnotation(fields.name, fields.present, fields.state, fields.value);
}

/** Adds a pod's image requests from the record in the input; returns the pod id and writes image ids. */
export function ipp_enqueue(length: i32): i32 {
  collectIfDue();
  const reader = inputReader(length);
  if (reader === null) return status.ERR_INPUT_TOO_LARGE;
  // Decoded strings take two bytes a character, with headers.
  leaveGarbage(64 + 2 * <i64>length);
  const fields = readPod(reader, podFields);
  if (reader.finish() != status.OK) return decodeFailure(reader);
  return queue.enqueue(fields, out.reset());
}

/** Cancels a pod's requests and forgets it; returns how many images left the queue. */
export function ipp_pod_remove(podId: u32): i32 {
  collectIfDue();
  leaveGarbage(queue.recordBytesEstimate(podId, 0));
  return queue.removePod(podId);
}

/** Hands out the next image to pull; returns its id, or 0 when none is pending or every slot is busy. */
export function ipp_next(): u32 {
  return queue.next();
}

/** Finishes an in-flight pull (0 succeeded, 1 failed); returns the waiter count and writes the waiters. */
export function ipp_complete(imageId: u32, outcome: u32): i32 {
  collectIfDue();
  leaveGarbage(queue.recordBytesEstimate(0, imageId));
  return queue.complete(imageId, outcome, out.reset());
}

/** Writes an image info record; returns its length. */
export function ipp_image_info(imageId: u32): i32 {
  collectIfDue();
  // Sorting the waiters may allocate; a larger output buffer counts itself.
  leaveGarbage(256 + 8 * <i64>queue.waiterCount(imageId));
  return queue.writeImageInfo(imageId, out.reset());
}

/** Writes a pod info record; returns its length. */
export function ipp_pod_info(podId: u32): i32 {
  collectIfDue();
  leaveGarbage(256);
  return queue.writePodInfo(podId, out.reset());
}

/** Writes the stats record; returns its length. */
export function ipp_stats(): i32 {
  collectIfDue();
  return queue.writeStats(out.reset());
}

/** Writes a snapshot of the whole state; returns its length. */
export function ipp_snapshot(): i32 {
  collectIfDue();
  // Writing copies each image's requests once to sort them.
  leaveGarbage(queue.liveBytesEstimate());
  return writeSnapshot(queue, out.reset());
}

/** Replaces the state with the snapshot in the input; only into an instance with no pods or namespaces. */
export function ipp_restore(length: i32): i32 {
  collectIfDue();
  errorOffset = -1;
  const ptr = inputBytes(length);
  if (ptr == 0) return status.ERR_INPUT_TOO_LARGE;
  if (!queue.isEmpty()) return status.ERR_NOT_EMPTY;
  const reader = new Reader(ptr, ptr + <usize>length);
  const restored = readSnapshot(ptr, length, reader);
  // A restore builds a whole queue; on failure all of it is garbage.
  leaveGarbage(4 * <i64>length);
  if (restored === null) return reader.status;
  queue = restored;
  return status.OK;
}
