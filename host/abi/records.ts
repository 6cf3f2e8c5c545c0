// Encoders for the records the host sends and decoders for the records the
// module writes. Byte layouts are in docs/abi.md.

import { ConfigFlag, PodFlag, TIERS, TIER_NONE, type Tier } from "./constants.ts";
import { RecordBuilder } from "./record-builder.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The configuration record's contents. */
export interface ConfigRecord {
  criticalPriorityThreshold: number;
  slots: number;
  /** Hold lower tiers while a higher tier is in flight; default true. */
  holdLowerTiers?: boolean | undefined;
  namespacePriorityAnnotation: string;
  criticalPriorityClassNames: readonly string[];
  preferredNamespaces: readonly string[];
}

/** A pod's request for its images: the pod record's contents. */
export interface PodRequest {
  namespace: string;
  name: string;
  /** spec.priority, undefined when the pod has none. */
  priority?: number | undefined;
  priorityClassName?: string | undefined;
  /** Value of annotation kubernetes.io/config.source, undefined when absent. */
  configSource?: string | undefined;
  /** True when annotation kubernetes.io/config.mirror is present. */
  mirror?: boolean | undefined;
  /** metadata.creationTimestamp in ms since the Unix epoch. */
  creationTimeMs: number;
  /** Image references in container order: init containers first. */
  images: readonly string[];
}

/** Encodes a config record; `tracking` records field offsets for error messages. */
export function encodeConfig(config: ConfigRecord, tracking = false): RecordBuilder {
  const record = new RecordBuilder(tracking)
    .i32("criticalPriorityThreshold", config.criticalPriorityThreshold)
    .u32("slots", config.slots)
    .u8("flags", (config.holdLowerTiers ?? true) ? ConfigFlag.HOLD_LOWER_TIERS : 0)
    .string("namespacePriorityAnnotation", config.namespacePriorityAnnotation)
    .u16("criticalPriorityClassNames.length", config.criticalPriorityClassNames.length);
  config.criticalPriorityClassNames.forEach((name, i) => record.string(`criticalPriorityClassNames[${i}]`, name));
  record.u16("preferredNamespaces.length", config.preferredNamespaces.length);
  config.preferredNamespaces.forEach((name, i) => record.string(`preferredNamespaces[${i}]`, name));
  return record;
}

/** Encodes a namespace record; `annotation` undefined means the annotation is absent. */
export function encodeNamespace(name: string, annotation: string | undefined, tracking = false): RecordBuilder {
  return new RecordBuilder(tracking)
    .string("namespace", name)
    .u8("annotationPresent", annotation === undefined ? 0 : 1)
    .string("annotation", annotation ?? "");
}

/** Encodes a pod record; `tracking` records field offsets for error messages. */
export function encodePod(pod: PodRequest, tracking = false): RecordBuilder {
  let flags = 0;
  if (pod.priority !== undefined) flags |= PodFlag.HAS_PRIORITY;
  if (pod.configSource !== undefined) flags |= PodFlag.HAS_CONFIG_SOURCE;
  if (pod.mirror) flags |= PodFlag.MIRROR;

  const record = new RecordBuilder(tracking)
    .u8("flags", flags)
    .i32("priority", pod.priority ?? 0)
    .i64("creationTimeMs", pod.creationTimeMs)
    .string("namespace", pod.namespace)
    .string("name", pod.name)
    .string("priorityClassName", pod.priorityClassName ?? "")
    .string("configSource", pod.configSource ?? "")
    .u16("images.length", pod.images.length);
  for (let i = 0; i < pod.images.length; i++) record.string(tracking ? `images[${i}]` : "images", pod.images[i]!);
  return record;
}

/** Reads the little-endian output records of the module. */
export class RecordReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    return this.view.getUint8(this.at++);
  }

  u16(): number {
    const value = this.view.getUint16(this.at, true);
    this.at += 2;
    return value;
  }

  u32(): number {
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  i32(): number {
    const value = this.view.getInt32(this.at, true);
    this.at += 4;
    return value;
  }

  i64(): number {
    const value = this.view.getBigInt64(this.at, true);
    this.at += 8;
    return Number(value);
  }

  string(): string {
    const length = this.u16();
    const value = decoder.decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return value;
  }

  u32List(): number[] {
    const count = this.u32();
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(this.u32());
    return values;
  }
}

/** The image info record. */
export interface ImageInfo {
  id: number;
  state: "pending" | "in-flight";
  /** Tier of the best waiting pod; undefined when nobody waits any more. */
  tier: Tier | undefined;
  reason: number;
  /** Preferred-namespace position (preferred tier) or annotation value (default tier). */
  group: number;
  bestPodId: number;
  bestContainerIndex: number;
  /** Normalized image reference. */
  image: string;
  /** Ids of the waiting pods, best first. */
  podIds: number[];
}

export function decodeImageInfo(id: number, bytes: Uint8Array): ImageInfo {
  const reader = new RecordReader(bytes);
  const state = reader.u8();
  const tier = reader.u8();
  const reason = reader.u8();
  reader.u8();
  return {
    id,
    state: state === 2 ? "in-flight" : "pending",
    tier: tier === TIER_NONE ? undefined : TIERS[tier],
    reason,
    group: reader.i32(),
    bestPodId: reader.u32(),
    bestContainerIndex: reader.u32(),
    image: reader.string(),
    podIds: reader.u32List(),
  };
}

/** The pod info record. */
export interface PodInfo {
  id: number;
  tier: Tier;
  reason: number;
  group: number;
  /** Arrival sequence number: the module's tie-breaker after creation time. */
  sequence: number;
  namespace: string;
  name: string;
  /** Ids of the images the pod still waits for. */
  imageIds: number[];
}

export function decodePodInfo(id: number, bytes: Uint8Array): PodInfo {
  const reader = new RecordReader(bytes);
  const tier = TIERS[reader.u8()] ?? "default";
  const reason = reader.u8();
  reader.u16();
  return {
    id,
    tier,
    reason,
    group: reader.i32(),
    sequence: reader.i64(),
    namespace: reader.string(),
    name: reader.string(),
    imageIds: reader.u32List(),
  };
}

/** The stats record. */
export interface QueueStats {
  pods: number;
  pending: number;
  inFlight: number;
  slots: number;
  namespaces: number;
  requests: number;
  textBytes: number;
  pullsSucceeded: number;
  pullsFailed: number;
}

export function decodeStats(bytes: Uint8Array): QueueStats {
  const reader = new RecordReader(bytes);
  const stats = {
    pods: reader.u32(),
    pending: reader.u32(),
    inFlight: reader.u32(),
    slots: reader.u32(),
    namespaces: reader.u32(),
    requests: reader.u32(),
    textBytes: reader.u32(),
    pullsSucceeded: 0,
    pullsFailed: 0,
  };
  reader.u32();
  stats.pullsSucceeded = reader.i64();
  stats.pullsFailed = reader.i64();
  return stats;
}

/** One pod reported by ipp_complete. */
export interface Waiter {
  podId: number;
  /** Images the pod still waits for; 0 means the module forgot the pod and its id may be reused. */
  remaining: number;
}

export function decodeWaiters(bytes: Uint8Array): Waiter[] {
  const reader = new RecordReader(bytes);
  const count = reader.u32();
  const waiters: Waiter[] = [];
  for (let i = 0; i < count; i++) waiters.push({ podId: reader.u32(), remaining: reader.u32() });
  return waiters;
}
