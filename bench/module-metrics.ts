// Measures of the built module itself: file size, compile and instantiate
// time, and linear memory at a given pending count.

import { readFileSync } from "node:fs";

import { PolicyModule } from "../host/loader.ts";
import { PullQueue } from "../host/queue.ts";
import { quantile } from "./timing.ts";
import { PodFactory, addImages, annotateBenchNamespaces } from "./workload.ts";

const now = (): bigint => process.hrtime.bigint();

export interface StartupTimes {
  /** Median ms of `new WebAssembly.Module` on bytes V8 has not compiled before. */
  compileMs: number;
  /** Median ms of `new WebAssembly.Instance`. */
  instantiateMs: number;
  /** Median ms of compile plus instantiate, each repetition summed before the median. */
  compileAndInstantiateMs: number;
  /** Median ms of `new WebAssembly.Module` on the unchanged bytes, which this process has compiled before. */
  cachedCompileMs: number;
  /** Median ms from the bytes to the first pull decision: compile, instantiate, enqueue, next and complete. */
  firstDecisionMs: number;
}

export function readModuleBytes(path: string): Uint8Array<ArrayBuffer> {
  return readFileSync(path);
}

function encodeUnsignedLeb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

/**
 * Returns `bytes` with a custom section appended whose name contains `tag`.
 * Engines ignore custom sections when they compile. V8 keeps a cache of
 * compiled modules keyed by their bytes (--wasm-native-module-cache-enabled,
 * on by default in Node 20.20), so compiling the same bytes again while the
 * first module lives measures a cache hit. Distinct bytes measure the
 * compile that a host pays once per process.
 */
export function withCustomSection(bytes: Uint8Array, tag: string): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode(`image-pull-priority-bench-${tag}`);
  const payload = [...encodeUnsignedLeb128(name.length), ...name];
  const section = [0, ...encodeUnsignedLeb128(payload.length), ...payload];
  const result = new Uint8Array(bytes.length + section.length);
  result.set(bytes);
  result.set(section, bytes.length);
  return result;
}

/** Times compile and instantiate `repetitions` times and returns the medians. */
export function measureStartup(bytes: Uint8Array<ArrayBuffer>, repetitions: number, factory: PodFactory): StartupTimes {
  const compile: number[] = [];
  const instantiate: number[] = [];
  const total: number[] = [];
  const cached: number[] = [];
  const firstDecision: number[] = [];

  for (let i = 0; i < repetitions; i++) {
    const fresh = withCustomSection(bytes, `${process.pid}-${i}`);
    const compileStart = now();
    const module = new WebAssembly.Module(fresh);
    const compileEnd = now();
    new WebAssembly.Instance(module, {});
    const instantiateEnd = now();
    compile.push(Number(compileEnd - compileStart) / 1e6);
    instantiate.push(Number(instantiateEnd - compileEnd) / 1e6);
    total.push(Number(instantiateEnd - compileStart) / 1e6);

    const cachedStart = now();
    new WebAssembly.Module(bytes);
    cached.push(Number(now() - cachedStart) / 1e6);

    // V8 in Node 20.20 compiles wasm functions lazily on their first call (--wasm-lazy-compilation is on by default),
    // so the first pull decision costs more than compile plus instantiate.
    const coldBytes = withCustomSection(bytes, `${process.pid}-${i}-cold`);
    const pod = factory.pod(3);
    const coldStart = now();
    const queue = PullQueue.create(PolicyModule.compile(coldBytes));
    queue.enqueue(pod);
    queue.complete(queue.next() as number);
    firstDecision.push(Number(now() - coldStart) / 1e6);
  }

  return {
    compileMs: quantile(compile, 0.5),
    instantiateMs: quantile(instantiate, 0.5),
    compileAndInstantiateMs: quantile(total, 0.5),
    cachedCompileMs: quantile(cached, 0.5),
    firstDecisionMs: quantile(firstDecision, 0.5),
  };
}

/** Fills a fresh instance to `pending` images and returns its linear memory size in 64 KiB pages. */
export function memoryPagesAt(module: PolicyModule, pending: number, factory: PodFactory): number {
  const queue = PullQueue.create(module);
  annotateBenchNamespaces(queue);
  addImages(queue, factory, pending);
  const stats = queue.stats();
  if (stats.pending !== pending) throw new Error(`expected ${pending} pending images after the fill, found ${stats.pending}`);
  return queue.memoryPages;
}
