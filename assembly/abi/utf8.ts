// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. AssemblyScript's decoder replaces bad sequences instead of
// rejecting them, so every string is checked here before it is decoded.

/** Returns true when the `length` bytes at `ptr` are well-formed UTF-8. */
export function isValidUtf8(ptr: usize, length: i32): bool {
  const end = ptr + <usize>length;
  let at = ptr;

  while (at < end) {
    const b0 = <u32>load<u8>(at);
    if (b0 < 0x80) {
      at += 1;
      continue;
    }

    let needed: i32;
    let lowest: u32;
    let highest: u32 = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      needed = 1;
      lowest = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      needed = 2;
      // E0 needs A0.. to avoid overlong forms; ED stops at 9F to exclude surrogates.
      lowest = b0 == 0xE0 ? 0xA0 : 0x80;
      if (b0 == 0xED) highest = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      needed = 3;
      // F0 needs 90.. to avoid overlong forms; F4 stops at 8F to stay within U+10FFFF.
      lowest = b0 == 0xF0 ? 0x90 : 0x80;
      if (b0 == 0xF4) highest = 0x8F;
    } else {
      return false;
    }

    if (at + <usize>needed >= end) return false;

    const b1 = <u32>load<u8>(at + 1);
    if (b1 < lowest || b1 > highest) return false;
    for (let i = 2; i <= needed; i++) {
      const b = <u32>load<u8>(at + <usize>i);
      if ((b & 0xC0) != 0x80) return false;
    }
    at += <usize>needed + 1;
  }
  return true;
}
