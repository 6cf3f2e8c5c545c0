// Measures the goals of `simulate` and prints the figures.
//   1. The critical tier's time to ready divided by its lower bound, for the policy and the
//      kubelet models, with 1 slot and with 3 slots. It runs on every pod list in the shared data
//      folder beside the project (../shared/data/), node by node, with the shared size table and
//      the default link (100 MB/s, 500 ms per pull). The goal is a policy ratio of at most 1.05.
//   2. Wall-clock time to simulate 10,000 pods with three images each (scenario and all three
//      runs, 3 slots). The goal is under one second.
// Run with `npm run build:wasm && node --import tsx bench/simulate.ts`.

import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

import { DEFAULT_BANDWIDTH, DEFAULT_IMAGE_SIZE, DEFAULT_LATENCY } from "../host/cli/simulate.ts";
import { DEFAULT_CONFIG } from "../host/config.ts";
import { loadNamespaces, loadPods } from "../host/kube/load.ts";
import type { PodRecord } from "../host/kube/records.ts";
import { PolicyModule } from "../host/loader.ts";
import { boundRatio, summarizeRun } from "../host/simulate/report.ts";
import { runAll } from "../host/simulate/runs.ts";
import { buildScenario, type ScenarioInput } from "../host/simulate/scenario.ts";
import { loadSizeTable, type SizeTable } from "../host/simulate/sizes.ts";

const SHARED_DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const GOAL_RATIO = 1.05;
const SYNTHETIC_PODS = 10_000;
const TIMING_REPEATS = 7;

const module = PolicyModule.load();

function baseInput(pods: PodRecord[], sizes: SizeTable | undefined): ScenarioInput {
  return {
    pods,
    namespaces: [],
    config: { ...DEFAULT_CONFIG },
    sizes,
    defaultSize: DEFAULT_IMAGE_SIZE,
    bandwidth: DEFAULT_BANDWIDTH,
    latency: DEFAULT_LATENCY,
    arrival: "boot",
    module,
  };
}

function measureSharedData(): void {
  if (!existsSync(SHARED_DATA)) {
    console.log(`Shared data folder ${SHARED_DATA} is absent; skipping the critical-tier figures.\n`);
    return;
  }
  const sizes = loadSizeTable(`${SHARED_DATA}image-sizes.tsv`);
  const podFiles = readdirSync(SHARED_DATA).filter((name) => name.startsWith("podlist-")).sort();

  console.log("Critical tier: time until every critical pod is ready / lower bound (boot, 100 MB/s, 500 ms)");
  console.log("file                                            node                 slots  crit.pods  policy  kubelet  goal");
  for (const file of podFiles) {
    const { pods } = loadPods(`${SHARED_DATA}${file}`);
    const namespacesFile = `${SHARED_DATA}${file.replace("podlist-", "namespaces-")}`;
    const namespaces = existsSync(namespacesFile) ? loadNamespaces(namespacesFile) : [];
    const nodes = [...new Set(pods.map((pod) => pod.nodeName!))].sort();

    for (const node of nodes) {
      const input = { ...baseInput(pods.filter((pod) => pod.nodeName === node), sizes), namespaces };
      const scenario = buildScenario(input);
      for (const slots of [1, 3]) {
        const summaries = runAll(scenario, slots, module).map((run) => summarizeRun(scenario, run));
        const policy = boundRatio(summaries[0]!.tiers.critical);
        const kubelet = boundRatio(summaries[slots === 1 ? 1 : 2]!.tiers.critical);
        const criticalPods = summaries[0]!.tiers.critical.pods;
        let goal = "n/a";
        if (policy !== null) goal = policy <= GOAL_RATIO ? "met" : "MISSED";
        console.log(
          `${file.padEnd(48)}${node.padEnd(21)}${String(slots).padEnd(7)}${String(criticalPods).padEnd(11)}` +
            `${format(policy).padEnd(8)}${format(kubelet).padEnd(9)}${goal}`,
        );
      }
    }
  }
  console.log("kubelet: kubelet-serial for 1 slot, kubelet-parallel for 3 slots.\n");
}

function format(ratio: number | null): string {
  return ratio === null ? "-" : ratio.toFixed(3);
}

/**
 * Builds `count` pods with three images each from a pool of 2,000 images, so that pods share
 * images. Every 20th pod is critical, and every 20th pod from the 10th on is in kube-system (preferred).
 */
function syntheticInput(count: number): ScenarioInput {
  const poolSize = 2_000;
  const sizeRows = Array.from({ length: poolSize }, (_, index) => ({
    line: index + 1,
    image: `registry.example.com/team-${index % 40}/app-${index}:v1`,
    // Sizes from 5 MB to about 2 GB, spread by a multiplicative hash so neighbours differ.
    bytes: 5_000_000 + ((index * 2_654_435_761) % 1_995_000_000),
    compressed: true,
  }));
  const sizes: SizeTable = { file: "synthetic", rows: sizeRows, skippedLines: [] };

  const pods: PodRecord[] = Array.from({ length: count }, (_, index) => ({
    namespace: index % 20 === 10 ? "kube-system" : `team-${index % 40}`,
    name: `pod-${index}`,
    nodeName: "node-1",
    priority: index % 20 === 0 ? 2_000_001_000 : 0,
    priorityClassName: index % 20 === 0 ? "system-node-critical" : "",
    configSource: undefined,
    mirror: false,
    creationTimeMs: 1_700_000_000_000 + index * 1000,
    images: [0, 1, 2].map((offset) => sizeRows[(index * 7 + offset * 613) % poolSize]!.image),
  }));
  return baseInput(pods, sizes);
}

function measureSpeed(): void {
  const input = syntheticInput(SYNTHETIC_PODS);
  const times: { scenario: number; runs: number; total: number }[] = [];
  for (let repeat = 0; repeat < TIMING_REPEATS; repeat++) {
    const start = process.hrtime.bigint();
    const scenario = buildScenario(input);
    const middle = process.hrtime.bigint();
    const runs = runAll(scenario, 3, module);
    runs.map((run) => summarizeRun(scenario, run));
    const end = process.hrtime.bigint();
    times.push({
      scenario: Number(middle - start) / 1e6,
      runs: Number(end - middle) / 1e6,
      total: Number(end - start) / 1e6,
    });
  }

  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [cold, ...warm] = times;
  const pulls = runAll(buildScenario(input), 3, module).map((run) => `${run.name} ${run.pulls.length}`);
  console.log(`Speed: ${SYNTHETIC_PODS} pods x 3 images, 3 slots; pulls per run: ${pulls.join(", ")}`);
  console.log(`  first repeat, with the JIT cold:  ${cold!.total.toFixed(0)} ms (scenario ${cold!.scenario.toFixed(0)}, runs ${cold!.runs.toFixed(0)})`);
  console.log(
    `  median of the next ${warm.length} repeats:   ${median(warm.map((t) => t.total)).toFixed(0)} ms ` +
      `(scenario ${median(warm.map((t) => t.scenario)).toFixed(0)}, runs ${median(warm.map((t) => t.runs)).toFixed(0)})`,
  );
  console.log("  goal: under 1000 ms");
  console.log(
    `  machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} CPUs, Node ${process.version}, ` +
      `load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
}

measureSharedData();
measureSpeed();
