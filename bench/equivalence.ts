// Checks that the TypeScript reference queue orders pulls exactly as the
// policy module does, so the benchmark compares two implementations of one
// contract. Both queues get the same seeded sequence of calls: 2,000 pods
// whose images are shared under different spellings, pod removals, namespace
// annotation changes and pulls with two slots, then a full drain. Every
// result is compared: image names at next, waiters at complete, dropped
// image counts at removePod.

import type { ConfigRecord, PodRequest, Waiter } from "../host/abi/records.ts";
import type { PullQueue } from "../host/queue.ts";
import type { ReferenceQueue } from "./reference-queue.ts";
import { createRandom, randomHex, randomInt } from "./workload.ts";

/** Thrown when the module and the reference queue return different results for the same call. */
export class EquivalenceError extends Error {
  constructor(step: number, operation: string, moduleResult: unknown, referenceResult: unknown) {
    super(
      `step ${step} (${operation}): the policy module returned ${JSON.stringify(moduleResult)} ` +
        `but the reference queue returned ${JSON.stringify(referenceResult)}`,
    );
    this.name = "EquivalenceError";
  }
}

// The reference queue fills every free slot, so the module's holding of lower tiers is off here.
const CHECK_CONFIG: ConfigRecord = {
  criticalPriorityThreshold: 2000000000,
  slots: 2,
  holdLowerTiers: false,
  namespacePriorityAnnotation: "image-pull-priority",
  criticalPriorityClassNames: ["system-node-critical", "system-cluster-critical"],
  preferredNamespaces: ["kube-system", "monitoring"],
};

const NAMESPACES = ["kube-system", "monitoring", "team-a", "team-b", "team-c", "team-d", "team-e", "team-f", "team-g"];
// Valid, negative, invalid (counts as 0), int32 extremes, explicit plus sign, absent.
const ANNOTATIONS = ["100", "-5", "abc", "2147483647", "-2147483648", "+7", "0", undefined];
const PRIORITIES = [undefined, undefined, 0, 10, 1000, -5, 2000000000, 2147483647, -2147483648];
const PRIORITY_CLASSES = [undefined, undefined, undefined, "", "high", "system-node-critical"];
const CONFIG_SOURCES = [undefined, undefined, undefined, undefined, undefined, "api", "file", ""];

/** Returns spellings that all normalize to one image, so pods that use different ones share it. */
function imageSpellings(random: () => number, index: number): string[] {
  const digest = `sha256:${randomHex(random, 64)}`;
  switch (index % 4) {
    case 0:
      return [`app${index}`, `docker.io/library/app${index}`, `index.docker.io/library/app${index}:latest`];
    case 1:
      return [`org/tool${index}:v1`, `docker.io/org/tool${index}:v1`];
    case 2:
      return [`quay.io/team/job${index}@${digest}`, `quay.io/team/job${index}:old@${digest}`];
    default:
      return [`localhost:5000/cache/img${index}:1.0`];
  }
}

/** The call sequence and the bookkeeping that maps each queue's pod ids back to pod names. */
class Checker {
  private readonly random: () => number;
  private readonly images: string[][] = [];
  private readonly modulePods = new Map<number, string>();
  private readonly referencePods = new Map<number, string>();
  // Pod name to [module id, reference id] for pods that wait for at least one image.
  private readonly live = new Map<string, [number, number]>();
  private readonly inFlight: Array<[number, number]> = [];
  private step = 0;

  constructor(
    private readonly module: PullQueue,
    private readonly reference: ReferenceQueue,
    seed: number,
  ) {
    this.random = createRandom(seed);
    for (let i = 0; i < 400; i++) this.images.push(imageSpellings(this.random, i));
  }

  run(podCount: number): void {
    this.module.configure(CHECK_CONFIG);
    this.reference.configure(CHECK_CONFIG);
    for (const namespace of NAMESPACES.slice(2, 8)) this.setAnnotation(namespace);

    for (let i = 0; i < podCount; i++) {
      this.enqueue(this.randomPod());
      if (this.random() < 0.05) this.removeRandomPod();
      if (i % 250 === 249) this.setAnnotation(NAMESPACES[randomInt(this.random, NAMESPACES.length)] as string);
      if (i % 7 === 6) this.pull();
    }

    // Drain: hand out images while slots are free, otherwise finish the oldest pull.
    for (;;) {
      if (this.pull() === undefined && this.inFlight.length === 0) break;
    }
    const stats = this.module.stats();
    const moduleLeft = { pending: stats.pending, pods: stats.pods };
    const referenceLeft = { pending: this.reference.pendingCount, pods: this.live.size };
    this.compare("drain", moduleLeft, referenceLeft);
    this.compare("drain", moduleLeft, { pending: 0, pods: 0 });
  }

  private randomPod(): PodRequest {
    const random = this.random;
    const pick = <T>(values: readonly T[]): T => values[randomInt(random, values.length)] as T;
    const imageCount = 1 + randomInt(random, 4);
    const images: string[] = [];
    for (let i = 0; i < imageCount; i++) images.push(pick(pick(this.images)));
    return {
      namespace: pick(NAMESPACES),
      // 1,500 names for 2,000 pods, so some records add images to a pod that is still queued.
      name: `pod-${randomInt(random, 1500)}`,
      priority: pick(PRIORITIES),
      priorityClassName: pick(PRIORITY_CLASSES),
      configSource: pick(CONFIG_SOURCES),
      mirror: random() < 0.03,
      // Few distinct times, so ties fall through to the arrival order.
      creationTimeMs: 1_700_000_000_000 + randomInt(random, 50) * 1000,
      images,
    };
  }

  private compare(operation: string, moduleResult: unknown, referenceResult: unknown): void {
    if (JSON.stringify(moduleResult) !== JSON.stringify(referenceResult)) {
      throw new EquivalenceError(this.step, operation, moduleResult, referenceResult);
    }
  }

  private setAnnotation(namespace: string): void {
    this.step++;
    const annotation = ANNOTATIONS[randomInt(this.random, ANNOTATIONS.length)];
    const operation = `setNamespace ${namespace} ${String(annotation)}`;
    this.compare(operation, this.module.setNamespace(namespace, annotation), this.reference.setNamespace(namespace, annotation));
  }

  private enqueue(pod: PodRequest): void {
    this.step++;
    const key = `${pod.namespace}/${pod.name}`;
    const fromModule = this.module.enqueue(pod);
    const fromReference = this.reference.enqueue(pod);

    const moduleNames = fromModule.imageIds.map((id) => this.module.imageInfo(id).image);
    const referenceNames = fromReference.imageIds.map((id) => this.reference.imageName(id));
    this.compare(`enqueue ${key}`, moduleNames, referenceNames);
    this.compare(`enqueue ${key} pod`, this.modulePods.get(fromModule.podId) ?? key, this.referencePods.get(fromReference.podId) ?? key);

    this.modulePods.set(fromModule.podId, key);
    this.referencePods.set(fromReference.podId, key);
    this.live.set(key, [fromModule.podId, fromReference.podId]);
  }

  private removeRandomPod(): void {
    if (this.live.size === 0) return;
    this.step++;
    const keys = Array.from(this.live.keys());
    const key = keys[randomInt(this.random, keys.length)] as string;
    const [moduleId, referenceId] = this.live.get(key) as [number, number];
    this.compare(`removePod ${key}`, this.module.removePod(moduleId), this.reference.removePod(referenceId));
    this.forget(key, moduleId, referenceId);
  }

  /** Calls next on both queues and returns the image name. When no image is handed out, it completes the oldest pull instead. */
  private pull(): string | undefined {
    this.step++;
    const moduleId = this.module.next();
    const referenceId = this.reference.next();
    const moduleName = moduleId === undefined ? undefined : this.module.imageInfo(moduleId).image;
    const referenceName = referenceId === undefined ? undefined : this.reference.imageName(referenceId);
    this.compare("next", moduleName ?? null, referenceName ?? null);

    if (moduleId !== undefined && referenceId !== undefined) {
      this.inFlight.push([moduleId, referenceId]);
    } else {
      this.completeOldest();
    }
    return moduleName;
  }

  private completeOldest(): void {
    const pull = this.inFlight.shift();
    if (pull === undefined) return;
    this.step++;
    const result = this.random() < 0.2 ? "failed" : "succeeded";
    const moduleWaiters = this.describeWaiters(this.module.complete(pull[0], result), this.modulePods);
    const referenceWaiters = this.describeWaiters(this.reference.complete(pull[1], result), this.referencePods);
    this.compare("complete", moduleWaiters, referenceWaiters);

    for (const [key, remaining] of moduleWaiters) {
      if (remaining > 0) continue;
      const ids = this.live.get(key) as [number, number];
      this.forget(key, ids[0], ids[1]);
    }
  }

  private describeWaiters(waiters: Waiter[], names: Map<number, string>): Array<[string, number]> {
    return waiters.map((waiter) => [names.get(waiter.podId) ?? `unknown pod id ${waiter.podId}`, waiter.remaining]);
  }

  private forget(key: string, moduleId: number, referenceId: number): void {
    this.live.delete(key);
    this.modulePods.delete(moduleId);
    this.referencePods.delete(referenceId);
  }
}

/** Runs the seeded call sequence on both queues; throws EquivalenceError at the first differing result. */
export function checkEquivalence(module: PullQueue, reference: ReferenceQueue, seed: number, podCount = 2000): void {
  new Checker(module, reference, seed).run(podCount);
}
