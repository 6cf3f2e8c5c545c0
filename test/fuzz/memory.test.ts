// Memory stays bounded over a long run with a steady queue.

import { describe, expect, it } from "vitest";

import { PullQueue } from "../../host/queue.ts";
import { instantiatePolicy } from "./module.ts";
import { FUZZ_TEST_TIMEOUT_MS } from "./properties.ts";

const PENDING = 2_000;
const CYCLES = 200_000;
const SAMPLE_EVERY = 10_000;

describe("memory", () => {
  it("stops growing at 2,000 pending images over 200k cycles", () => {
    const queue = new PullQueue(instantiatePolicy());
    queue.setNamespace("team-a", "5");
    let podNumber = 0;

    // Each pod brings a new image and requests its predecessor's too, sharing
    // it while it is pending, so every cycle allocates and frees names, pods,
    // images and requests.
    const enqueueNew = () => {
      const n = podNumber++;
      queue.enqueue({
        namespace: n % 3 === 0 ? "team-a" : "team-b",
        name: `pod-${n}`,
        priority: n % 7,
        creationTimeMs: n,
        images: [`registry.local/app-${n}:v1`, `registry.local/app-${Math.max(n - 1, 0)}:v1`],
      });
    };
    // Pulls until PENDING images are left; returns how many were pulled.
    const pullDownToSteady = () => {
      let pulled = 0;
      while (queue.stats().pending > PENDING) {
        const id = queue.next()!;
        queue.complete(id, (podNumber + pulled) % 5 === 0 ? "failed" : "succeeded");
        pulled++;
      }
      return pulled;
    };
    for (let i = 0; i < PENDING; i++) enqueueNew();
    pullDownToSteady();

    const pages: number[] = [];
    let pulls = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      enqueueNew();
      pulls += pullDownToSteady();
      // Churn the namespace annotation now and then, which re-keys team-a's images.
      if (cycle % 1000 === 0) queue.setNamespace("team-a", String(cycle % 10));
      if (cycle % SAMPLE_EVERY === 0) pages.push(queue.memoryPages);
    }

    expect(queue.stats().pending).toBe(PENDING);
    expect(pulls).toBeGreaterThan(CYCLES);

    const half = pages.length / 2;
    const atHalf = pages[half - 1]!;
    const secondHalf = pages.slice(half);
    expect(Math.max(...secondHalf), `pages every ${SAMPLE_EVERY} cycles: ${pages.join(", ")}`).toBe(atHalf);
  }, FUZZ_TEST_TIMEOUT_MS);
});

describe("memory of large results", () => {
  it("stays flat over repeated info on a shared image", () => {
    const queue = new PullQueue(instantiatePolicy());
    for (let n = 0; n < 20_000; n++) {
      queue.enqueue({ namespace: "batch", name: `job-${n}`, creationTimeMs: n, images: ["registry.local/shared:v1"] });
    }
    const imageId = queue.next()!;
    const before = queue.memoryPages;

    // Each record lists 20,000 waiting pods (80 KB); the output buffer must be reused or counted as garbage.
    for (let call = 0; call < 3_000; call++) expect(queue.imageInfo(imageId).podIds).toHaveLength(20_000);

    expect(queue.memoryPages).toBeLessThanOrEqual(2 * before);
  }, FUZZ_TEST_TIMEOUT_MS);
});
