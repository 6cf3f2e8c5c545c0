// Runs the differential and byte-level fuzz properties with fresh seeds
// until the time is up, and prints throughput.
//
// On the first failure it prints the seed, the path and the shrunk
// counterexample, and saves a conformance vector. The vector's expected
// values are the reference model's, so it fails until the module is fixed.
// The script replays the vector to confirm that, then exits with status 1.
//
//   npm run fuzz -- --minutes 10                  (one fuzzing thread per core)
//   npm run fuzz -- --minutes 10 --workers 1
//   npm run fuzz -- --minutes 1 --plant order     (checks the fuzzer itself)

import { randomInt } from "node:crypto";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

import { Command, InvalidArgumentError, Option } from "commander";
import fc from "fast-check";

import type { Vector } from "../test/support/vector.ts";
import { BoundaryFailure, boundaryCounters } from "../test/fuzz/boundary.ts";
import { Mismatch, differentialCounters } from "../test/fuzz/differential.ts";
import { instantiatePolicy, type Instantiate } from "../test/fuzz/module.ts";
import { PLANTED_BUGS, type PlantedBug } from "../test/fuzz/planted.ts";
import { argumentsProperty, CI_BUDGET, differentialProperty, recordsProperty } from "../test/fuzz/properties.ts";
import { compactTrace, replay, saveVector, traceVector } from "../test/fuzz/vectors.ts";

const DEFAULT_VECTORS_DIR = fileURLToPath(new URL("../test/vectors/", import.meta.url));
const PROGRESS_EVERY_MS = 10_000;

interface Options {
  minutes: number;
  seed?: number;
  runs: number;
  maxCommands: number;
  workers: number;
  statsEachCommand: boolean;
  vectors?: string;
  plant?: PlantedBug;
}

/** The work one batch did: fast-check runs of one property with one seed. */
interface BatchReport {
  target: string;
  work: number;
  elapsedMs: number;
}

/** A failed batch, in a form that can cross from a worker thread. */
interface FailureReport {
  target: string;
  seed: number;
  path: string;
  counterexample: unknown;
  message: string;
  vector: Vector | undefined;
}

type WorkerMessage = { type: "batch"; report: BatchReport } | { type: "failure"; failure: FailureReport } | { type: "done" };

/** The work a worker thread is given. */
interface WorkerTask {
  options: Options;
  deadline: number;
  firstSeed: number;
  seedStride: number;
}

// ── options ─────────────────────────────────────────────────────────────

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("expected a positive number");
  return parsed;
}

function positiveInteger(value: string): number {
  const parsed = positiveNumber(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError("expected a positive integer");
  return parsed;
}

function seedNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 0x7fffffff) throw new InvalidArgumentError("expected an integer from 0 to 2147483647");
  return parsed;
}

function parseOptions(): Options {
  const program = new Command()
    .name("npm run fuzz --")
    .description("Fuzz the policy module against the reference model and at the byte level until the time is up.")
    .option("--minutes <m>", "how long to fuzz, in minutes (fractions allowed)", positiveNumber, 5)
    .option("--seed <n>", "seed of the first batch; later batches take the next seeds (default: random)", seedNumber)
    .option("--runs <n>", "fast-check runs per differential batch (boundary batches run 2 to 10 times as many)", positiveInteger, 200)
    .option("--max-commands <n>", "max commands in one differential scenario", positiveInteger, CI_BUDGET.differential.maxCommands)
    .option("--workers <n>", "fuzzing threads, one per core by default; each takes one core", positiveInteger, availableParallelism())
    .option("--no-stats-each-command", "compare the stats record only at the end of each scenario, not after every command (faster, finds some differences later)")
    .option("--vectors <dir>", `directory for the counterexample vector (default: ${relative(process.cwd(), DEFAULT_VECTORS_DIR)}, or the temp directory with --plant)`)
    .addOption(new Option("--plant <bug>", "fuzz a module with a planted bug, to check that the fuzzer finds it").choices(Object.keys(PLANTED_BUGS)));
  program.parse();
  return program.opts<Options>();
}

function instantiateFor(options: Options): Instantiate {
  return options.plant === undefined ? instantiatePolicy : PLANTED_BUGS[options.plant];
}

// ── fuzzing ─────────────────────────────────────────────────────────────

/** One property the fuzzer cycles through, with the counter that measures its work. */
interface Target {
  name: string;
  property: fc.IProperty<unknown>;
  count: () => number;
  /** Runs per batch, relative to --runs: a boundary case is much cheaper than a scenario. */
  runsFactor: number;
}

function makeTargets(options: Options, instantiate: Instantiate): Target[] {
  return [
    {
      name: "differential",
      property: differentialProperty(options.maxCommands, instantiate, options.statsEachCommand) as fc.IProperty<unknown>,
      count: () => differentialCounters.commands,
      runsFactor: 1,
    },
    {
      name: "records",
      property: recordsProperty(CI_BUDGET.records.maxSetupCommands, instantiate) as fc.IProperty<unknown>,
      count: () => boundaryCounters.calls,
      runsFactor: 10,
    },
    {
      name: "arguments",
      property: argumentsProperty(CI_BUDGET.arguments.maxSetupCommands, instantiate) as fc.IProperty<unknown>,
      count: () => boundaryCounters.calls,
      runsFactor: 2,
    },
  ];
}

/** Turns a failed fast-check run into a report with the vector that reproduces it. */
function describeFailure(target: Target, details: fc.RunDetails<unknown>): FailureReport {
  const error = details.errorInstance;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${target.name}, seed ${details.seed}, path ${details.counterexamplePath}`;

  let vector: Vector | undefined;
  if (error instanceof Mismatch) {
    const note = error.representable ? "" : " NOTE: the failing call is ipp_pod_info, which the vector format cannot express, so this vector may pass.";
    vector = traceVector(`Fuzz counterexample (${where}): ${message}.${note}`, compactTrace(error.trace));
  } else if (error instanceof BoundaryFailure) {
    vector = { ...error.vector, description: `${error.vector.description} Found by the fuzzer (${where}): ${message}` };
  }
  return {
    target: target.name,
    seed: details.seed,
    path: details.counterexamplePath ?? "",
    counterexample: details.counterexample,
    message,
    vector,
  };
}

/**
 * Runs batches, cycling through the properties, until `deadline` (ms since
 * the epoch) or the first failure. Seeds go firstSeed, firstSeed + stride ...
 */
function fuzzUntil(task: WorkerTask, onBatch: (report: BatchReport) => void): FailureReport | undefined {
  const targets = makeTargets(task.options, instantiateFor(task.options));
  let seed = task.firstSeed;
  for (let batch = 0; Date.now() < task.deadline; batch++) {
    const target = targets[batch % targets.length]!;
    const workBefore = target.count();
    const started = performance.now();
    const details = fc.check(target.property, { seed, numRuns: Math.round(task.options.runs * target.runsFactor) });
    onBatch({ target: target.name, work: target.count() - workBefore, elapsedMs: performance.now() - started });
    if (details.failed) return describeFailure(target, details);
    seed = (seed + task.seedStride) % 0x80000000;
  }
  return undefined;
}

// ── reporting ───────────────────────────────────────────────────────────

const UNITS: Record<string, string> = { differential: "commands", records: "calls", arguments: "calls" };

/** Work and busy time per property, summed over all threads. */
class Throughput {
  private readonly totals = new Map<string, { work: number; elapsedMs: number }>();

  add(report: BatchReport): void {
    const total = this.totals.get(report.target) ?? { work: 0, elapsedMs: 0 };
    total.work += report.work;
    total.elapsedMs += report.elapsedMs;
    this.totals.set(report.target, total);
  }

  /**
   * Prints, per property, the work done and its rate: work over the time the
   * threads spent on that property. With several threads, which run at the
   * same time, the combined rate is that rate times the number of threads.
   */
  print(elapsedMs: number, workers: number): void {
    const parts = [...this.totals].map(([target, { work, elapsedMs: busyMs }]) => {
      const perThread = busyMs === 0 ? 0 : (work * 1000) / busyMs;
      const combined = workers > 1 ? `, ${Math.round(perThread * workers).toLocaleString("en-US")}/s on ${workers} threads` : "";
      return `${target} ${work.toLocaleString("en-US")} ${UNITS[target]} (${Math.round(perThread).toLocaleString("en-US")}/s per thread${combined})`;
    });
    console.log(`[${(elapsedMs / 1000).toFixed(0)} s] ${parts.join(", ")}`);
  }
}

/** Prints a failure, saves and replays its vector; returns the process exit code. */
function reportFailure(failure: FailureReport, options: Options): number {
  console.error(`\n${failure.target} property failed`);
  console.error(`  seed: ${failure.seed}`);
  console.error(`  path: ${failure.path}`);
  console.error(`  reproduce: fc.check(property, { seed: ${failure.seed}, path: "${failure.path}" })`);
  console.error(`  error: ${failure.message}`);
  console.error(`  shrunk counterexample:\n${JSON.stringify(failure.counterexample, null, 2)}`);

  const vector = failure.vector;
  if (vector === undefined) {
    console.error("the failure is not a model mismatch or a boundary failure, so no vector was written");
    return 1;
  }
  const dir = options.vectors ?? (options.plant !== undefined ? join(tmpdir(), "ipp-fuzz-vectors") : DEFAULT_VECTORS_DIR);
  const path = saveVector(dir, `fuzz-${failure.target}-${failure.seed}`, vector);
  console.error(`  vector: ${path} (${vector.steps.length} steps)`);

  try {
    const mismatch = replay(vector, instantiateFor(options));
    if (mismatch === undefined) {
      console.error("  replay: every step matches on this module, so the vector does not reproduce the failure");
    } else {
      console.error(`  replay: step ${mismatch.step} (${mismatch.call}) differs: expected ${JSON.stringify(mismatch.expected)}, got ${JSON.stringify(mismatch.actual)}`);
    }
  } catch (error) {
    console.error(`  replay: a step threw ${(error as Error).message}`);
  }
  return 1;
}

// ── threads ─────────────────────────────────────────────────────────────

/** Runs `options.workers` worker threads and reports their first failure; resolves to the exit code. */
async function runWorkers(options: Options, firstSeed: number, deadline: number, throughput: Throughput, started: number): Promise<number> {
  // Worker threads do not inherit tsx's loader, so each one registers it before loading this file.
  const bootstrap = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};`
    + ` register(); await import(${JSON.stringify(import.meta.url)});`;
  const workers: Worker[] = [];
  let failure: FailureReport | undefined;
  let lastReport = performance.now();

  await new Promise<void>((resolve, reject) => {
    let running = options.workers;
    for (let index = 0; index < options.workers; index++) {
      const task: WorkerTask = { options, deadline, firstSeed: (firstSeed + index) % 0x80000000, seedStride: options.workers };
      const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: task });
      workers.push(worker);
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "batch") {
          throughput.add(message.report);
          if (performance.now() - lastReport >= PROGRESS_EVERY_MS) {
            throughput.print(performance.now() - started, options.workers);
            lastReport = performance.now();
          }
        } else if (message.type === "failure" && failure === undefined) {
          failure = message.failure;
          for (const other of workers) void other.terminate();
        }
      });
      worker.on("error", reject);
      worker.on("exit", () => {
        running--;
        if (running === 0) resolve();
      });
    }
  });

  throughput.print(performance.now() - started, options.workers);
  if (failure !== undefined) return reportFailure(failure, options);
  console.log("no failure found");
  return 0;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const firstSeed = options.seed ?? randomInt(0x7fffffff);
  const plant = options.plant === undefined ? "" : ` with the planted ${options.plant} bug`;
  console.log(`fuzzing for ${options.minutes} min from seed ${firstSeed} on ${options.workers} thread(s)${plant}`);

  const started = performance.now();
  const deadline = Date.now() + options.minutes * 60_000;
  const throughput = new Throughput();
  if (options.workers > 1) return runWorkers(options, firstSeed, deadline, throughput, started);

  let lastReport = started;
  const failure = fuzzUntil({ options, deadline, firstSeed, seedStride: 1 }, (report) => {
    throughput.add(report);
    if (performance.now() - lastReport >= PROGRESS_EVERY_MS) {
      throughput.print(performance.now() - started, 1);
      lastReport = performance.now();
    }
  });
  throughput.print(performance.now() - started, 1);
  if (failure !== undefined) return reportFailure(failure, options);
  console.log("no failure found");
  return 0;
}

if (isMainThread) {
  process.exitCode = await main();
} else {
  const task = workerData as WorkerTask;
  const failure = fuzzUntil(task, (report) => parentPort!.postMessage({ type: "batch", report } satisfies WorkerMessage));
  parentPort!.postMessage(failure === undefined ? ({ type: "done" } satisfies WorkerMessage) : ({ type: "failure", failure } satisfies WorkerMessage));
}
