// Field maps of records and snapshots, so the byte-level fuzzer can mutate
// one field (a length prefix, an id, a state byte) instead of random bytes.

import type { RecordBuilder } from "../../host/abi/record-builder.ts";

export type FieldType = "u8" | "u16" | "u32" | "i32" | "i64" | "str";

/** One field of an encoded record: where it starts, its type, and for a string its byte length. */
export interface Field {
  name: string;
  offset: number;
  type: FieldType;
  /** Bytes after the u16 length prefix; strings only. */
  stringBytes?: number;
}

export const FIELD_SIZES: Record<Exclude<FieldType, "str">, number> = { u8: 1, u16: 2, u32: 4, i32: 4, i64: 8 };

/** Returns the fields of a record built by host/abi/records.ts, from the builder's field marks. */
export function recordFields(record: RecordBuilder): Field[] {
  const bytes = record.finish();
  const marks = record.fields;
  return marks.map((mark, i) => {
    const end = marks[i + 1]?.offset ?? bytes.length;
    const size = end - mark.offset;
    if (typeof mark.value === "string") return { name: mark.field, offset: mark.offset, type: "str", stringBytes: size - 2 };
    const types: Record<number, FieldType> = { 1: "u8", 2: "u16", 4: "u32", 8: "i64" };
    return { name: mark.field, offset: mark.offset, type: types[size] ?? "u32" };
  });
}

/**
 * Returns the fields of a snapshot the module wrote (layout in docs/abi.md,
 * "Snapshots"), header and checksum included. Throws if `bytes` are not a
 * snapshot of that layout.
 */
export function snapshotFields(bytes: Uint8Array): Field[] {
  // NOTE: the config record gained a flags byte after `slots` while this
  // fuzzer was written; both layouts are accepted until that settles.
  try {
    return parseSnapshot(bytes, true);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return parseSnapshot(bytes, false);
  }
}

function parseSnapshot(bytes: Uint8Array, configFlags: boolean): Field[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Field[] = [];
  let at = 0;

  const field = (name: string, type: Exclude<FieldType, "str">): number => {
    const offset = at;
    at += FIELD_SIZES[type];
    if (at > bytes.length) throw new RangeError(`snapshot ends inside ${name}`);
    fields.push({ name, offset, type });
    // Returns the value of counts, which are u8, u16 or u32; other values are not needed.
    if (type === "u8") return view.getUint8(offset);
    if (type === "u16") return view.getUint16(offset, true);
    if (type === "i64") return 0;
    return view.getUint32(offset, true);
  };
  const string = (name: string): void => {
    if (at + 2 > bytes.length) throw new RangeError(`snapshot ends inside ${name}`);
    const length = view.getUint16(at, true);
    fields.push({ name, offset: at, type: "str", stringBytes: length });
    at += 2 + length;
    if (at > bytes.length) throw new RangeError(`snapshot ends inside ${name}`);
  };
  const stringList = (name: string): void => {
    const count = field(`${name}.length`, "u16");
    for (let i = 0; i < count; i++) string(`${name}[${i}]`);
  };
  const generations = (name: string): void => {
    const count = field(`${name}.length`, "u32");
    if (count === 0 || 2 * (count - 1) > bytes.length - at) throw new RangeError(`snapshot has an impossible ${name} count`);
    for (let slot = 1; slot < count; slot++) field(`${name}[${slot}]`, "u16");
  };

  field("magic", "u32");
  field("format", "u32");
  const bodyLength = field("bodyLength", "u32");
  if (bodyLength + 16 !== bytes.length) throw new RangeError("snapshot body length does not match its size");

  field("config.criticalPriorityThreshold", "i32");
  field("config.slots", "u32");
  if (configFlags) field("config.flags", "u8");
  string("config.namespacePriorityAnnotation");
  stringList("config.criticalPriorityClassNames");
  stringList("config.preferredNamespaces");
  field("sequence", "i64");
  field("pullsSucceeded", "i64");
  field("pullsFailed", "i64");
  generations("podGenerations");
  generations("imageGenerations");

  const namespaceCount = field("namespaces.length", "u32");
  for (let i = 0; i < namespaceCount; i++) {
    string(`namespaces[${i}].name`);
    field(`namespaces[${i}].annotationState`, "u8");
    field(`namespaces[${i}].annotation`, "i32");
  }

  const podCount = field("pods.length", "u32");
  for (let i = 0; i < podCount; i++) {
    const pod = `pods[${i}]`;
    field(`${pod}.id`, "u32");
    string(`${pod}.namespace`);
    string(`${pod}.name`);
    field(`${pod}.flags`, "u8");
    field(`${pod}.priority`, "i32");
    string(`${pod}.priorityClassName`);
    string(`${pod}.configSource`);
    field(`${pod}.creationTimeMs`, "i64");
    field(`${pod}.sequence`, "i64");
    field(`${pod}.nextContainer`, "u32");
  }

  const imageCount = field("images.length", "u32");
  for (let i = 0; i < imageCount; i++) {
    const image = `images[${i}]`;
    field(`${image}.id`, "u32");
    string(`${image}.name`);
    field(`${image}.state`, "u8");
    const requestCount = field(`${image}.requests.length`, "u32");
    for (let j = 0; j < requestCount; j++) {
      field(`${image}.requests[${j}].podId`, "u32");
      field(`${image}.requests[${j}].container`, "u32");
    }
  }

  field("crc32", "u32");
  if (at !== bytes.length) throw new RangeError("snapshot has bytes after its checksum");
  return fields;
}
