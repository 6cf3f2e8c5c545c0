// `image-pull-priority simulate`: replays a node's image pulls over a shared link, with this
// project's policy module and with models of the kubelet's own pullers, and compares how soon
// each tier's pods are ready.

import { writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { Option, type Command } from "commander";

import { InputError } from "../input-error.ts";
import type { SkippedCounts } from "../kube/load.ts";
import { PolicyModule } from "../loader.ts";
import { formatJson, formatReport, summarizeRun, describeScenario } from "../simulate/report.ts";
import { runAll } from "../simulate/runs.ts";
import { buildScenario, type ArrivalMode } from "../simulate/scenario.ts";
import { loadSizeTable } from "../simulate/sizes.ts";
import { renderTimeline } from "../simulate/svg.ts";
import { parseBandwidthOption, parseDefaultSizeOption, parseLatencyOption } from "../simulate/units.ts";
import { NO_NAMESPACES_WARNING, addPodInputOptions, loadPodInputs, type PodInputOptions } from "./inputs.ts";

/** 100 MB/s, an estimate of what a node in a cloud region downloads from a registry. */
export const DEFAULT_BANDWIDTH = 100e6;
/** 500 ms, an estimate of the token, manifest and config requests that precede the layer downloads. */
export const DEFAULT_LATENCY = 0.5;
/** 100 MB, an estimate of a typical compressed application image. */
export const DEFAULT_IMAGE_SIZE = 100e6;

interface SimulateOptions extends PodInputOptions {
  sizes?: string;
  defaultSize: number;
  bandwidth: number;
  latency: number;
  arrival: ArrivalMode;
  svg?: string;
  json?: boolean;
}

const HELP_AFTER = `
Runs:
  policy            this project's policy module, through the same queue API the product uses
  kubelet-serial    the kubelet with serializeImagePulls: one pull at a time, first in, first out
  kubelet-parallel  the kubelet with maxParallelImagePulls set to --slots (only when --slots is above 1)

Model: every pull waits --latency, then downloads its bytes. Pulls that are downloading share
--bandwidth equally. An image already on the node costs only the latency when it is requested
again. A pod is ready when all of its images are on the node. The policy pulls an image once for
all pods that wait for it. The kubelet runs pull an image once per request and pull each pod's
images one after another. The default link figures are estimates for a node in a cloud region.`;

export function registerSimulate(program: Command): void {
  addPodInputOptions(
    program
      .command("simulate")
      .description("compare how soon each tier's pods are ready with the policy and with the kubelet's pullers")
      .argument("<pods-file>", "Pod, PodList or List as `kubectl get pods -A -o json` (or -o yaml) prints it"),
  )
    .option("--sizes <file>", "image sizes: tab-separated lines of image reference and size (bytes or 70.5MB), # starts a comment line")
    .addOption(
      new Option("--default-size <bytes>", "size of an image the --sizes file does not list (bytes or 250MB)")
        .argParser(parseDefaultSizeOption)
        .default(DEFAULT_IMAGE_SIZE, "100MB"),
    )
    .addOption(
      new Option("--bandwidth <rate>", "link rate shared by the downloads, such as 40MB/s or 1Gbit/s")
        .argParser(parseBandwidthOption)
        .default(DEFAULT_BANDWIDTH, "100MB/s"),
    )
    .addOption(
      new Option("--latency <duration>", "fixed time of every pull before its download, such as 300ms or 2s")
        .argParser(parseLatencyOption)
        .default(DEFAULT_LATENCY, "500ms"),
    )
    .addOption(
      new Option("--arrival <mode>", "boot: every pod is there at t = 0. created: each pod arrives at its creation time, counted from the earliest one (a pod without a creation time arrives last)")
        .choices(["boot", "created"])
        .default("boot"),
    )
    .option("--svg <file>", "write a timeline of every run's pulls as SVG")
    .option("--json", "print the results as JSON")
    .addHelpText("after", HELP_AFTER)
    .action((podsFile: string, options: SimulateOptions) => simulate(podsFile, options));
}

function simulate(podsFile: string, options: SimulateOptions): void {
  const inputs = loadPodInputs(podsFile, options);
  const sizes = options.sizes === undefined ? undefined : loadSizeTable(options.sizes);
  const module = PolicyModule.load();

  const scenario = buildScenario({
    pods: inputs.pods,
    namespaces: inputs.namespaces,
    config: inputs.config,
    sizes,
    defaultSize: options.defaultSize,
    bandwidth: options.bandwidth,
    latency: options.latency,
    arrival: options.arrival,
    module,
  });
  const warnings = [...scenario.warnings];
  if (options.namespaces === undefined && scenario.pods.some((pod) => pod.tier === "default")) {
    warnings.push(NO_NAMESPACES_WARNING);
  }
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

  const runs = runAll(scenario, inputs.slots, module);
  const summaries = runs.map((run) => summarizeRun(scenario, run));

  if (options.svg !== undefined) {
    const svg = renderTimeline(scenario, runs, summaries, {
      title: `Image pulls of ${podsFile}`,
      subtitle: describeScenario(scenario),
    });
    writeOutputFile(options.svg, svg);
  }

  if (options.json) {
    process.stdout.write(formatJson(summaries));
    if (options.svg !== undefined) process.stderr.write(`Timeline written to ${options.svg}\n`);
    return;
  }

  process.stdout.write(describeSkipped(inputs.skipped) + formatReport(scenario, summaries));
  if (options.svg !== undefined) process.stdout.write(`\nTimeline written to ${options.svg}\n`);
}

/** Returns a line that counts the pods the loader left out, or "" when it left out none. */
function describeSkipped(skipped: SkippedCounts): string {
  const parts = [
    [skipped.terminal, "in phase Succeeded or Failed"],
    [skipped.unscheduled, "not bound to a node"],
    [skipped.otherNode, "on other nodes"],
  ] as const;
  const counted = parts
    .filter(([count]) => count > 0)
    .map(([count, reason]) => `${count} ${count === 1 ? "pod" : "pods"} ${reason}`);
  return counted.length === 0 ? "" : `Skipped: ${counted.join(", ")}.\n`;
}

function writeOutputFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: `directory ${dirname(path)} not found`,
      EISDIR: "is a directory; pass a file name such as timeline.svg",
      EACCES: "permission denied",
    };
    const reason = (code !== undefined ? reasons[code] : undefined) ?? code ?? (error as Error).message;
    throw new InputError(path, `failed to write the timeline: ${reason}`);
  }
}
