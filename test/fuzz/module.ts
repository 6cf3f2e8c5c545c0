// Loading the built policy module once per process for the fuzzers.

import { ErrorCode } from "../../host/abi/status.ts";
import { PolicyModule, type PolicyExports } from "../../host/loader.ts";

/** Creates a fresh module instance; the fuzzers call it for every run and every restore. */
export type Instantiate = () => PolicyExports;

let compiled: PolicyModule | undefined;

/** Returns fresh instances of build/policy.wasm, compiling it on first use (run `npm run build:wasm` first). */
export const instantiatePolicy: Instantiate = () => {
  compiled ??= PolicyModule.load();
  return compiled.instantiate();
};

/** Returns the module's output bytes of the last call (a copy). */
export function outputBytes(exports: PolicyExports, length: number): Uint8Array {
  return new Uint8Array(exports.memory.buffer, exports.ipp_output_ptr(), length).slice();
}

/** Returns the snapshot of an instance's whole state. */
export function snapshotOf(exports: PolicyExports): Uint8Array {
  return outputBytes(exports, exports.ipp_snapshot());
}

/** Copies `bytes` into the input buffer and calls `call` with their length; ERR_INPUT_TOO_LARGE when the reserve fails. */
export function sendBytes(exports: PolicyExports, bytes: Uint8Array, call: (length: number) => number): number {
  const at = exports.ipp_input_reserve(bytes.length);
  if (at === 0) return ErrorCode.ERR_INPUT_TOO_LARGE;
  new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
  return call(bytes.length);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
