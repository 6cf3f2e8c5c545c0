// Timing primitives: a series of per-operation samples, and the round loop.
// The loop warms every case up and then interleaves the cases, so that a slow
// phase of the machine affects all of them alike.

/** Per-operation times in nanoseconds, one sample per timed batch. */
export class Series {
  readonly samples: number[] = [];

  constructor(readonly label: string) {}

  /** Records a batch of `operations` that ran from `start` to `end` (process.hrtime.bigint values). */
  record(start: bigint, end: bigint, operations: number): void {
    this.samples.push(Number(end - start) / operations);
  }

  get median(): number {
    return quantile(this.samples, 0.5);
  }

  quantile(q: number): number {
    return quantile(this.samples, q);
  }
}

/** Returns the q-quantile of `values` by the nearest-rank method, or NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** One thing to time: each call to `sample` times one batch and records it. */
export interface Case {
  sample(): void;
  /** Drops the samples taken so far, after warm-up. */
  reset(): void;
}

export interface RoundPlan {
  /** Untimed samples per case before the first round, to let V8 tier the code up. */
  warmupSamples: number;
  rounds: number;
  samplesPerRound: number;
}

/** Warms every case up, then runs `rounds` rounds in which each case takes `samplesPerRound` samples. */
export function runRounds(cases: readonly Case[], plan: RoundPlan): void {
  for (const benchCase of cases) {
    for (let i = 0; i < plan.warmupSamples; i++) benchCase.sample();
    benchCase.reset();
  }
  for (let round = 0; round < plan.rounds; round++) {
    // Alternate the order, so no case always runs right after the same other one.
    const ordered = round % 2 === 0 ? cases : [...cases].reverse();
    for (const benchCase of ordered) {
      for (let i = 0; i < plan.samplesPerRound; i++) benchCase.sample();
    }
  }
}

/**
 * Returns the median ns per iteration of a plain integer add loop, a rough
 * gauge of the machine's single-core speed to read the other figures against.
 */
export function measureLoopNs(iterations = 20_000_000, repetitions = 5): number {
  const times: number[] = [];
  let sum = 0;
  for (let r = 0; r < repetitions; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sum = (sum + i) | 0;
    times.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  // Using the sum keeps the loop from being removed as dead code.
  if (sum === 0.5) console.log(sum);
  return quantile(times, 0.5);
}
