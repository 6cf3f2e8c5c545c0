// The timed operations. Each case owns one queue, filled to its pending
// count before timing, and restores that count outside the timed region after
// every batch, so each batch runs at the same queue size.

import { encodePod } from "../host/abi/records.ts";
import type { PolicyExports } from "../host/loader.ts";
import { Series, type Case } from "./timing.ts";
import { IdQueue, PodFactory, addImages, annotateBenchNamespaces, type BenchQueue } from "./workload.ts";

const now = (): bigint => process.hrtime.bigint();

/**
 * Times `enqueue` of one pod with three new images at a steady pending count:
 * after each batch, the oldest pods are removed until the count is back.
 */
export class EnqueueCase implements Case {
  readonly series: Series;
  private readonly live = new IdQueue();
  private readonly podIds: number[];

  constructor(
    label: string,
    private readonly queue: BenchQueue,
    private readonly factory: PodFactory,
    pending: number,
    private readonly batchSize: number,
  ) {
    this.series = new Series(label);
    this.podIds = new Array<number>(batchSize).fill(0);
    annotateBenchNamespaces(queue);
    addImages(queue, factory, pending, this.live);
  }

  sample(): void {
    const { queue, podIds } = this;
    const batch = this.factory.pods(this.batchSize);

    const start = now();
    for (let i = 0; i < batch.length; i++) podIds[i] = queue.enqueue(batch[i]!).podId;
    const end = now();
    this.series.record(start, end, batch.length);

    for (const podId of podIds) this.live.push(podId);
    for (let i = 0; i < batch.length; i++) queue.removePod(this.live.shift());
  }

  reset(): void {
    this.series.samples.length = 0;
  }
}

/**
 * Splits the module's enqueue into its two halves: encoding the pod record in
 * JavaScript, and copying the encoded bytes into the module's input buffer
 * plus the ipp_enqueue call. The PullQueue wrapper does both and also decodes
 * the output, which this case skips.
 */
export class RawEnqueueCase implements Case {
  readonly encodeSeries: Series;
  readonly callSeries: Series;
  private readonly live = new IdQueue();
  private readonly records: Uint8Array[];
  private readonly podIds: number[];

  constructor(
    label: string,
    private readonly exports: PolicyExports,
    fillQueue: BenchQueue,
    private readonly factory: PodFactory,
    pending: number,
    private readonly batchSize: number,
  ) {
    this.encodeSeries = new Series(`${label}: encodePod only`);
    this.callSeries = new Series(`${label}: copy + ipp_enqueue`);
    this.records = new Array<Uint8Array>(batchSize);
    this.podIds = new Array<number>(batchSize).fill(0);
    annotateBenchNamespaces(fillQueue);
    addImages(fillQueue, factory, pending, this.live);
  }

  sample(): void {
    const { exports, records, podIds } = this;
    const batch = this.factory.pods(this.batchSize);

    const encodeStart = now();
    for (let i = 0; i < batch.length; i++) records[i] = encodePod(batch[i]!).finish();
    const encodeEnd = now();
    this.encodeSeries.record(encodeStart, encodeEnd, batch.length);

    const callStart = now();
    for (let i = 0; i < batch.length; i++) {
      const record = records[i]!;
      const at = exports.ipp_input_reserve(record.length);
      new Uint8Array(exports.memory.buffer, at, record.length).set(record);
      podIds[i] = exports.ipp_enqueue(record.length);
    }
    const callEnd = now();
    this.callSeries.record(callStart, callEnd, batch.length);

    for (const podId of podIds) {
      if (podId <= 0) throw new Error(`ipp_enqueue failed with status ${podId} during the benchmark`);
      this.live.push(podId);
    }
    for (let i = 0; i < batch.length; i++) exports.ipp_pod_remove(this.live.shift());
  }

  reset(): void {
    this.encodeSeries.samples.length = 0;
    this.callSeries.samples.length = 0;
  }
}

/** Times `next` followed by `complete` of the image it hands out, and refills the pending count after each batch. */
export class PullCase implements Case {
  readonly series: Series;
  /** Sum of waiter counts, kept so the calls' results are used. */
  waiters = 0;

  constructor(
    label: string,
    private readonly queue: BenchQueue,
    private readonly factory: PodFactory,
    pending: number,
    private readonly batchSize: number,
  ) {
    this.series = new Series(label);
    annotateBenchNamespaces(queue);
    addImages(queue, factory, pending);
  }

  sample(): void {
    const { queue, batchSize } = this;
    let waiters = 0;

    const start = now();
    for (let i = 0; i < batchSize; i++) {
      const imageId = queue.next();
      if (imageId === undefined) throw new Error("next handed out no image while images were pending");
      waiters += queue.complete(imageId).length;
    }
    const end = now();
    this.series.record(start, end, batchSize);

    this.waiters += waiters;
    addImages(queue, this.factory, batchSize);
  }

  reset(): void {
    this.series.samples.length = 0;
  }
}

/** Times ipp_next followed by ipp_complete called on the exports directly, without the PullQueue wrapper. */
export class RawPullCase implements Case {
  readonly series: Series;
  /** Sum of waiter counts, kept so the calls' results are used. */
  waiters = 0;

  constructor(
    label: string,
    private readonly exports: PolicyExports,
    private readonly fillQueue: BenchQueue,
    private readonly factory: PodFactory,
    pending: number,
    private readonly batchSize: number,
  ) {
    this.series = new Series(label);
    annotateBenchNamespaces(fillQueue);
    addImages(fillQueue, factory, pending);
  }

  sample(): void {
    const { exports, batchSize } = this;
    let waiters = 0;

    const start = now();
    for (let i = 0; i < batchSize; i++) {
      const count = exports.ipp_complete(exports.ipp_next(), 0);
      if (count < 0) throw new Error(`ipp_complete failed with status ${count} during the benchmark`);
      waiters += count;
    }
    const end = now();
    this.series.record(start, end, batchSize);

    this.waiters += waiters;
    addImages(this.fillQueue, this.factory, batchSize);
  }

  reset(): void {
    this.series.samples.length = 0;
  }
}
