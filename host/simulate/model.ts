// The download model of one node. Each pull first waits a fixed latency (registry round trips,
// manifest and token requests), then downloads its bytes over the node's link. Pulls that are
// downloading share the link's bandwidth equally. Pulls still in their latency use none, so the
// link stays busy as long as any pull is downloading.
//
// The simulation is event-driven. Between two events (a latency ending, a download finishing, or
// an event of the caller such as a pod arriving) every rate is constant, so time jumps from event
// to event and the rates are recomputed at each one. Times are seconds as floats.

/**
 * Bytes left below which a download counts as finished. Sizes are whole bytes, so a remainder
 * under one byte is floating-point rounding, and treating it as finished keeps two downloads that
 * end together from producing a second event a few nanoseconds later.
 */
const FINISHED_BYTES = 1;

/** A pull that has ended, with its phases. */
export interface FinishedPull {
  /** The key the caller passed to start(). */
  key: number;
  start: number;
  /** End of the latency and start of the download. */
  downloadStart: number;
  end: number;
}

interface ActivePull {
  key: number;
  start: number;
  downloadStart: number;
  remaining: number;
}

/** A node's link with the pulls on it. */
export class SharedLink {
  /** Simulated time in seconds. */
  now = 0;
  /**
   * Pulls in their latency phase, in start order. Every pull waits the same latency, so this is
   * also the order in which their latencies end.
   */
  private latent: ActivePull[] = [];
  /** Pulls downloading. */
  private downloading: ActivePull[] = [];

  /**
   * @param bandwidth link rate in bytes per second, above 0
   * @param latency fixed time each pull waits before its download, in seconds
   */
  constructor(
    readonly bandwidth: number,
    readonly latency: number,
  ) {
    if (!(bandwidth > 0)) throw new RangeError(`bandwidth must be above 0, got ${bandwidth}`);
    if (!(latency >= 0)) throw new RangeError(`latency must be 0 or more, got ${latency}`);
  }

  /** Number of pulls in flight, in either phase. */
  get active(): number {
    return this.latent.length + this.downloading.length;
  }

  /** Starts a pull of `bytes` at the current time. A pull of 0 bytes pays only the latency. */
  start(key: number, bytes: number): void {
    const start = this.now;
    this.latent.push({ key, start, downloadStart: start + this.latency, remaining: bytes });
  }

  /** Returns the time of the next latency end or download end, or Infinity when no pull is in flight. */
  nextEventTime(): number {
    const first = this.firstToFinish();
    const finish = first === undefined ? Infinity : this.finishTime(first);
    const latencyEnd = this.latent.length === 0 ? Infinity : this.latent[0]!.downloadStart;
    return Math.min(finish, latencyEnd);
  }

  /**
   * Advances the clock to `time`, which must not pass nextEventTime(), and returns the pulls that
   * ended at `time` in start order.
   */
  advanceTo(time: number): FinishedPull[] {
    const next = this.nextEventTime();
    if (time < this.now) throw new RangeError(`cannot go back from ${this.now} s to ${time} s`);
    if (time > next) throw new RangeError(`cannot skip the event at ${next} s on the way to ${time} s`);

    // The download that defines the event ends exactly at it, whatever the rounding left over.
    const first = this.firstToFinish();
    const forced = first !== undefined && time >= this.finishTime(first) ? first : undefined;
    const share = this.downloading.length === 0 ? 0 : (this.bandwidth / this.downloading.length) * (time - this.now);
    this.now = time;

    // This runs once per event, tens of thousands of times per run, so finished pulls are
    // removed in place instead of rebuilding both lists.
    const finished: ActivePull[] = [];
    for (let index = this.downloading.length - 1; index >= 0; index--) {
      const pull = this.downloading[index]!;
      pull.remaining -= share;
      if (pull === forced || pull.remaining < FINISHED_BYTES) {
        finished.push(pull);
        this.downloading.splice(index, 1);
      }
    }
    while (this.latent.length > 0 && this.latent[0]!.downloadStart <= time) {
      const pull = this.latent.shift()!;
      if (pull.remaining < FINISHED_BYTES) finished.push(pull);
      else this.downloading.push(pull);
    }

    if (finished.length > 1) finished.sort((a, b) => a.start - b.start || a.key - b.key);
    return finished.map((pull) => ({ key: pull.key, start: pull.start, downloadStart: pull.downloadStart, end: time }));
  }

  /** Returns the download with the fewest bytes left, which ends first because all share one rate. */
  private firstToFinish(): ActivePull | undefined {
    let first: ActivePull | undefined;
    for (const pull of this.downloading) {
      if (first === undefined || pull.remaining < first.remaining) first = pull;
    }
    return first;
  }

  /** Returns when `pull` ends at the current rates. */
  private finishTime(pull: ActivePull): number {
    return this.now + pull.remaining / (this.bandwidth / this.downloading.length);
  }
}
