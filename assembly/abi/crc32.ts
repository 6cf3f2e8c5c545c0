// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zlib and
// PNG use, so hosts can verify snapshots with their standard library.

const table = new StaticArray<u32>(256);
for (let n: u32 = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  unchecked(table[n] = c);
}

/** Returns the CRC-32 of `length` bytes at `ptr`. */
export function crc32(ptr: usize, length: i32): u32 {
  let c: u32 = 0xFFFFFFFF;
  for (let i = 0; i < length; i++) {
    c = unchecked(table[(c ^ <u32>load<u8>(ptr + <usize>i)) & 0xFF]) ^ (c >>> 8);
  }
  return c ^ 0xFFFFFFFF;
}
