// Conformance vectors: JSON files of ABI-level calls with their expected
// results, replayed against a fresh module instance. The format is language
// neutral (docs/abi.md, "Conformance vectors"), so shims in other languages
// replay the same files.

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { ConfigRecord, PodRequest } from "../../host/abi/records.ts";

/** The namespace record as JSON: `annotation` absent or null means the namespace has none. */
export interface NamespaceJson {
  namespace: string;
  annotation?: string | null;
}

/** One call and what it must return. */
export type VectorStep =
  | { call: "ipp_configure"; record: ConfigRecord; expect: number }
  | { call: "ipp_namespace_set"; record: NamespaceJson; expect: number }
  | { call: "ipp_enqueue"; record: PodRequest; expect: number; output?: { podId: number; imageIds: number[] } }
  | {
      call: "ipp_configure" | "ipp_namespace_set" | "ipp_enqueue" | "ipp_restore";
      bytes: string;
      /** Length passed to the call when it differs from the reserved byte count. */
      length?: number;
      expect: number;
      errorOffset?: number;
    }
  | { call: "ipp_set_slots"; args: [number]; expect: number }
  | { call: "ipp_pod_remove"; args: [number]; expect: number }
  | { call: "ipp_next"; expect: number }
  | { call: "ipp_complete"; args: [number, number]; expect: number; output?: { waiters: Array<{ podId: number; remaining: number }> } }
  | { call: "ipp_image_info"; args: [number]; expect?: number; output?: Record<string, unknown> }
  | { call: "ipp_pod_info"; args: [number]; expect?: number; output?: Record<string, unknown> }
  | { call: "ipp_stats"; output: Record<string, number> }
  | { call: "snapshot_restore" };

export interface Vector {
  description: string;
  steps: VectorStep[];
}

/** Converts bytes to the lowercase hex used by `bytes` steps. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Reads every vector in `dir`, sorted by file name. */
export function readVectors(dir: string): Array<{ file: string; vector: Vector }> {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(join(dir, file), "utf8")) as Vector }));
}

export function writeVector(path: string, vector: Vector): void {
  writeFileSync(path, JSON.stringify(vector, null, 2) + "\n");
}
