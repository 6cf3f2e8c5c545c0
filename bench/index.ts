// Benchmark of the policy module against a plain TypeScript queue with the
// same ordering contract (bench/reference-queue.ts). Run it with
// `npm run bench`, which rebuilds build/policy.wasm first.
//
// It first checks that both queues return the same results for one seeded
// call sequence. Then, at several pending counts, it times two operations:
// enqueueing one pod with three new images, and next followed by complete.
// Each runs through the PullQueue wrapper, through the raw exports and
// through the reference queue. Last it measures the module's size, compile
// and instantiate time, and linear memory. Results are printed as Markdown
// tables, and a missed target does not fail the run.
//
// Usage: node --import tsx bench/index.ts [--module PATH]
//   --module PATH   policy module to measure (default: build/policy.wasm)

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { availableParallelism, cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";

import { DEFAULT_POLICY_PATH, PolicyModule } from "../host/loader.ts";
import { PullQueue } from "../host/queue.ts";
import { EnqueueCase, PullCase, RawEnqueueCase, RawPullCase } from "./cases.ts";
import { EquivalenceError, checkEquivalence } from "./equivalence.ts";
import { measureStartup, memoryPagesAt, readModuleBytes, type StartupTimes } from "./module-metrics.ts";
import { ReferenceQueue } from "./reference-queue.ts";
import { formatBytes, formatMs, formatNs, formatTable, verdict } from "./report.ts";
import { measureLoopNs, runRounds, type RoundPlan, type Series } from "./timing.ts";
import { PodFactory } from "./workload.ts";

const PENDING_COUNTS = [1_000, 10_000, 100_000];
const PLAN: RoundPlan = { warmupSamples: 40, rounds: 5, samplesPerRound: 60 };
const STARTUP_REPETITIONS = 50;
const EQUIVALENCE_SEED = 0x1b9;
const EQUIVALENCE_PODS = 2000;
const WORKLOAD_SEED = 0x5eed;

/** Targets the figures are compared against. */
const TARGETS = {
  pullNs: 300,
  pullAtPending: 10_000,
  enqueueNs: 3000,
  moduleBytes: 32 * 1024,
  startupMs: 2,
};

/** The series measured at one pending count. */
interface SizeResult {
  pending: number;
  enqueueHost: Series;
  enqueueEncode: Series;
  enqueueCall: Series;
  enqueueReference: Series;
  pullHost: Series;
  pullRaw: Series;
  pullReference: Series;
  /** Module memory of the PullQueue enqueue case after all its rounds. */
  memoryPagesAfterRounds: number;
}

/** Returns the batch size: about `fraction` of the pending count, within [min, max]. */
function batchSize(pending: number, fraction: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(pending * fraction)));
}

function checkPending(label: string, actual: number, expected: number, slack: number): void {
  if (actual < expected || actual > expected + slack) {
    throw new Error(`${label}: ${actual} images pending after the rounds, expected ${expected} (up to ${slack} more)`);
  }
}

function measureSize(module: PolicyModule, pending: number): SizeResult {
  // Enqueue batches add 3 images per pod, so 1% of pending in pods is 3% more images while a batch runs.
  const enqueueBatch = batchSize(pending, 0.01, 10, 100);
  const pullBatch = batchSize(pending, 0.02, 10, 200);

  const enqueueQueue = PullQueue.create(module);
  const rawEnqueueQueue = PullQueue.create(module);
  const referenceEnqueueQueue = new ReferenceQueue();
  const pullQueue = PullQueue.create(module);
  const rawPullQueue = PullQueue.create(module);
  const referencePullQueue = new ReferenceQueue();

  // Each case gets a factory with the same seed, so the module and the reference see the same pods.
  const factory = (): PodFactory => new PodFactory(WORKLOAD_SEED + pending);
  const enqueueHost = new EnqueueCase("PullQueue.enqueue", enqueueQueue, factory(), pending, enqueueBatch);
  const enqueueRaw = new RawEnqueueCase("module", rawEnqueueQueue.exports, rawEnqueueQueue, factory(), pending, enqueueBatch);
  const enqueueReference = new EnqueueCase("ReferenceQueue.enqueue", referenceEnqueueQueue, factory(), pending, enqueueBatch);
  const pullHost = new PullCase("PullQueue next + complete", pullQueue, factory(), pending, pullBatch);
  const pullRaw = new RawPullCase("ipp_next + ipp_complete", rawPullQueue.exports, rawPullQueue, factory(), pending, pullBatch);
  const pullReference = new PullCase("ReferenceQueue next + complete", referencePullQueue, factory(), pending, pullBatch);

  runRounds([enqueueHost, enqueueRaw, enqueueReference, pullHost, pullRaw, pullReference], PLAN);

  // The last pod of a fill may have fewer than three images, so removing whole pods can leave up to 2 extra.
  checkPending("PullQueue enqueue", enqueueQueue.stats().pending, pending, 2);
  checkPending("raw enqueue", rawEnqueueQueue.stats().pending, pending, 2);
  checkPending("ReferenceQueue enqueue", referenceEnqueueQueue.pendingCount, pending, 2);
  checkPending("PullQueue next + complete", pullQueue.stats().pending, pending, 0);
  checkPending("raw next + complete", rawPullQueue.stats().pending, pending, 0);
  checkPending("ReferenceQueue next + complete", referencePullQueue.pendingCount, pending, 0);

  return {
    pending,
    enqueueHost: enqueueHost.series,
    enqueueEncode: enqueueRaw.encodeSeries,
    enqueueCall: enqueueRaw.callSeries,
    enqueueReference: enqueueReference.series,
    pullHost: pullHost.series,
    pullRaw: pullRaw.series,
    pullReference: pullReference.series,
    memoryPagesAfterRounds: enqueueQueue.memoryPages,
  };
}

function ratio(module: Series, reference: Series): string {
  return `${(module.median / reference.median).toFixed(1)}x`;
}

function printOperations(results: readonly SizeResult[]): void {
  console.log("\n## Per operation (median ns/op)\n");
  const rows: string[][] = [];
  for (const result of results) {
    rows.push([
      "enqueue 1 pod, 3 new images",
      result.pending.toLocaleString("en-US"),
      formatNs(result.enqueueHost.median),
      formatNs(result.enqueueCall.median),
      formatNs(result.enqueueReference.median),
      ratio(result.enqueueHost, result.enqueueReference),
      ratio(result.enqueueCall, result.enqueueReference),
      `<= ${formatNs(TARGETS.enqueueNs)}`,
      verdict(result.enqueueHost.median <= TARGETS.enqueueNs),
      verdict(result.enqueueCall.median <= TARGETS.enqueueNs),
    ]);
  }
  for (const result of results) {
    const hasTarget = result.pending === TARGETS.pullAtPending;
    rows.push([
      "next + complete",
      result.pending.toLocaleString("en-US"),
      formatNs(result.pullHost.median),
      formatNs(result.pullRaw.median),
      formatNs(result.pullReference.median),
      ratio(result.pullHost, result.pullReference),
      ratio(result.pullRaw, result.pullReference),
      hasTarget ? `<= ${formatNs(TARGETS.pullNs)}` : "-",
      hasTarget ? verdict(result.pullHost.median <= TARGETS.pullNs) : "-",
      hasTarget ? verdict(result.pullRaw.median <= TARGETS.pullNs) : "-",
    ]);
  }
  console.log(
    formatTable(
      ["operation", "pending", "PullQueue", "raw exports", "TS reference", "PullQueue/TS", "raw/TS", "target", "PullQueue", "raw"],
      rows,
    ),
  );
  console.log("\nraw exports: for enqueue, copying a record encoded beforehand into the input buffer plus ipp_enqueue;");
  console.log("for next + complete, ipp_next and ipp_complete called directly, without reading the waiters.");
}

function printBreakdown(results: readonly SizeResult[]): void {
  console.log("\n## Where the module's time goes (median ns/op)\n");
  const rows: string[][] = [];
  for (const result of results) {
    const host = result.enqueueHost.median;
    const encode = result.enqueueEncode.median;
    const call = result.enqueueCall.median;
    rows.push([
      "enqueue",
      result.pending.toLocaleString("en-US"),
      formatNs(host),
      `encodePod ${formatNs(encode)} (${percent(encode, host)})`,
      `copy + ipp_enqueue ${formatNs(call)} (${percent(call, host)})`,
      `rest ${formatNs(host - encode - call)} (${percent(host - encode - call, host)})`,
    ]);
  }
  for (const result of results) {
    const host = result.pullHost.median;
    const raw = result.pullRaw.median;
    rows.push([
      "next + complete",
      result.pending.toLocaleString("en-US"),
      formatNs(host),
      "-",
      `ipp_next + ipp_complete ${formatNs(raw)} (${percent(raw, host)})`,
      `wrapper ${formatNs(host - raw)} (${percent(host - raw, host)})`,
    ]);
  }
  console.log(formatTable(["operation", "pending", "PullQueue", "JS encoding", "module call", "host wrapper"], rows));
  console.log("\nEach part is measured on its own, so the parts need not add up exactly to the PullQueue figure.");
}

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

function printDistributions(results: readonly SizeResult[]): void {
  console.log("\n## Spread of every series (ns/op per batch)\n");
  const rows: string[][] = [];
  for (const result of results) {
    const series = [
      result.enqueueHost, result.enqueueEncode, result.enqueueCall, result.enqueueReference,
      result.pullHost, result.pullRaw, result.pullReference,
    ];
    for (const entry of series) {
      rows.push([
        entry.label,
        result.pending.toLocaleString("en-US"),
        formatNs(entry.quantile(0.1)),
        formatNs(entry.median),
        formatNs(entry.quantile(0.9)),
        String(entry.samples.length),
      ]);
    }
  }
  console.log(formatTable(["series", "pending", "p10", "median", "p90", "batches"], rows));
}

function printModule(bytes: Uint8Array, startup: StartupTimes, pagesAt100k: number, pagesAfterRounds: number): void {
  console.log("\n## Module\n");
  const mib = (pages: number): string => `${pages} pages (${((pages * 65536) / (1 << 20)).toFixed(1)} MiB)`;
  const rows = [
    ["module size", formatBytes(bytes.length), `<= ${formatBytes(TARGETS.moduleBytes)}`, verdict(bytes.length <= TARGETS.moduleBytes)],
    [
      `compile + instantiate (median of ${STARTUP_REPETITIONS})`,
      formatMs(startup.compileAndInstantiateMs),
      `<= ${formatMs(TARGETS.startupMs)}`,
      verdict(startup.compileAndInstantiateMs <= TARGETS.startupMs),
    ],
    ["  compile, bytes new to V8", formatMs(startup.compileMs), "", ""],
    ["  instantiate", formatMs(startup.instantiateMs), "", ""],
    ["  compile, same bytes again (V8 module cache hit)", formatMs(startup.cachedCompileMs), "", ""],
    ["compile to first pull decision (+ enqueue, next, complete)", formatMs(startup.firstDecisionMs), "", ""],
    ["memory, fresh instance filled to 100,000 pending", mib(pagesAt100k), "", ""],
    ["memory, 100,000 pending after the enqueue rounds", mib(pagesAfterRounds), "", ""],
  ];
  console.log(formatTable(["measure", "value", "target", "result"], rows));
}

/** Describes the module's source: the commit, and uncommitted changes that affect the build. */
function describeSource(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const changed = execFileSync("git", ["status", "--porcelain", "--", "assembly", "asconfig.json"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => line.slice(3));
    return changed.length === 0 ? `commit ${commit}` : `commit ${commit} with uncommitted changes to ${changed.join(", ")}`;
  } catch (error) {
    return `unknown (git failed: ${(error as Error).message})`;
  }
}

function printEnvironment(path: string, bytes: Uint8Array): void {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`# image-pull-priority benchmark\n`);
  console.log(`${new Date().toISOString()}, Node ${process.version}, V8 ${process.versions.v8}, ${availableParallelism()} x ${cpu}`);
  const sha256 = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  console.log(`module: ${path}, ${bytes.length} bytes, sha256 ${sha256}...`);
  if (path === DEFAULT_POLICY_PATH) console.log(`module source: ${describeSource()}`);
  console.log(
    `rounds: ${PLAN.warmupSamples} warm-up batches per case, then ${PLAN.rounds} rounds of ${PLAN.samplesPerRound} batches; ` +
      "figures are medians over batches",
  );
  // Other processes on the machine slow every figure, and the load average shows whether any were running.
  console.log(`load average (1 min) at start: ${loadavg()[0]?.toFixed(2)}`);
  console.log(`machine speed: ${measureLoopNs().toFixed(2)} ns per iteration of an integer add loop`);
}

function main(): void {
  const started = process.hrtime.bigint();
  const { values } = parseArgs({ options: { module: { type: "string", default: DEFAULT_POLICY_PATH } } });
  const path = values.module;
  const bytes = readModuleBytes(path);
  const module = PolicyModule.compile(bytes, path);
  printEnvironment(path, bytes);

  try {
    checkEquivalence(PullQueue.create(module), new ReferenceQueue(), EQUIVALENCE_SEED, EQUIVALENCE_PODS);
  } catch (error) {
    if (!(error instanceof EquivalenceError)) throw error;
    console.error(`\nEquivalence check failed: ${error.message}`);
    console.error("The reference queue does not follow the module's ordering contract, so its timings compare");
    console.error("nothing. Fix bench/reference-queue.ts (or the module) until the check passes; no timings were taken.");
    process.exitCode = 1;
    return;
  }
  console.log(`equivalence check: ${EQUIVALENCE_PODS} pods (seed ${EQUIVALENCE_SEED}) give the same results in both queues`);

  const results: SizeResult[] = [];
  for (const pending of PENDING_COUNTS) {
    console.error(`measuring at ${pending} pending images...`);
    results.push(measureSize(module, pending));
  }

  console.error("measuring the module...");
  const startup = measureStartup(bytes, STARTUP_REPETITIONS, new PodFactory(WORKLOAD_SEED));
  const pagesAt100k = memoryPagesAt(module, 100_000, new PodFactory(WORKLOAD_SEED));
  const largest = results.find((result) => result.pending === 100_000);

  printOperations(results);
  printBreakdown(results);
  printModule(bytes, startup, pagesAt100k, largest?.memoryPagesAfterRounds ?? NaN);
  printDistributions(results);

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`\nfinished in ${seconds.toFixed(1)} s; load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)}`);
}

main();
