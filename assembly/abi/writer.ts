// Appends little-endian fields to the output buffer, growing it as needed.
// Strings are written as a u16 byte length followed by UTF-8 bytes, the same
// form the Reader accepts.

import { growOutput, trimOutput } from "./buffers";

export class Writer {
  private base: usize = growOutput(0, 0);
  length: i32 = 0;

  /** Starts a new result at the beginning of the output buffer, releasing a large one first. */
  reset(): Writer {
    trimOutput();
    this.base = growOutput(0, 0);
    this.length = 0;
    return this;
  }

  private reserve(size: i32): usize {
    this.base = growOutput(this.length + size, this.length);
    const at = this.base + <usize>this.length;
    this.length += size;
    return at;
  }

  u8(value: u32): void {
    store<u8>(this.reserve(1), <u8>value);
  }

  u16(value: u32): void {
    store<u16>(this.reserve(2), <u16>value);
  }

  u32(value: u32): void {
    store<u32>(this.reserve(4), value);
  }

  i32(value: i32): void {
    store<i32>(this.reserve(4), value);
  }

  i64(value: i64): void {
    store<i64>(this.reserve(8), value);
  }

  string(value: string): void {
    const size = String.UTF8.byteLength(value);
    this.u16(<u32>size);
    String.UTF8.encodeUnsafe(changetype<usize>(value), value.length, this.reserve(size));
  }

  /** Returns the address of the first written byte. */
  start(): usize {
    return this.base;
  }
}
