// The runs of `simulate` on small hand-computed inputs: tier lower bounds, the latency-only cost
// of an image already on the node, the order of each baseline, and the per-tier report.
// Sizes are in bytes on a 1 MB/s link, so a size of N MB downloads in N seconds.

import { describe, expect, it } from "vitest";

import { DEFAULT_CONFIG } from "../host/config.ts";
import type { PodRecord } from "../host/kube/records.ts";
import { PolicyModule } from "../host/loader.ts";
import { formatJson, formatReport, percentile, summarizeRun } from "../host/simulate/report.ts";
import { runAll, runKubelet, runPolicy, type RunResult } from "../host/simulate/runs.ts";
import { buildScenario, type ArrivalMode, type Scenario } from "../host/simulate/scenario.ts";
import type { SizeTable } from "../host/simulate/sizes.ts";

const module = PolicyModule.load();
const MB = 1_000_000;
const START_MS = Date.UTC(2026, 0, 1);

interface PodSpec {
  namespace?: string;
  priorityClassName?: string;
  /** Creation time in seconds after START_MS. */
  created?: number;
  images: string[];
}

function pod(name: string, spec: PodSpec): PodRecord {
  const critical = spec.priorityClassName === "system-node-critical";
  return {
    namespace: spec.namespace ?? "apps",
    name,
    nodeName: "node-1",
    priority: critical ? 2_000_001_000 : 0,
    priorityClassName: spec.priorityClassName ?? "",
    configSource: undefined,
    mirror: false,
    creationTimeMs: START_MS + (spec.created ?? 0) * 1000,
    images: spec.images,
  };
}

interface LinkOptions {
  latency?: number;
  arrival?: ArrivalMode;
}

/** Builds a scenario on a 1 MB/s link; `sizes` maps references as written to bytes. */
function scenarioOf(pods: PodRecord[], sizes: Record<string, number>, options: LinkOptions = {}): Scenario {
  const table: SizeTable = {
    file: "sizes.tsv",
    rows: Object.entries(sizes).map(([image, bytes], index) => ({ line: index + 1, image, bytes, compressed: true })),
    skippedLines: [],
  };
  return buildScenario({
    pods,
    namespaces: [],
    config: { ...DEFAULT_CONFIG },
    sizes: table,
    defaultSize: 1 * MB,
    bandwidth: 1 * MB,
    latency: options.latency ?? 0.5,
    arrival: options.arrival ?? "boot",
    module,
  });
}

/** Returns the last path component of each pull's image, in start order: "a1" for docker.io/library/a1:latest. */
function pullOrder(run: RunResult): string[] {
  return run.pulls.map((pull) => pull.image.replace(/^.*\//, "").replace(/:latest$/, ""));
}

function readyByName(scenario: Scenario, run: RunResult): Record<string, number> {
  return Object.fromEntries(scenario.pods.map((simulated, index) => [simulated.record.name, run.readyTimes[index]!]));
}

describe("tier lower bounds", () => {
  it("adds the tiers before each tier", () => {
    // critical: a + b = 150 MB; preferred adds c (b is already counted) = 170 MB; default adds d = 470 MB.
    const scenario = scenarioOf(
      [
        pod("agent", { namespace: "kube-system", priorityClassName: "system-node-critical", images: ["a", "b"] }),
        pod("helper", { namespace: "kube-system", images: ["b", "c"] }),
        pod("app", { images: ["d"] }),
      ],
      { a: 100 * MB, b: 50 * MB, c: 20 * MB, d: 300 * MB },
    );

    expect(scenario.pods.map((simulated) => simulated.tier)).toEqual(["critical", "preferred", "default"]);
    expect(scenario.lowerBounds.critical).toBeCloseTo(150.5, 9);
    expect(scenario.lowerBounds.preferred).toBeCloseTo(170.5, 9);
    expect(scenario.lowerBounds.default).toBeCloseTo(470.5, 9);
  });

  it("leaves a tier without pods undefined", () => {
    const scenario = scenarioOf([pod("app", { images: ["d"] })], { d: 3 * MB });

    expect(scenario.lowerBounds.critical).toBeUndefined();
    expect(scenario.lowerBounds.default).toBeCloseTo(3.5, 9);
  });
});

describe("image already on the node", () => {
  const pods = [pod("first", { images: ["x"] }), pod("second", { images: ["x"] })];

  it("costs only the latency in kubelet-serial", () => {
    const scenario = scenarioOf(pods, { x: 10 * MB });

    const run = runKubelet(scenario, "kubelet-serial", 1);

    expect(run.pulls.map((pull) => [pull.bytes, pull.start, pull.end])).toEqual([
      [10 * MB, 0, expect.closeTo(10.5, 9)],
      [0, expect.closeTo(10.5, 9), expect.closeTo(11, 9)],
    ]);
    expect(readyByName(scenario, run)).toEqual({ first: expect.closeTo(10.5, 9), second: expect.closeTo(11, 9) });
  });

  it("is pulled once by the policy", () => {
    const scenario = scenarioOf(pods, { x: 10 * MB });

    const run = runPolicy(scenario, 1, module);

    expect(run.pulls).toHaveLength(1);
    expect(readyByName(scenario, run)).toEqual({ first: expect.closeTo(10.5, 9), second: expect.closeTo(10.5, 9) });
  });

  it("downloads twice in kubelet-parallel", () => {
    const scenario = scenarioOf(pods, { x: 10 * MB });

    const run = runKubelet(scenario, "kubelet-parallel", 2);

    expect(run.pulls.map((pull) => pull.bytes)).toEqual([10 * MB, 10 * MB]);
    // Both downloads share the link, so each takes 20 s after the latency.
    expect(run.pulls.map((pull) => pull.end)).toEqual([expect.closeTo(20.5, 9), expect.closeTo(20.5, 9)]);
  });

  it("costs the policy only latency later", () => {
    const scenario = scenarioOf(
      [pod("first", { images: ["x"] }), pod("later", { created: 100, images: ["x"] })],
      { x: 10 * MB },
      { arrival: "created" },
    );

    const run = runPolicy(scenario, 1, module);

    expect(run.pulls.map((pull) => [pull.bytes, pull.start, pull.end])).toEqual([
      [10 * MB, 0, expect.closeTo(10.5, 9)],
      [0, 100, 100.5],
    ]);
  });
});

describe("baseline order", () => {
  it("kubelet-serial requeues a pod's next image", () => {
    const scenario = scenarioOf([pod("a", { images: ["a1", "a2"] }), pod("b", { images: ["b1"] })], {
      a1: 1 * MB,
      a2: 1 * MB,
      b1: 1 * MB,
    });

    const run = runKubelet(scenario, "kubelet-serial", 1);

    expect(pullOrder(run)).toEqual(["a1", "b1", "a2"]);
    expect(run.pulls.every((pull) => pull.slot === 0)).toBe(true);
  });

  it("kubelet-parallel admits requests FIFO", () => {
    // a1 and b1 start in slots 0 and 1. b1 ends first, so c1 (queued at boot) takes slot 1
    // before a2, which pod a requests only when a1 ends. c1 ends before a1, so a2 takes the
    // lowest free slot, 0.
    const scenario = scenarioOf(
      [pod("a", { images: ["a1", "a2"] }), pod("b", { images: ["b1"] }), pod("c", { images: ["c1"] })],
      { a1: 10 * MB, a2: 1 * MB, b1: 2 * MB, c1: 1 * MB },
    );

    const run = runKubelet(scenario, "kubelet-parallel", 2);

    expect(pullOrder(run)).toEqual(["a1", "b1", "c1", "a2"]);
    expect(run.pulls.map((pull) => pull.slot)).toEqual([0, 1, 1, 0]);
  });

  it("policy pulls critical before file order", () => {
    const scenario = scenarioOf(
      [
        pod("app", { images: ["big"] }),
        pod("cni", { namespace: "kube-system", priorityClassName: "system-node-critical", images: ["cni-init", "cni"] }),
      ],
      { big: 100 * MB, "cni-init": 2 * MB, cni: 3 * MB },
    );

    const kubelet = runKubelet(scenario, "kubelet-serial", 1);
    const policy = runPolicy(scenario, 1, module);

    expect(pullOrder(kubelet)).toEqual(["big", "cni-init", "cni"]);
    expect(pullOrder(policy)).toEqual(["cni-init", "cni", "big"]);
    expect(readyByName(scenario, policy)["cni"]).toBeCloseTo(2.5 + 3.5, 9);
    expect(readyByName(scenario, kubelet)["cni"]).toBeCloseTo(100.5 + 2.5 + 3.5, 9);
  });

  it("policy fills every slot", () => {
    const scenario = scenarioOf(
      [pod("a", { images: ["a1"] }), pod("b", { images: ["b1"] }), pod("c", { images: ["c1"] })],
      { a1: 1 * MB, b1: 1 * MB, c1: 1 * MB },
    );

    const run = runPolicy(scenario, 3, module);

    expect(run.pulls.map((pull) => [pull.slot, pull.start])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    // Three 1 MB downloads share 1 MB/s after one latency.
    expect(Math.max(...run.readyTimes)).toBeCloseTo(3.5, 9);
  });
});

describe("arrivals", () => {
  it("boot snapshot matches enqueued pods", () => {
    const pods = [
      pod("app", { images: ["big", "shared"] }),
      pod("cni", { namespace: "kube-system", priorityClassName: "system-node-critical", images: ["cni"] }),
      pod("helper", { namespace: "kube-system", images: ["shared", "small"] }),
    ];
    const sizes = { big: 50 * MB, shared: 5 * MB, cni: 3 * MB, small: 1 * MB };
    // Equal creation times make every pod arrive at t = 0 in created mode too, where the run
    // enqueues the pods itself instead of restoring the snapshot.
    const boot = scenarioOf(pods, sizes, { arrival: "boot" });
    const created = scenarioOf(pods, sizes, { arrival: "created" });

    expect(boot.bootQueue).toBeDefined();
    expect(created.bootQueue).toBeUndefined();
    expect(runPolicy(boot, 2, module).pulls).toEqual(runPolicy(created, 2, module).pulls);
  });

  it("measures percentiles from each pod's arrival", () => {
    const scenario = scenarioOf(
      [pod("early", { images: ["a"] }), pod("late", { created: 100, images: ["b"] })],
      { a: 2 * MB, b: 4 * MB },
      { arrival: "created" },
    );

    const summary = summarizeRun(scenario, runKubelet(scenario, "kubelet-serial", 1));

    // early: ready at 2.5 s; late: arrives at 100 s, ready at 104.5 s.
    expect(summary.tiers.default.readySeconds).toBeCloseTo(104.5, 9);
    expect(summary.tiers.default.p50Seconds).toBeCloseTo(2.5, 9);
    expect(summary.tiers.default.p95Seconds).toBeCloseTo(4.5, 9);
  });
});

describe("report", () => {
  it("takes percentiles by nearest rank", () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];

    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile([4], 0.95)).toBe(4);
    expect(percentile([], 0.5)).toBeNull();
  });

  it("runs kubelet-parallel only with more than one slot", () => {
    const scenario = scenarioOf([pod("a", { images: ["a1"] })], { a1: 1 * MB });

    expect(runAll(scenario, 1, module).map((run) => [run.name, run.slots])).toEqual([
      ["policy", 1],
      ["kubelet-serial", 1],
    ]);
    expect(runAll(scenario, 3, module).map((run) => [run.name, run.slots])).toEqual([
      ["policy", 3],
      ["kubelet-serial", 1],
      ["kubelet-parallel", 3],
    ]);
  });

  it("prints JSON with every tier", () => {
    const scenario = scenarioOf(
      [pod("cni", { namespace: "kube-system", priorityClassName: "system-node-critical", images: ["cni"] })],
      { cni: 3 * MB },
    );
    const summaries = runAll(scenario, 2, module).map((run) => summarizeRun(scenario, run));

    const json = JSON.parse(formatJson(summaries)) as { runs: { name: string; slots: number; tiers: Record<string, unknown> }[] };

    expect(json.runs.map((run) => run.name)).toEqual(["policy", "kubelet-serial", "kubelet-parallel"]);
    expect(json.runs[0]!.tiers).toEqual({
      critical: { readySeconds: 3.5, lowerBoundSeconds: 3.5, p50Seconds: 3.5, p95Seconds: 3.5, pods: 1 },
      preferred: { readySeconds: null, lowerBoundSeconds: null, p50Seconds: null, p95Seconds: null, pods: 0 },
      default: { readySeconds: null, lowerBoundSeconds: null, p50Seconds: null, p95Seconds: null, pods: 0 },
    });
  });

  it("prints tables and critical comparison", () => {
    const scenario = scenarioOf(
      [
        pod("app", { images: ["big"] }),
        pod("cni", { namespace: "kube-system", priorityClassName: "system-node-critical", images: ["cni"] }),
      ],
      { big: 100 * MB, cni: 3 * MB },
    );
    const summaries = runAll(scenario, 2, module).map((run) => summarizeRun(scenario, run));

    const text = formatReport(scenario, summaries);

    expect(text).toContain("policy (2 slots)\nTIER");
    expect(text).toContain("kubelet-serial (1 slot)\nTIER");
    expect(text).toMatch(/Critical tier, all runs\nRUN +SLOTS/);
    // With 2 slots the policy starts both pulls at once, so the 3 MB image downloads at half
    // the link rate: 0.5 s + 6 s. The serial kubelet pulls the app first: 100.5 s + 3.5 s.
    expect(text).toMatch(/^critical +1 +6\.50 +6\.50 +6\.50 +3\.50 +1\.86$/m);
    expect(text).toMatch(/^kubelet-serial +1 +104\.00 +104\.00 +104\.00 +29\.71$/m);
  });
});
