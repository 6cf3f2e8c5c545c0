// The runs that `simulate` compares on one scenario: this project's policy module, driven through
// PullQueue as the product drives it, and two models of the kubelet's own image pullers.
//
// Every run uses the same rules for the node: a pull occupies one slot from start to end, an image
// that a finished pull already brought to the node costs only the latency, and a pod is ready
// when every one of its images is on the node.

import type { Tier } from "../abi/constants.ts";
import type { PodRecord } from "../kube/records.ts";
import type { PolicyModule } from "../loader.ts";
import { createConfiguredQueue, enqueuePods } from "../plan.ts";
import { PullQueue } from "../queue.ts";
import { SharedLink } from "./model.ts";
import type { Scenario } from "./scenario.ts";

export type RunName = "policy" | "kubelet-serial" | "kubelet-parallel";

/** One pull of one run. */
export interface PullRecord {
  /** Normalized reference. */
  image: string;
  /** Tier of the requesting pod in the kubelet runs, or of the best waiting pod at the start in the policy run. */
  tier: Tier;
  /** Slot index from 0, lowest free slot first. */
  slot: number;
  start: number;
  /** End of the latency and start of the download. It equals end for a pull that only pays the latency. */
  downloadStart: number;
  end: number;
  /** Bytes downloaded: 0 when the image was already on the node. */
  bytes: number;
}

export interface RunResult {
  name: RunName;
  slots: number;
  /** Pulls in start order. */
  pulls: PullRecord[];
  /** Time each pod became ready, in seconds, indexed like scenario.pods. */
  readyTimes: number[];
}

/**
 * Runs the policy module with `slots` slots, then the kubelet's serial puller, then its parallel
 * puller with the same slots. The parallel run is left out for one slot, where it equals the serial one.
 */
export function runAll(scenario: Scenario, slots: number, module: PolicyModule): RunResult[] {
  const runs = [runPolicy(scenario, slots, module), runKubelet(scenario, "kubelet-serial", 1)];
  if (slots > 1) runs.push(runKubelet(scenario, "kubelet-parallel", slots));
  return runs;
}

/**
 * Runs the policy module: pods enter the queue as they arrive, and each free slot takes
 * queue.next(). With boot arrivals the queue starts from the scenario's snapshot, which already
 * contains every pod, as the queue of a restarted node would.
 */
export function runPolicy(scenario: Scenario, slots: number, module: PolicyModule): RunResult {
  if (scenario.bootQueue === undefined) {
    const { queue } = createConfiguredQueue(scenario.config, slots, scenario.namespaces, module);
    return drive(scenario, "policy", slots, new PolicySource(scenario, queue, new Map()));
  }

  const queue = PullQueue.create(module);
  queue.restore(scenario.bootQueue.snapshot);
  queue.setSlots(slots);
  const source = new PolicySource(scenario, queue, new Map(scenario.bootQueue.podIndexes), { enqueued: true });
  return drive(scenario, "policy", slots, source);
}

/**
 * Runs a model of the kubelet's image puller. Each pod requests its images one at a time in
 * container order, as the kubelet starts its containers. The requests of all pods wait in one
 * first-in, first-out queue for a free slot. kubelet-serial is this model with one slot
 * (serializeImagePulls), kubelet-parallel with maxParallelImagePulls slots.
 */
export function runKubelet(scenario: Scenario, name: RunName, slots: number): RunResult {
  return drive(scenario, name, slots, new KubeletSource(scenario));
}

/** The strategy of a run, which picks the next pull and reports the pods that a finished pull makes ready. */
interface PullSource {
  /** Makes the pods with these scenario indexes known, in order. */
  arrive(pods: readonly number[]): void;
  /** Returns the next pull to start, or undefined when none waits. Called only while a slot is free. */
  take(): { image: string; tier: Tier; token: number } | undefined;
  /** Reports that the pull with `token` ended and returns the scenario indexes of the pods it made ready. */
  finish(token: number): number[];
}

/** Runs the event loop of one run over the shared link. */
function drive(scenario: Scenario, name: RunName, slots: number, source: PullSource): RunResult {
  const pods = scenario.pods;
  const link = new SharedLink(scenario.bandwidth, scenario.latency);
  const onNode = new Set<string>();
  const freeSlots = Array.from({ length: slots }, (_, slot) => slot);
  const pulls: PullRecord[] = [];
  const tokens: number[] = [];
  const readyTimes = new Array<number>(pods.length).fill(NaN);
  let nextPod = 0;

  for (;;) {
    // Finished pulls were handled at the end of the last step, so arrivals at the same instant
    // queue behind the requests those pulls released.
    if (nextPod < pods.length && pods[nextPod]!.arrival <= link.now) {
      const arriving: number[] = [];
      while (nextPod < pods.length && pods[nextPod]!.arrival <= link.now) arriving.push(nextPod++);
      source.arrive(arriving);
    }

    while (freeSlots.length > 0) {
      const pull = source.take();
      if (pull === undefined) break;
      // NOTE: an image that another slot is still pulling is not on the node yet, so the kubelet
      // runs download it again. In containerd a second concurrent pull of a layer waits on the
      // lock of the first instead (https://github.com/containerd/containerd/issues/8790), so
      // kubelet-parallel downloads more bytes here than a containerd node would.
      const bytes = onNode.has(pull.image) ? 0 : scenario.bytes.get(pull.image)!;
      const slot = freeSlots.shift()!;
      link.start(pulls.length, bytes);
      tokens.push(pull.token);
      pulls.push({ image: pull.image, tier: pull.tier, slot, start: link.now, downloadStart: link.now, end: NaN, bytes });
    }

    const nextArrival = nextPod < pods.length ? pods[nextPod]!.arrival : Infinity;
    const time = Math.min(link.nextEventTime(), nextArrival);
    if (time === Infinity) break;

    for (const finished of link.advanceTo(time)) {
      const pull = pulls[finished.key]!;
      pull.downloadStart = finished.downloadStart;
      pull.end = finished.end;
      onNode.add(pull.image);
      releaseSlot(freeSlots, pull.slot);
      for (const pod of source.finish(tokens[finished.key]!)) readyTimes[pod] = finished.end;
    }
  }

  const waiting = readyTimes.findIndex((time) => Number.isNaN(time));
  if (waiting >= 0) {
    const pod = pods[waiting]!.record;
    throw new Error(`${name} run ended with pod ${pod.namespace}/${pod.name} still waiting for an image`);
  }
  return { name, slots, pulls, readyTimes };
}

/** Puts `slot` back into the ascending list of free slots, so the lowest free slot is taken first. */
function releaseSlot(freeSlots: number[], slot: number): void {
  let index = 0;
  while (index < freeSlots.length && freeSlots[index]! < slot) index++;
  freeSlots.splice(index, 0, slot);
}

/** The policy module's queue: it coalesces requests for one image and orders pulls by tier. */
class PolicySource implements PullSource {
  private readonly recordIndexes: Map<PodRecord, number>;
  private readonly warnings: string[] = [];

  /**
   * @param podIndexes scenario index by the queue's pod id, for the pods already in the queue. An
   *   id is removed when its pod is ready, because the queue reuses ids.
   * @param options.enqueued true when the queue already contains every pod of the scenario
   */
  constructor(
    private readonly scenario: Scenario,
    private readonly queue: PullQueue,
    private readonly podIndexes: Map<number, number>,
    private readonly options: { enqueued: boolean } = { enqueued: false },
  ) {
    this.recordIndexes = new Map(scenario.pods.map((pod, index) => [pod.record, index]));
  }

  arrive(pods: readonly number[]): void {
    if (this.options.enqueued) return;
    const records = pods.map((index) => this.scenario.pods[index]!.record);
    const { byId } = enqueuePods(this.queue, records, this.scenario.fallbackCreationMs, this.warnings);
    for (const [podId, record] of byId) this.podIndexes.set(podId, this.recordIndexes.get(record)!);
  }

  take(): { image: string; tier: Tier; token: number } | undefined {
    const id = this.queue.next();
    if (id === undefined) return undefined;
    const info = this.queue.imageInfo(id);
    return { image: info.image, tier: info.tier ?? "default", token: id };
  }

  finish(imageId: number): number[] {
    const ready: number[] = [];
    for (const waiter of this.queue.complete(imageId)) {
      if (waiter.remaining > 0) continue;
      ready.push(this.podIndexes.get(waiter.podId)!);
      this.podIndexes.delete(waiter.podId);
    }
    return ready;
  }
}

/** The kubelet's first-in, first-out request queue: no priorities and no coalescing. */
class KubeletSource implements PullSource {
  /** Requests in arrival order, as scenario pod index and position in the pod's images. A token is an index into this list. */
  private readonly requests: { pod: number; position: number }[] = [];
  private nextRequest = 0;

  constructor(private readonly scenario: Scenario) {}

  arrive(pods: readonly number[]): void {
    for (const pod of pods) this.requests.push({ pod, position: 0 });
  }

  take(): { image: string; tier: Tier; token: number } | undefined {
    if (this.nextRequest === this.requests.length) return undefined;
    const token = this.nextRequest++;
    const { pod, position } = this.requests[token]!;
    const simulated = this.scenario.pods[pod]!;
    return { image: simulated.images[position]!, tier: simulated.tier, token };
  }

  finish(token: number): number[] {
    const { pod, position } = this.requests[token]!;
    if (position + 1 < this.scenario.pods[pod]!.images.length) {
      this.requests.push({ pod, position: position + 1 });
      return [];
    }
    return [pod];
  }
}
