// The `plan` job: feeds a node's pods to the policy module and drains the
// queue, recording the order in which the images would be pulled and why.

import type { Tier } from "./abi/constants.ts";
import type { PolicyConfig } from "./config.ts";
import { PolicyError } from "./errors.ts";
import type { SkippedCounts } from "./kube/load.ts";
import type { NamespaceRecord, PodRecord } from "./kube/records.ts";
import type { PolicyModule } from "./loader.ts";
import { PullQueue } from "./queue.ts";
import { formatReason } from "./reason.ts";

/** One image in pull order. */
export interface PlanEntry {
  /** Normalized image reference. */
  image: string;
  tier: Tier;
  reason: string;
  /** The pods that wait for the image, as namespace/name, best first. */
  pods: string[];
}

/** Pods left out of the plan, by reason. noImage counts containers; the others count pods. */
export interface PlanSkipped extends SkippedCounts {
  /** Pods with an image reference the module rejects; each also gets a warning. */
  invalidImage: number;
}

export interface Plan {
  order: PlanEntry[];
  skipped: PlanSkipped;
  warnings: string[];
}

export interface PlanInput {
  pods: readonly PodRecord[];
  skipped: SkippedCounts;
  namespaces: readonly NamespaceRecord[];
  config: PolicyConfig;
  /** Images in flight at once, as the kubelet's maxParallelImagePulls. */
  slots: number;
  /** Creation time in ms given to pods that have none. */
  now: number;
  module?: PolicyModule | undefined;
}

/** Creates a queue configured from `config` and annotated from `namespaces`; returns it and its warnings. */
export function createConfiguredQueue(
  config: PolicyConfig,
  slots: number,
  namespaces: readonly NamespaceRecord[],
  module?: PolicyModule,
): { queue: PullQueue; warnings: string[] } {
  const queue = PullQueue.create(module);
  queue.configure({ ...config, slots });

  const warnings: string[] = [];
  for (const namespace of namespaces) {
    const annotation = namespace.annotations[config.namespacePriorityAnnotation];
    if (annotation === undefined) continue;
    if (!queue.setNamespace(namespace.name, annotation)) {
      warnings.push(
        `namespace ${namespace.name}: annotation ${config.namespacePriorityAnnotation}=${JSON.stringify(annotation)} ` +
          "is not an int32 and counts as 0",
      );
    }
  }
  return { queue, warnings };
}

/**
 * Enqueues every pod in order; a pod the module rejects is skipped with a
 * warning. Returns the pods by their module id.
 */
export function enqueuePods(
  queue: PullQueue,
  pods: readonly PodRecord[],
  now: number,
  warnings: string[],
): { byId: Map<number, PodRecord>; rejected: number } {
  const byId = new Map<number, PodRecord>();
  let rejected = 0;
  for (const pod of pods) {
    try {
      const { podId } = queue.enqueue({ ...pod, creationTimeMs: pod.creationTimeMs ?? now });
      byId.set(podId, pod);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      rejected++;
      const field = error.field ?? "record";
      warnings.push(`pod ${pod.namespace}/${pod.name} skipped: ${field} ${JSON.stringify(error.value)}: ${error.detail}`);
    }
  }
  return { byId, rejected };
}

/** Computes the pull order for `input`. */
export function planPulls(input: PlanInput): Plan {
  const { queue, warnings } = createConfiguredQueue(input.config, input.slots, input.namespaces, input.module);
  const { byId, rejected } = enqueuePods(queue, input.pods, input.now, warnings);
  const podName = (id: number): string => {
    const pod = byId.get(id);
    return pod === undefined ? `pod#${id}` : `${pod.namespace}/${pod.name}`;
  };

  // Fill every slot, then complete the oldest pull first, as a node would.
  const order: PlanEntry[] = [];
  const inFlight: number[] = [];
  for (;;) {
    for (let id = queue.next(); id !== undefined; id = queue.next()) {
      const info = queue.imageInfo(id);
      order.push({
        image: info.image,
        tier: info.tier ?? "default",
        reason: formatReason(info, byId.get(info.bestPodId), input.config.namespacePriorityAnnotation),
        pods: info.podIds.map(podName),
      });
      inFlight.push(id);
    }
    const oldest = inFlight.shift();
    if (oldest === undefined) break;
    queue.complete(oldest);
  }

  return { order, skipped: { ...input.skipped, invalidImage: rejected }, warnings };
}
