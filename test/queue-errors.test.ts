// Specification of the module's error codes: every ErrorCode is triggered
// through PullQueue or the raw exports, and each rejected call must leave the
// state exactly as it was (equal snapshot bytes before and after). Runs the
// real policy module from build/policy.wasm.

import { crc32 } from "node:zlib";

import { describe, expect, it } from "vitest";

import type { RecordBuilder } from "../host/abi/record-builder.ts";
import { encodeConfig, encodeNamespace, encodePod, type PodRequest } from "../host/abi/records.ts";
import { ErrorCode, type ErrorName } from "../host/abi/status.ts";
import { PolicyError } from "../host/errors.ts";
import { PolicyModule } from "../host/loader.ts";
import { PullQueue } from "../host/queue.ts";
import { DEFAULT_RECORD } from "./support/fixtures.ts";

const policy = PolicyModule.load();

const BASE_TIME_MS = Date.UTC(2024, 0, 1);

// Limits from the ABI contract.
const MAX_PODS = 131072;
const MAX_IMAGES = 131072;
const MAX_REQUESTS = 524288;
const MAX_NAMESPACES = 16384;
const MAX_TEXT_BYTES = 32 * 1024 * 1024;
const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const MAX_IMAGES_PER_RECORD = 128;


function pod(name: string, fields: Partial<PodRequest> = {}): PodRequest {
  return { namespace: "apps", name, creationTimeMs: BASE_TIME_MS, images: [`registry.example.com/${name}:v1`], ...fields };
}

/** Ids in the seeded queue: image 1 is in flight, images 2 and 3 are pending. */
const SEEDED = { inFlightImage: 1, pendingImage: 2, podA: 1, podB: 2 } as const;

/** Gives a queue some state to protect: an annotated namespace, two pods and one pull in flight. */
function seed(queue: PullQueue): void {
  queue.setNamespace("team", "4");
  queue.enqueue(pod("a", { namespace: "team", images: ["registry.example.com/x:v1", "registry.example.com/y:v1"] }));
  queue.enqueue(pod("b", { priority: 10, images: ["registry.example.com/z:v1"] }));
  queue.next();
}

/** Configures a fresh queue with non-default settings, so a rejected configure has something to keep. */
function configureOnly(queue: PullQueue): void {
  queue.configure({ ...DEFAULT_RECORD, slots: 3, preferredNamespaces: ["kube-system", "infra"] });
}

/** Writes `bytes` to the module's input, calls `call` with their length and returns the status. */
function sendRaw(queue: PullQueue, bytes: Uint8Array, call: (length: number) => number): number {
  const exports = queue.exports;
  const at = exports.ipp_input_reserve(bytes.length);
  new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  return call(bytes.length);
}

/** A record's bytes with the offset at which each field starts. */
interface EncodedRecord {
  bytes: Uint8Array;
  offsets: ReadonlyMap<string, number>;
}

/** Copies a record built with field tracking. Builders share one buffer, so this must run right after encoding. */
function capture(record: RecordBuilder): EncodedRecord {
  return { bytes: record.finish(), offsets: new Map(record.fields.map((mark) => [mark.field, mark.offset])) };
}

/** Returns the offset at which `field` starts in `record`. */
function offsetOf(record: EncodedRecord, field: string): number {
  const offset = record.offsets.get(field);
  if (offset === undefined) throw new Error(`record has no field ${field}`);
  return offset;
}

/** Returns a copy of the record's bytes with `replacement` written over the string contents of `field`. */
function patchString(record: EncodedRecord, field: string, replacement: readonly number[]): Uint8Array {
  const bytes = record.bytes.slice();
  bytes.set(replacement, offsetOf(record, field) + 2);
  return bytes;
}

/** Appends one byte to a copy of `bytes`. */
function withExtraByte(bytes: Uint8Array): Uint8Array {
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  return longer;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/** Returns a snapshot of a seeded queue. */
function seededSnapshot(): Uint8Array {
  const queue = PullQueue.create(policy);
  seed(queue);
  return queue.snapshot();
}

/** Returns the snapshot with one more body byte, a matching body length and a valid checksum. */
function snapshotWithExtraBodyByte(snapshot: Uint8Array): Uint8Array {
  const body = snapshot.subarray(0, snapshot.length - 4);
  const changed = new Uint8Array(snapshot.length + 1);
  changed.set(body);
  const view = new DataView(changed.buffer);
  view.setUint32(8, view.getUint32(8, true) + 1, true);
  view.setUint32(changed.length - 4, crc32(changed.subarray(0, changed.length - 4)), true);
  return changed;
}

/**
 * Stamps out pod records from one template: every "zzzzzz" in the template's strings is
 * replaced with a six-digit base-36 number, and the record goes to ipp_enqueue as raw bytes.
 * Skipping the encoder keeps the limit tests, which need up to 131072 records, within seconds.
 */
class PodStamper {
  private static readonly MARKER = "zzzzzz";
  private readonly template: Uint8Array;
  private readonly offsets: number[] = [];

  constructor(template: PodRequest) {
    this.template = encodePod(template).finish().slice();
    const marker = Buffer.from(PodStamper.MARKER);
    const buffer = Buffer.from(this.template);
    for (let at = buffer.indexOf(marker); at >= 0; at = buffer.indexOf(marker, at + marker.length)) this.offsets.push(at);
    if (this.offsets.length === 0) throw new Error(`template contains no ${PodStamper.MARKER}`);
  }

  /** Enqueues copy number `index` and returns the module's status (a pod id on success). */
  enqueue(queue: PullQueue, index: number): number {
    const digits = index.toString(36).padStart(PodStamper.MARKER.length, "0");
    for (const at of this.offsets) {
      for (let i = 0; i < digits.length; i++) this.template[at + i] = digits.charCodeAt(i);
    }
    return sendRaw(queue, this.template, queue.exports.ipp_enqueue);
  }

  /** Enqueues copies `from` to `to` - 1 and fails on the first error. */
  fill(queue: PullQueue, from: number, to: number): void {
    for (let index = from; index < to; index++) {
      const status = this.enqueue(queue, index);
      if (status < 0) throw new Error(`filling copy ${index} failed with status ${status}`);
    }
  }
}

/** Returns `count` references that differ only in their last path component. */
function references(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}/i${i}`);
}

/** One way to trigger an error status. */
interface ErrorCase {
  status: ErrorName;
  name: string;
  /** Builds the state before the call. Without it the queue is empty. */
  setup?: (queue: PullQueue) => void;
  /** Makes the failing call: returns the raw status, or throws a PolicyError. */
  act: (queue: PullQueue) => unknown;
  /** The record field the PolicyError must name. */
  field?: string;
  /** Text the PolicyError message must contain. */
  value?: string;
  /** The input offset ipp_error_offset must return after a raw record call. */
  errorOffset?: number;
}

const podRecord = capture(encodePod(pod("web", { images: ["nginx"] }), true));
const configRecord = capture(encodeConfig({ ...DEFAULT_RECORD, preferredNamespaces: ["kube-system", "infra"] }, true));
const namespaceRecord = capture(encodeNamespace("team", "7", true));
const utf8PodRecord = capture(encodePod(pod("ab", { images: ["nginx", "abc"] }), true));
const utf8NamespaceRecord = capture(encodeNamespace("ab", "1", true));
const flagsRecord = capture(encodePod(pod("web"), true));
const presentAnnotationRecord = capture(encodeNamespace("team", "1", true));

/** Returns a valid reference of exactly `length` bytes: `repository` with a long digest of an unnamed algorithm. */
function digestReference(repository: string, length: number): string {
  const prefix = `${repository}@md5x:`;
  return prefix + "0".repeat(length - prefix.length);
}

const cases: ErrorCase[] = [
  // Records that end too early or too late.
  {
    status: "ERR_TRUNCATED",
    name: "pod record cut short",
    setup: seed,
    act: (queue) => sendRaw(queue, podRecord.bytes.subarray(0, podRecord.bytes.length - 1), queue.exports.ipp_enqueue),
    errorOffset: offsetOf(podRecord, "images[0]"),
  },
  {
    status: "ERR_TRUNCATED",
    name: "empty pod record",
    setup: seed,
    act: (queue) => sendRaw(queue, new Uint8Array(0), queue.exports.ipp_enqueue),
    errorOffset: 0,
  },
  {
    status: "ERR_TRUNCATED",
    name: "config record cut short",
    setup: configureOnly,
    act: (queue) => sendRaw(queue, configRecord.bytes.subarray(0, offsetOf(configRecord, "preferredNamespaces[1]") + 3), queue.exports.ipp_configure),
    errorOffset: offsetOf(configRecord, "preferredNamespaces[1]"),
  },
  {
    status: "ERR_TRUNCATED",
    name: "namespace record cut short",
    setup: seed,
    act: (queue) => sendRaw(queue, namespaceRecord.bytes.subarray(0, offsetOf(namespaceRecord, "annotation")), queue.exports.ipp_namespace_set),
    errorOffset: offsetOf(namespaceRecord, "annotation"),
  },
  {
    status: "ERR_TRAILING_BYTES",
    name: "pod record with extra byte",
    setup: seed,
    act: (queue) => sendRaw(queue, withExtraByte(podRecord.bytes), queue.exports.ipp_enqueue),
    errorOffset: podRecord.bytes.length,
  },
  {
    status: "ERR_TRAILING_BYTES",
    name: "config record with extra byte",
    setup: configureOnly,
    act: (queue) => sendRaw(queue, withExtraByte(configRecord.bytes), queue.exports.ipp_configure),
    errorOffset: configRecord.bytes.length,
  },
  {
    status: "ERR_TRAILING_BYTES",
    name: "namespace record with extra byte",
    setup: seed,
    act: (queue) => sendRaw(queue, withExtraByte(namespaceRecord.bytes), queue.exports.ipp_namespace_set),
    errorOffset: namespaceRecord.bytes.length,
  },

  // Strings.
  {
    status: "ERR_INVALID_UTF8",
    name: "pod name bytes FF FE",
    setup: seed,
    act: (queue) => sendRaw(queue, patchString(utf8PodRecord, "name", [0xff, 0xfe]), queue.exports.ipp_enqueue),
    errorOffset: offsetOf(utf8PodRecord, "name"),
  },
  {
    status: "ERR_INVALID_UTF8",
    name: "overlong namespace encoding",
    setup: seed,
    act: (queue) => sendRaw(queue, patchString(utf8NamespaceRecord, "namespace", [0xc0, 0xaf]), queue.exports.ipp_namespace_set),
    errorOffset: offsetOf(utf8NamespaceRecord, "namespace"),
  },
  {
    status: "ERR_INVALID_UTF8",
    name: "surrogate in image reference",
    setup: seed,
    act: (queue) => sendRaw(queue, patchString(utf8PodRecord, "images[1]", [0xed, 0xa0, 0x80]), queue.exports.ipp_enqueue),
    errorOffset: offsetOf(utf8PodRecord, "images[1]"),
  },
  {
    status: "ERR_STRING_TOO_LONG",
    name: "namespace of 64 bytes",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { namespace: "n".repeat(64) })),
    field: "namespace",
    value: "n".repeat(64),
  },
  {
    status: "ERR_STRING_TOO_LONG",
    name: "namespace of 32 two-byte characters",
    setup: seed,
    act: (queue) => queue.setNamespace("é".repeat(32), "1"),
    field: "namespace",
    value: "é".repeat(32),
  },
  {
    status: "ERR_STRING_TOO_LONG",
    name: "pod name of 254 bytes",
    setup: seed,
    act: (queue) => queue.enqueue(pod("p".repeat(254), { images: ["nginx"] })),
    field: "name",
    value: "p".repeat(254),
  },
  {
    status: "ERR_STRING_TOO_LONG",
    name: "reference of 513 bytes",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { images: ["nginx", digestReference("x", 513)] })),
    field: "images[1]",
    value: digestReference("x", 513),
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty namespace in pod",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { namespace: "" })),
    field: "namespace",
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty pod name",
    setup: seed,
    act: (queue) => queue.enqueue(pod("")),
    field: "name",
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty image reference",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { images: ["nginx", ""] })),
    field: "images[1]",
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty namespace name",
    setup: seed,
    act: (queue) => queue.setNamespace("", "1"),
    field: "namespace",
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty preferred namespace",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, preferredNamespaces: ["kube-system", ""] }),
    field: "preferredNamespaces[1]",
  },
  {
    status: "ERR_EMPTY_STRING",
    name: "empty annotation key",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, namespacePriorityAnnotation: "" }),
    field: "namespacePriorityAnnotation",
  },

  // Image references.
  ...["Nginx", "nginx:", "nginx@sha256:abc", "http://registry.example.com/x", "nginx latest", `nginx:${"t".repeat(129)}`, "a//b"].map(
    (reference): ErrorCase => ({
      status: "ERR_INVALID_REFERENCE",
      name: `reference ${JSON.stringify(reference.length > 40 ? `${reference.slice(0, 37)}...` : reference)}`,
      setup: seed,
      act: (queue) => queue.enqueue(pod("web", { images: ["nginx", reference] })),
      field: "images[1]",
      value: JSON.stringify(reference),
    }),
  ),

  // Fields out of range.
  {
    status: "ERR_INVALID_FIELD",
    name: "unknown pod flag bit",
    setup: seed,
    act: (queue) => {
      const bytes = flagsRecord.bytes.slice();
      bytes[offsetOf(flagsRecord, "flags")] = 8;
      return sendRaw(queue, bytes, queue.exports.ipp_enqueue);
    },
    errorOffset: offsetOf(flagsRecord, "flags"),
  },
  {
    status: "ERR_INVALID_FIELD",
    name: "complete outcome 2",
    setup: seed,
    act: (queue) => queue.exports.ipp_complete(SEEDED.inFlightImage, 2),
  },
  { status: "ERR_INVALID_FIELD", name: "slots 0", setup: seed, act: (queue) => queue.setSlots(0), field: "slots", value: "0" },
  { status: "ERR_INVALID_FIELD", name: "slots 1025", setup: seed, act: (queue) => queue.setSlots(1025), field: "slots", value: "1025" },
  { status: "ERR_INVALID_FIELD", name: "slots -1", setup: seed, act: (queue) => queue.setSlots(-1), field: "slots", value: "-1" },
  {
    status: "ERR_INVALID_FIELD",
    name: "configured slots 0",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, slots: 0 }),
    field: "slots",
    value: "slots 0",
  },
  {
    status: "ERR_INVALID_FIELD",
    name: "annotation present flag 2",
    setup: seed,
    act: (queue) => {
      const bytes = presentAnnotationRecord.bytes.slice();
      bytes[offsetOf(presentAnnotationRecord, "annotationPresent")] = 2;
      return sendRaw(queue, bytes, queue.exports.ipp_namespace_set);
    },
    errorOffset: offsetOf(presentAnnotationRecord, "annotationPresent"),
  },
  {
    status: "ERR_INVALID_FIELD",
    name: "absent annotation with value",
    setup: seed,
    act: (queue) => {
      const bytes = presentAnnotationRecord.bytes.slice();
      bytes[offsetOf(presentAnnotationRecord, "annotationPresent")] = 0;
      return sendRaw(queue, bytes, queue.exports.ipp_namespace_set);
    },
    errorOffset: offsetOf(presentAnnotationRecord, "annotationPresent"),
  },

  // Ids.
  { status: "ERR_UNKNOWN_POD", name: "remove pod 99", setup: seed, act: (queue) => queue.removePod(99), field: "podId", value: "99" },
  { status: "ERR_UNKNOWN_POD", name: "remove pod 0", setup: seed, act: (queue) => queue.removePod(0), field: "podId", value: "0" },
  { status: "ERR_UNKNOWN_POD", name: "info of pod 99", setup: seed, act: (queue) => queue.podInfo(99), field: "podId", value: "99" },
  {
    status: "ERR_UNKNOWN_POD",
    name: "remove a removed pod",
    setup: (queue) => {
      seed(queue);
      queue.removePod(SEEDED.podB);
    },
    act: (queue) => queue.removePod(SEEDED.podB),
    field: "podId",
    value: String(SEEDED.podB),
  },
  { status: "ERR_UNKNOWN_IMAGE", name: "complete image 99", setup: seed, act: (queue) => queue.complete(99), field: "imageId", value: "99" },
  { status: "ERR_UNKNOWN_IMAGE", name: "complete image 0", setup: seed, act: (queue) => queue.complete(0), field: "imageId", value: "0" },
  { status: "ERR_UNKNOWN_IMAGE", name: "info of image 99", setup: seed, act: (queue) => queue.imageInfo(99), field: "imageId", value: "99" },
  {
    status: "ERR_NOT_IN_FLIGHT",
    name: "complete a pending image",
    setup: seed,
    act: (queue) => queue.complete(SEEDED.pendingImage),
    field: "imageId",
    value: String(SEEDED.pendingImage),
  },
  {
    // A completed image is gone, so its id is unknown from then on.
    status: "ERR_UNKNOWN_IMAGE",
    name: "second completion of an image",
    setup: (queue) => {
      seed(queue);
      queue.complete(SEEDED.inFlightImage);
    },
    act: (queue) => queue.complete(SEEDED.inFlightImage),
    field: "imageId",
    value: String(SEEDED.inFlightImage),
  },
  {
    status: "ERR_NOT_IN_FLIGHT",
    name: "failed completion of a pending image",
    setup: seed,
    act: (queue) => queue.complete(SEEDED.pendingImage, "failed"),
    field: "imageId",
  },

  // Limits on the whole state.
  {
    status: "ERR_TOO_MANY_PODS",
    name: `pod ${MAX_PODS + 1}`,
    setup: (queue) => new PodStamper(pod("p-zzzzzz", { images: ["registry.example.com/shared:v1"] })).fill(queue, 0, MAX_PODS),
    act: (queue) => queue.enqueue(pod("one-more", { images: ["registry.example.com/shared:v1"] })),
  },
  {
    status: "ERR_TOO_MANY_IMAGES",
    name: `image ${MAX_IMAGES + 1}`,
    setup: (queue) => {
      const stamper = new PodStamper(pod("p-zzzzzz", { images: references("r.io/zzzzzz", MAX_IMAGES_PER_RECORD) }));
      stamper.fill(queue, 0, MAX_IMAGES / MAX_IMAGES_PER_RECORD);
    },
    act: (queue) => queue.enqueue(pod("one-more", { images: ["r.io/one-more"] })),
  },
  {
    status: "ERR_TOO_MANY_REQUESTS",
    name: `request ${MAX_REQUESTS + 1}`,
    setup: (queue) => {
      const stamper = new PodStamper(pod("p-zzzzzz", { images: references("r.io/shared", MAX_IMAGES_PER_RECORD) }));
      stamper.fill(queue, 0, MAX_REQUESTS / MAX_IMAGES_PER_RECORD);
    },
    act: (queue) => queue.enqueue(pod("one-more", { images: ["r.io/shared/i0"] })),
  },
  {
    status: "ERR_TOO_MANY_NAMESPACES",
    name: `annotated namespace ${MAX_NAMESPACES + 1}`,
    setup: (queue) => {
      for (let i = 0; i < MAX_NAMESPACES; i++) queue.setNamespace(`ns-${i}`, "1");
    },
    act: (queue) => queue.setNamespace("one-more", "1"),
    value: "one-more",
  },
  {
    status: "ERR_TOO_MANY_NAMESPACES",
    name: `pod in namespace ${MAX_NAMESPACES + 1}`,
    setup: (queue) => {
      for (let i = 0; i < MAX_NAMESPACES; i++) queue.setNamespace(`ns-${i}`, "1");
    },
    act: (queue) => queue.enqueue(pod("web", { namespace: "one-more" })),
  },
  {
    status: "ERR_TOO_MUCH_TEXT",
    name: "text beyond 32 MiB",
    setup: (queue) => textStamper().fill(queue, 0, podsThatFitText()),
    act: (queue) => textStamper().enqueue(queue, podsThatFitText()),
  },
  {
    status: "ERR_LIST_TOO_LONG",
    name: "129 images in one record",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { images: references("r.io/many", MAX_IMAGES_PER_RECORD + 1) })),
    field: "images.length",
    value: "129",
  },
  {
    status: "ERR_LIST_TOO_LONG",
    name: "65 preferred namespaces",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, preferredNamespaces: Array.from({ length: 65 }, (_, i) => `ns-${i}`) }),
    field: "preferredNamespaces.length",
    value: "65",
  },
  {
    status: "ERR_LIST_TOO_LONG",
    name: "65 critical class names",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, criticalPriorityClassNames: Array.from({ length: 65 }, (_, i) => `class-${i}`) }),
    field: "criticalPriorityClassNames.length",
    value: "65",
  },
  {
    status: "ERR_LIST_TOO_LONG",
    name: "257 images outstanding for one pod",
    setup: (queue) => {
      queue.enqueue(pod("web", { images: references("r.io/first", MAX_IMAGES_PER_RECORD) }));
      queue.enqueue(pod("web", { images: references("r.io/second", MAX_IMAGES_PER_RECORD) }));
    },
    act: (queue) => queue.enqueue(pod("web", { images: ["r.io/third"] })),
  },

  // Calls that need an empty instance.
  {
    status: "ERR_NOT_EMPTY",
    name: "configure after a pod",
    setup: (queue) => queue.enqueue(pod("web")),
    act: (queue) => queue.configure(DEFAULT_RECORD),
  },
  {
    status: "ERR_NOT_EMPTY",
    name: "configure after a namespace",
    setup: (queue) => queue.setNamespace("team", "1"),
    act: (queue) => queue.configure(DEFAULT_RECORD),
  },
  {
    status: "ERR_NOT_EMPTY",
    name: "restore after a pod",
    setup: (queue) => queue.enqueue(pod("web")),
    act: (queue) => queue.restore(seededSnapshot()),
  },

  // Input sizes.
  {
    status: "ERR_INPUT_TOO_LARGE",
    name: "restore beyond 64 MiB",
    act: (queue) => queue.restore(new Uint8Array(MAX_INPUT_BYTES + 1)),
  },
  {
    status: "ERR_INPUT_TOO_LARGE",
    name: "length beyond last reservation",
    setup: seed,
    act: (queue) => {
      const exports = queue.exports;
      const length = podRecord.bytes.length;
      const at = exports.ipp_input_reserve(length);
      new Uint8Array(exports.memory.buffer, at, length).set(podRecord.bytes);
      return exports.ipp_enqueue(length + 1);
    },
  },
  {
    status: "ERR_INPUT_TOO_LARGE",
    name: "negative enqueue length",
    setup: seed,
    act: (queue) => queue.exports.ipp_enqueue(-1),
  },
  {
    status: "ERR_INPUT_TOO_LARGE",
    name: "length beyond 64 MiB",
    setup: seed,
    act: (queue) => queue.exports.ipp_configure(0x7fffffff),
  },

  // Snapshots.
  {
    status: "ERR_SNAPSHOT_VERSION",
    name: "snapshot format 2",
    act: (queue) => {
      const snapshot = seededSnapshot();
      new DataView(snapshot.buffer, snapshot.byteOffset).setUint32(4, 2, true);
      return queue.restore(snapshot);
    },
  },
  {
    status: "ERR_SNAPSHOT_VERSION",
    name: "snapshot with other magic",
    act: (queue) => {
      const snapshot = seededSnapshot();
      snapshot[0] = "X".charCodeAt(0);
      return queue.restore(snapshot);
    },
  },
  {
    status: "ERR_SNAPSHOT_CORRUPT",
    name: "snapshot cut short",
    act: (queue) => {
      const snapshot = seededSnapshot();
      return queue.restore(snapshot.subarray(0, snapshot.length - 1));
    },
  },
  {
    status: "ERR_SNAPSHOT_CORRUPT",
    name: "snapshot with a bit flip",
    act: (queue) => {
      const snapshot = seededSnapshot();
      const middle = Math.floor(snapshot.length / 2);
      snapshot[middle] = snapshot[middle]! ^ 0x10;
      return queue.restore(snapshot);
    },
  },
  {
    status: "ERR_SNAPSHOT_CORRUPT",
    name: "empty snapshot",
    act: (queue) => queue.restore(new Uint8Array(0)),
  },
  {
    status: "ERR_SNAPSHOT_CORRUPT",
    name: "valid checksum, extra body byte",
    act: (queue) => queue.restore(snapshotWithExtraBodyByte(seededSnapshot())),
  },

  // Lists and pods.
  {
    status: "ERR_DUPLICATE",
    name: "preferred namespace twice",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, preferredNamespaces: ["kube-system", "infra", "kube-system"] }),
    field: "preferredNamespaces[2]",
    value: '"kube-system"',
  },
  {
    status: "ERR_DUPLICATE",
    name: "critical class twice",
    setup: configureOnly,
    act: (queue) => queue.configure({ ...DEFAULT_RECORD, criticalPriorityClassNames: ["node-agent", "node-agent"] }),
    field: "criticalPriorityClassNames[1]",
    value: '"node-agent"',
  },
  {
    status: "ERR_NO_IMAGES",
    name: "pod without images",
    setup: seed,
    act: (queue) => queue.enqueue(pod("web", { images: [] })),
    field: "images.length",
  },
];

// The text case fills the queue with pods of the same size, so the pod that crosses the limit is known.
const TEXT_NAMESPACE = "text";
const textTemplate = pod("p-zzzzzz".padEnd(253, "x"), {
  namespace: TEXT_NAMESPACE,
  priorityClassName: "c".repeat(253),
  images: Array.from({ length: MAX_IMAGES_PER_RECORD }, (_, i) => digestReference(`r.io/zzzzzz/i${i}`, 512)),
});
const textPerPod = [textTemplate.name, textTemplate.priorityClassName!, ...textTemplate.images]
  .map((text) => Buffer.byteLength(text))
  .reduce((sum, bytes) => sum + bytes, 0);

function textStamper(): PodStamper {
  return new PodStamper(textTemplate);
}

/** Returns how many template pods fit under MAX_TEXT_BYTES, namespace name included. */
function podsThatFitText(): number {
  return Math.floor((MAX_TEXT_BYTES - Buffer.byteLength(TEXT_NAMESPACE)) / textPerPod);
}

/** Runs `act` and returns its status code and the PolicyError it threw, if any. */
function outcomeOf(act: () => unknown): { code: number; error: PolicyError | undefined } {
  try {
    const result = act();
    return { code: typeof result === "number" ? result : 0, error: undefined };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { code: error.code, error };
  }
}

describe("error codes", () => {
  it("table covers every error code", () => {
    const covered = new Set(cases.map((entry) => entry.status));
    const missing = Object.keys(ErrorCode).filter((name) => !covered.has(name as ErrorName));

    expect(missing).toEqual([]);
  });

  it.each(cases)("$status: $name", (entry) => {
    const queue = PullQueue.create(policy);
    entry.setup?.(queue);
    const before = queue.snapshot();
    const { code, error } = outcomeOf(() => entry.act(queue));
    const offset = queue.exports.ipp_error_offset();
    const after = queue.snapshot();

    expect(code).toBe(ErrorCode[entry.status]);
    expect(sameBytes(after, before), "state changed").toBe(true);
    if (entry.errorOffset !== undefined) expect(offset).toBe(entry.errorOffset);
    if (entry.field !== undefined) expect(error?.field).toBe(entry.field);
    if (entry.value !== undefined) expect(error?.message).toContain(entry.value);
    if (error !== undefined) expect(error.status).toBe(entry.status);
  });
});

describe("limits", () => {
  it.each([
    { what: "namespace of 63 bytes", request: pod("web", { namespace: "n".repeat(63) }) },
    { what: "pod name of 253 bytes", request: pod("p".repeat(253), { images: ["nginx"] }) },
    { what: "reference of 512 bytes", request: pod("web", { images: [digestReference("x", 512)] }) },
    { what: "128 images in one record", request: pod("web", { images: references("r.io/many", MAX_IMAGES_PER_RECORD) }) },
  ])("accepts $what", ({ request }) => {
    const queue = PullQueue.create(policy);

    expect(queue.enqueue(request).podId).toBe(1);
  });

  it("accepts 64 preferred namespaces", () => {
    const queue = PullQueue.create(policy);
    const preferredNamespaces = Array.from({ length: 64 }, (_, i) => `ns-${i}`);
    queue.configure({ ...DEFAULT_RECORD, preferredNamespaces });
    const info = queue.imageInfo(queue.enqueue(pod("web", { namespace: "ns-63" })).imageIds[0]!);

    expect(info.tier).toBe("preferred");
    expect(info.group).toBe(63);
  });

  it("accepts slots 1 to 1024", () => {
    const queue = PullQueue.create(policy);
    queue.setSlots(1024);

    expect(queue.stats().slots).toBe(1024);
  });

  it("text limit case fills 32 MiB", () => {
    // Guards the text case: it must fail on text, not on the image or pod limits.
    expect(podsThatFitText() * MAX_IMAGES_PER_RECORD).toBeLessThan(MAX_IMAGES);
    expect((podsThatFitText() + 1) * textPerPod).toBeGreaterThan(MAX_TEXT_BYTES);
  });

  it("re-enqueue at pod limit succeeds", () => {
    const queue = PullQueue.create(policy);
    const stamper = new PodStamper(pod("p-zzzzzz", { images: ["registry.example.com/shared:v1"] }));
    stamper.fill(queue, 0, MAX_PODS);
    const again = queue.enqueue(pod("p-000000", { images: ["registry.example.com/other:v1"] }));

    expect(again.podId).toBe(1);
    expect(queue.stats().pods).toBe(MAX_PODS);
  });

  it("input reserve rejects 64 MiB + 1", () => {
    const queue = PullQueue.create(policy);

    expect(queue.exports.ipp_input_reserve(MAX_INPUT_BYTES + 1)).toBe(0);
    expect(queue.exports.ipp_input_reserve(-1)).toBe(0);
  });
});
