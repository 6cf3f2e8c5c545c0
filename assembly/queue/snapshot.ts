// Snapshots: the whole queue state as bytes, restorable into a fresh
// instance (after a restart, or into another policy module) with the same
// future behaviour, ids included.
//
//   0        4        8          12            12+n      16+n
//   ┌────────┬────────┬──────────┬─────────────┬─────────┐
//   │ "IPPQ" │ format │ body len │ body (n)    │ CRC-32  │
//   └────────┴────────┴──────────┴─────────────┴─────────┘
//
// The CRC-32 covers every byte before it. The body layout is in docs/abi.md.
// Snapshots are canonical: namespaces sorted by name, pods and images by
// slot, requests by pod id, so equal states give equal bytes. Keys, heap order,
// and per-pod and per-namespace lists are derived again on restore.

import { Reader } from "../abi/reader";
import { Writer } from "../abi/writer";
import { readConfig, CONFIG_HOLD_LOWER_TIERS } from "../abi/records";
import { crc32 } from "../abi/crc32";
import * as limits from "../abi/limits";
import * as status from "../abi/status";
import { Config } from "../policy/config";
import { MAX_CONTAINER_INDEX, MAX_SEQUENCE } from "../policy/order";
import { ANNOTATION_ABSENT, ANNOTATION_INVALID } from "../policy/tier";
import { normalizeReferenceString } from "../reference";
import { Image, Namespace, Pod, IMAGE_IN_FLIGHT, IMAGE_PENDING, request, requestContainer, requestPod } from "./model";
import { PullQueue, POD_KNOWN_FLAGS } from "./queue";
import { IdPool, slotOf, SLOT_BITS, GENERATIONS } from "./ids";

/** "IPPQ" read as a little-endian u32. */
export const SNAPSHOT_MAGIC: u32 = 0x51505049;
export const SNAPSHOT_FORMAT: u32 = 1;
const HEADER_BYTES: i32 = 12;
const TRAILER_BYTES: i32 = 4;

function writeConfig(out: Writer, config: Config): void {
  out.i32(config.criticalPriority);
  out.u32(<u32>config.slots);
  out.u8(config.holdLowerTiers ? CONFIG_HOLD_LOWER_TIERS : 0);
  out.string(config.annotationKey);
  out.u16(<u32>config.criticalClasses.length);
  for (let i = 0; i < config.criticalClasses.length; i++) out.string(config.criticalClasses[i]);
  out.u16(<u32>config.preferredNamespaces.length);
  for (let i = 0; i < config.preferredNamespaces.length; i++) out.string(config.preferredNamespaces[i]);
}

function writeGenerations(out: Writer, pool: IdPool): void {
  const generations = pool.generations;
  out.u32(<u32>generations.length);
  for (let slot = 1; slot < generations.length; slot++) out.u16(generations[slot]);
}

// Reads what writeGenerations wrote; returns null when the count is out of range.
function readGenerations(body: Reader, limit: i32): Array<u16> | null {
  const count = body.u32();
  // Slots are taken lowest first, so the high-water mark never passes the limit by more than one.
  if (body.status != status.OK || count < 1 || count > <u32>limit + 1) return null;
  const generations: Array<u16> = [0];
  for (let slot: u32 = 1; slot < count; slot++) {
    const generation = body.u16();
    if (generation >= GENERATIONS) return null;
    generations.push(<u16>generation);
  }
  return body.status == status.OK ? generations : null;
}

// True when `id` is in `generations`' range and carries its slot's current generation.
function isCurrentId(id: u32, generations: Array<u16>): bool {
  const slot = slotOf(id);
  return slot != 0 && slot < <u32>generations.length && (id >> SLOT_BITS) == <u32>generations[slot];
}

/**
 * Compares strings by Unicode code point, which is also the order of their UTF-8 bytes, so
 * hosts can sort names with a plain byte comparison. (UTF-16 code unit order differs for
 * characters above U+FFFF.)
 */
function compareCodePoints(a: string, b: string): i32 {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(j);
    if (x != y) return x < y ? -1 : 1;
    i += x > 0xFFFF ? 2 : 1;
    j += y > 0xFFFF ? 2 : 1;
  }
  if (i < a.length) return 1;
  return j < b.length ? -1 : 0;
}

function compareU64(a: u64, b: u64): i32 {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Writes a snapshot of `queue` and returns its length. */
export function writeSnapshot(queue: PullQueue, out: Writer): i32 {
  out.u32(SNAPSHOT_MAGIC);
  out.u32(SNAPSHOT_FORMAT);
  out.u32(0); // body length, filled in below

  writeConfig(out, queue.config);
  out.i64(<i64>queue.sequence);
  out.i64(<i64>queue.pullsSucceeded);
  out.i64(<i64>queue.pullsFailed);
  writeGenerations(out, queue.podIds);
  writeGenerations(out, queue.imageIds);

  const names = queue.namespaces.keys();
  names.sort(compareCodePoints);
  out.u32(<u32>names.length);
  for (let i = 0; i < names.length; i++) {
    const namespace = queue.namespaces.get(names[i]);
    out.string(namespace.name);
    out.u8(namespace.annotationState);
    out.i32(namespace.annotation);
  }

  out.u32(<u32>queue.podCount);
  for (let slot = 1; slot < queue.pods.length; slot++) {
    const pod = queue.pods[slot];
    if (pod === null) continue;
    out.u32(pod.id);
    out.string(pod.namespace.name);
    out.string(pod.name);
    out.u8(pod.flags);
    out.i32(pod.priority);
    out.string(pod.priorityClassName);
    out.string(pod.configSource);
    out.i64(pod.creationMs);
    out.i64(<i64>pod.sequence);
    out.u32(pod.nextContainer);
  }

  out.u32(<u32>queue.imageCount);
  for (let slot = 1; slot < queue.images.length; slot++) {
    const image = queue.images[slot];
    if (image === null) continue;
    out.u32(image.id);
    out.string(image.name);
    out.u8(image.state);
    const requests = image.requests.slice(0);
    requests.sort(compareU64);
    out.u32(<u32>requests.length);
    for (let i = 0; i < requests.length; i++) {
      out.u32(requestPod(requests[i]));
      out.u32(requestContainer(requests[i]));
    }
  }

  const bodyLength = out.length - HEADER_BYTES;
  store<u32>(out.start() + 8, <u32>bodyLength);
  out.u32(crc32(out.start(), out.length));
  return out.length;
}

/** Decodes and validates a snapshot into a new queue, or returns null with reader.status set. */
export function readSnapshot(ptr: usize, length: i32, reader: Reader): PullQueue | null {
  // The magic, then the format, are checked as far as the input reaches; a shorter input is truncated.
  if (length >= 4 && load<u32>(ptr) != SNAPSHOT_MAGIC) {
    reader.fail(status.ERR_SNAPSHOT_VERSION);
    return null;
  }
  if (length >= 8 && load<u32>(ptr + 4) != SNAPSHOT_FORMAT) {
    reader.fail(status.ERR_SNAPSHOT_VERSION);
    return null;
  }
  if (length < HEADER_BYTES + TRAILER_BYTES) {
    reader.fail(status.ERR_SNAPSHOT_CORRUPT);
    return null;
  }
  const bodyLength = load<u32>(ptr + 8);
  if (<u64>bodyLength + <u64>(HEADER_BYTES + TRAILER_BYTES) != <u64>length) {
    reader.fail(status.ERR_SNAPSHOT_CORRUPT);
    return null;
  }
  const checked = length - TRAILER_BYTES;
  if (crc32(ptr, checked) != load<u32>(ptr + <usize>checked)) {
    reader.fail(status.ERR_SNAPSHOT_CORRUPT);
    return null;
  }

  const body = new Reader(ptr + <usize>HEADER_BYTES, ptr + <usize>checked);
  const queue = decodeBody(body);
  if (body.finish() != status.OK || queue === null) {
    // Whatever the body's first failure was, a snapshot that passed its checksum but
    // does not decode was written by something that breaks the format.
    reader.fail(status.ERR_SNAPSHOT_CORRUPT);
    return null;
  }
  return queue;
}

function decodeBody(body: Reader): PullQueue | null {
  const queue = new PullQueue();
  queue.config = readConfig(body);
  queue.sequence = <u64>body.i64();
  // Word 3 of the key stores sequences up to MAX_SEQUENCE, and the next one may be one above.
  if (queue.sequence > MAX_SEQUENCE + 1) return null;
  queue.pullsSucceeded = <u64>body.i64();
  queue.pullsFailed = <u64>body.i64();
  const podGenerations = readGenerations(body, limits.MAX_PODS);
  if (podGenerations === null) return null;
  const imageGenerations = readGenerations(body, limits.MAX_IMAGES);
  if (imageGenerations === null) return null;

  // Namespaces, in strictly ascending name order.
  const namespaceCount = body.u32();
  if (namespaceCount > <u32>limits.MAX_NAMESPACES) return null;
  let previousName = "";
  for (let i: u32 = 0; i < namespaceCount && body.status == status.OK; i++) {
    const name = body.string(limits.MAX_NAMESPACE_BYTES, false);
    const state = <u8>body.u8();
    const value = body.i32();
    if (body.status != status.OK) return null;
    if (i > 0 && compareCodePoints(name, previousName) <= 0) return null;
    if (state > ANNOTATION_INVALID || (state != 1 && value != 0)) return null;
    previousName = name;
    const namespace = queue.createNamespace(name);
    namespace.annotationState = state;
    namespace.annotation = value;
  }

  // Pods, in strictly ascending slot order.
  const podCount = body.u32();
  if (podCount > <u32>limits.MAX_PODS) return null;
  const usedPodSlots = new Set<u32>();
  const sequences = new Set<u64>();
  let previousSlot: u32 = 0;
  for (let i: u32 = 0; i < podCount; i++) {
    const id = body.u32();
    const namespaceName = body.string(limits.MAX_NAMESPACE_BYTES, false);
    const name = body.string(limits.MAX_NAME_BYTES, false);
    const flags = body.u8();
    const priority = body.i32();
    const priorityClassName = body.string(limits.MAX_NAME_BYTES, true);
    const configSource = body.string(limits.MAX_NAME_BYTES, true);
    const creationMs = body.i64();
    const sequence = <u64>body.i64();
    const nextContainer = body.u32();
    if (body.status != status.OK) return null;
    if (!isCurrentId(id, podGenerations) || slotOf(id) <= previousSlot) return null;
    if ((flags & ~POD_KNOWN_FLAGS) != 0 || sequence >= queue.sequence || sequences.has(sequence)) return null;
    if (nextContainer < 1 || nextContainer > MAX_CONTAINER_INDEX + 1) return null;
    if (!queue.namespaces.has(namespaceName)) return null;
    const namespace = queue.namespaces.get(namespaceName);
    if (namespace.podsByName.has(name)) return null;
    previousSlot = slotOf(id);

    const pod = new Pod(id, namespace, name, flags, priority, priorityClassName, configSource, creationMs, sequence);
    pod.nextContainer = nextContainer;
    queue.assignKey(pod);
    while (<u32>queue.pods.length < slotOf(id)) queue.pods.push(null);
    queue.pods.push(pod);
    pod.namespaceSlot = namespace.pods.length;
    namespace.pods.push(id);
    namespace.podsByName.set(name, id);
    queue.podCount++;
    queue.textBytes += String.UTF8.byteLength(name) + String.UTF8.byteLength(priorityClassName)
      + String.UTF8.byteLength(configSource);
    usedPodSlots.add(slotOf(id));
    sequences.add(sequence);
  }

  // A namespace with no pods is kept only for its annotation.
  const namespaces = queue.namespaces.values();
  for (let i = 0; i < namespaces.length; i++) {
    const namespace = namespaces[i];
    if (namespace.pods.length == 0 && namespace.annotationState == ANNOTATION_ABSENT) return null;
  }

  // Images, in strictly ascending slot order, with their requests by ascending pod id.
  const imageCount = body.u32();
  if (imageCount > <u32>limits.MAX_IMAGES) return null;
  const usedImageSlots = new Set<u32>();
  const usedContainers = new Set<u64>();
  previousSlot = 0;
  for (let i: u32 = 0; i < imageCount; i++) {
    const id = body.u32();
    const name = body.string(limits.MAX_REFERENCE_BYTES + 32, false);
    const state = <u8>body.u8();
    const requestCount = body.u32();
    if (body.status != status.OK) return null;
    if (!isCurrentId(id, imageGenerations) || slotOf(id) <= previousSlot) return null;
    if (state != IMAGE_PENDING && state != IMAGE_IN_FLIGHT) return null;
    if (state == IMAGE_PENDING && requestCount == 0) return null;
    if (requestCount > <u32>limits.MAX_REQUESTS) return null;
    const normalized = normalizeReferenceString(name);
    if (normalized === null || normalized != name || queue.imagesByName.has(name)) return null;
    previousSlot = slotOf(id);

    const image = new Image(id, name);
    image.state = state;
    let previousPod: u32 = 0;
    for (let j: u32 = 0; j < requestCount; j++) {
      const podId = body.u32();
      const container = body.u32();
      if (body.status != status.OK) return null;
      const pod = queue.pod(podId);
      if (pod === null || podId <= previousPod || container >= pod.nextContainer) return null;
      const entry = request(podId, container);
      if (usedContainers.has(entry)) return null;
      usedContainers.add(entry);
      previousPod = podId;
      image.requests.push(entry);
      pod.images.push(id);
      if (pod.images.length > limits.MAX_IMAGES_PER_POD) return null;
      queue.requestCount++;
      if (queue.requestCount > limits.MAX_REQUESTS) return null;
    }

    while (<u32>queue.images.length < slotOf(id)) queue.images.push(null);
    queue.images.push(image);
    queue.imagesByName.set(name, id);
    queue.imageCount++;
    queue.textBytes += name.length;
    usedImageSlots.add(slotOf(id));
    queue.refreshBest(image);
    if (state == IMAGE_PENDING) queue.pending.push(image);
    else queue.inFlightIds.push(id);
  }

  // Every live pod waits for something; otherwise it would have been forgotten.
  for (let slot = 1; slot < queue.pods.length; slot++) {
    const pod = queue.pods[slot];
    if (pod !== null && pod.images.length == 0) return null;
  }
  if (queue.textBytes > limits.MAX_TEXT_BYTES) return null;

  queue.podIds.reset(podGenerations, usedPodSlots);
  queue.imageIds.reset(imageGenerations, usedImageSlots);
  return queue;
}
