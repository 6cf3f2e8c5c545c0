// Builds the byte records the module reads (layouts in docs/abi.md), and
// remembers where each field starts so an error offset from
// ipp_error_offset can be mapped back to the field and value that failed.

const encoder = new TextEncoder();

/** Where one field of a record starts, and what was written there. */
export interface FieldMark {
  offset: number;
  field: string;
  value: unknown;
}

/** Thrown when a value cannot be represented in its record field at all. */
export class RecordEncodingError extends RangeError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${field} ${JSON.stringify(value)} cannot be encoded: ${reason}`);
    this.name = "RecordEncodingError";
  }
}

export class RecordBuilder {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private length = 0;
  readonly fields: FieldMark[] = [];

  private reserve(field: string, value: unknown, size: number): number {
    if (this.length + size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + size));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.fields.push({ offset: this.length, field, value });
    const at = this.length;
    this.length += size;
    return at;
  }

  u8(field: string, value: number): this {
    checkInteger(field, value, 0, 0xff);
    this.view.setUint8(this.reserve(field, value, 1), value);
    return this;
  }

  u16(field: string, value: number): this {
    checkInteger(field, value, 0, 0xffff);
    this.view.setUint16(this.reserve(field, value, 2), value, true);
    return this;
  }

  u32(field: string, value: number): this {
    checkInteger(field, value, 0, 0xffffffff);
    this.view.setUint32(this.reserve(field, value, 4), value, true);
    return this;
  }

  i32(field: string, value: number): this {
    checkInteger(field, value, -0x80000000, 0x7fffffff);
    this.view.setInt32(this.reserve(field, value, 4), value, true);
    return this;
  }

  i64(field: string, value: number): this {
    checkInteger(field, value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    this.view.setBigInt64(this.reserve(field, value, 8), BigInt(value), true);
    return this;
  }

  /** Writes a u16 byte length and the UTF-8 bytes of `value`. */
  string(field: string, value: string): this {
    const bytes = encoder.encode(value);
    if (bytes.length > 0xffff) {
      throw new RecordEncodingError(field, value, `${bytes.length} UTF-8 bytes exceed the 65535 a u16 length holds`);
    }
    const at = this.reserve(field, value, 2 + bytes.length);
    this.view.setUint16(at, bytes.length, true);
    this.bytes.set(bytes, at + 2);
    return this;
  }

  /** Returns the record's bytes. */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Returns the field that starts at or before `offset`. */
  fieldAt(offset: number): FieldMark | undefined {
    let found: FieldMark | undefined;
    for (const mark of this.fields) {
      if (mark.offset <= offset) found = mark;
    }
    return found;
  }
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RecordEncodingError(field, value, `expected an integer from ${min} to ${max}`);
  }
}
