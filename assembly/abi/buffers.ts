// The two byte buffers that cross the boundary.
//
//   host ── ipp_input_reserve(n) ──▶ pointer to n writable bytes (input)
//   host ── writes a record there, then calls an export with its length
//   module ── writes its result to the output buffer ──▶ ipp_output_ptr()
//
// Both buffers belong to the module. The input pointer is valid until the
// next ipp_input_reserve; the output bytes are valid until the next call that
// writes output. Either buffer may move when it grows, so hosts read the
// pointer again instead of caching it.

import { leaveGarbage } from "./garbage";
import { MAX_INPUT_BYTES } from "./limits";

// Buffers of this size are kept after a larger input or output shrinks back.
const RESIDENT_BYTES: i32 = 64 * 1024;
// A buffer above this size is released once a call needs less. Smaller ones stay, so that
// repeated results of a few hundred KiB (image info of a widely shared image) reuse one buffer.
const TRIM_BYTES: i32 = 1 << 20;

let input = new ArrayBuffer(RESIDENT_BYTES);
// Length of the last reservation: calls may read only that much.
let reserved: i32 = 0;
let output = new ArrayBuffer(RESIDENT_BYTES);

/** Returns a pointer to at least `length` writable input bytes, or 0 when `length` is out of range. */
export function reserveInput(length: i32): usize {
  if (length < 0 || length > MAX_INPUT_BYTES) return 0;

  if (length > input.byteLength) {
    leaveGarbage(input.byteLength);
    input = new ArrayBuffer(length);
  } else if (length <= RESIDENT_BYTES && input.byteLength > TRIM_BYTES) {
    // Release the memory of a large restore once inputs are small again.
    leaveGarbage(input.byteLength);
    input = new ArrayBuffer(RESIDENT_BYTES);
  }
  reserved = length;
  return changetype<usize>(input);
}

/** Returns the input pointer when `length` is within the last reservation, else 0. */
export function inputBytes(length: i32): usize {
  if (length < 0 || length > reserved) return 0;
  return changetype<usize>(input);
}

/** Returns the current output pointer. */
export function outputPointer(): usize {
  return changetype<usize>(output);
}

/** Returns a pointer to an output buffer of at least `capacity` bytes, keeping the first `keep` bytes. */
export function growOutput(capacity: i32, keep: i32): usize {
  if (capacity > output.byteLength) {
    let size = output.byteLength;
    while (size < capacity) size <<= 1;
    const grown = new ArrayBuffer(size);
    memory.copy(changetype<usize>(grown), changetype<usize>(output), <usize>keep);
    leaveGarbage(output.byteLength);
    output = grown;
  }
  return changetype<usize>(output);
}

/** Shrinks the output buffer back to its resident size after a result above TRIM_BYTES was read. */
export function trimOutput(): void {
  if (output.byteLength > TRIM_BYTES) {
    leaveGarbage(output.byteLength);
    output = new ArrayBuffer(RESIDENT_BYTES);
  }
}
