// The differential runner: plays a scenario on the module (through
// host/queue.ts) and on the reference model side by side and throws a
// Mismatch at the first result that differs.
//
// Every command's result is compared, then the stats record, and at the end
// of the scenario the info records of every image and pod id in use (and a
// few past them). Each call is also recorded as a conformance-vector step
// whose expected value is the model's result, so a counterexample can be
// saved as a vector that fails until the module is fixed.

import type { ConfigRecord, ImageInfo, QueueStats, Waiter } from "../../host/abi/records.ts";
import { ErrorCode, OK, WARN_ANNOTATION_INVALID } from "../../host/abi/status.ts";
import { PolicyError } from "../../host/errors.ts";
import { PullQueue } from "../../host/queue.ts";
import type { VectorStep } from "../support/vector.ts";
import { resolveTarget, type Command, type Scenario } from "./commands.ts";
import { FAILED, ReferenceQueue, SLOT_COUNT, SUCCEEDED } from "./model.ts";
import { instantiatePolicy, sameBytes, type Instantiate } from "./module.ts";

/** The first result where the module and the model differ. */
export class Mismatch extends Error {
  constructor(
    /** Index of the command in the scenario; -1 for the first configure, commands.length for the final check. */
    readonly commandIndex: number,
    /** The call with its resolved arguments, for example "ipp_complete(3, 0)". */
    readonly call: string,
    readonly expected: unknown,
    readonly actual: unknown,
    /** Vector steps up to and including the failing call. */
    readonly trace: VectorStep[],
    /** False when the vector format cannot express the failing call (ipp_pod_info). */
    readonly representable: boolean,
  ) {
    super(`${call} at command ${commandIndex}: expected ${JSON.stringify(expected)}, module returned ${JSON.stringify(actual)}`);
    this.name = "Mismatch";
  }
}

export interface DifferentialOptions {
  /** Creates module instances; planted-bug tests pass a wrapper here. */
  instantiate?: Instantiate;
  /** Compare the stats record after every command (default true). */
  statsAfterEachCommand?: boolean;
  /** Compare every info record at the end (default true). */
  finalCheck?: boolean;
}

export interface DifferentialResult {
  /** Vector steps of every call, with the model's results as expected values. */
  trace: VectorStep[];
  /** The module instance the scenario ended on (a restore moves to a new instance). */
  queue: PullQueue;
  /** The reference model in the state the scenario ended in. */
  model: ReferenceQueue;
}

/** Counts commands run by runDifferential in this process, for throughput figures. */
export const differentialCounters = { commands: 0 };

/** Runs the module call and returns its result, or the status code of the PolicyError it threw. */
function observe<T>(call: () => T): T | number {
  // Most fuzzed calls that fail are expected to fail, and capturing a stack
  // trace for each PolicyError would dominate the run time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } catch (error) {
    if (error instanceof PolicyError) return error.code;
    throw error;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Compares JSON-like values: primitives by ===, arrays by element, objects by
 * key, with a missing key equal to undefined. util.isDeepStrictEqual returns the
 * same results on these values but costs several times more.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!sameValue(a[i], other[i])) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) {
    if (!sameValue(left[key], right[key])) return false;
  }
  for (const key in right) {
    if (!(key in left) && right[key] !== undefined) return false;
  }
  return true;
}

/** Returns the live ids, the last four freed ones, the next generation of two live ids, and the first free slot. */
function idsToCheck(live: readonly number[], retired: readonly number[]): number[] {
  const ids = new Set([...live, ...retired.slice(-4), ...live.slice(0, 2).map((id) => id + SLOT_COUNT)]);
  const usedSlots = new Set(live.map((id) => id % SLOT_COUNT));
  let freeSlot = 1;
  while (usedSlots.has(freeSlot)) freeSlot++;
  ids.add(freeSlot);
  return [...ids].sort((a, b) => a - b);
}

class DifferentialRun {
  queue: PullQueue;
  readonly model = new ReferenceQueue();
  readonly trace: VectorStep[] = [];
  private commandIndex = -1;

  constructor(private readonly instantiate: Instantiate) {
    this.queue = new PullQueue(instantiate());
  }

  private check(call: string, expected: unknown, actual: unknown, representable = true): void {
    if (!sameValue(expected, actual)) {
      throw new Mismatch(this.commandIndex, call, expected, actual, this.trace, representable);
    }
  }

  configure(command: Extract<Command, { kind: "configure" }>): void {
    const expected = this.model.configure(command.config);
    this.trace.push({ call: "ipp_configure", record: command.config, expect: expected });
    const actual = observe(() => {
      this.queue.configure(command.config);
      return OK;
    });
    this.check("ipp_configure", expected, actual);
  }

  run(command: Command): void {
    switch (command.kind) {
      case "configure":
        return this.configure(command);

      case "enqueue": {
        const expected = this.model.enqueue(command.pod);
        this.trace.push(typeof expected === "number"
          ? { call: "ipp_enqueue", record: command.pod, expect: expected }
          : { call: "ipp_enqueue", record: command.pod, expect: expected.podId, output: expected });
        return this.check("ipp_enqueue", expected, observe(() => this.queue.enqueue(command.pod)));
      }

      case "next": {
        const expected = this.model.next();
        this.trace.push({ call: "ipp_next", expect: expected });
        return this.check("ipp_next", expected, this.queue.next() ?? 0);
      }

      case "complete": {
        const id = resolveTarget(command.target, this.model.inFlightIds(), this.model.retiredImageIds());
        const expected = this.model.complete(id, command.outcome);
        this.trace.push(typeof expected === "number"
          ? { call: "ipp_complete", args: [id, command.outcome], expect: expected }
          : { call: "ipp_complete", args: [id, command.outcome], expect: expected.length, output: { waiters: expected } });
        return this.check(`ipp_complete(${id}, ${command.outcome})`, expected, this.completeOnModule(id, command.outcome));
      }

      case "removePod": {
        const id = resolveTarget(command.target, this.model.podIds(), this.model.retiredPodIds());
        const expected = this.model.removePod(id);
        this.trace.push({ call: "ipp_pod_remove", args: [id], expect: expected });
        return this.check(`ipp_pod_remove(${id})`, expected, observe(() => this.queue.removePod(id)));
      }

      case "setNamespace": {
        const expected = this.model.setNamespace(command.namespace, command.annotation);
        this.trace.push({
          call: "ipp_namespace_set",
          record: { namespace: command.namespace, annotation: command.annotation ?? null },
          expect: expected,
        });
        const actual = observe(() => (this.queue.setNamespace(command.namespace, command.annotation) ? OK : WARN_ANNOTATION_INVALID));
        return this.check("ipp_namespace_set", expected, actual);
      }

      case "setSlots": {
        const expected = this.model.setSlots(command.slots);
        this.trace.push({ call: "ipp_set_slots", args: [command.slots], expect: expected });
        const actual = observe(() => {
          this.queue.setSlots(command.slots);
          return OK;
        });
        return this.check(`ipp_set_slots(${command.slots})`, expected, actual);
      }

      case "snapshotRestore":
        return this.snapshotRestore(command.config);

      case "restoreIntoSelf": {
        // Restore needs an instance with no pods, images or namespaces.
        const expected = this.model.isEmpty() ? OK : ErrorCode.ERR_NOT_EMPTY;
        // An empty input reaches the emptiness check too, so the vector needs no snapshot bytes.
        if (expected !== OK) this.trace.push({ call: "ipp_restore", bytes: "", expect: expected });
        const snapshot = this.queue.snapshot();
        const actual = observe(() => {
          this.queue.restore(snapshot);
          return OK;
        });
        return this.check("ipp_restore (own snapshot)", expected, actual);
      }

      case "imageInfo":
        return this.imageInfo(resolveTarget(command.target, this.model.imageIds(), this.model.retiredImageIds()));

      case "podInfo":
        return this.podInfo(resolveTarget(command.target, this.model.podIds(), this.model.retiredPodIds()));

      case "stats":
        return this.stats();
    }
  }

  private completeOnModule(id: number, outcome: number): Waiter[] | number {
    if (outcome === SUCCEEDED || outcome === FAILED) {
      return observe(() => this.queue.complete(id, outcome === FAILED ? "failed" : "succeeded"));
    }
    // The host API cannot send other outcomes; the export must reject them.
    return this.queue.exports.ipp_complete(id, outcome);
  }

  private snapshotRestore(config: ConfigRecord | undefined): void {
    // The vector step restores into an unconfigured instance; the snapshot carries the configuration either way.
    this.trace.push({ call: "snapshot_restore" });
    const snapshot = this.queue.snapshot();
    const restored = new PullQueue(this.instantiate());
    if (config !== undefined) {
      const configured = observe(() => {
        restored.configure(config);
        return OK;
      });
      this.check("ipp_configure (fresh instance before restore)", OK, configured);
    }
    const status = observe(() => {
      restored.restore(snapshot);
      return OK;
    });
    this.check("ipp_restore (snapshot into a fresh instance)", OK, status);
    const again = restored.snapshot();
    this.check("ipp_snapshot after restore", "identical snapshot", sameBytes(snapshot, again) ? "identical snapshot" : "different bytes");
    this.queue = restored;
  }

  imageInfo(id: number): void {
    const expected = this.model.imageInfo(id);
    this.trace.push(typeof expected === "number"
      ? { call: "ipp_image_info", args: [id], expect: expected }
      : { call: "ipp_image_info", args: [id], expect: ReferenceQueue.imageInfoLength(expected), output: { ...expected } });
    this.check(`ipp_image_info(${id})`, expected, observe((): ImageInfo => this.queue.imageInfo(id)));
  }

  podInfo(id: number): void {
    // The vector format has no ipp_pod_info step, so pod info checks leave no trace.
    const expected = this.model.podInfo(id);
    this.check(`ipp_pod_info(${id})`, expected, observe(() => this.queue.podInfo(id)), false);
  }

  stats(): void {
    const expected: QueueStats = this.model.stats();
    this.trace.push({ call: "ipp_stats", output: { ...expected } });
    this.check("ipp_stats", expected, this.queue.stats());
  }

  /** Compares the info records of every live id and of a few ids that must be unknown, then the stats. */
  finalCheck(commandCount: number): void {
    this.commandIndex = commandCount;
    for (const id of idsToCheck(this.model.imageIds(), this.model.retiredImageIds())) this.imageInfo(id);
    for (const id of idsToCheck(this.model.podIds(), this.model.retiredPodIds())) this.podInfo(id);
    this.stats();
  }

  setCommandIndex(index: number): void {
    this.commandIndex = index;
  }
}

/**
 * Runs `scenario` on a fresh module instance and on the model; throws a
 * Mismatch at the first difference.
 */
export function runDifferential(scenario: Scenario, options: DifferentialOptions = {}): DifferentialResult {
  const run = new DifferentialRun(options.instantiate ?? instantiatePolicy);
  const statsEachCommand = options.statsAfterEachCommand ?? true;

  if (scenario.config !== undefined) run.configure({ kind: "configure", config: scenario.config });
  differentialCounters.commands++;

  const commands = scenario.commands;
  for (let i = 0; i < commands.length; i++) {
    run.setCommandIndex(i);
    run.run(commands[i]!);
    if (statsEachCommand) run.stats();
  }
  differentialCounters.commands += commands.length;
  if (options.finalCheck ?? true) run.finalCheck(commands.length);
  return { trace: run.trace, queue: run.queue, model: run.model };
}
