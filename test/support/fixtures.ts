// Fixtures that several test files share.

import { expect } from "vitest";

import type { ConfigRecord } from "../../host/abi/records.ts";
import { InputError } from "../../host/input-error.ts";

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
