// Builds the byte records the module reads (layouts in docs/abi.md). With
// field tracking on, it also remembers where each field starts, so an error
// offset from ipp_error_offset can be mapped back to the field and value that
// failed. Hosts encode without tracking on the hot path and encode again with
// tracking only to explain an error.

const encoder = new TextEncoder();

/** The start offset of one field of a record, with the field's name and value. */
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

// One scratch buffer serves every builder: records are built and sent one at a time.
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);

export class RecordBuilder {
  private length = 0;
  /** Field marks, recorded only when the builder was created with tracking on. */
  readonly fields: FieldMark[] = [];

  constructor(private readonly tracking = false) {}

  private reserve(field: string, value: unknown, size: number): number {
    if (this.length + size > scratch.length) {
      const grown = new Uint8Array(Math.max(scratch.length * 2, this.length + size));
      grown.set(scratch.subarray(0, this.length));
      scratch = grown;
      scratchView = new DataView(grown.buffer);
    }
    if (this.tracking) this.fields.push({ offset: this.length, field, value });
    const at = this.length;
    this.length += size;
    return at;
  }

  u8(field: string, value: number): this {
    checkInteger(field, value, 0, 0xff);
    scratchView.setUint8(this.reserve(field, value, 1), value);
    return this;
  }

  u16(field: string, value: number): this {
    checkInteger(field, value, 0, 0xffff);
    scratchView.setUint16(this.reserve(field, value, 2), value, true);
    return this;
  }

  u32(field: string, value: number): this {
    checkInteger(field, value, 0, 0xffffffff);
    scratchView.setUint32(this.reserve(field, value, 4), value, true);
    return this;
  }

  i32(field: string, value: number): this {
    checkInteger(field, value, -0x80000000, 0x7fffffff);
    scratchView.setInt32(this.reserve(field, value, 4), value, true);
    return this;
  }

  i64(field: string, value: number): this {
    checkInteger(field, value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    scratchView.setBigInt64(this.reserve(field, value, 8), BigInt(value), true);
    return this;
  }

  /** Writes a u16 byte length and the UTF-8 bytes of `value`. */
  string(field: string, value: string): this {
    // Most fields are ASCII; they are copied directly, and anything else goes through TextEncoder.
    let ascii = value.length <= 0xffff;
    for (let i = 0; ascii && i < value.length; i++) ascii = value.charCodeAt(i) < 0x80;

    if (ascii) {
      const at = this.reserve(field, value, 2 + value.length);
      scratchView.setUint16(at, value.length, true);
      for (let i = 0; i < value.length; i++) scratch[at + 2 + i] = value.charCodeAt(i);
      return this;
    }

    const bytes = encoder.encode(value);
    if (bytes.length > 0xffff) {
      throw new RecordEncodingError(field, value, `${bytes.length} UTF-8 bytes exceed the maximum of 65535 that the u16 length prefix allows`);
    }
    const at = this.reserve(field, value, 2 + bytes.length);
    scratchView.setUint16(at, bytes.length, true);
    scratch.set(bytes, at + 2);
    return this;
  }

  /** Returns the record's bytes as a view that the next record overwrites; copy it to keep it. */
  view(): Uint8Array {
    return scratch.subarray(0, this.length);
  }

  /** Returns a copy of the record's bytes. */
  finish(): Uint8Array {
    return scratch.slice(0, this.length);
  }

  /** Returns the field that starts at or before `offset`; needs tracking. */
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
