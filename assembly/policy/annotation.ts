// Parsing of the namespace priority annotation value.

/** Returned by parseInt32 for a value that is not a decimal int32. */
export const NOT_INT32: i64 = i64.MAX_VALUE;

/**
 * Parses a decimal int32: an optional sign and 1 to 10 digits, with no
 * spaces, and returns it, or NOT_INT32.
 */
export function parseInt32(value: string): i64 {
  const length = value.length;
  if (length == 0) return NOT_INT32;

  const first = value.charCodeAt(0);
  const negative = first == 0x2D;
  const start = first == 0x2B || negative ? 1 : 0;
  if (start == length || length - start > 10) return NOT_INT32;

  let magnitude: i64 = 0;
  for (let i = start; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NOT_INT32;
    magnitude = magnitude * 10 + <i64>(c - 0x30);
  }

  const result = negative ? -magnitude : magnitude;
  if (result < <i64>i32.MIN_VALUE || result > <i64>i32.MAX_VALUE) return NOT_INT32;
  return result;
}
