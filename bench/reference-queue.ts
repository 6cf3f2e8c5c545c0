// A plain TypeScript pull queue with the policy module's ordering contract,
// written for speed, so that the benchmark's module/TypeScript ratio compares
// the module against a good native implementation rather than a naive one.
//
// It follows assembly/policy/order.ts and assembly/queue/queue.ts. An image's
// key is the smallest key among the requests waiting for it. A request's key
// compares these fields in order, smaller first:
//
//   1. tier: critical, preferred, default
//   2. group rank: the position in preferredNamespaces for the preferred
//      tier, the namespace annotation (higher first) for the default tier
//   3. pod priority, higher first
//   4. creation time, earlier first
//   5. arrival sequence, then container index
//
// Pending images sit in an indexed binary min-heap, so a key that changes in
// place is restored with one sift. The queue has no snapshots. Of the
// module's input limits it checks only the image reference grammar and length.

import type { ConfigRecord, PodRequest, Waiter } from "../host/abi/records.ts";
import type { Enqueued, PullResult } from "../host/queue.ts";

const TIER_CRITICAL = 0;
const TIER_PREFERRED = 1;
const TIER_DEFAULT = 2;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TIER_FACTOR = 2 ** 32;
// Word 3 packs the arrival sequence above a 24-bit container index, as the module does.
const CONTAINER_FACTOR = 2 ** 24;
// Sequence numbers below this keep word 3 an exact double (below 2^53).
const MAX_SEQUENCE = 2 ** 29 - 1;

/** kubelet's value of kubernetes.io/config.source for pods from the API server. */
const API_SERVER_SOURCE = "api";

/** Same defaults as assembly/policy/config.ts. */
const DEFAULT_CONFIG: ConfigRecord = {
  criticalPriorityThreshold: 2000000000,
  slots: 1,
  namespacePriorityAnnotation: "image-pull-priority",
  criticalPriorityClassNames: ["system-node-critical", "system-cluster-critical"],
  preferredNamespaces: ["kube-system"],
};

class Namespace {
  /** Annotation value, or 0 when it is absent or not an int32. */
  annotation = 0;
  hasAnnotation = false;
  readonly pods = new Set<Pod>();

  constructor(
    readonly name: string,
    /** Position in the configured preferred namespaces, or -1. */
    readonly preferredIndex: number,
  ) {}
}

class Pod {
  tier = TIER_DEFAULT;
  // Key words 0 to 2. Word 0 changes with the namespace annotation.
  word0 = 0;
  word1 = 0;
  word2 = 0;
  nextContainer = 0;
  /** Images this pod waits for, pending or in flight. */
  images: Image[] = [];

  constructor(
    readonly id: number,
    readonly key: string,
    readonly namespace: Namespace,
    readonly sequence: number,
  ) {}
}

/** One pod waiting for one image. `word3` packs the pod's sequence and the container index. */
class Request {
  constructor(
    readonly pod: Pod,
    readonly word3: number,
  ) {}
}

class Image {
  inFlight = false;
  /** Position in the pending heap, -1 while in flight. */
  heapIndex = -1;
  requests: Request[] = [];
  // The best request's key words, or Infinity when no request waits.
  word0 = Infinity;
  word1 = Infinity;
  word2 = Infinity;
  word3 = Infinity;
  best: Request | null = null;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

function requestBefore(a: Request, b: Request): number {
  const podA = a.pod;
  const podB = b.pod;
  if (podA.word0 !== podB.word0) return podA.word0 - podB.word0;
  if (podA.word1 !== podB.word1) return podA.word1 - podB.word1;
  if (podA.word2 !== podB.word2) return podA.word2 - podB.word2;
  return a.word3 - b.word3;
}

function imageBefore(a: Image, b: Image): boolean {
  if (a.word0 !== b.word0) return a.word0 < b.word0;
  if (a.word1 !== b.word1) return a.word1 < b.word1;
  if (a.word2 !== b.word2) return a.word2 < b.word2;
  return a.word3 < b.word3;
}

/** Returns true when `request` sorts before the image's current best request. */
function beatsBest(request: Request, image: Image): boolean {
  const pod = request.pod;
  if (pod.word0 !== image.word0) return pod.word0 < image.word0;
  if (pod.word1 !== image.word1) return pod.word1 < image.word1;
  if (pod.word2 !== image.word2) return pod.word2 < image.word2;
  return request.word3 < image.word3;
}

/** Maps an int32 to a rank in [0, 2^32) that sorts higher values first. */
function descendingRank(value: number): number {
  return INT32_MAX - value;
}

/** Removes `value` from `values` by moving the last element into its place. */
function swapRemove<T>(values: T[], value: T): void {
  const at = values.indexOf(value);
  if (at < 0) return;
  const last = values.pop() as T;
  if (at < values.length) values[at] = last;
}

/** Binary min-heap of pending images, where each image stores its position. */
class ImageHeap {
  readonly items: Image[] = [];

  get size(): number {
    return this.items.length;
  }

  push(image: Image): void {
    image.heapIndex = this.items.length;
    this.items.push(image);
    this.siftUp(image.heapIndex);
  }

  /** Removes and returns the first image. Call it only when size > 0. */
  pop(): Image {
    const first = this.items[0] as Image;
    this.remove(first);
    return first;
  }

  remove(image: Image): void {
    const items = this.items;
    const at = image.heapIndex;
    const last = items.pop() as Image;
    image.heapIndex = -1;
    if (last === image) return;
    items[at] = last;
    last.heapIndex = at;
    this.update(last);
  }

  /** Restores the heap order after `image`'s key changed. */
  update(image: Image): void {
    const at = image.heapIndex;
    if (at > 0 && imageBefore(image, this.items[(at - 1) >> 1] as Image)) this.siftUp(at);
    else this.siftDown(at);
  }

  private siftUp(from: number): void {
    const items = this.items;
    const image = items[from] as Image;
    let at = from;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt] as Image;
      if (!imageBefore(image, parent)) break;
      items[at] = parent;
      parent.heapIndex = at;
      at = parentAt;
    }
    items[at] = image;
    image.heapIndex = at;
  }

  private siftDown(from: number): void {
    const items = this.items;
    const length = items.length;
    const image = items[from] as Image;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= length) break;
      let childAt = left;
      let child = items[left] as Image;
      if (left + 1 < length) {
        const right = items[left + 1] as Image;
        if (imageBefore(right, child)) {
          childAt = left + 1;
          child = right;
        }
      }
      if (!imageBefore(child, image)) break;
      items[at] = child;
      child.heapIndex = at;
      at = childAt;
    }
    items[at] = image;
    image.heapIndex = at;
  }
}

/** Parses a decimal int32 (optional sign, 1 to 10 digits), or returns undefined. */
function parseInt32(value: string): number | undefined {
  if (!/^[+-]?[0-9]{1,10}$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed < INT32_MIN || parsed > INT32_MAX ? undefined : parsed;
}

/** Same surface as host/queue.ts PullQueue for the operations the benchmark uses. */
export class ReferenceQueue {
  private criticalPriority = DEFAULT_CONFIG.criticalPriorityThreshold;
  private criticalClasses = new Set(DEFAULT_CONFIG.criticalPriorityClassNames);
  private preferredNamespaces: readonly string[] = DEFAULT_CONFIG.preferredNamespaces;
  private slots = DEFAULT_CONFIG.slots;

  private readonly namespaces = new Map<string, Namespace>();
  private readonly podsByKey = new Map<string, Pod>();
  private readonly imagesByName = new Map<string, Image>();
  // Indexed by id. Freed ids are reused last-in first-out, and id 0 is never used.
  private readonly pods: Array<Pod | undefined> = [undefined];
  private readonly images: Array<Image | undefined> = [undefined];
  private readonly freePodIds: number[] = [];
  private readonly freeImageIds: number[] = [];
  private readonly pending = new ImageHeap();
  private sequence = 0;
  private inFlight = 0;

  /** Sets the configuration, which is allowed only before the first pod or namespace. */
  configure(config: ConfigRecord): void {
    if (this.namespaces.size > 0) throw new Error("configure is only allowed before the first pod or namespace");
    this.criticalPriority = config.criticalPriorityThreshold;
    this.criticalClasses = new Set(config.criticalPriorityClassNames);
    this.preferredNamespaces = [...config.preferredNamespaces];
    this.slots = config.slots;
  }

  setSlots(slots: number): void {
    if (!Number.isInteger(slots) || slots < 1 || slots > 1024) throw new RangeError(`invalid slots ${slots}, expected 1 to 1024`);
    this.slots = slots;
  }

  /**
   * Sets a namespace's priority annotation (undefined when it has none) and
   * re-keys the images its default-tier pods wait for. Returns false when the
   * value is not an int32 and counts as 0.
   */
  setNamespace(name: string, annotation: string | undefined): boolean {
    const parsed = annotation === undefined ? undefined : parseInt32(annotation);
    const valid = annotation === undefined || parsed !== undefined;
    let namespace = this.namespaces.get(name);
    if (namespace === undefined) {
      if (annotation === undefined) return valid;
      namespace = this.createNamespace(name);
    }

    const value = parsed ?? 0;
    const changed = namespace.annotation !== value;
    namespace.annotation = value;
    namespace.hasAnnotation = annotation !== undefined;

    if (changed) {
      const word0 = TIER_DEFAULT * TIER_FACTOR + descendingRank(value);
      for (const pod of namespace.pods) {
        if (pod.tier !== TIER_DEFAULT) continue;
        pod.word0 = word0;
        for (const image of pod.images) this.refreshBest(image);
      }
    }
    this.dropNamespaceIfUnused(namespace);
    return valid;
  }

  /** Adds a pod's image requests. A pod already queued keeps its place and gains the new images. */
  enqueue(request: PodRequest): Enqueued {
    const references = request.images;
    if (references.length === 0) throw new RangeError(`pod ${request.namespace}/${request.name} lists no image`);
    const names: string[] = new Array(references.length);
    for (let i = 0; i < references.length; i++) {
      const reference = references[i] as string;
      const normalized = normalizeReference(reference);
      if (normalized === null) throw new RangeError(`invalid image reference ${JSON.stringify(reference)}`);
      names[i] = normalized;
    }

    const key = request.namespace + "/" + request.name;
    const pod = this.podsByKey.get(key) ?? this.createPod(request, key);
    const imageIds: number[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) imageIds[i] = this.attach(pod, names[i] as string);
    return { podId: pod.id, imageIds };
  }

  /** Cancels every request of pod `podId` and deletes the pod. Returns how many images left the queue. */
  removePod(podId: number): number {
    const pod = this.pods[podId];
    if (pod === undefined) throw new RangeError(`unknown pod id ${podId}`);

    let dropped = 0;
    for (const image of pod.images) {
      const requests = image.requests;
      let removed: Request | undefined;
      for (let j = 0; j < requests.length; j++) {
        const entry = requests[j] as Request;
        if (entry.pod === pod) {
          removed = entry;
          const last = requests.pop() as Request;
          if (j < requests.length) requests[j] = last;
          break;
        }
      }

      if (requests.length === 0 && !image.inFlight) {
        this.pending.remove(image);
        this.deleteImage(image);
        dropped++;
      } else if (image.best === removed) {
        // An in-flight image stays until complete even with no waiting pod, and complete then reports none.
        this.refreshBest(image);
      }
    }
    pod.images = [];
    this.forgetPod(pod);
    return dropped;
  }

  /** Hands out the next image id to pull, or undefined when none is pending or every slot is busy. */
  next(): number | undefined {
    if (this.inFlight >= this.slots || this.pending.size === 0) return undefined;
    const image = this.pending.pop();
    image.inFlight = true;
    this.inFlight++;
    return image.id;
  }

  /** Finishes an in-flight pull and returns the pods that waited for it, best first. */
  complete(imageId: number, result: PullResult = "succeeded"): Waiter[] {
    if (result !== "succeeded" && result !== "failed") throw new RangeError(`invalid pull result ${String(result)}`);
    const image = this.images[imageId];
    if (image === undefined) throw new RangeError(`unknown image id ${imageId}`);
    if (!image.inFlight) throw new RangeError(`image ${imageId} is not in flight`);

    const requests = image.requests;
    if (requests.length > 1) requests.sort(requestBefore);
    const waiters: Waiter[] = new Array(requests.length);
    for (let i = 0; i < requests.length; i++) {
      const pod = (requests[i] as Request).pod;
      swapRemove(pod.images, image);
      waiters[i] = { podId: pod.id, remaining: pod.images.length };
      if (pod.images.length === 0) this.forgetPod(pod);
    }

    this.inFlight--;
    this.deleteImage(image);
    return waiters;
  }

  /** Returns the normalized reference of a pending or in-flight image. */
  imageName(imageId: number): string {
    const image = this.images[imageId];
    if (image === undefined) throw new RangeError(`unknown image id ${imageId}`);
    return image.name;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private createNamespace(name: string): Namespace {
    const namespace = new Namespace(name, this.preferredNamespaces.indexOf(name));
    this.namespaces.set(name, namespace);
    return namespace;
  }

  private createPod(request: PodRequest, key: string): Pod {
    if (this.sequence > MAX_SEQUENCE) throw new RangeError("too many pods for the reference queue's sequence numbers");
    const namespace = this.namespaces.get(request.namespace) ?? this.createNamespace(request.namespace);
    const id = this.freePodIds.pop() ?? this.pods.length;
    const pod = new Pod(id, key, namespace, this.sequence++);

    // The critical checks follow kubelet's IsCriticalPod, in the module's order.
    const priority = request.priority;
    const configSource = request.configSource;
    const priorityClassName = request.priorityClassName ?? "";
    let group = 0;
    if (configSource !== undefined && configSource !== API_SERVER_SOURCE) pod.tier = TIER_CRITICAL;
    else if (request.mirror === true) pod.tier = TIER_CRITICAL;
    else if (priorityClassName.length > 0 && this.criticalClasses.has(priorityClassName)) pod.tier = TIER_CRITICAL;
    else if (priority !== undefined && priority >= this.criticalPriority) pod.tier = TIER_CRITICAL;
    else if (namespace.preferredIndex >= 0) {
      pod.tier = TIER_PREFERRED;
      group = namespace.preferredIndex;
    } else {
      pod.tier = TIER_DEFAULT;
      group = descendingRank(namespace.annotation);
    }
    pod.word0 = pod.tier * TIER_FACTOR + group;
    pod.word1 = descendingRank(priority ?? 0);
    pod.word2 = request.creationTimeMs;

    if (id === this.pods.length) this.pods.push(pod);
    else this.pods[id] = pod;
    this.podsByKey.set(key, pod);
    namespace.pods.add(pod);
    return pod;
  }

  /** Adds `pod` as a waiter of image `name` unless it already waits for it, and returns the image id. */
  private attach(pod: Pod, name: string): number {
    let image = this.imagesByName.get(name);
    if (image === undefined) {
      const id = this.freeImageIds.pop() ?? this.images.length;
      image = new Image(id, name);
      if (id === this.images.length) this.images.push(image);
      else this.images[id] = image;
      this.imagesByName.set(name, image);
    } else if (pod.images.includes(image)) {
      return image.id;
    }

    const request = new Request(pod, pod.sequence * CONTAINER_FACTOR + pod.nextContainer++);
    image.requests.push(request);
    pod.images.push(image);
    if (beatsBest(request, image)) {
      this.setBest(image, request);
      if (!image.inFlight) {
        if (image.heapIndex < 0) this.pending.push(image);
        else this.pending.update(image);
      }
    }
    return image.id;
  }

  private setBest(image: Image, request: Request): void {
    const pod = request.pod;
    image.word0 = pod.word0;
    image.word1 = pod.word1;
    image.word2 = pod.word2;
    image.word3 = request.word3;
    image.best = request;
  }

  /** Recomputes the image's best request from scratch and restores the heap order. */
  private refreshBest(image: Image): void {
    image.word0 = Infinity;
    image.word1 = Infinity;
    image.word2 = Infinity;
    image.word3 = Infinity;
    image.best = null;
    for (const request of image.requests) {
      if (beatsBest(request, image)) this.setBest(image, request);
    }
    if (image.heapIndex >= 0) this.pending.update(image);
  }

  private forgetPod(pod: Pod): void {
    const namespace = pod.namespace;
    namespace.pods.delete(pod);
    this.podsByKey.delete(pod.key);
    this.pods[pod.id] = undefined;
    this.freePodIds.push(pod.id);
    this.dropNamespaceIfUnused(namespace);
  }

  /** Deletes a namespace that has no pods and no annotation, because it then differs in nothing from an unknown one. */
  private dropNamespaceIfUnused(namespace: Namespace): void {
    if (namespace.pods.size === 0 && !namespace.hasAnnotation) this.namespaces.delete(namespace.name);
  }

  private deleteImage(image: Image): void {
    this.imagesByName.delete(image.name);
    this.images[image.id] = undefined;
    this.freeImageIds.push(image.id);
  }
}

// ── image reference normalization ──────────────────────────────────────
//
// A port of assembly/reference.ts: the distribution reference grammar and
// containerd's ParseDockerRef normalization (docker.io/library/ for official
// images, :latest when there is no tag or digest, and a digest drops the tag).

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPOSITORY_PREFIX = "library/";
const DEFAULT_TAG = "latest";
const MAX_TAG_LENGTH = 128;
/** Max bytes of a reference as the host may send it (assembly/abi/limits.ts). */
const MAX_REFERENCE_BYTES = 512;
/** Max bytes of a repository name, domain included (distribution's NameTotalLengthMax). */
const MAX_REPOSITORY_BYTES = 255;

function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}
function isAlnum(c: number): boolean {
  return isLower(c) || isUpper(c) || isDigit(c);
}
function isWord(c: number): boolean {
  return isAlnum(c) || c === 0x5f;
}

// path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
function isPathComponent(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  let i = from;
  while (i < to) {
    if (!isLower(s.charCodeAt(i)) && !isDigit(s.charCodeAt(i))) return false;
    while (i < to && (isLower(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)))) i++;
    if (i === to) return true;

    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      i++;
    } else if (c === 0x5f) {
      i++;
      if (i < to && s.charCodeAt(i) === 0x5f) i++;
    } else if (c === 0x2d) {
      while (i < to && s.charCodeAt(i) === 0x2d) i++;
    } else {
      return false;
    }
    // A separator must be followed by another run of [a-z0-9].
    if (i === to) return false;
  }
  return true;
}

// path: path-component ('/' path-component)*
function isPath(s: string, from: number, to: number): boolean {
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i === to || s.charCodeAt(i) === 0x2f) {
      if (!isPathComponent(s, start, i)) return false;
      start = i + 1;
    }
  }
  return true;
}

// domain: host-component ('.' host-component)* (':' [0-9]+)?, or an IPv6 literal in brackets.
function isDomain(s: string, from: number, to: number): boolean {
  let hostEnd = to;
  for (let i = to - 1; i > from; i--) {
    const c = s.charCodeAt(i);
    if (c === 0x3a) {
      hostEnd = i;
      break;
    }
    if (!isDigit(c)) break;
  }
  if (hostEnd < to && hostEnd + 1 === to) return false;

  if (s.charCodeAt(from) === 0x5b) {
    if (s.charCodeAt(hostEnd - 1) !== 0x5d || hostEnd - from < 3) return false;
    for (let i = from + 1; i < hostEnd - 1; i++) {
      const c = s.charCodeAt(i);
      if (!isHex(c) && !(c >= 0x41 && c <= 0x46) && c !== 0x3a) return false;
    }
    return true;
  }

  // host-component: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
  let start = from;
  for (let i = from; i <= hostEnd; i++) {
    if (i === hostEnd || s.charCodeAt(i) === 0x2e) {
      if (i === start) return false;
      if (!isAlnum(s.charCodeAt(start)) || !isAlnum(s.charCodeAt(i - 1))) return false;
      for (let j = start; j < i; j++) {
        const c = s.charCodeAt(j);
        if (!isAlnum(c) && c !== 0x2d) return false;
      }
      start = i + 1;
    }
  }
  return true;
}

// tag: [\w][\w.-]{0,127}
function isTag(s: string, from: number, to: number): boolean {
  if (from >= to || to - from > MAX_TAG_LENGTH || !isWord(s.charCodeAt(from))) return false;
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isWord(c) && c !== 0x2e && c !== 0x2d) return false;
  }
  return true;
}

// digest: algorithm ':' hex, where algorithm is [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*
// and hex has at least 32 lowercase hex digits (exactly 64 for sha256, 128 for sha512).
function isDigest(s: string, from: number, to: number): boolean {
  const colon = s.indexOf(":", from);
  if (colon < 0 || colon >= to) return false;

  let atComponentStart = true;
  for (let i = from; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (atComponentStart) {
      if (!isLower(c) && !isUpper(c)) return false;
      atComponentStart = false;
    } else if (c === 0x2d || c === 0x5f || c === 0x2b || c === 0x2e) {
      atComponentStart = true;
    } else if (!isAlnum(c)) {
      return false;
    }
  }
  if (atComponentStart) return false;

  const hexLength = to - colon - 1;
  for (let i = colon + 1; i < to; i++) {
    if (!isHex(s.charCodeAt(i))) return false;
  }
  const algorithm = s.substring(from, colon);
  if (algorithm === "sha256") return hexLength === 64;
  if (algorithm === "sha512") return hexLength === 128;
  return hexLength >= 32;
}

/** Returns the normalized form of `reference`, or null when it is not a valid image reference. */
export function normalizeReference(reference: string): string | null {
  const length = reference.length;
  if (length === 0 || length > MAX_REFERENCE_BYTES) return null;
  for (let i = 0; i < length; i++) {
    const c = reference.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return null;
  }

  // Split off the digest at the first '@', then a tag after the last ':' that follows the last '/'.
  const at = reference.indexOf("@");
  const nameAndTagEnd = at < 0 ? length : at;
  if (at >= 0 && !isDigest(reference, at + 1, length)) return null;

  const lastSlash = reference.lastIndexOf("/", nameAndTagEnd - 1);
  let nameEnd = nameAndTagEnd;
  const tagColon = reference.lastIndexOf(":", nameAndTagEnd - 1);
  if (tagColon > lastSlash) {
    if (!isTag(reference, tagColon + 1, nameAndTagEnd)) return null;
    nameEnd = tagColon;
  }
  if (nameEnd === 0) return null;

  // The first component is a domain when it contains '.' or ':', is "localhost",
  // or has an uppercase letter, which a repository path cannot.
  let domain = DEFAULT_DOMAIN;
  let pathStart = 0;
  const firstSlash = reference.indexOf("/");
  if (firstSlash >= 0 && firstSlash < nameEnd) {
    const first = reference.substring(0, firstSlash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first.toLowerCase() !== first) {
      if (!isDomain(reference, 0, firstSlash)) return null;
      domain = first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
      pathStart = firstSlash + 1;
    }
  }
  if (!isPath(reference, pathStart, nameEnd)) return null;

  let path = reference.substring(pathStart, nameEnd);
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPOSITORY_PREFIX + path;

  const repository = domain + "/" + path;
  if (repository.length > MAX_REPOSITORY_BYTES) return null;

  if (at >= 0) return repository + reference.substring(at);
  if (tagColon > lastSlash) return repository + reference.substring(tagColon, nameAndTagEnd);
  return repository + ":" + DEFAULT_TAG;
}
