// `image-pull-priority plan`: prints the order in which a node would pull
// its pods' images, and why.

import type { Command } from "commander";

import { planPulls, type Plan } from "../plan.ts";
import { NO_NAMESPACES_WARNING, addPodInputOptions, loadPodInputs, type PodInputOptions } from "./inputs.ts";
import { formatTable } from "./table.ts";

/** Pods listed per image in the table before the rest are counted. */
const PODS_SHOWN = 3;

interface PlanOptions extends PodInputOptions {
  json?: boolean;
}

export function registerPlan(program: Command): void {
  addPodInputOptions(
    program
      .command("plan")
      .description("print the order in which a node pulls its pods' images, and why")
      .argument("<pods-file>", "Pod, PodList or List as `kubectl get pods -A -o json` (or -o yaml) prints it"),
  )
    .option("--json", "print the plan as JSON")
    .action((podsFile: string, options: PlanOptions) => {
      const inputs = loadPodInputs(podsFile, options);
      const plan = planPulls({ ...inputs, now: Date.now() });
      if (options.namespaces === undefined && plan.order.some((entry) => entry.tier === "default")) {
        plan.warnings.push(NO_NAMESPACES_WARNING);
      }
      for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(options.json ? JSON.stringify(plan, null, 2) + "\n" : formatPlan(plan));
    });
}

function formatPods(pods: readonly string[]): string {
  if (pods.length <= PODS_SHOWN) return pods.join(", ");
  return `${pods.slice(0, PODS_SHOWN).join(", ")} (+${pods.length - PODS_SHOWN} more)`;
}

/** Formats a plan as a table followed by a summary line. */
export function formatPlan(plan: Plan): string {
  const rows = plan.order.map((entry, index) => [
    String(index + 1), entry.image, entry.tier, entry.reason, formatPods(entry.pods),
  ]);
  const podCount = new Set(plan.order.flatMap((entry) => entry.pods)).size;
  const { unscheduled, terminal, otherNode, noImage, invalidImage } = plan.skipped;
  const skipped = [
    count(terminal, "pod", "in phase Succeeded or Failed"),
    count(unscheduled, "pod", "not bound to a node"),
    count(otherNode, "pod", "on other nodes"),
    count(invalidImage, "pod", "with an invalid image reference"),
    count(noImage, "container", "without an image"),
  ].filter((part) => part !== "");
  const summary =
    `${count(plan.order.length, "image")} for ${count(podCount, "pod")}.` +
    (skipped.length > 0 ? ` Skipped: ${skipped.join(", ")}.` : "");
  return `${formatTable(["RANK", "IMAGE", "TIER", "REASON", "PODS"], rows)}\n\n${summary}\n`;
}

// Formats "1 pod" or "2 pods", followed by `suffix`; returns "" for a zero count with a suffix.
function count(value: number, noun: string, suffix = ""): string {
  if (value === 0 && suffix !== "") return "";
  const text = `${value} ${noun}${value === 1 ? "" : "s"}`;
  return suffix === "" ? text : `${text} ${suffix}`;
}
