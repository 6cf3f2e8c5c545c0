// Decoders for the records hosts send: configuration, namespace and pod.
// Byte layouts are drawn in docs/abi.md. A decoder reads the whole record
// and validates it without touching the queue; the caller checks
// reader.status (after reader.finish()) before it acts on the result.

import { Reader } from "./reader";
import * as limits from "./limits";
import { ERR_INVALID_FIELD, ERR_LIST_TOO_LONG, ERR_DUPLICATE, ERR_INVALID_REFERENCE, ERR_NO_IMAGES } from "./status";
import { Config } from "../policy/config";
import { parseInt32, NOT_INT32 } from "../policy/annotation";
import { ANNOTATION_ABSENT, ANNOTATION_INVALID, ANNOTATION_VALID } from "../policy/tier";
import { PodFields, POD_HAS_CONFIG_SOURCE, POD_HAS_PRIORITY, POD_KNOWN_FLAGS } from "../queue/queue";
import { normalizeReference } from "../reference";

/** Config record flag: hold lower tiers while a higher tier is in flight. */
export const CONFIG_HOLD_LOWER_TIERS: u32 = 1;
const CONFIG_KNOWN_FLAGS: u32 = 1;

function readStringList(reader: Reader, maxBytes: i32): Array<string> {
  const values = new Array<string>();
  const count = <i32>reader.u16();
  if (count > limits.MAX_CONFIG_LIST) {
    reader.fail(ERR_LIST_TOO_LONG);
    return values;
  }
  for (let i = 0; i < count; i++) {
    const valueAt = reader.offset;
    const value = reader.string(maxBytes, false);
    if (values.includes(value)) reader.failAt(valueAt, ERR_DUPLICATE);
    values.push(value);
  }
  return values;
}

/** Decodes a configuration record; each field is checked as it is read, so the first bad field is reported. */
export function readConfig(reader: Reader): Config {
  const config = new Config();
  config.criticalPriority = reader.i32();

  const slots = reader.u32();
  if (slots < 1 || slots > <u32>limits.MAX_SLOTS) reader.fail(ERR_INVALID_FIELD);
  config.slots = <i32>slots;

  const flags = reader.u8();
  if ((flags & ~CONFIG_KNOWN_FLAGS) != 0) reader.fail(ERR_INVALID_FIELD);
  config.holdLowerTiers = (flags & CONFIG_HOLD_LOWER_TIERS) != 0;

  config.annotationKey = reader.string(limits.MAX_ANNOTATION_KEY_BYTES, false);
  config.criticalClasses = readStringList(reader, limits.MAX_NAME_BYTES);
  config.preferredNamespaces = readStringList(reader, limits.MAX_NAMESPACE_BYTES);
  return config;
}

/** A decoded namespace record. */
export class NamespaceFields {
  name: string = "";
  present: bool = false;
  state: u8 = ANNOTATION_ABSENT;
  value: i32 = 0;
}

/** Decodes a namespace record and parses its annotation value. */
export function readNamespace(reader: Reader): NamespaceFields {
  const fields = new NamespaceFields();
  fields.name = reader.string(limits.MAX_NAMESPACE_BYTES, false);
  const presentAt = reader.offset;
  const present = reader.u8();
  if (present > 1) reader.fail(ERR_INVALID_FIELD);
  const value = reader.string(limits.MAX_ANNOTATION_VALUE_BYTES, true);
  // An absent annotation has no value.
  if (present == 0 && value.length > 0) reader.failAt(presentAt, ERR_INVALID_FIELD);

  fields.present = present == 1;
  if (fields.present) {
    const parsed = parseInt32(value);
    fields.state = parsed == NOT_INT32 ? ANNOTATION_INVALID : ANNOTATION_VALID;
    fields.value = parsed == NOT_INT32 ? 0 : <i32>parsed;
  }
  return fields;
}

/** Decodes a pod record into `fields`, replacing what they held, and normalizes its image references. */
export function readPod(reader: Reader, fields: PodFields): PodFields {
  fields.images.length = 0;
  fields.flags = reader.u8();
  if ((fields.flags & ~POD_KNOWN_FLAGS) != 0) reader.fail(ERR_INVALID_FIELD);
  fields.priority = reader.i32();
  fields.creationMs = reader.i64();
  fields.namespace = reader.string(limits.MAX_NAMESPACE_BYTES, false);
  fields.name = reader.string(limits.MAX_NAME_BYTES, false);
  fields.priorityClassName = reader.string(limits.MAX_NAME_BYTES, true);
  fields.configSource = reader.string(limits.MAX_NAME_BYTES, true);
  // Fields whose flag is clear are stored as 0 and empty, so equal pods give equal snapshots.
  if ((fields.flags & POD_HAS_PRIORITY) == 0) fields.priority = 0;
  if ((fields.flags & POD_HAS_CONFIG_SOURCE) == 0) fields.configSource = "";

  const count = <i32>reader.u16();
  if (count == 0) reader.fail(ERR_NO_IMAGES);
  if (count > limits.MAX_IMAGES_PER_RECORD) reader.fail(ERR_LIST_TOO_LONG);
  for (let i = 0; i < count && reader.status == 0; i++) {
    const referenceAt = reader.offset;
    const reference = reader.stringBytes(limits.MAX_REFERENCE_BYTES, false);
    if (reader.status != 0) break;
    const normalized = normalizeReference(reference, reader.stringLength);
    if (normalized === null) {
      reader.failAt(referenceAt, ERR_INVALID_REFERENCE);
      break;
    }
    fields.images.push(normalized);
  }
  return fields;
}
