// The pull order: the one place that decides which of two requests goes first.
//
// A request (one pod asking for one image) has a key of four u64 words,
// compared in order, smaller first:
//
//   word 0   tier (bits 32-33) | group rank (bits 0-31)
//              critical:  group 0
//              preferred: position in preferredNamespaces
//              default:   namespace annotation, higher first
//   word 1   pod priority rank, higher priority first
//   word 2   pod creation time in ms, earlier first
//   word 3   pod arrival sequence (bits 24-63) | container index (bits 0-23)
//
// Word 3 is unique per request, so the order is total: no two images ever
// compare equal, and the pull order does not depend on heap layout.
// An image's key is the smallest key among the requests waiting for it.

import { TIER_DEFAULT, TIER_PREFERRED } from "./tier";

/** Bits of word 3 that hold the container index. */
export const CONTAINER_BITS: u64 = 24;
/** Largest container index a pod may reach. */
export const MAX_CONTAINER_INDEX: u32 = (1 << <u32>CONTAINER_BITS) - 1;
/** Largest arrival sequence number before word 3 would overflow. */
export const MAX_SEQUENCE: u64 = (<u64>1 << (64 - CONTAINER_BITS)) - 1;

/** Maps an int32 to a u32 rank that sorts higher values first. */
export function descendingRank(value: i32): u32 {
  // Wrapping subtraction: i32.MAX_VALUE -> 0, 0 -> 0x7FFFFFFF, i32.MIN_VALUE -> 0xFFFFFFFF.
  return <u32>(i32.MAX_VALUE - value);
}

/** Computes word 0 for a pod in `tier`; `group` is the preferred index or the annotation value. */
export function tierWord(tier: u8, group: i32): u64 {
  let rank: u32 = 0;
  if (tier == TIER_PREFERRED) rank = <u32>group;
  else if (tier == TIER_DEFAULT) rank = descendingRank(group);
  return (<u64>tier << 32) | <u64>rank;
}

/** Computes word 1 from spec.priority (0 when the pod has none). */
export function priorityWord(priority: i32): u64 {
  return <u64>descendingRank(priority);
}

/** Computes word 2 from the creation time; flipping the sign bit keeps i64 order in u64. */
export function creationWord(creationMs: i64): u64 {
  return <u64>creationMs ^ 0x8000000000000000;
}

/** Computes word 3 from the pod's arrival sequence and the container index. */
export function arrivalWord(sequence: u64, container: u32): u64 {
  return (sequence << CONTAINER_BITS) | <u64>container;
}

/** Returns true when key (a0..a3) sorts before key (b0..b3). */
// @ts-ignore: decorator
@inline
export function keyBefore(a0: u64, a1: u64, a2: u64, a3: u64, b0: u64, b1: u64, b2: u64, b3: u64): bool {
  if (a0 != b0) return a0 < b0;
  if (a1 != b1) return a1 < b1;
  if (a2 != b2) return a2 < b2;
  return a3 < b3;
}
