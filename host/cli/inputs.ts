// Options shared by the commands that read a node's pods, and the loading
// of the files they name.

import type { Command } from "commander";

import { DEFAULT_CONFIG, loadConfig, type PolicyConfig } from "../config.ts";
import { InputError } from "../input-error.ts";
import { loadNamespaces, loadPods, type SkippedCounts } from "../kube/load.ts";
import type { NamespaceRecord, PodRecord } from "../kube/records.ts";

/** Printed when default-tier pods are ranked without namespace annotations to rank them by. */
export const NO_NAMESPACES_WARNING =
  "no --namespaces file was given, so every namespace's image-pull-priority counts as 0";

/** Highest slot count the module accepts (MAX_SLOTS in docs/abi.md). */
export const MAX_SLOTS = 1024;

export interface PodInputOptions {
  namespaces?: string;
  config?: string;
  node?: string;
  slots: number;
}

export interface PodInputs {
  pods: PodRecord[];
  skipped: SkippedCounts;
  namespaces: NamespaceRecord[];
  config: PolicyConfig;
  slots: number;
}

/** Parses --slots: an integer from 1 to MAX_SLOTS. */
export function parseSlots(value: string): number {
  const slots = Number(value);
  if (!/^\d+$/.test(value) || slots < 1 || slots > MAX_SLOTS) {
    throw new InputError("--slots", `invalid value ${JSON.stringify(value)}: expected an integer from 1 to ${MAX_SLOTS}`);
  }
  return slots;
}

/** Adds the options every pod-reading command takes. */
export function addPodInputOptions(command: Command): Command {
  return command
    .option("--namespaces <file>", "Namespace or NamespaceList (JSON or YAML) whose annotations set the default tier's priority")
    .option("--config <file>", "policy configuration (YAML or JSON); defaults apply to missing keys")
    .option("--node <name>", "keep only the pods bound to this node")
    .option("--slots <n>", `images pulled at once, as the kubelet's maxParallelImagePulls (1 to ${MAX_SLOTS})`, parseSlots, 1);
}

/** Loads the pods file and the files the options name. */
export function loadPodInputs(podsFile: string, options: PodInputOptions): PodInputs {
  const { pods, skipped, nodes } = loadPods(podsFile, options.node === undefined ? {} : { node: options.node });

  // Pull order is a property of one node: the pods of several nodes never share a queue.
  if (options.node === undefined && nodes.length > 1) {
    throw new InputError(
      podsFile,
      `pods are bound to ${nodes.length} nodes (${nodes.join(", ")}); pass --node NAME to choose one`,
    );
  }
  if (options.node !== undefined && !nodes.includes(options.node)) {
    const known = nodes.length === 0 ? "no pod in the file is bound to a node" : `nodes in the file: ${nodes.join(", ")}`;
    throw new InputError("--node", `no pod in ${podsFile} is bound to node ${JSON.stringify(options.node)}; ${known}`);
  }

  return {
    pods,
    skipped,
    namespaces: options.namespaces === undefined ? [] : loadNamespaces(options.namespaces),
    config: options.config === undefined ? { ...DEFAULT_CONFIG } : loadConfig(options.config),
    slots: options.slots,
  };
}
