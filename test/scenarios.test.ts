// Scenarios modelled on problems reported by Kubernetes operators: a node
// that restarts with critical pods behind ordinary ones, a batch burst in
// front of the CNI pod, and a rolling update that could occupy every pull
// slot. Each runs the real policy module from build/policy.wasm.

import { describe, expect, it } from "vitest";

import type { Tier } from "../host/abi/constants.ts";
import type { PodRequest, Waiter } from "../host/abi/records.ts";
import { PolicyModule } from "../host/loader.ts";
import { PullQueue } from "../host/queue.ts";

const policy = PolicyModule.load();

/** Time from which scenario pods count their creation in seconds: 2024-01-01T00:00:00Z. */
const BASE_TIME_MS = Date.UTC(2024, 0, 1);

function secondsAfterBase(seconds: number): number {
  return BASE_TIME_MS + seconds * 1000;
}

/** One image in pull order, with the tier it was pulled for. */
interface Pull {
  image: string;
  tier: Tier | undefined;
}

/** Enqueues `pods` in order, drains the queue with one slot and returns each pull. */
function drain(pods: readonly PodRequest[]): Pull[] {
  const queue = PullQueue.create(policy);
  for (const request of pods) queue.enqueue(request);
  const pulls: Pull[] = [];
  for (let id = queue.next(); id !== undefined; id = queue.next()) {
    const info = queue.imageInfo(id);
    pulls.push({ image: info.image, tier: info.tier });
    queue.complete(id);
  }
  return pulls;
}

// After a kubelet restart every pod of the node is enqueued at once, in creation order. The
// collect-profiles CronJob pod has a high user priority, but the device plugin and the
// exporter belong to the system priority classes and must not wait behind it.
const restartPods: PodRequest[] = [
  {
    namespace: "openshift-operator-lifecycle-manager",
    name: "collect-profiles-28417530-6xk2q",
    priority: 1_000_000_000,
    priorityClassName: "openshift-user-critical",
    creationTimeMs: secondsAfterBase(0),
    images: ["quay.io/openshift-release-dev/ocp-v4.0-art-dev:olm-4.14"],
  },
  {
    namespace: "openshift-monitoring",
    name: "node-exporter-b7xmh",
    priority: 2_000_000_000,
    priorityClassName: "system-cluster-critical",
    creationTimeMs: secondsAfterBase(1),
    images: ["quay.io/prometheus/node-exporter:v1.6.1", "quay.io/brancz/kube-rbac-proxy:v0.15.0"],
  },
  {
    namespace: "openshift-sriov-network-operator",
    name: "sriov-device-plugin-lz8rp",
    priority: 2_000_001_000,
    priorityClassName: "system-node-critical",
    creationTimeMs: secondsAfterBase(2),
    images: ["quay.io/openshift/origin-sriov-network-device-plugin:4.14"],
  },
];

// A Job starts 120 pods that share an init image and a worker image. The node's CNI pod
// arrives after all of them. It is kindnet, which has no priority class.
const BATCH_INIT = "registry.example.com/batch/fetch-inputs:v3";
const BATCH_WORKER = "registry.example.com/batch/worker:v3";
const CNI_IMAGE = "docker.io/kindest/kindnetd:v20230511-dc714da8";
const BATCH_PODS = 120;
const batchPods: PodRequest[] = Array.from({ length: BATCH_PODS }, (_, i) => ({
  namespace: "batch",
  name: `render-${String(i).padStart(3, "0")}`,
  creationTimeMs: secondsAfterBase(i),
  images: [BATCH_INIT, BATCH_WORKER],
}));
const cniPod: PodRequest = {
  namespace: "kube-system",
  name: "kindnet-2xc82",
  creationTimeMs: secondsAfterBase(BATCH_PODS),
  images: ["kindest/kindnetd:v20230511-dc714da8"],
};

describe("pull order scenarios", () => {
  it.each([
    {
      scenario: "kubelet restart reverses arrival",
      pods: restartPods,
      expected: [
        { image: "quay.io/openshift/origin-sriov-network-device-plugin:4.14", tier: "critical" },
        { image: "quay.io/prometheus/node-exporter:v1.6.1", tier: "critical" },
        { image: "quay.io/brancz/kube-rbac-proxy:v0.15.0", tier: "critical" },
        { image: "quay.io/openshift-release-dev/ocp-v4.0-art-dev:olm-4.14", tier: "default" },
      ],
    },
    {
      scenario: "CNI pod passes batch burst",
      pods: [...batchPods, cniPod],
      expected: [
        { image: CNI_IMAGE, tier: "preferred" },
        { image: BATCH_INIT, tier: "default" },
        { image: BATCH_WORKER, tier: "default" },
      ],
    },
  ])("$scenario", ({ pods, expected }) => {
    expect(drain(pods)).toEqual(expected);
  });

  it("batch burst shares one init pull", () => {
    const queue = PullQueue.create(policy);
    const initIds = new Set(batchPods.map((request) => queue.enqueue(request).imageIds[0]));
    queue.enqueue(cniPod);
    queue.complete(queue.next()!);
    const initId = queue.next()!;
    const waiters = queue.complete(initId);

    expect(initIds).toEqual(new Set([initId]));
    expect(waiters).toHaveLength(BATCH_PODS);
    expect(waiters.every((waiter) => waiter.remaining === 1)).toBe(true);
    expect(queue.stats().pending).toBe(1);
  });
});

/** One step of a slot scenario and what it must return. */
type Step =
  | { call: "enqueue"; pods: PodRequest[] }
  | { call: "next"; expected: string | undefined }
  | { call: "complete"; image: string; expectedWaiters: number }
  | { call: "inFlight"; expected: number };

const ROLLOUT_IMAGE = "registry.example.com/x:v2";
const rolloutPods: PodRequest[] = Array.from({ length: 10 }, (_, i) => ({
  namespace: "shop",
  name: `web-7d9c5b6f4-${i}`,
  creationTimeMs: secondsAfterBase(i),
  images: [ROLLOUT_IMAGE],
}));
const urgentPod: PodRequest = {
  namespace: "payments",
  name: "checkout-5f8d7",
  creationTimeMs: secondsAfterBase(60),
  images: ["registry.example.com/y:v1"],
};

/** What one checked step expected and returned. */
interface StepResult {
  step: string;
  expected: unknown;
  actual: unknown;
}

/** Runs `steps` on a fresh queue with `slots` pull slots and returns the result of every step that checks something. */
function runSteps(slots: number, steps: readonly Step[]): StepResult[] {
  const queue = PullQueue.create(policy);
  queue.setSlots(slots);
  const ids = new Map<string, number>();
  const results: StepResult[] = [];
  steps.forEach((step, i) => {
    const label = `step ${i + 1} (${step.call})`;
    switch (step.call) {
      case "enqueue":
        for (const request of step.pods) queue.enqueue(request);
        break;
      case "next": {
        const id = queue.next();
        const image = id === undefined ? undefined : queue.imageInfo(id).image;
        if (id !== undefined && image !== undefined) ids.set(image, id);
        results.push({ step: label, expected: step.expected, actual: image });
        break;
      }
      case "complete": {
        const id = ids.get(step.image);
        if (id === undefined) throw new Error(`${label}: ${step.image} was never handed out`);
        const waiters: Waiter[] = queue.complete(id);
        results.push({ step: label, expected: step.expectedWaiters, actual: waiters.length });
        break;
      }
      case "inFlight":
        results.push({ step: label, expected: step.expected, actual: queue.stats().inFlight });
        break;
    }
  });
  return results;
}

describe("pull slot scenarios", () => {
  it.each([
    {
      scenario: "rollout leaves a slot free",
      slots: 2,
      steps: [
        { call: "enqueue", pods: rolloutPods },
        { call: "next", expected: ROLLOUT_IMAGE },
        { call: "next", expected: undefined },
        { call: "enqueue", pods: [urgentPod] },
        { call: "next", expected: "registry.example.com/y:v1" },
        { call: "inFlight", expected: 2 },
        { call: "complete", image: ROLLOUT_IMAGE, expectedWaiters: 10 },
        { call: "complete", image: "registry.example.com/y:v1", expectedWaiters: 1 },
        { call: "next", expected: undefined },
      ] satisfies Step[],
    },
    {
      scenario: "late rollout pods join pull",
      slots: 2,
      steps: [
        { call: "enqueue", pods: rolloutPods.slice(0, 3) },
        { call: "next", expected: ROLLOUT_IMAGE },
        { call: "enqueue", pods: rolloutPods.slice(3) },
        { call: "next", expected: undefined },
        { call: "inFlight", expected: 1 },
        { call: "complete", image: ROLLOUT_IMAGE, expectedWaiters: 10 },
      ] satisfies Step[],
    },
    {
      scenario: "urgent pod waits for one slot",
      slots: 1,
      steps: [
        { call: "enqueue", pods: rolloutPods },
        { call: "next", expected: ROLLOUT_IMAGE },
        { call: "enqueue", pods: [urgentPod] },
        { call: "next", expected: undefined },
        { call: "complete", image: ROLLOUT_IMAGE, expectedWaiters: 10 },
        { call: "next", expected: "registry.example.com/y:v1" },
      ] satisfies Step[],
    },
  ])("$scenario", ({ slots, steps }) => {
    for (const { step, expected, actual } of runSteps(slots, steps)) {
      expect(actual, step).toEqual(expected);
    }
  });
});
