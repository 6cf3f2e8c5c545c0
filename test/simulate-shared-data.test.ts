// `simulate` on the real pod lists and image sizes of the shared data folder beside the project,
// node by node, at the default link (100 MB/s, 500 ms per pull) with every pod present at boot.
// The assertions are on simulated seconds, which are model output and do not depend on the machine.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { DEFAULT_BANDWIDTH, DEFAULT_IMAGE_SIZE, DEFAULT_LATENCY } from "../host/cli/simulate.ts";
import { DEFAULT_CONFIG } from "../host/config.ts";
import { loadNamespaces, loadPods } from "../host/kube/load.ts";
import { PolicyModule } from "../host/loader.ts";
import { ReferenceNormalizer } from "../host/simulate/normalize.ts";
import { boundRatio, summarizeRun, type RunSummary } from "../host/simulate/report.ts";
import { runAll } from "../host/simulate/runs.ts";
import { buildScenario, type Scenario } from "../host/simulate/scenario.ts";
import { indexSizeTable, loadSizeTable } from "../host/simulate/sizes.ts";

const sharedDataDir = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const hasSharedData = fs.existsSync(sharedDataDir);
const skipNote = hasSharedData ? "" : " (skipped: the shared data folder is absent)";
const module = PolicyModule.load();

/** Maximum ratio of the policy's critical-tier ready time to the tier's lower bound. */
const GOAL_RATIO = 1.05;

/**
 * Returns why the goal is missed for this node and slot count, or undefined where it is met.
 * NOTE: both misses are limits of the goal's lower bound, not of the order; see docs/benchmarks.md.
 */
function knownMiss(label: string, slots: number): string | undefined {
  // With one slot every pull pays its own latency, so no order reaches the bound's single
  // latency when a tier has several images; the serial optimum test above checks the order.
  if (slots === 1) return "one latency per image with one slot";
  // Its critical images mostly lack sizes and take the same default size, so pulls started
  // together finish together and the next ones all wait out their latency on an idle link.
  if (label.startsWith("podlist-minikube")) return "equal default sizes finish together";
  return undefined;
}

interface NodeCase {
  label: string;
  scenario: Scenario;
}

/** Builds one scenario per node of every shared pod list, with the shared size table. */
function sharedNodeCases(): NodeCase[] {
  const sizes = loadSizeTable(path.join(sharedDataDir, "image-sizes.tsv"));
  const files = fs.readdirSync(sharedDataDir).filter((name) => /^podlist-.*\.json$/.test(name)).sort();
  const cases: NodeCase[] = [];

  for (const file of files) {
    const { pods } = loadPods(path.join(sharedDataDir, file));
    const namespacesFile = path.join(sharedDataDir, file.replace(/^podlist-/, "namespaces-"));
    const namespaces = fs.existsSync(namespacesFile) ? loadNamespaces(namespacesFile) : [];

    for (const node of [...new Set(pods.map((pod) => pod.nodeName!))].sort()) {
      const scenario = buildScenario({
        pods: pods.filter((pod) => pod.nodeName === node),
        namespaces,
        config: { ...DEFAULT_CONFIG },
        sizes,
        defaultSize: DEFAULT_IMAGE_SIZE,
        bandwidth: DEFAULT_BANDWIDTH,
        latency: DEFAULT_LATENCY,
        arrival: "boot",
        module,
      });
      cases.push({ label: `${file.replace(/\.sanitized\.json$/, "")} ${node}`, scenario });
    }
  }
  return cases;
}

const nodeCases = hasSharedData ? sharedNodeCases() : [];
const criticalCases = nodeCases.filter((nodeCase) => nodeCase.scenario.pods.some((pod) => pod.tier === "critical"));

/** Returns the summaries of runAll on `scenario` with `slots`: policy first, then the kubelet runs. */
function summarize(scenario: Scenario, slots: number): RunSummary[] {
  return runAll(scenario, slots, module).map((run) => summarizeRun(scenario, run));
}

describe("shared size table", () => {
  it.skipIf(!hasSharedData)(`loads with compressed sizes preferred${skipNote}`, () => {
    const file = path.join(sharedDataDir, "image-sizes.tsv");
    const normalizer = new ReferenceNormalizer(module);

    const index = indexSizeTable(loadSizeTable(file), (reference) => normalizer.normalize(reference));

    // nginx:latest has an unpacked docker size first, then containerd's 70.5MB download size.
    expect(index.bytes.get("docker.io/library/nginx:latest")).toBe(70_500_000);
    expect(index.bytes.get("registry.k8s.io/etcd:3.5.15-0")).toBe(56_909_194);
    const proseLine = fs.readFileSync(file, "utf8").split("\n").findIndex((line) => line.startsWith("twosixlabs armory")) + 1;
    expect(index.unusableLines).toContain(proseLine);
  });
});

describe("shared pod lists", () => {
  it.skipIf(!hasSharedData)(`have critical pods on some node${skipNote}`, () => {
    expect(nodeCases.length).toBeGreaterThanOrEqual(3);
    expect(criticalCases.length).toBeGreaterThanOrEqual(3);
  });

  for (const { label, scenario } of nodeCases) {
    it(`${label}: every run readies every pod`, () => {
      for (const summary of summarize(scenario, 3)) {
        const pods = Object.values(summary.tiers).reduce((sum, tier) => sum + tier.pods, 0);
        expect(pods, summary.name).toBe(scenario.pods.length);
      }
    });
  }

  for (const { label, scenario } of criticalCases) {
    it(`${label}: serial policy reaches the serial optimum`, () => {
      // One slot: each critical image pays its own latency, and nothing else is pulled before
      // the last one, so the best any order can do is the sum of latency plus download time.
      const criticalImages = new Set(scenario.pods.filter((pod) => pod.tier === "critical").flatMap((pod) => pod.images));
      let optimum = 0;
      for (const image of criticalImages) optimum += scenario.latency + scenario.bytes.get(image)! / scenario.bandwidth;

      const [policy, kubelet] = summarize(scenario, 1);

      expect(policy!.tiers.critical.readySeconds).toBeCloseTo(optimum, 6);
      expect(policy!.tiers.critical.readySeconds!).toBeLessThanOrEqual(kubelet!.tiers.critical.readySeconds!);
    });

    it(`${label}: parallel policy beats kubelet-parallel`, () => {
      const [policy, , kubelet] = summarize(scenario, 3);

      expect(kubelet!.name).toBe("kubelet-parallel");
      expect(boundRatio(policy!.tiers.critical)!).toBeLessThanOrEqual(boundRatio(kubelet!.tiers.critical)!);
    });

    for (const slots of [1, 3]) {
      const miss = knownMiss(label, slots);
      const name = `${label}: ${slots}-slot critical tier within ${GOAL_RATIO}x bound`;
      const check = (): void => {
        const [policy] = summarize(scenario, slots);

        expect(boundRatio(policy!.tiers.critical)!).toBeLessThanOrEqual(GOAL_RATIO);
      };
      // A known miss is marked it.fails, so the test fails once the goal is met and the mark can go.
      if (miss === undefined) it(name, check);
      else it.fails(`${name} (known miss: ${miss})`, check);
    }
  }
});
