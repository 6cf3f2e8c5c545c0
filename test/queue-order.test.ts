// Specification of the pull order: the ordering keys compared field by field
// (tier, namespace annotation, pod priority, creation time, arrival), image
// reference normalization, coalescing, and re-keying when requesters change.
// Every test runs the real policy module from build/policy.wasm.

import { describe, expect, it } from "vitest";

import { Reason } from "../host/abi/constants.ts";
import type { PodRequest } from "../host/abi/records.ts";
import { DEFAULT_CONFIG } from "../host/config.ts";
import type { NamespaceRecord } from "../host/kube/records.ts";
import { createConfiguredQueue } from "../host/plan.ts";
import { PullQueue } from "../host/queue.ts";
import { BASE_TIME_MS, POLICY, createQueue, imageOf, pod } from "./support/fixtures.ts";

const policy = POLICY;

const SHA256 = "sha256:" + "0123456789abcdef".repeat(4);

/** Drains the queue one image at a time and returns the normalized references in pull order. */
function pullOrder(queue: PullQueue): string[] {
  const order: string[] = [];
  for (let id = queue.next(); id !== undefined; id = queue.next()) {
    order.push(queue.imageInfo(id).image);
    queue.complete(id);
  }
  return order;
}

/** Enqueues `pods` in order into a fresh default queue and returns the pull order. */
function orderOf(pods: readonly PodRequest[], queue: PullQueue = createQueue()): string[] {
  for (const request of pods) queue.enqueue(request);
  return pullOrder(queue);
}

/** Enqueues one pod and returns the info of its first image. */
function infoOfFirstImage(queue: PullQueue, request: PodRequest) {
  const { imageIds } = queue.enqueue(request);
  return queue.imageInfo(imageIds[0]!);
}

describe("tier rules", () => {
  const criticalCases = [
    { rule: "priority at threshold", fields: { priority: 2_000_000_000 }, reason: Reason.CRITICAL_PRIORITY },
    { rule: "priority at int32 max", fields: { priority: 2_147_483_647 }, reason: Reason.CRITICAL_PRIORITY },
    { rule: "system-node-critical class", fields: { priorityClassName: "system-node-critical" }, reason: Reason.CRITICAL_CLASS },
    { rule: "system-cluster-critical class", fields: { priorityClassName: "system-cluster-critical" }, reason: Reason.CRITICAL_CLASS },
    { rule: "critical class with low priority", fields: { priorityClassName: "system-node-critical", priority: -5 }, reason: Reason.CRITICAL_CLASS },
    { rule: "static pod from file", fields: { configSource: "file" }, reason: Reason.STATIC_POD },
    { rule: "static pod from http", fields: { configSource: "http" }, reason: Reason.STATIC_POD },
    { rule: "static pod with empty source", fields: { configSource: "" }, reason: Reason.STATIC_POD },
    { rule: "mirror pod", fields: { mirror: true }, reason: Reason.MIRROR_POD },
    { rule: "mirror pod from api source", fields: { mirror: true, configSource: "api" }, reason: Reason.MIRROR_POD },
  ];

  it.each(criticalCases)("critical by $rule", ({ fields, reason }) => {
    const queue = createQueue();
    // Both competitors arrive first, are created earlier and have the highest non-critical priority.
    queue.setNamespace("apps", "2147483647");
    queue.enqueue(pod("user", { priority: 1_000_000_000, creationTimeMs: BASE_TIME_MS - 60_000 }));
    queue.enqueue(pod("system", { namespace: "kube-system", priority: 1_000_000_000, creationTimeMs: BASE_TIME_MS - 60_000 }));
    const info = infoOfFirstImage(queue, pod("critical", fields));

    expect(info.tier).toBe("critical");
    expect(info.reason).toBe(reason);
    expect(pullOrder(queue)).toEqual([imageOf("critical"), imageOf("system"), imageOf("user")]);
  });

  it.each([
    { rules: "static and mirror", fields: { configSource: "file", mirror: true, priorityClassName: "system-node-critical" }, reason: Reason.STATIC_POD },
    { rules: "mirror and class", fields: { mirror: true, priorityClassName: "system-node-critical", priority: 2_000_001_000 }, reason: Reason.MIRROR_POD },
    { rules: "class and priority", fields: { priorityClassName: "system-cluster-critical", priority: 2_000_000_000 }, reason: Reason.CRITICAL_CLASS },
  ])("reports first reason of $rules", ({ fields, reason }) => {
    const queue = createQueue();
    const info = infoOfFirstImage(queue, pod("critical", fields));

    expect(info.reason).toBe(reason);
  });

  it.each([
    { rule: "priority below threshold", fields: { priority: 1_999_999_999 } },
    { rule: "config source api", fields: { configSource: "api" } },
    { rule: "other priority class", fields: { priorityClassName: "high-priority" } },
    { rule: "critical class name prefix", fields: { priorityClassName: "system-node" } },
    { rule: "mirror flag false", fields: { mirror: false } },
  ])("default tier for $rule", ({ fields }) => {
    const queue = createQueue();
    queue.enqueue(pod("system", { namespace: "kube-system", creationTimeMs: BASE_TIME_MS + 60_000 }));
    const info = infoOfFirstImage(queue, pod("user", fields));

    expect(info.tier).toBe("default");
    expect(info.reason).toBe(Reason.NO_ANNOTATION);
    expect(pullOrder(queue)).toEqual([imageOf("system"), imageOf("user")]);
  });

  it("preferred by default for kube-system", () => {
    const queue = createQueue();
    const info = infoOfFirstImage(queue, pod("dns", { namespace: "kube-system" }));

    expect(info.tier).toBe("preferred");
    expect(info.reason).toBe(Reason.PREFERRED_NAMESPACE);
    expect(info.group).toBe(0);
  });

  it("tier outranks every later key", () => {
    const queue = createQueue();
    queue.setNamespace("apps", "2147483647");
    // Arrival order is the reverse of tier order, and the lower tiers win every later key.
    queue.enqueue(pod("user", { priority: 1_000_000_000, creationTimeMs: BASE_TIME_MS - 120_000 }));
    queue.enqueue(pod("system", { namespace: "kube-system", priority: -1000, creationTimeMs: BASE_TIME_MS - 60_000 }));
    queue.enqueue(pod("node-agent", { priorityClassName: "system-node-critical", priority: 0 }));

    expect(pullOrder(queue)).toEqual([imageOf("node-agent"), imageOf("system"), imageOf("user")]);
  });

  it("preferred list puts earlier first", () => {
    const queue = createQueue({ preferredNamespaces: ["kube-system", "networking", "monitoring"] });
    const arrivals = [
      pod("metrics", { namespace: "monitoring", creationTimeMs: BASE_TIME_MS - 3000 }),
      pod("cni", { namespace: "networking", creationTimeMs: BASE_TIME_MS - 2000 }),
      pod("dns", { namespace: "kube-system", creationTimeMs: BASE_TIME_MS - 1000 }),
      pod("web", { namespace: "apps", creationTimeMs: BASE_TIME_MS - 4000 }),
    ];
    const groups = arrivals.map((request) => infoOfFirstImage(queue, request).group);

    expect(groups).toEqual([2, 1, 0, 0]);
    expect(pullOrder(queue)).toEqual([imageOf("dns"), imageOf("cni"), imageOf("metrics"), imageOf("web")]);
  });

  it("unlisted kube-system is default tier", () => {
    const queue = createQueue({ preferredNamespaces: ["networking"] });
    const info = infoOfFirstImage(queue, pod("dns", { namespace: "kube-system" }));

    expect(info.tier).toBe("default");
  });

  it("empty preferred list has no preferred tier", () => {
    const queue = createQueue({ preferredNamespaces: [] });
    const info = infoOfFirstImage(queue, pod("dns", { namespace: "kube-system" }));

    expect(info.tier).toBe("default");
  });

  it.each([
    { setting: "threshold 1000 at 1000", config: { criticalPriorityThreshold: 1000 }, fields: { priority: 1000 }, tier: "critical" },
    { setting: "threshold 1000 at 999", config: { criticalPriorityThreshold: 1000 }, fields: { priority: 999 }, tier: "default" },
    { setting: "negative threshold at 0", config: { criticalPriorityThreshold: -10 }, fields: { priority: 0 }, tier: "critical" },
    { setting: "threshold without priority", config: { criticalPriorityThreshold: -10 }, fields: {}, tier: "default" },
    { setting: "custom class listed", config: { criticalPriorityClassNames: ["node-agent"] }, fields: { priorityClassName: "node-agent" }, tier: "critical" },
    {
      setting: "default class unlisted",
      config: { criticalPriorityClassNames: ["node-agent"] },
      fields: { priorityClassName: "system-node-critical" },
      tier: "default",
    },
    { setting: "no critical classes", config: { criticalPriorityClassNames: [] }, fields: { priorityClassName: "system-cluster-critical" }, tier: "default" },
  ])("configured $setting", ({ config, fields, tier }) => {
    const queue = createQueue(config);
    const info = infoOfFirstImage(queue, pod("subject", fields));

    expect(info.tier).toBe(tier);
  });
});

describe("namespace annotation", () => {
  it("orders higher values first", () => {
    const queue = createQueue();
    const values: Array<[string, string | undefined]> = [
      ["max", "2147483647"],
      ["ten", "10"],
      ["five", "5"],
      ["none", undefined],
      ["minus-three", "-3"],
      ["min", "-2147483648"],
    ];
    for (const [namespace, value] of values) queue.setNamespace(namespace, value);
    // Arrival and creation order are the reverse of the expected pull order.
    const reversed = [...values].reverse();
    reversed.forEach(([namespace], i) => {
      queue.enqueue(pod(namespace, { namespace, creationTimeMs: BASE_TIME_MS + i }));
    });

    expect(pullOrder(queue)).toEqual(values.map(([namespace]) => imageOf(namespace)));
  });

  it("ranks negative below no annotation", () => {
    const queue = createQueue();
    queue.setNamespace("batch", "-1");
    queue.enqueue(pod("job", { namespace: "batch", creationTimeMs: BASE_TIME_MS - 60_000 }));
    queue.enqueue(pod("web", { namespace: "apps" }));

    expect(pullOrder(queue)).toEqual([imageOf("web"), imageOf("job")]);
  });

  it("outranks pod priority", () => {
    const queue = createQueue();
    queue.setNamespace("team", "1");
    queue.enqueue(pod("busy", { namespace: "apps", priority: 1_000_000_000 }));
    queue.enqueue(pod("calm", { namespace: "team", priority: -1_000_000_000 }));

    expect(pullOrder(queue)).toEqual([imageOf("calm"), imageOf("busy")]);
  });

  it.each([
    { value: "7", group: 7 },
    { value: "-7", group: -7 },
    { value: "+7", group: 7 },
    { value: "007", group: 7 },
    { value: "0", group: 0 },
    { value: "2147483647", group: 2147483647 },
    { value: "-2147483648", group: -2147483648 },
  ])("accepts int32 value $value", ({ value, group }) => {
    const queue = createQueue();
    const accepted = queue.setNamespace("team", value);
    const info = infoOfFirstImage(queue, pod("web", { namespace: "team" }));

    expect(accepted).toBe(true);
    expect(info.reason).toBe(Reason.NAMESPACE_ANNOTATION);
    expect(info.group).toBe(group);
  });

  it.each(["high", "1.5", "", " 5", "5 ", "0x1f", "1e3", "+", "-", "2147483648", "-2147483649", "99999999999"])(
    "counts invalid value %j as 0",
    (value) => {
      const queue = createQueue();
      queue.setNamespace("plus", "1");
      queue.setNamespace("zero", "0");
      queue.setNamespace("minus", "-1");
      const accepted = queue.setNamespace("broken", value);
      // Creation order differs from the expected pull order, so only the annotation can explain it.
      queue.enqueue(pod("minus", { namespace: "minus", creationTimeMs: BASE_TIME_MS }));
      queue.enqueue(pod("zero", { namespace: "zero", creationTimeMs: BASE_TIME_MS + 1 }));
      const info = infoOfFirstImage(queue, pod("broken", { namespace: "broken", creationTimeMs: BASE_TIME_MS + 2 }));
      queue.enqueue(pod("none", { namespace: "none", creationTimeMs: BASE_TIME_MS + 3 }));
      queue.enqueue(pod("plus", { namespace: "plus", creationTimeMs: BASE_TIME_MS + 4 }));

      expect(accepted).toBe(false);
      expect(info.reason).toBe(Reason.ANNOTATION_INVALID);
      expect(info.group).toBe(0);
      expect(pullOrder(queue)).toEqual(["plus", "zero", "broken", "none", "minus"].map(imageOf));
    },
  );

  it("ignores annotation outside default tier", () => {
    const queue = createQueue();
    queue.setNamespace("kube-system", "-1000");
    queue.setNamespace("apps", "1000");
    queue.enqueue(pod("web", { namespace: "apps" }));
    const system = infoOfFirstImage(queue, pod("dns", { namespace: "kube-system" }));
    const critical = infoOfFirstImage(queue, pod("proxy", { namespace: "apps", priorityClassName: "system-node-critical" }));

    expect(system.group).toBe(0);
    expect(critical.group).toBe(0);
    expect(pullOrder(queue)).toEqual([imageOf("proxy"), imageOf("dns"), imageOf("web")]);
  });

  it("warns naming namespace and value", () => {
    const namespaces = [
      { name: "batch", annotations: { "image-pull-priority": "high" } },
      { name: "web", annotations: { "image-pull-priority": "5" } },
    ];
    const { warnings } = createConfiguredQueue({ ...DEFAULT_CONFIG }, 1, namespaces, policy);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("batch");
    expect(warnings[0]).toContain('"high"');
  });

  it("reads the configured annotation key", () => {
    const config = { ...DEFAULT_CONFIG, namespacePriorityAnnotation: "example.com/pull-priority" };
    const namespaces: NamespaceRecord[] = [
      { name: "custom", annotations: { "example.com/pull-priority": "5" } },
      { name: "standard", annotations: { "image-pull-priority": "500" } },
    ];
    const { queue } = createConfiguredQueue(config, 1, namespaces, policy);
    const custom = infoOfFirstImage(queue, pod("custom", { namespace: "custom" }));
    const standard = infoOfFirstImage(queue, pod("standard", { namespace: "standard" }));

    expect(custom.group).toBe(5);
    expect(standard.group).toBe(0);
    expect(standard.reason).toBe(Reason.NO_ANNOTATION);
  });
});

describe("priority, creation time and arrival", () => {
  it("orders higher priority first", () => {
    const pods = [
      pod("none"),
      pod("negative", { priority: -10 }),
      pod("high", { priority: 1_000_000_000 }),
      pod("five", { priority: 5 }),
      pod("zero", { priority: 0 }),
    ];

    // A pod without priority counts as 0 and ties with "zero", which arrived later.
    expect(orderOf(pods)).toEqual(["high", "five", "none", "zero", "negative"].map(imageOf));
  });

  it("priority outranks creation time", () => {
    const pods = [pod("old", { creationTimeMs: BASE_TIME_MS - 3_600_000 }), pod("important", { priority: 1 })];

    expect(orderOf(pods)).toEqual([imageOf("important"), imageOf("old")]);
  });

  it("priority orders within preferred tier", () => {
    const pods = [pod("low", { namespace: "kube-system" }), pod("high", { namespace: "kube-system", priority: 10 })];

    expect(orderOf(pods)).toEqual([imageOf("high"), imageOf("low")]);
  });

  it("priority orders within critical tier", () => {
    const pods = [
      pod("exporter", { priorityClassName: "system-cluster-critical", priority: 2_000_000_000 }),
      pod("device-plugin", { priorityClassName: "system-node-critical", priority: 2_000_001_000 }),
    ];

    expect(orderOf(pods)).toEqual([imageOf("device-plugin"), imageOf("exporter")]);
  });

  it("orders earlier creation first", () => {
    const pods = [
      pod("third", { creationTimeMs: BASE_TIME_MS + 3000 }),
      pod("first", { creationTimeMs: -5000 }),
      pod("second", { creationTimeMs: BASE_TIME_MS }),
    ];

    expect(orderOf(pods)).toEqual(["first", "second", "third"].map(imageOf));
  });

  it("creation time outranks arrival", () => {
    const pods = [pod("late", { creationTimeMs: BASE_TIME_MS + 1 }), pod("early", { creationTimeMs: BASE_TIME_MS })];

    expect(orderOf(pods)).toEqual([imageOf("early"), imageOf("late")]);
  });

  it("uses pod time, not request time", () => {
    const queue = createQueue();
    queue.enqueue(pod("old", { creationTimeMs: BASE_TIME_MS, images: [imageOf("old-init")] }));
    queue.enqueue(pod("new", { creationTimeMs: BASE_TIME_MS + 1000 }));
    // The old pod's next image arrives after the new pod, yet keeps the old pod's place.
    queue.enqueue(pod("old", { creationTimeMs: BASE_TIME_MS, images: [imageOf("old-main")] }));

    expect(pullOrder(queue)).toEqual([imageOf("old-init"), imageOf("old-main"), imageOf("new")]);
  });

  it("breaks full ties by arrival", () => {
    const names = ["e", "b", "d", "a", "c"];

    expect(orderOf(names.map((name) => pod(name)))).toEqual(names.map(imageOf));
  });

  it("keeps container order within a pod", () => {
    const images = ["init-net", "init-config", "main", "sidecar"].map(imageOf);
    const pods = [pod("web", { images }), pod("other")];

    expect(orderOf(pods)).toEqual([...images, imageOf("other")]);
  });

  it("reports container index of best request", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("web", { images: ["init", "main", "sidecar"].map(imageOf) }));
    const indexes = imageIds.map((id) => queue.imageInfo(id).bestContainerIndex);

    expect(indexes).toEqual([0, 1, 2]);
  });
});

describe("reference normalization", () => {
  it.each([
    { reference: "nginx", normalized: "docker.io/library/nginx:latest" },
    { reference: "nginx:1.25", normalized: "docker.io/library/nginx:1.25" },
    { reference: "library/nginx", normalized: "docker.io/library/nginx:latest" },
    { reference: "docker.io/nginx", normalized: "docker.io/library/nginx:latest" },
    { reference: "docker.io/library/nginx:latest", normalized: "docker.io/library/nginx:latest" },
    { reference: "index.docker.io/nginx", normalized: "docker.io/library/nginx:latest" },
    { reference: "index.docker.io/library/nginx:1.25", normalized: "docker.io/library/nginx:1.25" },
    { reference: "index.docker.io/user/app", normalized: "docker.io/user/app:latest" },
    { reference: "user/app:v2", normalized: "docker.io/user/app:v2" },
    { reference: "localhost:5000/x", normalized: "localhost:5000/x:latest" },
    { reference: "localhost:5000/x:dev", normalized: "localhost:5000/x:dev" },
    { reference: "localhost/x", normalized: "localhost/x:latest" },
    { reference: "quay.io/calico/node:v3.26", normalized: "quay.io/calico/node:v3.26" },
    { reference: "registry.k8s.io/pause:3.9", normalized: "registry.k8s.io/pause:3.9" },
    { reference: `nginx@${SHA256}`, normalized: `docker.io/library/nginx@${SHA256}` },
    { reference: `nginx:1.25@${SHA256}`, normalized: `docker.io/library/nginx@${SHA256}` },
    { reference: `quay.io/calico/node:v3.26@${SHA256}`, normalized: `quay.io/calico/node@${SHA256}` },
    { reference: `localhost:5000/x@${SHA256}`, normalized: `localhost:5000/x@${SHA256}` },
  ])("normalizes $reference", ({ reference, normalized }) => {
    const queue = createQueue();
    const info = infoOfFirstImage(queue, pod("web", { images: [reference] }));

    expect(info.image).toBe(normalized);
  });

  it.each([
    { spellings: ["nginx", "docker.io/library/nginx:latest", "docker.io/nginx", "index.docker.io/library/nginx", "library/nginx:latest"] },
    { spellings: ["user/app", "docker.io/user/app:latest", "index.docker.io/user/app:latest"] },
    { spellings: [`nginx:1.25@${SHA256}`, `docker.io/library/nginx@${SHA256}`, `nginx:other@${SHA256}`] },
  ])("coalesces spellings of $spellings.0", ({ spellings }) => {
    const queue = createQueue();
    const ids = spellings.map((reference, i) => queue.enqueue(pod(`pod-${i}`, { images: [reference] })).imageIds[0]);

    expect(new Set(ids).size).toBe(1);
    expect(queue.stats().pending).toBe(1);
    expect(queue.imageInfo(ids[0]!).podIds).toHaveLength(spellings.length);
  });

  it.each([
    { first: "nginx", second: `nginx@${SHA256}` },
    { first: "nginx", second: "nginx:1.25" },
    { first: "localhost:5000/x", second: "localhost/x" },
    { first: "quay.io/nginx", second: "nginx" },
  ])("keeps $first and $second apart", ({ first, second }) => {
    const queue = createQueue();
    const firstId = queue.enqueue(pod("a", { images: [first] })).imageIds[0];
    const secondId = queue.enqueue(pod("b", { images: [second] })).imageIds[0];

    expect(firstId).not.toBe(secondId);
    expect(queue.stats().pending).toBe(2);
  });
});

describe("coalescing", () => {
  it("shares one pull between pods", () => {
    const queue = createQueue({ slots: 2 });
    const first = queue.enqueue(pod("a", { images: ["nginx"] }));
    const second = queue.enqueue(pod("b", { images: ["nginx"] }));
    const id = queue.next();
    const again = queue.next();

    expect(second.imageIds).toEqual(first.imageIds);
    expect(id).toBe(first.imageIds[0]);
    expect(again).toBeUndefined();
    expect(queue.complete(id!).map((waiter) => waiter.podId)).toEqual([first.podId, second.podId]);
  });

  it("counts one request per repeated image", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("a", { images: ["nginx", "docker.io/library/nginx:latest", "nginx"] }));

    expect(new Set(imageIds).size).toBe(1);
    expect(imageIds).toHaveLength(3);
    expect(queue.stats().requests).toBe(1);
  });

  it("carries the best requester's key", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("web", { images: ["shared"] }));
    queue.enqueue(pod("other", { creationTimeMs: BASE_TIME_MS - 60_000 }));
    const { podId } = queue.enqueue(pod("dns", { namespace: "kube-system", images: ["shared"] }));
    const info = queue.imageInfo(imageIds[0]!);

    expect(info.tier).toBe("preferred");
    expect(info.bestPodId).toBe(podId);
    expect(pullOrder(queue)).toEqual(["docker.io/library/shared:latest", imageOf("other")]);
  });
});

describe("promotion and demotion", () => {
  it("promotes when a better pod arrives", () => {
    const queue = createQueue();
    queue.enqueue(pod("first"));
    const { imageIds } = queue.enqueue(pod("second"));
    const { podId } = queue.enqueue(pod("agent", { priorityClassName: "system-node-critical", images: [imageOf("second")] }));
    const info = queue.imageInfo(imageIds[0]!);

    expect(info.tier).toBe("critical");
    expect(info.bestPodId).toBe(podId);
    expect(pullOrder(queue)).toEqual([imageOf("second"), imageOf("first")]);
  });

  it("keeps key when a worse pod arrives", () => {
    const queue = createQueue();
    const { podId, imageIds } = queue.enqueue(pod("dns", { namespace: "kube-system" }));
    queue.enqueue(pod("web", { priority: 1_000_000_000, images: [imageOf("dns")] }));
    const info = queue.imageInfo(imageIds[0]!);

    expect(info.tier).toBe("preferred");
    expect(info.bestPodId).toBe(podId);
  });

  it("demotes when best requester leaves", () => {
    const queue = createQueue();
    const best = queue.enqueue(pod("dns", { namespace: "kube-system", images: [imageOf("shared")] }));
    queue.enqueue(pod("middle", { creationTimeMs: BASE_TIME_MS + 1000 }));
    const remaining = queue.enqueue(pod("late", { creationTimeMs: BASE_TIME_MS + 2000, images: [imageOf("shared")] }));
    const dropped = queue.removePod(best.podId);
    const info = queue.imageInfo(best.imageIds[0]!);

    expect(dropped).toBe(0);
    expect(info.tier).toBe("default");
    expect(info.bestPodId).toBe(remaining.podId);
    expect(pullOrder(queue)).toEqual([imageOf("middle"), imageOf("shared")]);
  });

  it("keeps key when another requester leaves", () => {
    const queue = createQueue();
    const best = queue.enqueue(pod("dns", { namespace: "kube-system", images: [imageOf("shared")] }));
    const other = queue.enqueue(pod("web", { images: [imageOf("shared")] }));
    queue.removePod(other.podId);
    const info = queue.imageInfo(best.imageIds[0]!);

    expect(info.tier).toBe("preferred");
    expect(info.bestPodId).toBe(best.podId);
  });

  it("re-keys when annotation is added", () => {
    const queue = createQueue();
    queue.enqueue(pod("a", { namespace: "team-a" }));
    queue.enqueue(pod("b", { namespace: "team-b" }));
    queue.setNamespace("team-b", "10");

    expect(pullOrder(queue)).toEqual([imageOf("b"), imageOf("a")]);
  });

  it("re-keys when annotation turns negative", () => {
    const queue = createQueue();
    queue.enqueue(pod("a", { namespace: "team-a" }));
    queue.enqueue(pod("b", { namespace: "team-b" }));
    queue.setNamespace("team-a", "-1");

    expect(pullOrder(queue)).toEqual([imageOf("b"), imageOf("a")]);
  });

  it("re-keys when annotation is removed", () => {
    const queue = createQueue();
    queue.setNamespace("team-a", "-5");
    queue.enqueue(pod("a", { namespace: "team-a" }));
    queue.enqueue(pod("b", { namespace: "team-b" }));
    queue.setNamespace("team-a", undefined);
    const info = queue.imageInfo(queue.enqueue(pod("a", { namespace: "team-a" })).imageIds[0]!);

    expect(info.reason).toBe(Reason.NO_ANNOTATION);
    expect(pullOrder(queue)).toEqual([imageOf("a"), imageOf("b")]);
  });

  it("re-keys when annotation becomes invalid", () => {
    const queue = createQueue();
    queue.setNamespace("team-a", "-5");
    queue.enqueue(pod("a", { namespace: "team-a" }));
    queue.enqueue(pod("b", { namespace: "team-b" }));
    const accepted = queue.setNamespace("team-a", "low");

    expect(accepted).toBe(false);
    expect(pullOrder(queue)).toEqual([imageOf("a"), imageOf("b")]);
  });

  it("re-keys shared image to best namespace", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { namespace: "team-a", images: [imageOf("shared")] }));
    queue.enqueue(pod("other", { namespace: "team-c", creationTimeMs: BASE_TIME_MS + 1 }));
    const second = queue.enqueue(pod("b", { namespace: "team-b", creationTimeMs: BASE_TIME_MS + 2, images: [imageOf("shared")] }));
    queue.setNamespace("team-a", "-1");
    const lowered = queue.imageInfo(first.imageIds[0]!);
    queue.setNamespace("team-b", "3");
    const raised = queue.imageInfo(first.imageIds[0]!);

    // With team-a at -1, the best request for the shared image is team-b's pod.
    expect(lowered.bestPodId).toBe(second.podId);
    expect(raised.bestPodId).toBe(second.podId);
    expect(raised.group).toBe(3);
    expect(pullOrder(queue)).toEqual([imageOf("shared"), imageOf("other")]);
  });

  it("annotation change spares preferred tier", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("dns", { namespace: "kube-system" }));
    queue.enqueue(pod("web", { namespace: "apps" }));
    queue.setNamespace("kube-system", "-100");
    const info = queue.imageInfo(imageIds[0]!);

    expect(info.tier).toBe("preferred");
    expect(pullOrder(queue)).toEqual([imageOf("dns"), imageOf("web")]);
  });
});

describe("re-enqueue", () => {
  it("keeps pod id and arrival place", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { images: [imageOf("a1")] }));
    const sequence = queue.podInfo(first.podId).sequence;
    queue.enqueue(pod("b"));
    const again = queue.enqueue(pod("a", { images: [imageOf("a2")] }));

    expect(again.podId).toBe(first.podId);
    expect(queue.podInfo(first.podId).sequence).toBe(sequence);
    expect(pullOrder(queue)).toEqual([imageOf("a1"), imageOf("a2"), imageOf("b")]);
  });

  it("appends images after earlier containers", () => {
    const queue = createQueue();
    queue.enqueue(pod("a", { images: ["init", "main"].map(imageOf) }));
    const { imageIds } = queue.enqueue(pod("a", { images: [imageOf("sidecar")] }));
    const info = queue.imageInfo(imageIds[0]!);

    expect(info.bestContainerIndex).toBe(2);
    expect(queue.podInfo(info.bestPodId).imageIds).toHaveLength(3);
    expect(pullOrder(queue)).toEqual(["init", "main", "sidecar"].map(imageOf));
  });

  it("skips images the pod already waits for", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { images: [imageOf("main")] }));
    const again = queue.enqueue(pod("a", { images: [imageOf("main"), imageOf("extra")] }));

    expect(again.imageIds[0]).toBe(first.imageIds[0]);
    expect(queue.stats().requests).toBe(2);
    expect(queue.imageInfo(first.imageIds[0]!).podIds).toEqual([first.podId]);
  });

  it("keeps place after one image completed", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { images: ["init", "main"].map(imageOf) }));
    queue.enqueue(pod("b"));
    queue.complete(queue.next()!);
    const again = queue.enqueue(pod("a", { images: [imageOf("sidecar")] }));

    expect(again.podId).toBe(first.podId);
    expect(pullOrder(queue)).toEqual([imageOf("main"), imageOf("sidecar"), imageOf("b")]);
  });
});
