// Per-tier figures of each run, as the `simulate` tables and its JSON output show them.

import { TIERS, type Tier } from "../abi/constants.ts";
import { formatTable } from "../cli/table.ts";
import type { RunName, RunResult } from "./runs.ts";
import type { Scenario } from "./scenario.ts";
import { formatBytes, formatDuration, formatRate } from "./units.ts";

/** Figures of one tier of one run. Times are in seconds, and null when the tier has no pods. */
export interface TierSummary {
  /** Time from t = 0 until the last pod of the tier is ready. */
  readySeconds: number | null;
  lowerBoundSeconds: number | null;
  /** Median time from a pod's arrival until it is ready, by the nearest-rank method. */
  p50Seconds: number | null;
  /** 95th percentile of the time from a pod's arrival until it is ready, by the nearest-rank method. */
  p95Seconds: number | null;
  pods: number;
}

export interface RunSummary {
  name: RunName;
  slots: number;
  tiers: Record<Tier, TierSummary>;
}

/** Computes the per-tier figures of `run`. */
export function summarizeRun(scenario: Scenario, run: RunResult): RunSummary {
  const bounds = scenario.lowerBounds;
  const tiers = {} as Record<Tier, TierSummary>;

  for (const tier of TIERS) {
    const ready: number[] = [];
    const waits: number[] = [];
    scenario.pods.forEach((pod, index) => {
      if (pod.tier !== tier) return;
      ready.push(run.readyTimes[index]!);
      waits.push(run.readyTimes[index]! - pod.arrival);
    });
    tiers[tier] = {
      readySeconds: ready.length === 0 ? null : ready.reduce((latest, time) => Math.max(latest, time)),
      lowerBoundSeconds: bounds[tier] ?? null,
      p50Seconds: percentile(waits, 0.5),
      p95Seconds: percentile(waits, 0.95),
      pods: ready.length,
    };
  }
  return { name: run.name, slots: run.slots, tiers };
}

/** Returns the q-quantile of `values` by the nearest-rank method, or null when there are none. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Returns readySeconds divided by lowerBoundSeconds, or null when either is missing. */
export function boundRatio(summary: TierSummary): number | null {
  if (summary.readySeconds === null || summary.lowerBoundSeconds === null) return null;
  return summary.readySeconds / summary.lowerBoundSeconds;
}

/** Formats the runs as JSON: `{"runs": [...]}`, with seconds rounded to microseconds. */
export function formatJson(summaries: readonly RunSummary[]): string {
  const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 1e6) / 1e6);
  const runs = summaries.map((summary) => ({
    name: summary.name,
    slots: summary.slots,
    tiers: Object.fromEntries(
      TIERS.map((tier) => {
        const figures = summary.tiers[tier];
        return [
          tier,
          {
            readySeconds: round(figures.readySeconds),
            lowerBoundSeconds: round(figures.lowerBoundSeconds),
            p50Seconds: round(figures.p50Seconds),
            p95Seconds: round(figures.p95Seconds),
            pods: figures.pods,
          },
        ];
      }),
    ),
  }));
  return JSON.stringify({ runs }, null, 2) + "\n";
}

/** Formats the text report: the scenario, one table per run, then the critical tier of every run. */
export function formatReport(scenario: Scenario, summaries: readonly RunSummary[]): string {
  const sections = [describeScenario(scenario)];

  for (const summary of summaries) {
    const rows = TIERS.map((tier) => {
      const figures = summary.tiers[tier];
      return [
        tier,
        String(figures.pods),
        seconds(figures.readySeconds),
        seconds(figures.p50Seconds),
        seconds(figures.p95Seconds),
        seconds(figures.lowerBoundSeconds),
        ratio(boundRatio(figures)),
      ];
    });
    const table = formatTable(["TIER", "PODS", "ALL READY (s)", "P50 (s)", "P95 (s)", "LOWER BOUND (s)", "RATIO"], rows);
    sections.push(`${runTitle(summary)}\n${table}`);
  }

  const criticalRows = summaries.map((summary) => {
    const figures = summary.tiers.critical;
    return [
      summary.name,
      String(summary.slots),
      seconds(figures.readySeconds),
      seconds(figures.p50Seconds),
      seconds(figures.p95Seconds),
      ratio(boundRatio(figures)),
    ];
  });
  sections.push(
    `Critical tier, all runs\n${formatTable(["RUN", "SLOTS", "ALL READY (s)", "P50 (s)", "P95 (s)", "RATIO"], criticalRows)}`,
  );

  sections.push(
    "ALL READY: time from t = 0 until every pod of the tier is ready. P50 and P95: time from a pod's arrival\n" +
      "until it is ready.\n" +
      "LOWER BOUND: bytes of the tier's images and of the tiers above it at the full link rate, plus one latency;\n" +
      "a bound for orders that pull higher tiers first, so a first-in, first-out run can beat it for a lower tier.\n" +
      "RATIO: ALL READY divided by LOWER BOUND.",
  );
  return sections.join("\n\n") + "\n";
}

/** Names a run and its slot count, as table titles and timeline lanes show it. */
export function runTitle(run: { name: RunName; slots: number }): string {
  return `${run.name} (${run.slots} ${run.slots === 1 ? "slot" : "slots"})`;
}

/** Describes the scenario in one sentence: pods, images, bytes, link and arrivals. */
export function describeScenario(scenario: Scenario): string {
  const totalBytes = [...scenario.bytes.values()].reduce((sum, bytes) => sum + bytes, 0);
  const arrivals =
    scenario.arrival === "boot" ? "all pods present at boot (t = 0)" : "pods arriving at their creation times";
  return (
    `${scenario.pods.length} pods, ${scenario.bytes.size} images (${formatBytes(totalBytes)}), ` +
    `${formatRate(scenario.bandwidth)} link, ${formatDuration(scenario.latency)} latency per pull, ${arrivals}.`
  );
}

function seconds(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}

function ratio(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}
