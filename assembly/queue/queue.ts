// The pull queue: every pending and in-flight image, the pods waiting for
// them, and the operations behind the exports. Each operation checks its
// limits before it changes anything, so an error leaves the state as it was.
//
// Life of an image:
//
//   enqueue ──▶ PENDING ── next ──▶ IN_FLIGHT ── complete ──▶ (gone)
//                 │                     │
//                 └─ last waiter leaves ┴─ (stays until complete, reports nobody)
//
// A pod is live while it waits for at least one image; it is forgotten when
// its last image completes or when it is removed, and its id is reused.

import { Writer } from "../abi/writer";
import * as limits from "../abi/limits";
import * as status from "../abi/status";
import { Config } from "../policy/config";
import {
  arrivalWord, creationWord, keyBefore, priorityWord, tierWord, MAX_CONTAINER_INDEX, MAX_SEQUENCE,
} from "../policy/order";
import {
  TIER_CRITICAL, TIER_PREFERRED, TIER_DEFAULT,
  REASON_STATIC_POD, REASON_MIRROR_POD, REASON_CRITICAL_CLASS, REASON_CRITICAL_PRIORITY,
  REASON_PREFERRED_NAMESPACE, REASON_NAMESPACE_ANNOTATION, REASON_ANNOTATION_INVALID,
  REASON_NO_ANNOTATION, ANNOTATION_ABSENT, ANNOTATION_VALID, ANNOTATION_INVALID,
} from "../policy/tier";
import { ImageHeap } from "./heap";
import { IdPool, slotOf } from "./ids";
import {
  Image, Namespace, Pod, IMAGE_IN_FLIGHT, IMAGE_PENDING, request, requestContainer, requestPod,
} from "./model";

export const POD_HAS_PRIORITY: u32 = 1;
export const POD_HAS_CONFIG_SOURCE: u32 = 2;
export const POD_MIRROR: u32 = 4;
export const POD_KNOWN_FLAGS: u32 = 7;

/** kubelet's value of kubernetes.io/config.source for pods from the API server. */
const API_SERVER_SOURCE = "api";

/** Completion status values of ipp_complete. */
export const PULL_SUCCEEDED: u32 = 0;
export const PULL_FAILED: u32 = 1;

/** Marks an image with nobody waiting in the info record's tier field. */
export const TIER_NONE: u8 = 0xFF;

/** A decoded enqueue record; image references are already normalized. */
export class PodFields {
  flags: u32 = 0;
  priority: i32 = 0;
  creationMs: i64 = 0;
  namespace: string = "";
  name: string = "";
  priorityClassName: string = "";
  configSource: string = "";
  images: Array<string> = new Array<string>();
}

// The queue whose pods the request comparator reads; sort comparators cannot capture.
let sorting: PullQueue | null = null;

function compareRequests(a: u64, b: u64): i32 {
  const queue = sorting!;
  const podA = queue.pod(requestPod(a))!;
  const podB = queue.pod(requestPod(b))!;
  const a3 = arrivalWord(podA.sequence, requestContainer(a));
  const b3 = arrivalWord(podB.sequence, requestContainer(b));
  if (keyBefore(podA.word0, podA.word1, podA.word2, a3, podB.word0, podB.word1, podB.word2, b3)) return -1;
  return a == b ? 0 : 1;
}

// Returns the tier in key word 0 (bits 32 and up).
// @ts-ignore: decorator
@inline
function tierOf(word0: u64): u64 {
  return word0 >> 32;
}

// Estimates the bytes of a pod record with its strings and lists, headers included.
function podBytes(pod: Pod): i64 {
  return 160 + 2 * <i64>(pod.name.length + pod.priorityClassName.length + pod.configSource.length)
    + 4 * <i64>pod.images.length;
}

function textBytes(value: string): i32 {
  return String.UTF8.byteLength(value);
}

export class PullQueue {
  config: Config = new Config();
  namespaces: Map<string, Namespace> = new Map<string, Namespace>();
  imagesByName: Map<string, u32> = new Map<string, u32>();
  // Indexed by the slot of the id (see ids.ts); slot 0 is never used.
  pods: Array<Pod | null> = [null];
  images: Array<Image | null> = [null];
  podIds: IdPool = new IdPool();
  imageIds: IdPool = new IdPool();
  pending: ImageHeap = new ImageHeap();
  // Scratch list for enqueue, kept to avoid an allocation per call.
  private knownIds: Array<u32> = new Array<u32>();

  /** Arrival sequence number of the next new pod. */
  sequence: u64 = 0;
  podCount: i32 = 0;
  imageCount: i32 = 0;
  requestCount: i32 = 0;
  /** Ids of the images in flight, in no particular order. */
  inFlightIds: Array<u32> = new Array<u32>();
  textBytes: i32 = 0;
  pullsSucceeded: u64 = 0;
  pullsFailed: u64 = 0;

  /** Returns how many pods wait for image `id`, or 0 for an unknown id. */
  waiterCount(id: u32): i32 {
    const image = this.image(id);
    return image === null ? 0 : image.requests.length;
  }

  /** Estimates the bytes the live records take, for pacing garbage collection. */
  liveBytesEstimate(): i64 {
    // Strings are UTF-16 inside the module; a record with its lists and map entry takes some 160 bytes.
    return 2 * <i64>this.textBytes + 160 * <i64>(this.podCount + this.imageCount + this.namespaces.size)
      + 12 * <i64>this.requestCount;
  }

  /**
   * Estimates the bytes that become garbage when pod `podId` is removed, or image `imageId`
   * completes (pass 0 for the other): the records themselves and every pod they forget.
   */
  recordBytesEstimate(podId: u32, imageId: u32): i64 {
    let bytes: i64 = 0;
    const image = this.image(imageId);
    if (image !== null) {
      bytes += 160 + 2 * <i64>image.name.length + 8 * <i64>image.requests.length;
      const requests = image.requests;
      for (let i = 0; i < requests.length; i++) {
        const waiter = this.pod(requestPod(unchecked(requests[i])))!;
        if (waiter.images.length == 1) bytes += podBytes(waiter);
      }
    }
    const pod = this.pod(podId);
    if (pod !== null) bytes += podBytes(pod) + 160 * <i64>pod.images.length;
    return bytes;
  }

  /** True before the first pod or namespace: configure and restore need this. */
  isEmpty(): bool {
    return this.podCount == 0 && this.imageCount == 0 && this.namespaces.size == 0;
  }

  /** Returns the live pod with this id, or null for an unknown or stale id. */
  pod(id: u32): Pod | null {
    const slot = slotOf(id);
    if (slot == 0 || slot >= <u32>this.pods.length) return null;
    const pod = unchecked(this.pods[slot]);
    return pod !== null && pod.id == id ? pod : null;
  }

  /** Returns the queued image with this id, or null for an unknown or stale id. */
  image(id: u32): Image | null {
    const slot = slotOf(id);
    if (slot == 0 || slot >= <u32>this.images.length) return null;
    const image = unchecked(this.images[slot]);
    return image !== null && image.id == id ? image : null;
  }

  // ── enqueue ──────────────────────────────────────────────────────────

  /** Adds a pod's image requests; writes one image id per record image and returns the pod id. */
  enqueue(fields: PodFields, out: Writer): i32 {
    const namespace = this.namespaces.has(fields.namespace) ? this.namespaces.get(fields.namespace) : null;
    let existing: Pod | null = null;
    if (namespace !== null && namespace.podsByName.has(fields.name)) {
      existing = this.pod(namespace.podsByName.get(fields.name));
    }

    let newText: i32 = 0;
    if (existing === null) {
      if (this.podCount >= limits.MAX_PODS) return status.ERR_TOO_MANY_PODS;
      if (this.sequence > MAX_SEQUENCE) return status.ERR_TOO_MANY_PODS;
      if (namespace === null) {
        if (this.namespaces.size >= limits.MAX_NAMESPACES) return status.ERR_TOO_MANY_NAMESPACES;
        newText += textBytes(fields.namespace);
      }
      newText += textBytes(fields.name) + textBytes(fields.priorityClassName) + textBytes(fields.configSource);
    }

    // Count what the record adds, skipping repeats within the record and images the pod already
    // waits for. The ids found here (0 for a new image) save attach a second lookup.
    let newImages: i32 = 0;
    let newRequests: i32 = 0;
    const names = fields.images;
    const knownIds = this.knownIds;
    knownIds.length = 0;
    for (let i = 0; i < names.length; i++) {
      const name = unchecked(names[i]);
      const known = this.imagesByName.has(name) ? this.imagesByName.get(name) : 0;
      knownIds.push(known);
      if (names.indexOf(name) < i) continue;
      if (known != 0) {
        if (existing !== null && existing.images.includes(known)) continue;
      } else {
        newImages++;
        newText += textBytes(name);
      }
      newRequests++;
    }

    const outstanding = existing === null ? 0 : existing.images.length;
    const nextContainer = existing === null ? 0 : existing.nextContainer;
    if (this.imageCount + newImages > limits.MAX_IMAGES) return status.ERR_TOO_MANY_IMAGES;
    if (this.requestCount + newRequests > limits.MAX_REQUESTS) return status.ERR_TOO_MANY_REQUESTS;
    if (outstanding + newRequests > limits.MAX_IMAGES_PER_POD) return status.ERR_LIST_TOO_LONG;
    if (<u64>nextContainer + <u64>newRequests > <u64>MAX_CONTAINER_INDEX + 1) return status.ERR_LIST_TOO_LONG;
    if (this.textBytes + newText > limits.MAX_TEXT_BYTES) return status.ERR_TOO_MUCH_TEXT;

    const pod = existing !== null ? existing : this.createPod(fields, namespace);
    out.u32(pod.id);
    out.u16(<u32>names.length);
    for (let i = 0; i < names.length; i++) {
      out.u32(this.attach(pod, unchecked(names[i]), unchecked(knownIds[i])));
    }
    return <i32>pod.id;
  }

  private createPod(fields: PodFields, existingNamespace: Namespace | null): Pod {
    const namespace = existingNamespace !== null ? existingNamespace : this.createNamespace(fields.namespace);

    const id = this.podIds.take();
    const pod = new Pod(
      id, namespace, fields.name, fields.flags, fields.priority,
      fields.priorityClassName, fields.configSource, fields.creationMs, this.sequence++,
    );
    this.assignKey(pod);

    pod.namespaceSlot = namespace.pods.length;
    namespace.pods.push(id);
    this.storePod(pod);
    namespace.podsByName.set(pod.name, id);
    this.podCount++;
    this.textBytes += textBytes(pod.name) + textBytes(pod.priorityClassName) + textBytes(pod.configSource);
    return pod;
  }

  /** Sets the pod's tier, reason and key words; the critical checks follow kubelet's IsCriticalPod. */
  assignKey(pod: Pod): void {
    const config = this.config;
    const hasPriority = (pod.flags & POD_HAS_PRIORITY) != 0;
    const namespace = pod.namespace;

    if ((pod.flags & POD_HAS_CONFIG_SOURCE) != 0 && pod.configSource != API_SERVER_SOURCE) {
      pod.tier = TIER_CRITICAL;
      pod.reason = REASON_STATIC_POD;
    } else if ((pod.flags & POD_MIRROR) != 0) {
      pod.tier = TIER_CRITICAL;
      pod.reason = REASON_MIRROR_POD;
    } else if (pod.priorityClassName.length > 0 && config.isCriticalClass(pod.priorityClassName)) {
      pod.tier = TIER_CRITICAL;
      pod.reason = REASON_CRITICAL_CLASS;
    } else if (hasPriority && pod.priority >= config.criticalPriority) {
      pod.tier = TIER_CRITICAL;
      pod.reason = REASON_CRITICAL_PRIORITY;
    } else if (namespace.preferredIndex >= 0) {
      pod.tier = TIER_PREFERRED;
      pod.reason = REASON_PREFERRED_NAMESPACE;
    } else {
      pod.tier = TIER_DEFAULT;
      pod.reason = 0; // derived from the namespace annotation when reported
    }
    pod.word0 = tierWord(pod.tier, pod.tier == TIER_PREFERRED ? namespace.preferredIndex : namespace.annotation);
    pod.word1 = priorityWord(hasPriority ? pod.priority : 0);
    pod.word2 = creationWord(pod.creationMs);
  }

  /** Returns the reason code reported for `pod`. */
  reasonOf(pod: Pod): u8 {
    if (pod.tier != TIER_DEFAULT) return pod.reason;
    const state = pod.namespace.annotationState;
    if (state == ANNOTATION_VALID) return REASON_NAMESPACE_ANNOTATION;
    if (state == ANNOTATION_INVALID) return REASON_ANNOTATION_INVALID;
    return REASON_NO_ANNOTATION;
  }

  /** Returns the group value reported for `pod`: preferred index, annotation value, or 0. */
  groupOf(pod: Pod): i32 {
    if (pod.tier == TIER_PREFERRED) return pod.namespace.preferredIndex;
    if (pod.tier == TIER_DEFAULT) return pod.namespace.annotation;
    return 0;
  }

  /** Stores `pod` at its slot; slots are taken lowest first, so the table grows by one at most. */
  storePod(pod: Pod): void {
    const slot = slotOf(pod.id);
    if (slot == <u32>this.pods.length) this.pods.push(pod);
    else this.pods[slot] = pod;
  }

  /** Stores `image` at its slot, as storePod does. */
  storeImage(image: Image): void {
    const slot = slotOf(image.id);
    if (slot == <u32>this.images.length) this.images.push(image);
    else this.images[slot] = image;
  }

  createNamespace(name: string): Namespace {
    const namespace = new Namespace(name, this.config.preferredIndex(name));
    this.namespaces.set(name, namespace);
    this.textBytes += textBytes(name);
    return namespace;
  }

  /**
   * Adds `pod` as a waiter of image `name` unless it already waits for it; returns the image id.
   * `knownId` is the image's id when enqueue found it queued, else 0. A repeat of a new image
   * within one record is found by the lookup here.
   */
  private attach(pod: Pod, name: string, knownId: u32): u32 {
    let image: Image;
    if (knownId == 0 && this.imagesByName.has(name)) knownId = this.imagesByName.get(name);
    if (knownId != 0) {
      image = this.image(knownId)!;
      if (pod.images.includes(image.id)) return image.id;
    } else {
      image = new Image(this.imageIds.take(), name);
      this.storeImage(image);
      this.imagesByName.set(name, image.id);
      this.imageCount++;
      this.textBytes += textBytes(name);
    }

    const container = pod.nextContainer++;
    image.requests.push(request(pod.id, container));
    pod.images.push(image.id);
    this.requestCount++;

    const word3 = arrivalWord(pod.sequence, container);
    if (keyBefore(pod.word0, pod.word1, pod.word2, word3, image.word0, image.word1, image.word2, image.word3)) {
      this.setBest(image, pod, container, word3);
      if (image.state == IMAGE_PENDING) {
        if (image.heapIndex < 0) this.pending.push(image);
        else this.pending.update(image);
      }
    }
    return image.id;
  }

  private setBest(image: Image, pod: Pod, container: u32, word3: u64): void {
    image.word0 = pod.word0;
    image.word1 = pod.word1;
    image.word2 = pod.word2;
    image.word3 = word3;
    image.bestPod = pod.id;
    image.bestContainer = container;
  }

  /** Recomputes the image's best request from scratch and restores the heap order. */
  refreshBest(image: Image): void {
    image.word0 = u64.MAX_VALUE;
    image.word1 = u64.MAX_VALUE;
    image.word2 = u64.MAX_VALUE;
    image.word3 = u64.MAX_VALUE;
    image.bestPod = 0;
    image.bestContainer = 0;

    const requests = image.requests;
    for (let i = 0; i < requests.length; i++) {
      const entry = unchecked(requests[i]);
      const pod = this.pod(requestPod(entry))!;
      const word3 = arrivalWord(pod.sequence, requestContainer(entry));
      if (keyBefore(pod.word0, pod.word1, pod.word2, word3, image.word0, image.word1, image.word2, image.word3)) {
        this.setBest(image, pod, requestContainer(entry), word3);
      }
    }
    if (image.heapIndex >= 0) this.pending.update(image);
  }

  // ── next and complete ────────────────────────────────────────────────

  /**
   * Hands out the best pending image and returns its id. Returns 0 when none is pending or
   * every slot is busy, and, with holdLowerTiers, when an image in flight is of a higher tier
   * than the best pending one.
   */
  next(): u32 {
    const inFlight = this.inFlightIds;
    if (inFlight.length >= this.config.slots || this.pending.size == 0) return 0;
    if (this.config.holdLowerTiers && inFlight.length > 0) {
      const pendingTier = tierOf(this.pending.firstWord0());
      for (let i = 0; i < inFlight.length; i++) {
        // An in-flight image nobody waits for has no tier (word 0 is all ones) and holds nothing back.
        if (tierOf(this.image(unchecked(inFlight[i]))!.word0) < pendingTier) return 0;
      }
    }

    const image = this.pending.pop();
    image.state = IMAGE_IN_FLIGHT;
    inFlight.push(image.id);
    return image.id;
  }

  /** Finishes an in-flight image; writes its waiters, best first, and returns their number. */
  complete(id: u32, outcome: u32, out: Writer): i32 {
    if (outcome != PULL_SUCCEEDED && outcome != PULL_FAILED) return status.ERR_INVALID_FIELD;
    const image = this.image(id);
    if (image === null) return status.ERR_UNKNOWN_IMAGE;
    if (image.state != IMAGE_IN_FLIGHT) return status.ERR_NOT_IN_FLIGHT;

    this.sortRequests(image);
    const requests = image.requests;
    const count = requests.length;
    out.u32(<u32>count);
    for (let i = 0; i < count; i++) {
      const pod = this.pod(requestPod(unchecked(requests[i])))!;
      removeValue(pod.images, id);
      out.u32(pod.id);
      out.u32(<u32>pod.images.length);
      if (pod.images.length == 0) this.forgetPod(pod);
    }
    this.requestCount -= count;

    removeValue(this.inFlightIds, id);
    if (outcome == PULL_SUCCEEDED) this.pullsSucceeded++;
    else this.pullsFailed++;
    this.deleteImage(image);
    return count;
  }

  /** Orders the image's requests best first. */
  sortRequests(image: Image): void {
    sorting = this;
    image.requests.sort(compareRequests);
    sorting = null;
  }

  // ── removal ──────────────────────────────────────────────────────────

  /** Cancels every request of pod `id` and forgets it; returns how many images left the queue. */
  removePod(id: u32): i32 {
    const pod = this.pod(id);
    if (pod === null) return status.ERR_UNKNOWN_POD;

    let dropped = 0;
    const images = pod.images;
    for (let i = 0; i < images.length; i++) {
      const image = this.image(unchecked(images[i]))!;
      const requests = image.requests;
      for (let j = 0; j < requests.length; j++) {
        if (requestPod(unchecked(requests[j])) == id) {
          swapRemove(requests, j);
          break;
        }
      }
      this.requestCount--;

      if (requests.length == 0 && image.state == IMAGE_PENDING) {
        this.pending.remove(image);
        this.deleteImage(image);
        dropped++;
      } else if (image.bestPod == id) {
        // An in-flight image keeps going even with nobody waiting; complete reports nobody.
        this.refreshBest(image);
      }
    }
    pod.images = new Array<u32>();
    this.forgetPod(pod);
    return dropped;
  }

  private forgetPod(pod: Pod): void {
    const namespace = pod.namespace;
    const pods = namespace.pods;
    const last = pods.pop();
    if (last != pod.id) {
      pods[pod.namespaceSlot] = last;
      this.pod(last)!.namespaceSlot = pod.namespaceSlot;
    }

    namespace.podsByName.delete(pod.name);
    this.pods[slotOf(pod.id)] = null;
    this.podIds.release(pod.id);
    this.podCount--;
    this.textBytes -= textBytes(pod.name) + textBytes(pod.priorityClassName) + textBytes(pod.configSource);
    this.dropNamespaceIfUnused(namespace);
  }

  /** Forgets a namespace that has no pods and no annotation: it carries nothing the defaults lack. */
  private dropNamespaceIfUnused(namespace: Namespace): void {
    if (namespace.pods.length == 0 && namespace.annotationState == ANNOTATION_ABSENT) {
      this.namespaces.delete(namespace.name);
      this.textBytes -= textBytes(namespace.name);
    }
  }

  private deleteImage(image: Image): void {
    this.imagesByName.delete(image.name);
    this.images[slotOf(image.id)] = null;
    this.imageIds.release(image.id);
    this.imageCount--;
    this.textBytes -= textBytes(image.name);
  }

  // ── namespaces and slots ─────────────────────────────────────────────

  /**
   * Sets a namespace's priority annotation (`present` false removes it) and
   * re-keys the images its default-tier pods wait for. Returns OK, or
   * WARN_ANNOTATION_INVALID when the value is not an int32 and counts as 0.
   */
  setNamespaceAnnotation(name: string, present: bool, state: u8, value: i32): i32 {
    const result = state == ANNOTATION_INVALID ? status.WARN_ANNOTATION_INVALID : status.OK;
    if (!this.namespaces.has(name)) {
      if (!present) return result;
      if (this.namespaces.size >= limits.MAX_NAMESPACES) return status.ERR_TOO_MANY_NAMESPACES;
      if (this.textBytes + textBytes(name) > limits.MAX_TEXT_BYTES) return status.ERR_TOO_MUCH_TEXT;
      this.createNamespace(name);
    }

    const namespace = this.namespaces.get(name);
    const changed = namespace.annotation != value;
    namespace.annotationState = state;
    namespace.annotation = value;

    if (changed) {
      const pods = namespace.pods;
      for (let i = 0; i < pods.length; i++) {
        const pod = this.pod(unchecked(pods[i]))!;
        if (pod.tier != TIER_DEFAULT) continue;
        pod.word0 = tierWord(TIER_DEFAULT, value);
        const images = pod.images;
        for (let j = 0; j < images.length; j++) this.refreshBest(this.image(unchecked(images[j]))!);
      }
    }
    this.dropNamespaceIfUnused(namespace);
    return result;
  }

  /** Sets the number of pull slots; lowering it below the images in flight only delays next. */
  setSlots(slots: i32): i32 {
    if (slots < 1 || slots > limits.MAX_SLOTS) return status.ERR_INVALID_FIELD;
    this.config.slots = slots;
    return status.OK;
  }

  // ── inspection ───────────────────────────────────────────────────────

  /** Writes the image info record (layout in docs/abi.md) and returns its length. */
  writeImageInfo(id: u32, out: Writer): i32 {
    const image = this.image(id);
    if (image === null) return status.ERR_UNKNOWN_IMAGE;

    this.sortRequests(image);
    const best = this.pod(image.bestPod);
    out.u8(image.state);
    out.u8(best === null ? TIER_NONE : best.tier);
    out.u8(best === null ? 0 : this.reasonOf(best));
    out.u8(0);
    out.i32(best === null ? 0 : this.groupOf(best));
    out.u32(image.bestPod);
    out.u32(image.bestContainer);
    out.string(image.name);
    const requests = image.requests;
    out.u32(<u32>requests.length);
    for (let i = 0; i < requests.length; i++) out.u32(requestPod(unchecked(requests[i])));
    return out.length;
  }

  /** Writes the pod info record (layout in docs/abi.md) and returns its length. */
  writePodInfo(id: u32, out: Writer): i32 {
    const pod = this.pod(id);
    if (pod === null) return status.ERR_UNKNOWN_POD;

    out.u8(pod.tier);
    out.u8(this.reasonOf(pod));
    out.u16(0);
    out.i32(this.groupOf(pod));
    out.i64(<i64>pod.sequence);
    out.string(pod.namespace.name);
    out.string(pod.name);
    // Sorted, so the record does not depend on the order removals left the list in.
    const images = pod.images.slice(0);
    images.sort();
    out.u32(<u32>images.length);
    for (let i = 0; i < images.length; i++) out.u32(unchecked(images[i]));
    return out.length;
  }

  /** Writes the stats record (layout in docs/abi.md) and returns its length. */
  writeStats(out: Writer): i32 {
    out.u32(<u32>this.podCount);
    out.u32(<u32>this.pending.size);
    out.u32(<u32>this.inFlightIds.length);
    out.u32(<u32>this.config.slots);
    out.u32(<u32>this.namespaces.size);
    out.u32(<u32>this.requestCount);
    out.u32(<u32>this.textBytes);
    out.u32(0);
    out.i64(<i64>this.pullsSucceeded);
    out.i64(<i64>this.pullsFailed);
    return out.length;
  }
}

/** Removes the first occurrence of `value` by moving the last element into its place. */
export function removeValue(values: Array<u32>, value: u32): void {
  const at = values.indexOf(value);
  if (at < 0) return;
  const last = values.pop();
  if (at < values.length) unchecked(values[at] = last);
}

function swapRemove(values: Array<u64>, at: i32): void {
  const last = values.pop();
  if (at < values.length) unchecked(values[at] = last);
}
