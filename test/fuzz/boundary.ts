// Byte-level fuzzing of the exports that read linear memory (ipp_configure,
// ipp_namespace_set, ipp_enqueue, ipp_restore) and of the exports that take
// ids or counts (ipp_complete, ipp_pod_remove, ipp_image_info, ipp_pod_info,
// ipp_set_slots, ipp_input_reserve).
//
// Inputs are random bytes or valid records and snapshots mutated field by
// field (invalid UTF-8, wrong length prefixes, out-of-range values) and byte
// by byte (truncated, extended, bit flips), sent with exact and wrong
// lengths. Every call must return without a trap. A call that returns an
// error must leave the state byte-for-byte unchanged (compared through
// ipp_snapshot). A call that succeeds must leave a state whose snapshot
// restores into a fresh instance, and a restored snapshot must serialize back
// to the same bytes.

import fc from "fast-check";

import type { PolicyExports } from "../../host/loader.ts";
import {
  decodeStats, encodeConfig, encodeNamespace, encodePod, type ConfigRecord, type PodRequest, type QueueStats,
} from "../../host/abi/records.ts";
import { ErrorCode, errorName } from "../../host/abi/status.ts";
import { toHex, type Vector, type VectorStep } from "../support/vector.ts";
import { configArbitrary, NAMESPACES, podArbitrary, scenarioArbitrary, type Scenario } from "./commands.ts";
import { crc32 } from "./crc32.ts";
import { runDifferential } from "./differential.ts";
import { FIELD_SIZES, recordFields, snapshotFields, type Field } from "./layout.ts";
import { instantiatePolicy, outputBytes, sameBytes, sendBytes, snapshotOf, type Instantiate } from "./module.ts";

export const RECORD_EXPORTS = ["ipp_configure", "ipp_namespace_set", "ipp_enqueue", "ipp_restore"] as const;
export type RecordExport = (typeof RECORD_EXPORTS)[number];

/** Where the input bytes start from before mutation. */
export type Source =
  | { kind: "random"; bytes: number[] }
  | { kind: "config"; config: ConfigRecord }
  | { kind: "namespace"; namespace: string; annotation: string | undefined }
  | { kind: "pod"; pod: PodRequest }
  /** The snapshot of the setup state. */
  | { kind: "snapshot" };

/** A value written over one field; `random` is masked to the field's width. */
export type FieldValue = "zero" | "one" | "all-ones" | "sign-bit" | "plus-one" | "minus-one" | { random: number };

/** A mutation of one field, picked by index (modulo the number of candidates). */
export type FieldMutation =
  /** Inserts an invalid UTF-8 sequence into a string and fixes its length prefix. */
  | { kind: "invalid-utf8"; field: number; at: number; sequence: number }
  /** Overwrites a number or a string's length prefix. */
  | { kind: "set-field"; field: number; value: FieldValue };

export type ByteMutation =
  | { kind: "truncate"; at: number }
  | { kind: "extend"; bytes: number[] }
  | { kind: "flip-bit"; at: number; bit: number }
  | { kind: "set-byte"; at: number; value: number }
  | { kind: "delete"; at: number; count: number }
  | { kind: "insert"; at: number; bytes: number[] };

/** The length passed to the export, relative to the bytes written. */
export type LengthMode =
  | { kind: "exact" }
  | { kind: "shorter"; by: number }
  /** Longer than the last reservation but within the 64 KiB input buffer. */
  | { kind: "longer"; by: number }
  | { kind: "negative"; value: number }
  /** Past the 64 KiB input buffer. */
  | { kind: "beyond-buffer" }
  /** Past the 64 MiB input maximum. */
  | { kind: "over-maximum" };

export interface RecordCase {
  setup: Scenario;
  target: RecordExport;
  source: Source;
  fieldMutation: FieldMutation | undefined;
  byteMutations: ByteMutation[];
  /** Snapshots only: rewrite the body length and the CRC after mutating, so the mutation reaches the body decoder. */
  fixChecksum: boolean;
  /** ipp_restore only: restore into a fresh instance instead of the setup one. */
  fresh: boolean;
  length: LengthMode;
}

/** A call that trapped, or that broke the error or success contract. */
export class BoundaryFailure extends Error {
  constructor(
    message: string,
    /** The vector steps that reproduce the state before the call, and the call itself. */
    readonly vector: Vector,
  ) {
    super(message);
    this.name = "BoundaryFailure";
  }
}

/** Counts calls made by the boundary fuzzer in this process, for throughput figures, and their results by export. */
export const boundaryCounters = { calls: 0, results: new Map<string, number>() };

function countResult(call: string, result: number | string): void {
  const key = `${call} ${typeof result === "string" ? "trap" : result >= 0 && call !== "ipp_restore" ? "ok" : errorName(result).replace("UNKNOWN(0)", "OK")}`;
  boundaryCounters.results.set(key, (boundaryCounters.results.get(key) ?? 0) + 1);
}

/** Invalid UTF-8: lone continuation, overlong forms, surrogates, above U+10FFFF, bytes never used, cut-off sequences. */
const INVALID_UTF8: readonly number[][] = [
  [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xfe], [0xe2, 0x82], [0xc3], [0x61, 0xe2, 0x28, 0xa1],
];

const MAX_INPUT_BYTES = 64 << 20;
const INPUT_BUFFER_BYTES = 64 * 1024;

// ── arbitraries ─────────────────────────────────────────────────────────

const fieldValueArbitrary: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constantFrom<FieldValue>("zero", "one", "all-ones", "sign-bit", "plus-one", "minus-one"),
  fc.record({ random: fc.nat() }),
);

const fieldMutationArbitrary: fc.Arbitrary<FieldMutation> = fc.oneof(
  fc.record({
    kind: fc.constant("invalid-utf8" as const),
    field: fc.nat(200),
    at: fc.nat(300),
    sequence: fc.nat(INVALID_UTF8.length - 1),
  }),
  fc.record({ kind: fc.constant("set-field" as const), field: fc.nat(400), value: fieldValueArbitrary }),
);

const byteArbitrary = fc.integer({ min: 0, max: 255 });

const byteMutationArbitrary: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(2000) }),
  fc.record({ kind: fc.constant("extend" as const), bytes: fc.array(byteArbitrary, { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("flip-bit" as const), at: fc.nat(2000), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("set-byte" as const), at: fc.nat(2000), value: byteArbitrary }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(2000), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(2000), bytes: fc.array(byteArbitrary, { minLength: 1, maxLength: 8 }) }),
);

const lengthArbitrary: fc.Arbitrary<LengthMode> = fc.oneof(
  { arbitrary: fc.constant({ kind: "exact" as const }), weight: 20 },
  { arbitrary: fc.record({ kind: fc.constant("shorter" as const), by: fc.integer({ min: 1, max: 8 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("longer" as const), by: fc.integer({ min: 1, max: 64 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("negative" as const), value: fc.constantFrom(-1, -2147483648) }), weight: 1 },
  { arbitrary: fc.constant({ kind: "beyond-buffer" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "over-maximum" as const }), weight: 1 },
);

const randomSourceArbitrary: fc.Arbitrary<Source> = fc.record({
  kind: fc.constant("random" as const),
  bytes: fc.array(byteArbitrary, { maxLength: 300 }),
});

function validSourceArbitrary(target: RecordExport): fc.Arbitrary<Source> {
  switch (target) {
    case "ipp_configure":
      return fc.record({ kind: fc.constant("config" as const), config: configArbitrary });
    case "ipp_namespace_set":
      return fc.record({
        kind: fc.constant("namespace" as const),
        namespace: fc.constantFrom(...NAMESPACES),
        annotation: fc.option(fc.constantFrom("5", "-3", "abc", ""), { nil: undefined }),
      });
    case "ipp_enqueue":
      return fc.record({ kind: fc.constant("pod" as const), pod: podArbitrary });
    case "ipp_restore":
      return fc.constant({ kind: "snapshot" as const });
  }
}

export function recordCaseArbitrary(maxSetupCommands: number): fc.Arbitrary<RecordCase> {
  return fc.constantFrom(...RECORD_EXPORTS).chain((target) =>
    fc.record({
      setup: scenarioArbitrary(maxSetupCommands),
      target: fc.constant(target),
      source: fc.oneof({ arbitrary: validSourceArbitrary(target), weight: 5 }, { arbitrary: randomSourceArbitrary, weight: 1 }),
      fieldMutation: fc.option(fieldMutationArbitrary, { nil: undefined, freq: 3 }),
      byteMutations: fc.array(byteMutationArbitrary, { maxLength: 3 }),
      fixChecksum: fc.boolean(),
      fresh: fc.boolean(),
      length: lengthArbitrary,
    }),
  );
}

// ── building the input ──────────────────────────────────────────────────

function sourceBytes(source: Source, snapshot: () => Uint8Array): { bytes: Uint8Array; fields: Field[] } {
  switch (source.kind) {
    case "random":
      return { bytes: Uint8Array.from(source.bytes), fields: [] };
    case "config": {
      const record = encodeConfig(source.config, true);
      return { bytes: record.finish().slice(), fields: recordFields(record) };
    }
    case "namespace": {
      const record = encodeNamespace(source.namespace, source.annotation, true);
      return { bytes: record.finish().slice(), fields: recordFields(record) };
    }
    case "pod": {
      const record = encodePod(source.pod, true);
      return { bytes: record.finish().slice(), fields: recordFields(record) };
    }
    case "snapshot": {
      const bytes = snapshot();
      return { bytes, fields: snapshotFields(bytes) };
    }
  }
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

function fieldValue(value: FieldValue, size: number, current: bigint): bigint {
  const bits = BigInt(size * 8);
  const mask = (1n << bits) - 1n;
  switch (value) {
    case "zero":
      return 0n;
    case "one":
      return 1n;
    case "all-ones":
      return mask;
    case "sign-bit":
      return 1n << (bits - 1n);
    case "plus-one":
      return (current + 1n) & mask;
    case "minus-one":
      return (current - 1n) & mask;
    default:
      return BigInt(value.random) & mask;
  }
}

function applyFieldMutation(bytes: Uint8Array, fields: readonly Field[], mutation: FieldMutation): Uint8Array {
  if (mutation.kind === "invalid-utf8") {
    const strings = fields.filter((field) => field.type === "str");
    if (strings.length === 0) return bytes;
    const field = strings[mutation.field % strings.length]!;
    const contentAt = field.offset + 2;
    const insertAt = contentAt + (mutation.at % (field.stringBytes! + 1));
    const sequence = INVALID_UTF8[mutation.sequence % INVALID_UTF8.length]!;
    const mutated = concat(bytes.subarray(0, insertAt), sequence, bytes.subarray(insertAt));
    new DataView(mutated.buffer).setUint16(field.offset, field.stringBytes! + sequence.length, true);
    return mutated;
  }

  if (fields.length === 0) return bytes;
  const field = fields[mutation.field % fields.length]!;
  // A string's length prefix is its u16.
  const size = field.type === "str" ? 2 : FIELD_SIZES[field.type];
  const mutated = bytes.slice();
  let current = 0n;
  for (let i = size - 1; i >= 0; i--) current = (current << 8n) | BigInt(mutated[field.offset + i]!);
  let value = fieldValue(mutation.value, size, current);
  for (let i = 0; i < size; i++) {
    mutated[field.offset + i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return mutated;
}

function applyByteMutation(bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  // Positions wrap around the input, so a mutation stays valid when the input shrinks.
  const at = (limit: number): number => {
    if (limit <= 0 || mutation.kind === "extend") return 0;
    return mutation.at % limit;
  };
  switch (mutation.kind) {
    case "truncate":
      return bytes.slice(0, at(bytes.length + 1));
    case "extend":
      return concat(bytes, mutation.bytes);
    case "flip-bit": {
      if (bytes.length === 0) return bytes;
      const mutated = bytes.slice();
      mutated[at(bytes.length)]! ^= 1 << mutation.bit;
      return mutated;
    }
    case "set-byte": {
      if (bytes.length === 0) return bytes;
      const mutated = bytes.slice();
      mutated[at(bytes.length)] = mutation.value;
      return mutated;
    }
    case "delete": {
      const from = at(bytes.length + 1);
      return concat(bytes.subarray(0, from), bytes.subarray(from + mutation.count));
    }
    case "insert": {
      const from = at(bytes.length + 1);
      return concat(bytes.subarray(0, from), mutation.bytes, bytes.subarray(from));
    }
  }
}

/** Rewrites a snapshot's body length and CRC-32 to match its bytes, when it is long enough to have them. */
function fixSnapshotChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 16) return bytes;
  const fixed = bytes.slice();
  const view = new DataView(fixed.buffer);
  view.setUint32(8, fixed.length - 16, true);
  view.setUint32(fixed.length - 4, crc32(fixed.subarray(0, fixed.length - 4)), true);
  return fixed;
}

/** Returns the mutated input bytes of `testCase`. */
export function buildInput(testCase: RecordCase, snapshot: () => Uint8Array): Uint8Array {
  const source = sourceBytes(testCase.source, snapshot);
  let bytes = source.bytes;
  if (testCase.fieldMutation !== undefined) bytes = applyFieldMutation(bytes, source.fields, testCase.fieldMutation);
  for (const mutation of testCase.byteMutations) bytes = applyByteMutation(bytes, mutation);
  if (testCase.fixChecksum && testCase.source.kind === "snapshot") bytes = fixSnapshotChecksum(bytes);
  return bytes;
}

// ── running a case ──────────────────────────────────────────────────────

/** Calls an export and turns a trap into a BoundaryFailure message; other exceptions propagate. */
function callSafely(call: () => number): number | string {
  try {
    return call();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) return `trapped: ${error.message}`;
    throw error;
  }
}

/** Checks that the state of `exports` is a valid state: its snapshot restores into a fresh instance and serializes back identically. */
function checkRestorable(exports: PolicyExports, instantiate: Instantiate): string | undefined {
  const snapshot = snapshotOf(exports);
  const fresh = instantiate();
  const status = callSafely(() => sendBytes(fresh, snapshot, fresh.ipp_restore));
  if (status !== 0) return `its snapshot does not restore into a fresh instance (${status})`;
  if (!sameBytes(snapshot, snapshotOf(fresh))) return "its snapshot changes when restored into a fresh instance";
  return undefined;
}

/** Returns the ids of the images in flight, read from the instance's snapshot. */
function inFlightIds(exports: PolicyExports): number[] {
  const snapshot = snapshotOf(exports);
  const view = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const fields = snapshotFields(snapshot);
  const ids: number[] = [];
  for (const field of fields) {
    const match = /^images\[(\d+)\]\.state$/.exec(field.name);
    if (match === null || view.getUint8(field.offset) !== 2) continue;
    const idField = fields.find((candidate) => candidate.name === `images[${match[1]}].id`)!;
    ids.push(view.getUint32(idField.offset, true));
  }
  return ids;
}

/** Completes every image in flight and drains the queue; returns a problem, or undefined. */
function drain(exports: PolicyExports): string | undefined {
  for (const id of inFlightIds(exports)) {
    const status = callSafely(() => exports.ipp_complete(id, 0));
    if (typeof status === "string" || status < 0) return `ipp_complete(${id}) of an image in flight returned ${status}`;
  }
  for (let round = 0; round < 300_000; round++) {
    const id = callSafely(() => exports.ipp_next());
    if (typeof id === "string") return `ipp_next ${id}`;
    if (id === 0) break;
    const status = callSafely(() => exports.ipp_complete(id, 0));
    if (typeof status === "string" || status < 0) return `ipp_complete(${id}) returned ${status}`;
  }
  const stats = new DataView(outputBytes(exports, exports.ipp_stats()).buffer);
  const [pods, pending, inFlight] = [stats.getUint32(0, true), stats.getUint32(4, true), stats.getUint32(8, true)];
  if (pods !== 0 || pending !== 0 || inFlight !== 0) {
    return `after draining, stats still report ${pods} pods, ${pending} pending and ${inFlight} in flight`;
  }
  return undefined;
}

interface Prepared {
  exports: PolicyExports;
  /** Vector steps that rebuild the state the call runs on. */
  steps: VectorStep[];
}

function prepare(testCase: RecordCase, instantiate: Instantiate): { setup: Prepared; target: Prepared } {
  const result = runDifferential(testCase.setup, { instantiate, statsAfterEachCommand: false, finalCheck: false });
  const setup = { exports: result.queue.exports, steps: result.trace };
  if (testCase.target === "ipp_restore" && testCase.fresh) return { setup, target: { exports: instantiate(), steps: [] } };
  return { setup, target: setup };
}

/** Describes the call for messages, with at most 64 bytes of input in hex. */
function describeCall(testCase: RecordCase, input: Uint8Array, length: number): string {
  const hex = toHex(input.subarray(0, 64)) + (input.length > 64 ? "…" : "");
  return `${testCase.target}(${length}) on ${input.length} bytes ${hex}`;
}

/**
 * Runs one record case: builds the setup state, sends the mutated input with
 * the chosen length, and checks the contract. Throws a BoundaryFailure.
 */
export function runRecordCase(testCase: RecordCase, instantiate: Instantiate = instantiatePolicy): void {
  const { setup, target } = prepare(testCase, instantiate);
  const exports = target.exports;
  const input = buildInput(testCase, () => snapshotOf(setup.exports));
  const before = snapshotOf(exports);
  const statsBefore = decodeStats(outputBytes(exports, exports.ipp_stats()));

  let length = input.length;
  let reserve = input.length;
  switch (testCase.length.kind) {
    case "shorter":
      length = Math.max(0, input.length - testCase.length.by);
      break;
    case "longer":
      length = input.length + testCase.length.by;
      break;
    case "negative":
      length = testCase.length.value;
      break;
    case "beyond-buffer":
      length = Math.max(input.length, INPUT_BUFFER_BYTES) + 1;
      break;
    case "over-maximum":
      length = MAX_INPUT_BYTES + 1;
      reserve = length;
      break;
  }

  const pointer = exports.ipp_input_reserve(reserve);
  if (reserve > MAX_INPUT_BYTES) {
    if (pointer !== 0) throw failure(`ipp_input_reserve(${reserve}) returned a pointer past the 64 MiB maximum`);
  } else {
    if (pointer === 0) throw failure(`ipp_input_reserve(${reserve}) returned 0`);
    new Uint8Array(exports.memory.buffer, pointer, input.length).set(input);
  }

  boundaryCounters.calls++;
  const call = describeCall(testCase, input, length);
  const status = callSafely(() => exports[testCase.target](length));
  countResult(testCase.target, status);
  if (typeof status === "string") throw failure(`${call} ${status}`);

  function failure(message: string, expect?: number, unchangedStats?: QueueStats): BoundaryFailure {
    const vector = boundaryVector(testCase, target.steps, input, length, expect);
    if (unchangedStats !== undefined) vector.steps.push({ call: "ipp_stats", output: { ...unchangedStats } });
    return new BoundaryFailure(message, vector);
  }

  // A length past the last reservation is rejected, even when the input buffer is larger.
  const mustBeTooLarge = ["longer", "negative", "beyond-buffer", "over-maximum"].includes(testCase.length.kind);
  if (mustBeTooLarge && status !== ErrorCode.ERR_INPUT_TOO_LARGE) {
    throw failure(`${call} returned ${status}, expected ERR_INPUT_TOO_LARGE (-18)`, ErrorCode.ERR_INPUT_TOO_LARGE);
  }

  if (status < 0) {
    const offset = exports.ipp_error_offset();
    if (offset < -1 || offset > Math.max(length, 0)) throw failure(`${call} returned ${errorName(status)} with error offset ${offset} outside the record`, status);
    if (!sameBytes(before, snapshotOf(exports))) {
      throw failure(`${call} returned ${errorName(status)} but changed the state`, status, statsBefore);
    }
    return;
  }

  switch (testCase.target) {
    case "ipp_namespace_set":
      if (status > 1) throw failure(`${call} returned ${status}, expected 0 or 1`);
      break;
    case "ipp_configure":
      if (status !== 0) throw failure(`${call} returned ${status}, expected 0`);
      break;
    case "ipp_enqueue": {
      const info = callSafely(() => exports.ipp_pod_info(status));
      if (typeof info === "string" || info < 0) throw failure(`${call} returned pod id ${status}, but ipp_pod_info(${status}) returned ${info}`);
      break;
    }
    case "ipp_restore": {
      if (status !== 0) throw failure(`${call} returned ${status}, expected 0`);
      if (!sameBytes(input.subarray(0, length), snapshotOf(exports))) {
        throw failure(`${call} accepted a snapshot that does not serialize back to the same bytes, so snapshots are not canonical`);
      }
      break;
    }
  }

  const problem = checkRestorable(exports, instantiate) ?? (testCase.target === "ipp_restore" ? drain(exports) : undefined);
  if (problem !== undefined) throw failure(`${call} returned ${status}, but the state it left is broken: ${problem}`, status);
}

/**
 * Builds the vector of a failed case: the setup steps with the model's
 * results, then the failing call as raw bytes.
 */
function boundaryVector(testCase: RecordCase, steps: VectorStep[], input: Uint8Array, length: number, expect?: number): Vector {
  const exact = length >= 0 && length <= input.length;
  const description = [
    `Byte-level fuzz case: ${testCase.target} on mutated input.`,
    exact ? "" : `NOTE: the fuzzer passed length ${length} for ${input.length} bytes, which a bytes step cannot express; the step sends the bytes written.`,
    expect === undefined
      ? "NOTE: the call trapped or broke its contract without a status to expect; the expect value 0 is a placeholder to update once the module is fixed."
      : "",
  ].filter((line) => line !== "").join(" ");
  const bytes = exact ? input.subarray(0, length) : input;
  return { description, steps: [...steps, { call: testCase.target, bytes: toHex(bytes), expect: expect ?? 0 }] };
}

// ── argument fuzzing ────────────────────────────────────────────────────

export type ArgumentCall =
  | { call: "ipp_complete"; id: number; outcome: number }
  | { call: "ipp_pod_remove"; id: number }
  | { call: "ipp_image_info"; id: number }
  | { call: "ipp_pod_info"; id: number }
  | { call: "ipp_set_slots"; slots: number }
  | { call: "ipp_input_reserve"; length: number };

export interface ArgumentCase {
  setup: Scenario;
  calls: ArgumentCall[];
}

/** Numbers as JavaScript passes them to an i32 parameter: small ids, i32 and u32 edges, and values ToInt32 wraps. */
const argumentArbitrary = fc.oneof(
  { arbitrary: fc.integer({ min: -2, max: 30 }), weight: 10 },
  {
    arbitrary: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, -0x80000000, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 1.5, Number.NaN, 1025, 1024),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: -0x80000000, max: 0xffffffff }), weight: 2 },
);

/**
 * Input lengths: mostly small, the edges of the 64 MiB maximum, and values
 * that ToInt32 wraps. A full 64 MiB reservation is rare because it is slow.
 */
const reserveLengthArbitrary = fc.oneof(
  { arbitrary: fc.integer({ min: -2, max: 70_000 }), weight: 20 },
  { arbitrary: fc.constantFrom(MAX_INPUT_BYTES + 1, 0x7fffffff, 0x80000000, 0xffffffff, -0x80000000, 2 ** 32, 2 ** 32 + 5, 1.5, Number.NaN), weight: 5 },
  { arbitrary: fc.constant(MAX_INPUT_BYTES), weight: 1 },
);

const argumentCallArbitrary: fc.Arbitrary<ArgumentCall> = fc.oneof(
  fc.record({ call: fc.constant("ipp_complete" as const), id: argumentArbitrary, outcome: fc.oneof(fc.constantFrom(0, 1), argumentArbitrary) }),
  fc.record({ call: fc.constant("ipp_pod_remove" as const), id: argumentArbitrary }),
  fc.record({ call: fc.constant("ipp_image_info" as const), id: argumentArbitrary }),
  fc.record({ call: fc.constant("ipp_pod_info" as const), id: argumentArbitrary }),
  fc.record({ call: fc.constant("ipp_set_slots" as const), slots: argumentArbitrary }),
  fc.record({ call: fc.constant("ipp_input_reserve" as const), length: reserveLengthArbitrary }),
);

export function argumentCaseArbitrary(maxSetupCommands: number): fc.Arbitrary<ArgumentCase> {
  return fc.record({ setup: scenarioArbitrary(maxSetupCommands), calls: fc.array(argumentCallArbitrary, { minLength: 1, maxLength: 12 }) });
}

/** The i32 (or u32) a JavaScript number becomes when passed to an i32 parameter. */
const toI32 = (value: number) => value | 0;
const toU32 = (value: number) => value >>> 0;

/** Runs the calls of `testCase` on its setup state; throws a BoundaryFailure at the first broken rule. */
export function runArgumentCase(testCase: ArgumentCase, instantiate: Instantiate = instantiatePolicy): void {
  const result = runDifferential(testCase.setup, { instantiate, statsAfterEachCommand: false, finalCheck: false });
  const exports = result.queue.exports;
  const steps = [...result.trace];

  for (const call of testCase.calls) {
    const before = snapshotOf(exports);
    const text = `${call.call}(${Object.values(call).slice(1).join(", ")})`;
    const fail = (message: string, expect?: number): never => {
      throw new BoundaryFailure(`${text} ${message}`, argumentVector(steps, call, expect));
    };

    // The state of the id, read before the call.
    let imageState = 0;
    let podKnown = false;
    if (call.call === "ipp_complete") {
      const length = callSafely(() => exports.ipp_image_info(call.id));
      if (typeof length === "string") fail(`could not be checked: ipp_image_info(${call.id}) ${length}`);
      imageState = (length as number) < 0 ? 0 : outputBytes(exports, 1)[0]!;
    }
    if (call.call === "ipp_pod_remove") {
      const length = callSafely(() => exports.ipp_pod_info(call.id));
      if (typeof length === "string") fail(`could not be checked: ipp_pod_info(${call.id}) ${length}`);
      podKnown = (length as number) >= 0;
    }

    boundaryCounters.calls++;
    const status = callSafely(() => {
      switch (call.call) {
        case "ipp_complete":
          return exports.ipp_complete(call.id, call.outcome);
        case "ipp_pod_remove":
          return exports.ipp_pod_remove(call.id);
        case "ipp_image_info":
          return exports.ipp_image_info(call.id);
        case "ipp_pod_info":
          return exports.ipp_pod_info(call.id);
        case "ipp_set_slots":
          return exports.ipp_set_slots(call.slots);
        case "ipp_input_reserve":
          return exports.ipp_input_reserve(call.length);
      }
    });
    if (typeof status === "string") fail(status);
    const value = status as number;
    const unchanged = sameBytes(before, snapshotOf(exports));

    switch (call.call) {
      case "ipp_complete": {
        const outcome = toU32(call.outcome);
        const expected = outcome > 1 ? ErrorCode.ERR_INVALID_FIELD
          : imageState === 0 ? ErrorCode.ERR_UNKNOWN_IMAGE
          : imageState === 1 ? ErrorCode.ERR_NOT_IN_FLIGHT
          : undefined;
        if (expected !== undefined && value !== expected) fail(`returned ${value}, expected ${errorName(expected)}`, expected);
        if (expected === undefined && value < 0) fail(`of an image in flight returned ${errorName(value)}`);
        break;
      }
      case "ipp_pod_remove":
        if (!podKnown && value !== ErrorCode.ERR_UNKNOWN_POD) fail(`of an unknown pod returned ${value}, expected ERR_UNKNOWN_POD`, ErrorCode.ERR_UNKNOWN_POD);
        if (podKnown && value < 0) fail(`of a live pod returned ${errorName(value)}`);
        break;
      case "ipp_image_info":
      case "ipp_pod_info":
        if (value < 0 && value !== ErrorCode.ERR_UNKNOWN_IMAGE && value !== ErrorCode.ERR_UNKNOWN_POD) fail(`returned ${errorName(value)}`);
        if (!unchanged) fail("changed the state, but it only reads it");
        break;
      case "ipp_set_slots": {
        const slots = toI32(call.slots);
        const valid = slots >= 1 && slots <= 1024;
        if (valid !== (value === 0)) fail(`returned ${value} for slots ${slots}`, valid ? 0 : ErrorCode.ERR_INVALID_FIELD);
        if (valid && new DataView(outputBytes(exports, exports.ipp_stats()).buffer).getUint32(12, true) !== slots) {
          fail("succeeded but the stats record reports other slots");
        }
        break;
      }
      case "ipp_input_reserve": {
        const length = toI32(call.length);
        const valid = length >= 0 && length <= MAX_INPUT_BYTES;
        if (valid !== (value !== 0)) fail(`returned ${value} for length ${length}`);
        if (!unchanged) fail("changed the state");
        break;
      }
    }
    if (value < 0 && !unchanged) fail(`returned ${errorName(value)} but changed the state`, value);
    steps.push(...argumentSteps(call, value));
  }
}

/** Converts a call that passed into vector steps, so later failures replay on the same state. */
function argumentSteps(call: ArgumentCall, value: number): VectorStep[] {
  switch (call.call) {
    case "ipp_complete":
      return [{ call: "ipp_complete", args: [call.id, call.outcome], expect: value }];
    case "ipp_pod_remove":
      return [{ call: "ipp_pod_remove", args: [call.id], expect: value }];
    case "ipp_set_slots":
      return [{ call: "ipp_set_slots", args: [call.slots], expect: value }];
    case "ipp_image_info":
      return [{ call: "ipp_image_info", args: [call.id], expect: value }];
    default:
      // ipp_pod_info and ipp_input_reserve have no vector step; they change no state.
      return [];
  }
}

function argumentVector(steps: VectorStep[], call: ArgumentCall, expect: number | undefined): Vector {
  const failing = argumentSteps(call, expect ?? 0);
  const notes = [
    failing.length === 0 ? `NOTE: the vector format has no ${call.call} step, so the failing call is not in the steps.` : "",
    expect === undefined ? "NOTE: the call trapped or broke its contract without a status to expect; the expect value 0 is a placeholder." : "",
  ].filter((line) => line !== "");
  return { description: [`Argument fuzz case: ${call.call}.`, ...notes].join(" "), steps: [...steps, ...failing] };
}
