// The typed queue API over one policy module instance. It encodes records,
// moves bytes across the boundary and turns status codes into PolicyErrors;
// every ordering decision is the module's.

import { PullOutcome } from "./abi/constants.ts";
import { ErrorCode, OK, WARN_ANNOTATION_INVALID } from "./abi/status.ts";
import type { RecordBuilder } from "./abi/record-builder.ts";
import {
  decodeImageInfo, decodePodInfo, decodeStats, encodeConfig, encodeNamespace, encodePod,
  type ConfigRecord, type ImageInfo, type PodInfo, type PodRequest, type QueueStats, type Waiter,
} from "./abi/records.ts";
import { PolicyError } from "./errors.ts";
import { PolicyModule, type PolicyExports } from "./loader.ts";

/** Result of ipp_enqueue: the pod's id and one image id per requested image. */
export interface Enqueued {
  podId: number;
  imageIds: number[];
}

export type PullResult = "succeeded" | "failed";

export class PullQueue {
  private view: DataView;

  constructor(readonly exports: PolicyExports) {
    this.view = new DataView(exports.memory.buffer);
  }

  /** Creates a queue on a fresh instance of `module` (default: the built policy). */
  static create(module: PolicyModule = PolicyModule.load()): PullQueue {
    return new PullQueue(module.instantiate());
  }

  /** Sets the configuration; only before the first pod or namespace. */
  configure(config: ConfigRecord): void {
    this.sendRecord("ipp_configure", ["configuration", config], (tracking) => encodeConfig(config, tracking), this.exports.ipp_configure);
  }

  /** Sets the number of images in flight at once. */
  setSlots(slots: number): void {
    const code = this.exports.ipp_set_slots(slots);
    if (code < 0) throw new PolicyError(code, "ipp_set_slots", "slots", slots);
  }

  /**
   * Sets a namespace's priority annotation (undefined when it has none).
   * Returns false when the value is not an int32 and counts as 0.
   */
  setNamespace(name: string, annotation: string | undefined): boolean {
    const code = this.sendRecord(
      "ipp_namespace_set", ["namespace", name], (tracking) => encodeNamespace(name, annotation, tracking),
      this.exports.ipp_namespace_set,
    );
    return code !== WARN_ANNOTATION_INVALID;
  }

  /** Adds a pod's image requests. A pod already queued keeps its place and gains the new images. */
  enqueue(pod: PodRequest): Enqueued {
    const podId = this.sendRecord(
      "ipp_enqueue", ["pod", `${pod.namespace}/${pod.name}`], (tracking) => encodePod(pod, tracking), this.exports.ipp_enqueue,
    );
    const view = this.output();
    const at = this.exports.ipp_output_ptr();
    const count = view.getUint16(at + 4, true);
    const imageIds: number[] = [];
    for (let i = 0; i < count; i++) imageIds.push(view.getUint32(at + 6 + 4 * i, true));
    return { podId, imageIds };
  }

  /** Cancels a pod's requests and forgets it; returns how many images left the queue. */
  removePod(podId: number): number {
    const result = this.exports.ipp_pod_remove(podId);
    if (result < 0) throw new PolicyError(result, "ipp_pod_remove", "podId", podId);
    return result;
  }

  /** Hands out the next image id to pull, or undefined when none is pending or every slot is busy. */
  next(): number | undefined {
    const id = this.exports.ipp_next();
    return id === 0 ? undefined : id;
  }

  /** Finishes an in-flight pull; returns the pods that waited for it, best first. */
  complete(imageId: number, result: PullResult = "succeeded"): Waiter[] {
    const outcome = result === "failed" ? PullOutcome.FAILED : PullOutcome.SUCCEEDED;
    const count = this.exports.ipp_complete(imageId, outcome);
    if (count < 0) throw new PolicyError(count, "ipp_complete", "imageId", imageId);

    const view = this.output();
    const at = this.exports.ipp_output_ptr() + 4;
    const waiters: Waiter[] = new Array(count);
    for (let i = 0; i < count; i++) {
      waiters[i] = { podId: view.getUint32(at + 8 * i, true), remaining: view.getUint32(at + 8 * i + 4, true) };
    }
    return waiters;
  }

  imageInfo(imageId: number): ImageInfo {
    const length = this.exports.ipp_image_info(imageId);
    if (length < 0) throw new PolicyError(length, "ipp_image_info", "imageId", imageId);
    return decodeImageInfo(imageId, this.outputBytes(length));
  }

  podInfo(podId: number): PodInfo {
    const length = this.exports.ipp_pod_info(podId);
    if (length < 0) throw new PolicyError(length, "ipp_pod_info", "podId", podId);
    return decodePodInfo(podId, this.outputBytes(length));
  }

  stats(): QueueStats {
    return decodeStats(this.outputBytes(this.exports.ipp_stats()));
  }

  /** Returns the whole state as snapshot bytes (a copy the caller owns). */
  snapshot(): Uint8Array {
    return this.outputBytes(this.exports.ipp_snapshot());
  }

  /** Replaces the state of this fresh instance with a snapshot. */
  restore(snapshot: Uint8Array): void {
    const code = this.send(snapshot, this.exports.ipp_restore);
    if (code < 0) throw new PolicyError(code, "ipp_restore", "snapshot", `${snapshot.length} bytes`);
  }

  /** Current size of the module's linear memory in 64 KiB pages. */
  get memoryPages(): number {
    return this.exports.memory.buffer.byteLength / 65536;
  }

  private output(): DataView {
    // Growing memory detaches the old buffer, so views are refreshed when it changes.
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new DataView(this.exports.memory.buffer);
    return this.view;
  }

  private outputBytes(length: number): Uint8Array {
    const at = this.exports.ipp_output_ptr();
    return new Uint8Array(this.exports.memory.buffer, at, length).slice();
  }

  private send(bytes: Uint8Array, call: (length: number) => number): number {
    const at = this.exports.ipp_input_reserve(bytes.length);
    if (at === 0) return ErrorCode.ERR_INPUT_TOO_LARGE;
    new Uint8Array(this.exports.memory.buffer, at, bytes.length).set(bytes);
    return call(bytes.length);
  }

  /**
   * Encodes and sends a record. Encoding is deterministic, so on an error the
   * record is encoded again with field tracking to name the field that failed.
   * Errors that concern the whole record, such as a full queue, name `subject`.
   */
  private sendRecord(
    operation: string,
    subject: [field: string, value: unknown],
    encode: (tracking: boolean) => RecordBuilder,
    call: (length: number) => number,
  ): number {
    const code = this.send(encode(false).view(), call);
    if (code >= OK) return code;

    const offset = this.exports.ipp_error_offset();
    const mark = offset >= 0 ? encode(true).fieldAt(offset) : undefined;
    if (mark === undefined) throw new PolicyError(code, operation, subject[0], subject[1]);
    throw new PolicyError(code, operation, mark.field, mark.value);
  }
}
