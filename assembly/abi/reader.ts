// Bounds-checked reader for records in the input buffer.
//
// Every read checks the remaining length first. The first failure is kept in
// `status` and later reads return zero values, so a caller parses a whole
// record and checks `status` once before it changes any state.

import {
  OK, ERR_TRUNCATED, ERR_TRAILING_BYTES, ERR_INVALID_UTF8,
  ERR_STRING_TOO_LONG, ERR_EMPTY_STRING,
} from "./status";
import { isValidUtf8 } from "./utf8";

export class Reader {
  status: i32 = OK;
  /** Offset from the record start of the field that failed first, or -1. */
  failedAt: i32 = -1;
  private start: usize;
  // Offset of the field being read, kept so a failure can name it.
  private fieldAt: i32 = 0;

  constructor(private at: usize, private end: usize) {
    this.start = at;
  }

  /** Starts reading a new record at [at, end), so one reader serves every call. */
  reset(at: usize, end: usize): Reader {
    this.at = at;
    this.end = end;
    this.start = at;
    this.fieldAt = 0;
    this.status = OK;
    this.failedAt = -1;
    this.stringLength = 0;
    return this;
  }

  /** Offset of the next unread byte from the record start. */
  get offset(): i32 {
    return <i32>(this.at - this.start);
  }

  /** Records `code` against the field being read, unless an earlier failure is recorded. */
  fail(code: i32): void {
    this.failAt(this.fieldAt, code);
  }

  /** Records `code` against the field at `offset`, unless an earlier failure is recorded. */
  failAt(offset: i32, code: i32): void {
    if (this.status != OK) return;
    this.status = code;
    this.failedAt = offset;
  }

  private take(size: usize): usize {
    if (this.status != OK) return 0;
    if (this.end - this.at < size) {
      this.fail(ERR_TRUNCATED);
      return 0;
    }
    const at = this.at;
    this.at += size;
    return at;
  }

  u8(): u32 {
    this.fieldAt = this.offset;
    const at = this.take(1);
    return at == 0 ? 0 : <u32>load<u8>(at);
  }

  u16(): u32 {
    this.fieldAt = this.offset;
    const at = this.take(2);
    return at == 0 ? 0 : <u32>load<u16>(at);
  }

  u32(): u32 {
    this.fieldAt = this.offset;
    const at = this.take(4);
    return at == 0 ? 0 : load<u32>(at);
  }

  i32(): i32 {
    this.fieldAt = this.offset;
    const at = this.take(4);
    return at == 0 ? 0 : load<i32>(at);
  }

  i64(): i64 {
    this.fieldAt = this.offset;
    const at = this.take(8);
    return at == 0 ? 0 : load<i64>(at);
  }

  /** Byte length of the string the last stringBytes call read. */
  stringLength: i32 = 0;

  /**
   * Reads a u16 length and that many UTF-8 bytes without decoding them; returns
   * their address and sets stringLength. `maxBytes`, emptiness and UTF-8 are checked.
   */
  stringBytes(maxBytes: i32, allowEmpty: bool): usize {
    const fieldAt = this.offset;
    const length = <i32>this.u16();
    this.fieldAt = fieldAt;
    this.stringLength = 0;
    if (this.status != OK) return 0;
    if (length > maxBytes) {
      this.fail(ERR_STRING_TOO_LONG);
      return 0;
    }
    if (length == 0) {
      if (!allowEmpty) this.fail(ERR_EMPTY_STRING);
      return 0;
    }
    const at = this.take(<usize>length);
    if (at == 0) return 0;
    if (!isValidUtf8(at, length)) {
      this.fail(ERR_INVALID_UTF8);
      return 0;
    }
    this.stringLength = length;
    return at;
  }

  /** Reads a u16 length and that many UTF-8 bytes as a string; `maxBytes`, emptiness and UTF-8 are checked. */
  string(maxBytes: i32, allowEmpty: bool): string {
    const at = this.stringBytes(maxBytes, allowEmpty);
    if (at == 0) return "";
    return String.UTF8.decodeUnsafe(at, <usize>this.stringLength);
  }

  /** Fails with ERR_TRAILING_BYTES unless every byte was read; returns the status. */
  finish(): i32 {
    if (this.status == OK && this.at != this.end) this.failAt(this.offset, ERR_TRAILING_BYTES);
    return this.status;
  }
}
