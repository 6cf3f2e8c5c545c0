// Fuzz commands and their fast-check arbitraries.
//
// A command is plain data: it names no ids directly. A target ({ live: k })
// is resolved when the command runs, against the ids live at that moment,
// so a command keeps its meaning when fast-check shrinks away the commands
// before it, and a counterexample prints as readable JSON that the fuzz
// script turns into a conformance vector. This plays the role of
// fc.commands, which would hide the ids inside closures.

import fc from "fast-check";

import type { ConfigRecord, PodRequest } from "../../host/abi/records.ts";
import { FAMILY_SPELLINGS, INVALID_REFERENCES, VALID_SPELLINGS } from "./images.ts";

/**
 * An id picked when the command runs: the k-th live one or the k-th recently
 * freed (stale) one, modulo their number, or a raw id.
 */
export type Target = { live: number } | { stale: number } | { id: number };

export type Command =
  | { kind: "enqueue"; pod: PodRequest }
  | { kind: "next" }
  | { kind: "complete"; target: Target; outcome: number }
  | { kind: "removePod"; target: Target }
  | { kind: "setNamespace"; namespace: string; annotation: string | undefined }
  | { kind: "setSlots"; slots: number }
  | { kind: "configure"; config: ConfigRecord }
  /** Moves the state into a fresh instance, which is first configured with `config` when given. */
  | { kind: "snapshotRestore"; config?: ConfigRecord | undefined }
  | { kind: "restoreIntoSelf" }
  | { kind: "imageInfo"; target: Target }
  | { kind: "podInfo"; target: Target }
  | { kind: "stats" };

/** One fuzz case: an optional first configuration (undefined keeps the defaults) and the commands. */
export interface Scenario {
  config: ConfigRecord | undefined;
  commands: Command[];
}

/**
 * Namespaces that pods and annotations use. "équipe" has multi-byte UTF-8 to
 * exercise byte counts. "ns" and "ns/x", with the pod names "x/y" and "y",
 * give two pods whose namespace and name joined by "/" are equal.
 */
export const NAMESPACES = ["default", "kube-system", "team-a", "team-b", "monitoring", "équipe", "ns", "ns/x"] as const;
const POD_NAMES = ["web", "db", "cache", "job-1", "job-2", "job-3", "api", "worker", "pod-ü", "y", "x/y"] as const;
const PRIORITY_CLASSES = ["system-node-critical", "system-cluster-critical", "high", "low", "batch"] as const;

/** Names the record decoder rejects: empty, or one byte over the limit. */
const INVALID_NAMESPACES = ["", "n".repeat(64)];
const INVALID_POD_NAMES = ["", "p".repeat(254)];

/** Annotation values: valid int32s, spellings the parser accepts, and values that count as invalid. */
const ANNOTATION_VALUES = [
  "0", "10", "-5", "100", "+7", "-0", "2147483647", "-2147483648", "0000000001",
  "abc", "99999999999", "2147483648", "00000000001", " 5", "", "1e3", "٣",
];

const PRIORITIES = [-10, 0, 5, 100, 1000, 2_000_000_000, 2147483647, -2147483648];
const THRESHOLDS = [2_000_000_000, 1000, 100, 0, -2147483648, 2147483647];
const CREATION_TIMES = [0, 1000, 2000, 3000];
const EXTREME_CREATION_TIMES = [Number.MIN_SAFE_INTEGER, -1, Number.MAX_SAFE_INTEGER];

const idArbitrary = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 24 }), weight: 8 },
  { arbitrary: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff), weight: 1 },
);

export const targetArbitrary: fc.Arbitrary<Target> = fc.oneof(
  { arbitrary: fc.record({ live: fc.nat(64) }), weight: 12 },
  { arbitrary: fc.record({ stale: fc.nat(15) }), weight: 1 },
  { arbitrary: fc.record({ id: idArbitrary }), weight: 1 },
);

const referenceArbitrary = fc.oneof(
  { arbitrary: fc.constantFrom(...VALID_SPELLINGS), weight: 30 },
  { arbitrary: fc.constantFrom(...FAMILY_SPELLINGS), weight: 10 },
  { arbitrary: fc.constantFrom(...INVALID_REFERENCES), weight: 1 },
);

const imagesArbitrary = fc.oneof(
  { arbitrary: fc.array(referenceArbitrary, { minLength: 1, maxLength: 4 }), weight: 30 },
  { arbitrary: fc.constant([] as string[]), weight: 1 },
);

export const podArbitrary: fc.Arbitrary<PodRequest> = fc.record({
  namespace: fc.oneof(
    { arbitrary: fc.constantFrom(...NAMESPACES), weight: 40 },
    { arbitrary: fc.constantFrom(...INVALID_NAMESPACES), weight: 1 },
  ),
  name: fc.oneof(
    { arbitrary: fc.constantFrom(...POD_NAMES), weight: 40 },
    { arbitrary: fc.constantFrom(...INVALID_POD_NAMES), weight: 1 },
  ),
  priority: fc.option(fc.constantFrom(...PRIORITIES), { nil: undefined, freq: 3 }),
  priorityClassName: fc.option(fc.constantFrom(...PRIORITY_CLASSES, ""), { nil: undefined, freq: 2 }),
  // A config.source other than "api" makes a static pod; "" counts as one too.
  configSource: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 10 },
    { arbitrary: fc.constant("api"), weight: 2 },
    { arbitrary: fc.constantFrom("file", "http", ""), weight: 1 },
  ),
  mirror: fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 }),
  creationTimeMs: fc.oneof(
    { arbitrary: fc.constantFrom(...CREATION_TIMES), weight: 20 },
    { arbitrary: fc.constantFrom(...EXTREME_CREATION_TIMES), weight: 1 },
  ),
  images: imagesArbitrary,
});

const validConfigArbitrary: fc.Arbitrary<ConfigRecord> = fc.record({
  criticalPriorityThreshold: fc.constantFrom(...THRESHOLDS),
  slots: fc.integer({ min: 1, max: 8 }),
  holdLowerTiers: fc.constantFrom(undefined, true, false),
  namespacePriorityAnnotation: fc.constant("image-pull-priority"),
  criticalPriorityClassNames: fc.shuffledSubarray([...PRIORITY_CLASSES]),
  preferredNamespaces: fc.shuffledSubarray([...NAMESPACES]),
});

/** Configurations the decoder rejects: slots out of range, duplicates, empty names, overlong lists. */
const invalidConfigArbitrary: fc.Arbitrary<ConfigRecord> = fc.tuple(
  validConfigArbitrary,
  fc.constantFrom("slots-zero", "slots-over", "duplicate-class", "empty-namespace", "long-list", "empty-key"),
).map(([config, flaw]) => {
  switch (flaw) {
    case "slots-zero":
      return { ...config, slots: 0 };
    case "slots-over":
      return { ...config, slots: 1025 };
    case "duplicate-class":
      return { ...config, criticalPriorityClassNames: ["high", "low", "high"] };
    case "empty-namespace":
      return { ...config, preferredNamespaces: [...config.preferredNamespaces, ""] };
    case "long-list":
      return { ...config, preferredNamespaces: Array.from({ length: 65 }, (_, i) => `ns-${i}`) };
    default:
      return { ...config, namespacePriorityAnnotation: "" };
  }
});

export const configArbitrary: fc.Arbitrary<ConfigRecord> = fc.oneof(
  { arbitrary: validConfigArbitrary, weight: 12 },
  { arbitrary: invalidConfigArbitrary, weight: 1 },
);

// Weights: about one command in 180 moves the state to a fresh instance. Creating
// an instance took about 250 µs on the 2-core machine, as long as eight other commands.
export const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("enqueue" as const), pod: podArbitrary }), weight: 60 },
  { arbitrary: fc.constant({ kind: "next" as const }), weight: 40 },
  {
    arbitrary: fc.record({
      kind: fc.constant("complete" as const),
      target: targetArbitrary,
      outcome: fc.oneof(
        { arbitrary: fc.constantFrom(0, 1), weight: 30 },
        { arbitrary: fc.constantFrom(2, 0xffffffff), weight: 1 },
      ),
    }),
    weight: 32,
  },
  { arbitrary: fc.record({ kind: fc.constant("removePod" as const), target: targetArbitrary }), weight: 12 },
  {
    arbitrary: fc.record({
      kind: fc.constant("setNamespace" as const),
      namespace: fc.oneof(
        { arbitrary: fc.constantFrom(...NAMESPACES), weight: 30 },
        { arbitrary: fc.constantFrom(...INVALID_NAMESPACES), weight: 1 },
      ),
      annotation: fc.option(fc.constantFrom(...ANNOTATION_VALUES), { nil: undefined, freq: 4 }),
    }),
    weight: 12,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("setSlots" as const),
      slots: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 10 },
        { arbitrary: fc.constantFrom(0, -1, 1024, 1025), weight: 1 },
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("configure" as const), config: configArbitrary }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant("snapshotRestore" as const), config: fc.option(validConfigArbitrary, { nil: undefined, freq: 2 }) }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: "restoreIntoSelf" as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("imageInfo" as const), target: targetArbitrary }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant("podInfo" as const), target: targetArbitrary }), weight: 6 },
  { arbitrary: fc.constant({ kind: "stats" as const }), weight: 2 },
);

/** Builds the scenario arbitrary; most runs configure first, some keep the defaults. */
export function scenarioArbitrary(maxCommands: number): fc.Arbitrary<Scenario> {
  return fc.record({
    config: fc.option(configArbitrary, { nil: undefined, freq: 6 }),
    commands: fc.array(commandArbitrary, { maxLength: maxCommands, size: "max" }),
  });
}

/**
 * Returns the id `target` names, given the live ids it may pick from
 * (ascending) and the recently freed ones; 1 when the list it picks from is empty.
 */
export function resolveTarget(target: Target, live: readonly number[], stale: readonly number[]): number {
  if ("id" in target) return target.id;
  const [ids, index] = "live" in target ? [live, target.live] : [stale, target.stale];
  if (ids.length === 0) return 1;
  return ids[index % ids.length]!;
}
