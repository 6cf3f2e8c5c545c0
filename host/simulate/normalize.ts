// Image reference normalization by the policy module itself, so that size tables and pods match
// images by the same grammar the queue uses (docker.io/library/ prefixes, :latest, digests).

import { DEFAULT_CONFIG } from "../config.ts";
import { PolicyError } from "../errors.ts";
import type { PolicyModule } from "../loader.ts";
import { createConfiguredQueue } from "../plan.ts";
import type { PullQueue } from "../queue.ts";

/** References per scratch pod: the maximum number of images in one pod record (docs/abi.md, limits). */
const BATCH_SIZE = 128;

/**
 * Normalizes references through a scratch queue: new references are enqueued as the images of a
 * scratch pod, their normalized names are read back from the image info records, and the pod is
 * removed again.
 */
export class ReferenceNormalizer {
  private readonly queue: PullQueue;
  private readonly cache = new Map<string, string | undefined>();
  private podCount = 0;

  constructor(module: PolicyModule) {
    this.queue = createConfiguredQueue(DEFAULT_CONFIG, 1, [], module).queue;
  }

  /** Returns the normalized reference, or undefined when the module rejects the reference. */
  normalize(reference: string): string | undefined {
    if (!this.cache.has(reference)) this.normalizeBatch([reference]);
    return this.cache.get(reference);
  }

  /** Normalizes many references with few calls into the module. normalize() then returns them from a cache. */
  normalizeAll(references: Iterable<string>): void {
    const pending = [...new Set(references)].filter((reference) => !this.cache.has(reference));
    for (let start = 0; start < pending.length; start += BATCH_SIZE) {
      this.normalizeBatch(pending.slice(start, start + BATCH_SIZE));
    }
  }

  /** Enqueues `references` as one pod. The module rejects the whole pod for one invalid reference, so then each is tried alone. */
  private normalizeBatch(references: readonly string[]): void {
    this.podCount++;
    const pod = { namespace: "normalize", name: `references-${this.podCount}`, creationTimeMs: 0, images: references };
    try {
      const { podId, imageIds } = this.queue.enqueue(pod);
      references.forEach((reference, index) => this.cache.set(reference, this.queue.imageInfo(imageIds[index]!).image));
      this.queue.removePod(podId);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      if (references.length === 1) this.cache.set(references[0]!, undefined);
      else for (const reference of references) this.normalizeBatch([reference]);
    }
  }
}
