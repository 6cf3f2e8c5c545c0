// The reference model of the pull queue: a deliberately plain restatement of
// the contract, used as the expected side of the differential fuzzer.
//
// It shares no data structure with the module. Pods and images live in
// plain maps, every key is computed from scratch when it is needed, and next
// scans all pending images on each call. It runs on the same typed values as
// host/queue.ts (PodRequest, ConfigRecord, ImageInfo ...) and returns the
// same observable results: negative status codes for errors, ids, waiter
// lists and remaining counts.
//
// Ids follow docs/abi.md: the low 18 bits are the lowest free slot, the bits
// above it the slot's generation, which goes up each time the slot is freed.
// With holdLowerTiers (the default), next also waits while an image of a
// better tier is in flight.
//
// NOTE: the capacity limits (MAX_PODS, MAX_IMAGES, MAX_REQUESTS,
// MAX_NAMESPACES, MAX_TEXT_BYTES, MAX_IMAGES_PER_POD) are not modeled, so the
// generators must stay far below them. Image references are normalized only
// through the fuzz image table (images.ts).

import { Reason, TIERS, type Tier } from "../../host/abi/constants.ts";
import type { ConfigRecord, ImageInfo, PodInfo, PodRequest, QueueStats, Waiter } from "../../host/abi/records.ts";
import { ErrorCode, OK, WARN_ANNOTATION_INVALID } from "../../host/abi/status.ts";
import { canonicalReference } from "./images.ts";

/** The configuration a fresh module starts with (assembly/policy/config.ts). */
export const DEFAULT_CONFIG: ConfigRecord = {
  criticalPriorityThreshold: 2_000_000_000,
  slots: 1,
  holdLowerTiers: true,
  namespacePriorityAnnotation: "image-pull-priority",
  criticalPriorityClassNames: ["system-node-critical", "system-cluster-critical"],
  preferredNamespaces: ["kube-system"],
};

/** Byte limits of record fields (assembly/abi/limits.ts). */
const MAX_NAMESPACE_BYTES = 63;
const MAX_NAME_BYTES = 253;
const MAX_REFERENCE_BYTES = 512;
const MAX_ANNOTATION_KEY_BYTES = 317;
const MAX_ANNOTATION_VALUE_BYTES = 1024;
const MAX_CONFIG_LIST = 64;
const MAX_IMAGES_PER_RECORD = 128;
const MAX_SLOTS = 1024;

/** Ids are generation * SLOT_COUNT + slot; a slot's generation goes up by one (modulo GENERATIONS) when it is freed. */
export const SLOT_COUNT = 2 ** 18;
const GENERATIONS = 2 ** 13;
/** How many freed ids per kind the model remembers, for commands that use stale ids. */
const RETIRED_KEPT = 16;

/** Outcome argument values of ipp_complete. */
export const SUCCEEDED = 0;
export const FAILED = 1;

interface ModelPod {
  id: number;
  request: PodRequest;
  /** Arrival sequence number: how many pods arrived before this one. */
  sequence: number;
  /** Container index of the next image this pod adds. */
  nextContainer: number;
  /** Ids of the images the pod waits for, pending or in flight. */
  imageIds: number[];
  /** UTF-8 bytes of the pod's name, priority class name and config.source, which the module stores. */
  textBytes: number;
}

interface ModelWaiter {
  podId: number;
  container: number;
}

interface ModelImage {
  id: number;
  name: string;
  state: "pending" | "in-flight";
  waiters: ModelWaiter[];
}

interface Annotation {
  valid: boolean;
  /** The parsed value; 0 when the annotation is invalid. */
  value: number;
}

/** A pod's tier, the reason for it and its group value, as info records report them. */
interface Placement {
  tier: Tier;
  reason: number;
  group: number;
}

const utf8Lengths = new Map<string, number>();

/** Returns the UTF-8 byte length of `value`, memoized because the fuzzers reuse a few hundred strings. */
function utf8Length(value: string): number {
  let length = utf8Lengths.get(value);
  if (length === undefined) {
    length = Buffer.byteLength(value, "utf8");
    if (utf8Lengths.size < 10_000) utf8Lengths.set(value, length);
  }
  return length;
}

/** Returns the status a record decoder gives a string field, or OK. */
function checkString(value: string, maxBytes: number, allowEmpty: boolean): number {
  const length = utf8Length(value);
  if (length > maxBytes) return ErrorCode.ERR_STRING_TOO_LONG;
  if (length === 0 && !allowEmpty) return ErrorCode.ERR_EMPTY_STRING;
  return OK;
}

/** Parses an annotation value: an optional sign and 1 to 10 decimal digits, within int32. */
export function parseAnnotation(value: string): Annotation {
  if (!/^[+-]?[0-9]{1,10}$/.test(value)) return { valid: false, value: 0 };
  const parsed = Number(value);
  if (parsed < -2147483648 || parsed > 2147483647) return { valid: false, value: 0 };
  // Number("-0") is -0; the module stores the int32 0.
  return { valid: true, value: parsed === 0 ? 0 : parsed };
}

/** Compares two keys (arrays of numbers) lexicographically, smaller first. */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/** Returns the decode status of a configuration record, or OK. */
export function checkConfig(config: ConfigRecord): number {
  const lists: Array<[readonly string[], number]> = [
    [config.criticalPriorityClassNames, MAX_NAME_BYTES],
    [config.preferredNamespaces, MAX_NAMESPACE_BYTES],
  ];
  let status = checkString(config.namespacePriorityAnnotation, MAX_ANNOTATION_KEY_BYTES, false);
  if (status !== OK) return status;
  for (const [values, maxBytes] of lists) {
    if (values.length > MAX_CONFIG_LIST) return ErrorCode.ERR_LIST_TOO_LONG;
    for (let i = 0; i < values.length; i++) {
      status = checkString(values[i]!, maxBytes, false);
      if (status !== OK) return status;
      if (values.indexOf(values[i]!) < i) return ErrorCode.ERR_DUPLICATE;
    }
  }
  if (config.slots < 1 || config.slots > MAX_SLOTS) return ErrorCode.ERR_INVALID_FIELD;
  return OK;
}

/** Returns the decode status of a pod record, or OK. */
function checkPod(pod: PodRequest): number {
  const fields: Array<[string, number, boolean]> = [
    [pod.namespace, MAX_NAMESPACE_BYTES, false],
    [pod.name, MAX_NAME_BYTES, false],
    [pod.priorityClassName ?? "", MAX_NAME_BYTES, true],
    [pod.configSource ?? "", MAX_NAME_BYTES, true],
  ];
  for (const [value, maxBytes, allowEmpty] of fields) {
    const status = checkString(value, maxBytes, allowEmpty);
    if (status !== OK) return status;
  }
  if (pod.images.length === 0) return ErrorCode.ERR_NO_IMAGES;
  if (pod.images.length > MAX_IMAGES_PER_RECORD) return ErrorCode.ERR_LIST_TOO_LONG;
  for (const reference of pod.images) {
    const status = checkString(reference, MAX_REFERENCE_BYTES, false);
    if (status !== OK) return status;
    if (canonicalReference(reference) === null) return ErrorCode.ERR_INVALID_REFERENCE;
  }
  return OK;
}

/** Slot generations and recently freed ids of one kind of id (pods or images). */
class IdTable {
  private readonly generations: number[] = [];
  readonly retired: number[] = [];

  /** Returns the id of the lowest slot from 1 up that no id in `live` occupies. */
  take(live: Map<number, unknown>): number {
    const used = new Set([...live.keys()].map((id) => id % SLOT_COUNT));
    let slot = 1;
    while (used.has(slot)) slot++;
    return (this.generations[slot] ?? 0) * SLOT_COUNT + slot;
  }

  release(id: number): void {
    const slot = id % SLOT_COUNT;
    this.generations[slot] = ((this.generations[slot] ?? 0) + 1) % GENERATIONS;
    this.retired.push(id);
    if (this.retired.length > RETIRED_KEPT) this.retired.shift();
  }
}

export class ReferenceQueue {
  private config: ConfigRecord = DEFAULT_CONFIG;
  private readonly pods = new Map<number, ModelPod>();
  private readonly images = new Map<number, ModelImage>();
  private readonly podIdTable = new IdTable();
  private readonly imageIdTable = new IdTable();
  /** Namespaces with an annotation present; other namespaces exist only through their pods. */
  private readonly annotations = new Map<string, Annotation>();
  private sequence = 0;
  private pullsSucceeded = 0;
  private pullsFailed = 0;

  // ── queries the fuzzers use to pick ids ─────────────────────────────

  podIds(): number[] {
    return [...this.pods.keys()].sort((a, b) => a - b);
  }

  imageIds(): number[] {
    return [...this.images.keys()].sort((a, b) => a - b);
  }

  inFlightIds(): number[] {
    return this.imageIds().filter((id) => this.images.get(id)!.state === "in-flight");
  }

  /** Ids of pods forgotten recently, oldest first: stale ids the module must reject. */
  retiredPodIds(): readonly number[] {
    return this.podIdTable.retired;
  }

  retiredImageIds(): readonly number[] {
    return this.imageIdTable.retired;
  }

  /** True when the module would accept ipp_configure and ipp_restore: no pods, images or namespaces. */
  isEmpty(): boolean {
    return this.pods.size === 0 && this.images.size === 0 && this.annotations.size === 0;
  }

  // ── the operations ──────────────────────────────────────────────────

  configure(config: ConfigRecord): number {
    const status = checkConfig(config);
    if (status !== OK) return status;
    if (!this.isEmpty()) return ErrorCode.ERR_NOT_EMPTY;
    this.config = { ...config, holdLowerTiers: config.holdLowerTiers ?? true };
    return OK;
  }

  setSlots(slots: number): number {
    if (!Number.isInteger(slots) || slots < 1 || slots > MAX_SLOTS) return ErrorCode.ERR_INVALID_FIELD;
    this.config = { ...this.config, slots };
    return OK;
  }

  /** Sets or clears a namespace annotation; returns OK, WARN_ANNOTATION_INVALID or an error. */
  setNamespace(name: string, annotation: string | undefined): number {
    let status = checkString(name, MAX_NAMESPACE_BYTES, false);
    if (status === OK) status = checkString(annotation ?? "", MAX_ANNOTATION_VALUE_BYTES, true);
    if (status !== OK) return status;

    if (annotation === undefined) {
      this.annotations.delete(name);
      return OK;
    }
    const parsed = parseAnnotation(annotation);
    this.annotations.set(name, parsed);
    return parsed.valid ? OK : WARN_ANNOTATION_INVALID;
  }

  /** Adds a pod's requests; returns the pod id and one image id per reference, or an error. */
  enqueue(request: PodRequest): { podId: number; imageIds: number[] } | number {
    const status = checkPod(request);
    if (status !== OK) return status;

    let pod = [...this.pods.values()].find(
      (candidate) => candidate.request.namespace === request.namespace && candidate.request.name === request.name,
    );
    if (pod === undefined) {
      // A new pod keeps the fields of this record; a known pod ignores them.
      const textBytes = utf8Length(request.name) + utf8Length(request.priorityClassName ?? "") + utf8Length(request.configSource ?? "");
      pod = { id: this.podIdTable.take(this.pods), request: { ...request }, sequence: this.sequence++, nextContainer: 0, imageIds: [], textBytes };
      this.pods.set(pod.id, pod);
    }

    const imageIds: number[] = [];
    for (const reference of request.images) {
      const name = canonicalReference(reference)!;
      let image = [...this.images.values()].find((candidate) => candidate.name === name);
      if (image !== undefined && pod.imageIds.includes(image.id)) {
        imageIds.push(image.id);
        continue;
      }
      if (image === undefined) {
        image = { id: this.imageIdTable.take(this.images), name, state: "pending", waiters: [] };
        this.images.set(image.id, image);
      }
      image.waiters.push({ podId: pod.id, container: pod.nextContainer++ });
      pod.imageIds.push(image.id);
      imageIds.push(image.id);
    }
    return { podId: pod.id, imageIds };
  }

  /** Cancels a pod's requests and deletes the pod. Returns how many pending images lost their last waiter. */
  removePod(podId: number): number {
    const pod = this.pods.get(podId);
    if (pod === undefined) return ErrorCode.ERR_UNKNOWN_POD;

    let dropped = 0;
    for (const imageId of pod.imageIds) {
      const image = this.images.get(imageId)!;
      image.waiters = image.waiters.filter((waiter) => waiter.podId !== podId);
      // An image in flight stays in flight without waiters, and its completion reports no pod.
      if (image.waiters.length === 0 && image.state === "pending") {
        this.deleteImage(imageId);
        dropped++;
      }
    }
    this.deletePod(podId);
    return dropped;
  }

  private deletePod(id: number): void {
    this.pods.delete(id);
    this.podIdTable.release(id);
  }

  private deleteImage(id: number): void {
    this.images.delete(id);
    this.imageIdTable.release(id);
  }

  /**
   * Hands out the best pending image and returns its id. Returns 0 when none
   * is pending or every slot is busy, and also when holdLowerTiers is set and
   * an image in flight has a better tier than the best pending one.
   */
  next(): number {
    const inFlight = [...this.images.values()].filter((image) => image.state === "in-flight");
    if (inFlight.length >= this.config.slots) return 0;

    let best: ModelImage | undefined;
    let bestKey: number[] | undefined;
    for (const image of this.images.values()) {
      if (image.state !== "pending") continue;
      const key = this.imageKey(image)!;
      if (bestKey === undefined || compareKeys(key, bestKey) < 0) {
        best = image;
        bestKey = key;
      }
    }
    if (best === undefined) return 0;

    if (this.config.holdLowerTiers ?? true) {
      for (const image of inFlight) {
        // An image in flight with no waiters left has no tier and holds nothing back.
        const key = this.imageKey(image);
        if (key !== undefined && key[0]! < bestKey![0]!) return 0;
      }
    }
    best.state = "in-flight";
    return best.id;
  }

  /** Finishes an in-flight image; returns its waiters best first with their remaining counts, or an error. */
  complete(imageId: number, outcome: number): Waiter[] | number {
    if (outcome !== SUCCEEDED && outcome !== FAILED) return ErrorCode.ERR_INVALID_FIELD;
    const image = this.images.get(imageId);
    if (image === undefined) return ErrorCode.ERR_UNKNOWN_IMAGE;
    if (image.state !== "in-flight") return ErrorCode.ERR_NOT_IN_FLIGHT;

    const waiters: Waiter[] = [];
    for (const waiter of this.sortedWaiters(image)) {
      const pod = this.pods.get(waiter.podId)!;
      pod.imageIds = pod.imageIds.filter((id) => id !== imageId);
      waiters.push({ podId: pod.id, remaining: pod.imageIds.length });
      if (pod.imageIds.length === 0) this.deletePod(pod.id);
    }
    this.deleteImage(imageId);
    if (outcome === SUCCEEDED) this.pullsSucceeded++;
    else this.pullsFailed++;
    return waiters;
  }

  // ── inspection ──────────────────────────────────────────────────────

  imageInfo(imageId: number): ImageInfo | number {
    const image = this.images.get(imageId);
    if (image === undefined) return ErrorCode.ERR_UNKNOWN_IMAGE;

    const waiters = this.sortedWaiters(image);
    const best = waiters[0];
    const placement = best === undefined ? undefined : this.placement(this.pods.get(best.podId)!);
    return {
      id: imageId,
      state: image.state,
      tier: placement?.tier,
      reason: placement?.reason ?? 0,
      group: placement?.group ?? 0,
      bestPodId: best?.podId ?? 0,
      bestContainerIndex: best?.container ?? 0,
      image: image.name,
      podIds: waiters.map((waiter) => waiter.podId),
    };
  }

  /** Returns the byte length of the image info record ipp_image_info writes for `info`. */
  static imageInfoLength(info: ImageInfo): number {
    // state, tier, reason, padding, group, best pod, best container, string length, name, count, ids.
    return 4 + 4 + 4 + 4 + 2 + utf8Length(info.image) + 4 + 4 * info.podIds.length;
  }

  /** Returns the pod info record; imageIds are in ascending id order. */
  podInfo(podId: number): PodInfo | number {
    const pod = this.pods.get(podId);
    if (pod === undefined) return ErrorCode.ERR_UNKNOWN_POD;

    const placement = this.placement(pod);
    return {
      id: podId,
      tier: placement.tier,
      reason: placement.reason,
      group: placement.group,
      sequence: pod.sequence,
      namespace: pod.request.namespace,
      name: pod.request.name,
      imageIds: [...pod.imageIds].sort((a, b) => a - b),
    };
  }

  stats(): QueueStats {
    const namespaces = new Set(this.annotations.keys());
    let textBytes = 0;
    for (const pod of this.pods.values()) {
      namespaces.add(pod.request.namespace);
      textBytes += pod.textBytes;
    }
    for (const name of namespaces) textBytes += utf8Length(name);

    let pending = 0;
    let requests = 0;
    for (const image of this.images.values()) {
      if (image.state === "pending") pending++;
      requests += image.waiters.length;
      textBytes += utf8Length(image.name);
    }

    return {
      pods: this.pods.size,
      pending,
      inFlight: this.images.size - pending,
      slots: this.config.slots,
      namespaces: namespaces.size,
      requests,
      textBytes,
      pullsSucceeded: this.pullsSucceeded,
      pullsFailed: this.pullsFailed,
    };
  }

  // ── the pull order ──────────────────────────────────────────────────

  /** Places a pod in its tier; the critical checks follow kubelet's IsCriticalPod. */
  private placement(pod: ModelPod): Placement {
    const request = pod.request;
    const config = this.config;
    if (request.configSource !== undefined && request.configSource !== "api") {
      return { tier: "critical", reason: Reason.STATIC_POD, group: 0 };
    }
    if (request.mirror === true) return { tier: "critical", reason: Reason.MIRROR_POD, group: 0 };
    if (request.priorityClassName !== undefined && config.criticalPriorityClassNames.includes(request.priorityClassName)) {
      return { tier: "critical", reason: Reason.CRITICAL_CLASS, group: 0 };
    }
    if (request.priority !== undefined && request.priority >= config.criticalPriorityThreshold) {
      return { tier: "critical", reason: Reason.CRITICAL_PRIORITY, group: 0 };
    }
    const preferredIndex = config.preferredNamespaces.indexOf(request.namespace);
    if (preferredIndex >= 0) return { tier: "preferred", reason: Reason.PREFERRED_NAMESPACE, group: preferredIndex };

    const annotation = this.annotations.get(request.namespace);
    if (annotation === undefined) return { tier: "default", reason: Reason.NO_ANNOTATION, group: 0 };
    if (!annotation.valid) return { tier: "default", reason: Reason.ANNOTATION_INVALID, group: 0 };
    return { tier: "default", reason: Reason.NAMESPACE_ANNOTATION, group: annotation.value };
  }

  /**
   * Returns the key of one request, smaller first: tier, then preferred
   * position or annotation (higher first), pod priority (higher first),
   * creation time, arrival sequence and container index.
   */
  private requestKey(waiter: ModelWaiter): number[] {
    const pod = this.pods.get(waiter.podId)!;
    const placement = this.placement(pod);
    const group = placement.tier === "preferred" ? placement.group : -placement.group;
    return [
      TIERS.indexOf(placement.tier),
      group,
      -(pod.request.priority ?? 0),
      pod.request.creationTimeMs,
      pod.sequence,
      waiter.container,
    ];
  }

  /** Returns the image's key, the best key among its waiters, or undefined when it has no waiters. */
  private imageKey(image: ModelImage): number[] | undefined {
    let best: number[] | undefined;
    for (const waiter of image.waiters) {
      const key = this.requestKey(waiter);
      if (best === undefined || compareKeys(key, best) < 0) best = key;
    }
    return best;
  }

  private sortedWaiters(image: ModelImage): ModelWaiter[] {
    const keyed = image.waiters.map((waiter) => ({ waiter, key: this.requestKey(waiter) }));
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    return keyed.map((entry) => entry.waiter);
  }
}
