// Fixtures that several test files share.

import { expect } from "vitest";

import type { ConfigRecord, PodRequest } from "../../host/abi/records.ts";
import { InputError } from "../../host/input-error.ts";
import { PolicyModule } from "../../host/loader.ts";
import { PullQueue } from "../../host/queue.ts";

/** The built module, compiled once for every queue the tests create. */
export const POLICY = PolicyModule.load();

/** Creation time of the pods that pod() builds. */
export const BASE_TIME_MS = Date.UTC(2024, 0, 1);

/** The module's default configuration written out, so tests can change one field. */
export const DEFAULT_RECORD: Readonly<ConfigRecord> = Object.freeze({
  criticalPriorityThreshold: 2_000_000_000,
  slots: 1,
  namespacePriorityAnnotation: "image-pull-priority",
  criticalPriorityClassNames: ["system-node-critical", "system-cluster-critical"],
  preferredNamespaces: ["kube-system"],
});

/** Calls `parse` and returns the InputError it raises; fails the test when it raises none or another error. */
export function catchInputError(parse: () => unknown): InputError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError, but parsing succeeded");
}

/** Creates a queue. With `config`, it is configured from the defaults with those fields replaced. */
export function createQueue(config?: Partial<ConfigRecord>): PullQueue {
  const queue = PullQueue.create(POLICY);
  if (config !== undefined) queue.configure({ ...DEFAULT_RECORD, ...config });
  return queue;
}

/** Returns the normalized reference every pod gets by default: one image named after the pod. */
export function imageOf(name: string): string {
  return `registry.example.com/${name}:v1`;
}

/** Builds a default-tier pod in namespace "apps" created at BASE_TIME_MS. `fields` replace or add fields. */
export function pod(name: string, fields: Partial<PodRequest> = {}): PodRequest {
  return { namespace: "apps", name, creationTimeMs: BASE_TIME_MS, images: [imageOf(name)], ...fields };
}
