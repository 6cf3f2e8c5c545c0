// Invariants of the pull queue, checked on the module alone, without the
// reference model. The runner plays the same commands as the differential
// fuzzer but keeps only a ledger of what the module reported: which pods
// and images are live, which images are pending or in flight, and what was
// handed out or cancelled. It checks that
//
//   - no image is in flight twice, next never fills more than the slots, and
//     with holdLowerTiers it hands out nothing of a worse tier than an image
//     in flight;
//   - every image a pod requested is handed out or cancelled exactly once
//     (nothing lost, nothing duplicated), counted when the queue is drained;
//   - the image next hands out has the smallest key among all pending images
//     at that moment, computed from their image info records;
//   - snapshot and restore change nothing visible: all info records match,
//     the restored snapshot is byte-identical, and the original instance,
//     kept as a shadow, returns the same results for every later call.

import { TIERS } from "../../host/abi/constants.ts";
import type { ConfigRecord, ImageInfo, PodRequest, QueueStats, Waiter } from "../../host/abi/records.ts";
import { ErrorCode } from "../../host/abi/status.ts";
import { PolicyError } from "../../host/errors.ts";
import { PullQueue } from "../../host/queue.ts";
import { resolveTarget, type Command, type Scenario } from "./commands.ts";
import { sameValue } from "./differential.ts";
import { DEFAULT_CONFIG } from "./model.ts";
import { instantiatePolicy, sameBytes, type Instantiate } from "./module.ts";

export class InvariantViolation extends Error {
  constructor(
    readonly commandIndex: number,
    message: string,
  ) {
    super(`command ${commandIndex}: ${message}`);
    this.name = "InvariantViolation";
  }
}

/** Counts commands run by runInvariants in this process, for throughput figures. */
export const invariantCounters = { commands: 0 };

type Result<T> = { ok: true; value: T } | { ok: false; code: number };

function attempt<T>(call: () => T): Result<T> {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (error instanceof PolicyError) return { ok: false, code: error.code };
    throw error;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The queue under test and, after a snapshot, the instance the snapshot was
 * taken from. Every call runs on both and must give the same result.
 */
class Twin {
  shadow: PullQueue | undefined;

  constructor(
    public queue: PullQueue,
    private readonly fail: (message: string) => never,
  ) {}

  call<T>(name: string, action: (queue: PullQueue) => T): Result<T> {
    const result = attempt(() => action(this.queue));
    if (this.shadow !== undefined) {
      const shadow = this.shadow;
      const expected = attempt(() => action(shadow));
      if (!sameValue(expected, result)) {
        this.fail(`${name} differs after snapshot and restore: the original instance returned ${JSON.stringify(expected)}, the restored one ${JSON.stringify(result)}`);
      }
    }
    return result;
  }
}

/** Computes the request key of an image's best waiter, smaller first (docs/abi.md, "Ordering"). */
function keyOf(info: ImageInfo, pod: PodRequest, sequence: number): number[] {
  const tier = TIERS.indexOf(info.tier!);
  // The preferred tier ranks by position, the default tier by annotation value, higher first.
  let group = 0;
  if (info.tier === "preferred") group = info.group;
  if (info.tier === "default") group = -info.group;
  return [tier, group, -(pod.priority ?? 0), pod.creationTimeMs, sequence, info.bestContainerIndex];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

class InvariantRun {
  private readonly twin: Twin;
  private commandIndex = -1;
  private slots = DEFAULT_CONFIG.slots;
  private holdLowerTiers = true;
  /** The first request of each live pod: the fields the module keys the pod by. */
  private readonly pods = new Map<number, PodRequest>();
  private readonly pending = new Set<number>();
  private readonly inFlight = new Set<number>();
  /** Ids of pods and images that were live and are gone; the module must reject them. */
  private readonly retiredPods: number[] = [];
  private readonly retiredImages: number[] = [];
  private created = 0;
  private handedOut = 0;
  private cancelled = 0;

  constructor(private readonly instantiate: Instantiate) {
    this.twin = new Twin(new PullQueue(instantiate()), (message) => this.fail(message));
  }

  private fail(message: string): never {
    throw new InvariantViolation(this.commandIndex, message);
  }

  setCommandIndex(index: number): void {
    this.commandIndex = index;
  }

  configure(config: ConfigRecord): void {
    const result = this.twin.call("configure", (queue) => queue.configure(config));
    if (result.ok) {
      this.slots = config.slots;
      this.holdLowerTiers = config.holdLowerTiers ?? true;
    }
  }

  run(command: Command): void {
    switch (command.kind) {
      case "configure":
        return this.configure(command.config);
      case "enqueue":
        return this.enqueue(command.pod);
      case "next":
        return this.next();
      case "complete":
        return this.complete(resolveTarget(command.target, this.sorted(this.inFlight), this.retiredImages), command.outcome);
      case "removePod":
        return this.removePod(resolveTarget(command.target, this.sorted(this.pods.keys()), this.retiredPods));
      case "setNamespace":
        this.twin.call("setNamespace", (queue) => queue.setNamespace(command.namespace, command.annotation));
        return;
      case "setSlots": {
        const result = this.twin.call("setSlots", (queue) => queue.setSlots(command.slots));
        if (result.ok) this.slots = command.slots;
        return;
      }
      case "snapshotRestore":
        return this.snapshotRestore(command.config);
      case "restoreIntoSelf":
        return this.restoreIntoSelf();
      case "imageInfo": {
        const id = resolveTarget(command.target, this.sorted([...this.pending, ...this.inFlight]), this.retiredImages);
        this.twin.call("imageInfo", (queue) => queue.imageInfo(id));
        return;
      }
      case "podInfo": {
        const id = resolveTarget(command.target, this.sorted(this.pods.keys()), this.retiredPods);
        this.twin.call("podInfo", (queue) => queue.podInfo(id));
        return;
      }
      case "stats":
        this.twin.call("stats", (queue) => queue.stats());
        return;
    }
  }

  private sorted(ids: Iterable<number>): number[] {
    return [...ids].sort((a, b) => a - b);
  }

  private retire(ids: number[], id: number): void {
    ids.push(id);
    if (ids.length > 16) ids.shift();
  }

  private forgetPod(id: number): void {
    this.pods.delete(id);
    this.retire(this.retiredPods, id);
  }

  private imageInfo(id: number): ImageInfo {
    const result = attempt(() => this.twin.queue.imageInfo(id));
    if (!result.ok) this.fail(`image ${id} is neither handed out nor cancelled, but ipp_image_info returns ${result.code}: it was lost`);
    return result.value;
  }

  private enqueue(pod: PodRequest): void {
    const result = this.twin.call("enqueue", (queue) => queue.enqueue(pod));
    if (!result.ok) return;

    const { podId, imageIds } = result.value;
    if (!this.pods.has(podId)) this.pods.set(podId, pod);
    for (const id of imageIds) {
      if (!this.pending.has(id) && !this.inFlight.has(id)) {
        this.pending.add(id);
        this.created++;
      }
      if (!this.imageInfo(id).podIds.includes(podId)) this.fail(`pod ${podId} requested image ${id} but is not among its waiters`);
    }
  }

  private next(): void {
    // The key of every pending image, taken before the hand-out.
    const keys = new Map<number, number[]>();
    for (const id of this.pending) {
      const info = this.imageInfo(id);
      if (info.state !== "pending") this.fail(`image ${id} was never handed out, but its state is ${info.state}`);
      if (info.podIds[0] !== info.bestPodId) this.fail(`image ${id}: best pod ${info.bestPodId} is not first among waiters ${JSON.stringify(info.podIds)}`);
      const pod = this.pods.get(info.bestPodId);
      const podInfo = attempt(() => this.twin.queue.podInfo(info.bestPodId));
      if (pod === undefined || !podInfo.ok) this.fail(`image ${id}: best pod ${info.bestPodId} is not a live pod`);
      keys.set(id, keyOf(info, pod, podInfo.value.sequence));
    }

    // With holdLowerTiers, an image in flight holds back pending images of lower tiers.
    const bestKey = [...keys.values()].sort(compareKeys)[0];
    let holder: number | undefined;
    for (const inFlightId of this.inFlight) {
      const tier = this.imageInfo(inFlightId).tier;
      if (this.holdLowerTiers && bestKey !== undefined && tier !== undefined && TIERS.indexOf(tier) < bestKey[0]!) holder = inFlightId;
    }

    const result = this.twin.call("next", (queue) => queue.next());
    const id = result.ok ? result.value : undefined;
    if (id === undefined) {
      if (this.pending.size > 0 && this.inFlight.size < this.slots && holder === undefined) {
        this.fail(`next handed out nothing with ${this.pending.size} images pending and ${this.inFlight.size} of ${this.slots} slots busy`);
      }
      return;
    }
    if (holder !== undefined) this.fail(`next handed out image ${id} while image ${holder} of a higher tier is in flight`);

    if (this.inFlight.has(id)) this.fail(`next handed out image ${id}, which is already in flight`);
    if (!this.pending.has(id)) this.fail(`next handed out image ${id}, which no pod requested`);
    if (this.inFlight.size >= this.slots) this.fail(`next handed out image ${id} with all ${this.slots} slots busy`);
    const handedKey = keys.get(id)!;
    for (const [other, key] of keys) {
      if (compareKeys(key, handedKey) < 0) {
        this.fail(`next handed out image ${id} with key ${JSON.stringify(handedKey)}, but image ${other} has the smaller key ${JSON.stringify(key)}`);
      }
    }
    this.pending.delete(id);
    this.inFlight.add(id);
    this.handedOut++;
  }

  private complete(id: number, outcome: number): void {
    const waitersBefore = this.inFlight.has(id) ? this.imageInfo(id).podIds : undefined;
    const result = this.twin.call("complete", (queue): Waiter[] | number => {
      if (outcome === 0 || outcome === 1) return queue.complete(id, outcome === 1 ? "failed" : "succeeded");
      return queue.exports.ipp_complete(id, outcome);
    });

    if (outcome !== 0 && outcome !== 1) {
      if (!result.ok || result.value !== ErrorCode.ERR_INVALID_FIELD) this.fail(`complete with outcome ${outcome} was not rejected`);
      return;
    }
    if (waitersBefore === undefined) {
      const expected = this.pending.has(id) ? ErrorCode.ERR_NOT_IN_FLIGHT : ErrorCode.ERR_UNKNOWN_IMAGE;
      if (result.ok || result.code !== expected) this.fail(`complete(${id}) of an image not in flight returned ${JSON.stringify(result)}, expected ${expected}`);
      return;
    }
    if (!result.ok) return this.fail(`complete(${id}) of an image in flight failed with ${result.code}`);

    const waiters = result.value as Waiter[];
    const reported = waiters.map((waiter) => waiter.podId);
    if (!sameValue(reported, waitersBefore)) this.fail(`complete(${id}) reported ${JSON.stringify(reported)}, but its waiters were ${JSON.stringify(waitersBefore)}`);
    for (const waiter of waiters) {
      if (waiter.remaining === 0) {
        this.forgetPod(waiter.podId);
        continue;
      }
      const podInfo = attempt(() => this.twin.queue.podInfo(waiter.podId));
      const count = podInfo.ok ? podInfo.value.imageIds.length : podInfo.code;
      if (count !== waiter.remaining) this.fail(`complete(${id}) reported ${waiter.remaining} images remaining for pod ${waiter.podId}, its pod info lists ${count}`);
    }
    this.inFlight.delete(id);
    this.retire(this.retiredImages, id);
  }

  private removePod(id: number): void {
    const known = this.pods.has(id);
    // A pending image leaves the queue when this pod is its only waiter.
    const leaving: number[] = [];
    if (known) {
      for (const imageId of this.twin.queue.podInfo(id).imageIds) {
        const info = this.imageInfo(imageId);
        if (info.state === "pending" && sameValue(info.podIds, [id])) leaving.push(imageId);
      }
    }

    const result = this.twin.call("removePod", (queue) => queue.removePod(id));
    if (!known) {
      if (result.ok || result.code !== ErrorCode.ERR_UNKNOWN_POD) this.fail(`removePod(${id}) of an unknown pod returned ${JSON.stringify(result)}`);
      return;
    }
    if (!result.ok) return this.fail(`removePod(${id}) of a live pod failed with ${result.code}`);
    if (result.value !== leaving.length) this.fail(`removePod(${id}) reported ${result.value} images leaving, expected ${leaving.length}`);

    for (const imageId of leaving) {
      const after = attempt(() => this.twin.queue.imageInfo(imageId));
      if (after.ok) this.fail(`image ${imageId} lost its last waiter but is still queued`);
      this.pending.delete(imageId);
      this.retire(this.retiredImages, imageId);
      this.cancelled++;
    }
    this.forgetPod(id);
  }

  /** Returns every info record and the stats of `queue`, for comparing two instances. */
  private visibleState(queue: PullQueue): unknown[] {
    const state: unknown[] = [queue.stats()];
    for (const id of [...this.pending, ...this.inFlight, ...this.retiredImages, 1, 2]) state.push(attempt(() => queue.imageInfo(id)));
    for (const id of [...this.pods.keys(), ...this.retiredPods, 1, 2]) state.push(attempt(() => queue.podInfo(id)));
    return state;
  }

  private snapshotRestore(config: ConfigRecord | undefined): void {
    const original = this.twin.queue;
    const snapshot = original.snapshot();
    const restored = new PullQueue(this.instantiate());
    // An instance that was only configured still counts as empty, and the snapshot's configuration replaces its own.
    if (config !== undefined) {
      const configured = attempt(() => restored.configure(config));
      if (!configured.ok) this.fail(`configuring a fresh instance failed with ${configured.code}`);
    }
    const status = attempt(() => restored.restore(snapshot));
    if (!status.ok) this.fail(`restoring the instance's own snapshot failed with ${status.code}`);
    if (!sameBytes(snapshot, restored.snapshot())) this.fail("the restored instance's snapshot differs from the snapshot it was restored from");

    const before = this.visibleState(original);
    const after = this.visibleState(restored);
    for (let i = 0; i < before.length; i++) {
      if (!sameValue(before[i], after[i])) {
        this.fail(`restore changed a visible record: ${JSON.stringify(before[i])} became ${JSON.stringify(after[i])}`);
      }
    }
    this.twin.queue = restored;
    this.twin.shadow = original;
  }

  private restoreIntoSelf(): void {
    const queue = this.twin.queue;
    const snapshot = queue.snapshot();
    const empty = this.pods.size === 0 && this.pending.size === 0 && this.inFlight.size === 0 && queue.stats().namespaces === 0;
    // The shadow restores its own snapshot, which must give the same result.
    const status = this.twin.call("restore own snapshot", (target) => target.restore(target.snapshot()));
    if (empty ? !status.ok : status.ok || status.code !== ErrorCode.ERR_NOT_EMPTY) {
      this.fail(`restore into an instance that is ${empty ? "" : "not "}empty returned ${JSON.stringify(status)}`);
    }
    if (!sameBytes(snapshot, queue.snapshot())) this.fail("restoring an instance's own snapshot into it changed its state");
  }

  /** Checks the ledger against the stats record. */
  checkStats(): void {
    const stats: QueueStats = this.twin.queue.stats();
    if (stats.pending !== this.pending.size) this.fail(`stats report ${stats.pending} pending images, the ledger has ${this.pending.size}`);
    if (stats.inFlight !== this.inFlight.size) this.fail(`stats report ${stats.inFlight} images in flight, the ledger has ${this.inFlight.size}`);
    if (stats.pods !== this.pods.size) this.fail(`stats report ${stats.pods} pods, the ledger has ${this.pods.size}`);
    if (stats.slots !== this.slots) this.fail(`stats report ${stats.slots} slots, expected ${this.slots}`);
  }

  /** Completes everything in flight, then hands out and completes every pending image, and checks the accounts. */
  drain(commandCount: number): void {
    this.commandIndex = commandCount;
    for (const id of this.sorted(this.inFlight)) this.complete(id, 0);
    while (this.pending.size > 0) {
      const before = this.handedOut;
      this.next();
      if (this.handedOut === before) this.fail(`next hands out nothing with ${this.pending.size} images pending and no slot busy`);
      for (const id of this.sorted(this.inFlight)) this.complete(id, 0);
    }
    this.checkStats();

    if (this.created !== this.handedOut + this.cancelled) {
      this.fail(`${this.created} images were requested, but ${this.handedOut} were handed out and ${this.cancelled} cancelled`);
    }
    const stats = this.twin.queue.stats();
    if (stats.pods !== 0 || stats.requests !== 0) this.fail(`after draining, stats still report ${stats.pods} pods and ${stats.requests} requests`);
  }
}

/** Runs `scenario` on a fresh instance; throws an InvariantViolation at the first broken invariant. */
export function runInvariants(scenario: Scenario, instantiate: Instantiate = instantiatePolicy): void {
  const run = new InvariantRun(instantiate);
  if (scenario.config !== undefined) run.configure(scenario.config);
  for (let i = 0; i < scenario.commands.length; i++) {
    run.setCommandIndex(i);
    run.run(scenario.commands[i]!);
    run.checkStats();
  }
  invariantCounters.commands += scenario.commands.length + 1;
  run.drain(scenario.commands.length);
}
