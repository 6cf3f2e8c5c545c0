// The input every run of `simulate` shares: the node's pods with their tiers, arrival times and
// normalized images, the size of each image, and the link parameters.

import { TIERS, type Tier } from "../abi/constants.ts";
import type { PolicyConfig } from "../config.ts";
import type { NamespaceRecord, PodRecord } from "../kube/records.ts";
import type { PolicyModule } from "../loader.ts";
import { createConfiguredQueue, enqueuePods } from "../plan.ts";
import { ReferenceNormalizer } from "./normalize.ts";
import { indexSizeTable, type SizeTable } from "./sizes.ts";
import { formatBytes } from "./units.ts";

/** When pods reach the node: all at t = 0 (`boot`), or at their creation times (`created`). */
export type ArrivalMode = "boot" | "created";

/** One pod, as input to every run. */
export interface SimulatedPod {
  record: PodRecord;
  /** The tier the policy module assigns to the pod. */
  tier: Tier;
  /** Seconds after t = 0 at which the node learns of the pod. */
  arrival: number;
  /** Normalized references in container order, init containers first, repeats kept. */
  images: string[];
}

export interface Scenario {
  /** Pods sorted by arrival time. Pods that arrive together keep their order in the pods file. */
  pods: SimulatedPod[];
  config: PolicyConfig;
  namespaces: readonly NamespaceRecord[];
  /** Creation time in ms given to pods without metadata.creationTimestamp: the latest creation time in the input. */
  fallbackCreationMs: number;
  /** Bytes to download for every image a pod requests, by normalized reference. */
  bytes: Map<string, number>;
  /** Link rate in bytes per second. */
  bandwidth: number;
  /** Fixed time of every pull before its download, in seconds. */
  latency: number;
  arrival: ArrivalMode;
  /** Lower bound of each tier in seconds, as tierLowerBounds() computes it. */
  lowerBounds: Record<Tier, number | undefined>;
  /**
   * With boot arrivals, a snapshot of a queue that contains every pod, and the scenario index of
   * each of its pod ids. The policy run restores it instead of enqueuing all pods again.
   */
  bootQueue: { snapshot: Uint8Array; podIndexes: Map<number, number> } | undefined;
  warnings: string[];
}

export interface ScenarioInput {
  pods: readonly PodRecord[];
  namespaces: readonly NamespaceRecord[];
  config: PolicyConfig;
  /** Size table, or undefined to give every image defaultSize. */
  sizes: SizeTable | undefined;
  /** Bytes of an image that the size table does not list. */
  defaultSize: number;
  bandwidth: number;
  latency: number;
  arrival: ArrivalMode;
  module: PolicyModule;
}

/**
 * Builds the scenario: the policy module assigns each pod its tier and rejects pods with an
 * invalid image (with a warning), and every reference is normalized by the module's grammar.
 */
export function buildScenario(input: ScenarioInput): Scenario {
  const warnings: string[] = [];
  let firstCreationMs = Infinity;
  let lastCreationMs = -Infinity;
  for (const pod of input.pods) {
    if (pod.creationTimeMs === undefined) continue;
    firstCreationMs = Math.min(firstCreationMs, pod.creationTimeMs);
    lastCreationMs = Math.max(lastCreationMs, pod.creationTimeMs);
  }
  const fallbackCreationMs = Number.isFinite(lastCreationMs) ? lastCreationMs : 0;
  if (!Number.isFinite(firstCreationMs)) firstCreationMs = 0;

  // The boot-arrival policy run continues from a snapshot of this queue, so its pod ids stay valid
  // there. Other runs use scenario indexes.
  const { queue, warnings: namespaceWarnings } = createConfiguredQueue(input.config, 1, input.namespaces, input.module);
  warnings.push(...namespaceWarnings);
  const { byId } = enqueuePods(queue, input.pods, fallbackCreationMs, warnings);

  const normalizer = new ReferenceNormalizer(input.module);
  normalizer.normalizeAll([...byId.values()].flatMap((record) => record.images));
  normalizer.normalizeAll(input.sizes?.rows.map((row) => row.image) ?? []);
  const pods: SimulatedPod[] = [];
  for (const [podId, record] of byId) {
    const images = record.images.map((reference) => {
      const image = normalizer.normalize(reference);
      // The module accepted this pod, so it accepts each of its references.
      if (image === undefined) throw new Error(`the policy module accepted pod ${record.name} but rejects image ${reference}`);
      return image;
    });
    const createdMs = record.creationTimeMs ?? fallbackCreationMs;
    const arrival = input.arrival === "boot" ? 0 : (createdMs - firstCreationMs) / 1000;
    pods.push({ record, tier: queue.podInfo(podId).tier, arrival, images });
  }
  // Array.prototype.sort is stable, so pods that arrive together stay in file order.
  pods.sort((a, b) => a.arrival - b.arrival);

  let bootQueue: Scenario["bootQueue"];
  if (input.arrival === "boot") {
    const indexes = new Map(pods.map((pod, index) => [pod.record, index]));
    const podIndexes = new Map([...byId].map(([podId, record]) => [podId, indexes.get(record)!]));
    bootQueue = { snapshot: queue.snapshot(), podIndexes };
  }

  const bytes = resolveSizes(pods, input, normalizer, warnings);
  const link = { bandwidth: input.bandwidth, latency: input.latency };
  return {
    pods,
    config: input.config,
    namespaces: input.namespaces,
    fallbackCreationMs,
    bytes,
    ...link,
    arrival: input.arrival,
    lowerBounds: tierLowerBounds({ pods, bytes, ...link }),
    bootQueue,
    warnings,
  };
}

/** Looks up every requested image in the size table. Images it lacks get the default size and one warning. */
function resolveSizes(
  pods: readonly SimulatedPod[],
  input: ScenarioInput,
  normalizer: ReferenceNormalizer,
  warnings: string[],
): Map<string, number> {
  const requested = new Set(pods.flatMap((pod) => pod.images));
  const bytes = new Map<string, number>();
  const defaultSize = formatBytes(input.defaultSize);

  if (input.sizes === undefined) {
    for (const image of requested) bytes.set(image, input.defaultSize);
    if (requested.size > 0) warnings.push(`no --sizes file: each of the ${requested.size} images counts as ${defaultSize}`);
    return bytes;
  }

  const index = indexSizeTable(input.sizes, (reference) => normalizer.normalize(reference));
  if (index.unusableLines.length > 0) {
    warnings.push(
      `${input.sizes.file}: skipped ${index.unusableLines.length} lines without a valid image reference and a size ` +
        `(lines ${index.unusableLines.join(", ")})`,
    );
  }

  const missing: string[] = [];
  for (const image of requested) {
    const size = index.bytes.get(image);
    if (size === undefined) missing.push(image);
    bytes.set(image, size ?? input.defaultSize);
  }
  if (missing.length > 0) {
    warnings.push(
      `${input.sizes.file} has no size for ${missing.length} images, each counts as ${defaultSize} (--default-size): ` +
        missing.join(", "),
    );
  }
  return bytes;
}

/**
 * Returns each tier's lower bound in seconds: the bytes of the distinct images of the tier's pods
 * and of the pods of every tier before it, at the full link rate, plus one latency. A run that
 * downloads the earlier tiers' images first cannot make all of the tier's pods ready sooner, but a
 * run that serves a lower tier first can beat the bound for that tier. Tiers without pods get
 * undefined.
 */
export function tierLowerBounds(
  scenario: Pick<Scenario, "pods" | "bytes" | "bandwidth" | "latency">,
): Record<Tier, number | undefined> {
  const bounds = { critical: undefined, preferred: undefined, default: undefined } as Record<Tier, number | undefined>;
  const images = new Set<string>();
  let totalBytes = 0;

  for (const tier of TIERS) {
    const tierPods = scenario.pods.filter((pod) => pod.tier === tier);
    for (const pod of tierPods) {
      for (const image of pod.images) {
        if (images.has(image)) continue;
        images.add(image);
        totalBytes += scenario.bytes.get(image) ?? 0;
      }
    }
    if (tierPods.length > 0) bounds[tier] = totalBytes / scenario.bandwidth + scenario.latency;
  }
  return bounds;
}
