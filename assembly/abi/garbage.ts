// The running estimate of garbage left since the last collection. Calls and
// buffer replacements add to it; index.ts collects once it passes a threshold.

let garbageBytes: i64 = 0;

/** Adds `bytes` to the garbage estimate. */
export function leaveGarbage(bytes: i64): void {
  garbageBytes += bytes;
}

/** Returns the garbage estimate. */
export function garbageEstimate(): i64 {
  return garbageBytes;
}

/** Starts a new estimate after a collection. */
export function resetGarbage(): void {
  garbageBytes = 0;
}
