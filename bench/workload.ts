// Seeded pod generators for the benchmark, and the queue surface that both
// the policy module's PullQueue and the TypeScript reference queue offer.

import type { PodRequest, Waiter } from "../host/abi/records.ts";
import type { Enqueued, PullResult } from "../host/queue.ts";

/** The operations the benchmark calls on either implementation. */
export interface BenchQueue {
  setNamespace(name: string, annotation: string | undefined): boolean;
  enqueue(pod: PodRequest): Enqueued;
  removePod(podId: number): number;
  next(): number | undefined;
  complete(imageId: number, result?: PullResult): Waiter[];
}

/** Returns a mulberry32 generator of floats in [0, 1): small, fast and reproducible from a 32-bit seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns an integer in [0, limit). */
export function randomInt(random: () => number, limit: number): number {
  return Math.floor(random() * limit);
}

export function randomHex(random: () => number, digits: number): string {
  let text = "";
  for (let i = 0; i < digits; i++) text += "0123456789abcdef"[randomInt(random, 16)];
  return text;
}

/** Namespaces of the generated pods. The benchmark gives some of them annotations. */
export const BENCH_NAMESPACES: readonly string[] = [
  "kube-system",
  ...Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, "0")}`),
];

/** Sets the namespace annotations of the benchmark workload: teams 00 to 09 get priorities 0 to 900. */
export function annotateBenchNamespaces(queue: BenchQueue): void {
  for (let i = 0; i < 10; i++) queue.setNamespace(`team-${String(i).padStart(2, "0")}`, String(i * 100));
}

/**
 * Generates pods whose images are all distinct from every image generated
 * before, in a mix of spellings: registry host with a tag, Docker Hub
 * organization without a tag, and a digest.
 */
export class PodFactory {
  private readonly random: () => number;
  private count = 0;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  /** Returns a new pod with `imageCount` new images. */
  pod(imageCount = 3): PodRequest {
    const random = this.random;
    const n = this.count++;
    const namespace = BENCH_NAMESPACES[randomInt(random, BENCH_NAMESPACES.length)] as string;

    const images: string[] = [];
    for (let c = 0; c < imageCount; c++) images.push(this.image(n, c));

    const roll = random();
    let priority: number | undefined;
    if (roll < 0.6) priority = undefined;
    else if (roll < 0.9) priority = randomInt(random, 10000);
    else priority = 100000 + randomInt(random, 900000);

    return {
      namespace,
      name: `svc-${n}-${randomHex(random, 5)}`,
      priority,
      priorityClassName: random() < 0.01 ? "system-cluster-critical" : undefined,
      creationTimeMs: 1_700_000_000_000 + n * 100 + randomInt(random, 60_000),
      images,
    };
  }

  /** Returns `count` new pods of three images each. */
  pods(count: number): PodRequest[] {
    const pods: PodRequest[] = new Array(count);
    for (let i = 0; i < count; i++) pods[i] = this.pod(3);
    return pods;
  }

  private image(n: number, container: number): string {
    const team = n % 40;
    switch ((n + container) % 3) {
      case 0:
        return `registry.example.com/team-${team}/service-${n}-${container}:v1.${n % 97}.${container}`;
      case 1:
        return `team${team}/worker-${n}-${container}`;
      default:
        return `ghcr.io/example/tool-${n}-${container}@sha256:${randomHex(this.random, 64)}`;
    }
  }
}

/** First-in first-out list of pod ids. */
export class IdQueue {
  private ids: number[] = [];
  private head = 0;

  get length(): number {
    return this.ids.length - this.head;
  }

  push(id: number): void {
    this.ids.push(id);
  }

  shift(): number {
    if (this.head >= this.ids.length) throw new RangeError("IdQueue is empty");
    const id = this.ids[this.head++] as number;
    if (this.head > 4096 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
    return id;
  }
}

/** Enqueues pods of up to three new images until `imageCount` images were added, and appends their pod ids to `podIds`. */
export function addImages(queue: BenchQueue, factory: PodFactory, imageCount: number, podIds?: IdQueue): void {
  let remaining = imageCount;
  while (remaining > 0) {
    const size = Math.min(3, remaining);
    const { podId } = queue.enqueue(factory.pod(size));
    podIds?.push(podId);
    remaining -= size;
  }
}
