// Field readers for Kubernetes objects. Each raises through `fail` with the field path and the
// value found, so every message names the object, the field and what is wrong.

import { InputError, describeType, formatValue } from "../input-error.ts";
import { isMapping, type KubeObject } from "./parse.ts";

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export type Fail = (problem: string) => never;

export function failureFor(path: string, subject: string): Fail {
  return (problem) => {
    throw new InputError(path, `${subject}: ${problem}`);
  };
}

export function readMapping(object: KubeObject, key: string, fail: Fail): KubeObject {
  const value = object[key];
  if (value === undefined) {
    fail(`${key} is missing`);
  }
  if (!isMapping(value)) {
    fail(`${key} must be a mapping, got ${describeType(value)}`);
  }
  return value;
}

/** Reads a required name field such as metadata.name. fieldPath names it in messages. */
export function readName(metadata: KubeObject, fieldPath: string, fail: Fail): string {
  const key = fieldPath.slice(fieldPath.lastIndexOf(".") + 1);
  const value = metadata[key];
  if (value === undefined || value === null) {
    fail(`${fieldPath} is missing`);
  }
  if (typeof value !== "string" || value === "") {
    fail(`${fieldPath} must be a non-empty string, got ${describeType(value)}`);
  }
  return value;
}

/** Reads an optional string field. The last part of fieldPath is the key in object. */
export function readOptionalString(object: KubeObject, fieldPath: string, fail: Fail): string | undefined {
  const key = fieldPath.slice(fieldPath.lastIndexOf(".") + 1);
  const value = object[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    fail(`${fieldPath} must be a string, got ${describeType(value)}`);
  }
  return value;
}

export function readAnnotations(metadata: KubeObject, fail: Fail): Record<string, string> {
  const annotations = metadata["annotations"];
  if (annotations === undefined || annotations === null) {
    return {};
  }
  if (!isMapping(annotations)) {
    fail(`metadata.annotations must be a mapping, got ${describeType(annotations)}`);
  }

  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    // The API accepts only string values. A YAML value such as 100 parses as a number.
    if (typeof value !== "string") {
      fail(`metadata.annotations[${formatValue(key)}] must be a string, got ${describeType(value)} (quote it in YAML)`);
    }
    result[key] = value;
  }
  return result;
}

export function readPriority(spec: KubeObject, fail: Fail): number | undefined {
  const priority = spec["priority"];
  if (priority === undefined || priority === null) {
    return undefined;
  }
  // The API stores spec.priority as an int32.
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
    fail(`spec.priority must be an integer from ${INT32_MIN} to ${INT32_MAX}, got ${describeType(priority)}`);
  }
  return priority;
}

export function readCreationTime(metadata: KubeObject, fail: Fail): number | undefined {
  const timestamp = readOptionalString(metadata, "metadata.creationTimestamp", fail);
  if (timestamp === undefined) {
    return undefined;
  }

  const ms = parseRfc3339(timestamp);
  if (ms === undefined) {
    fail(
      `metadata.creationTimestamp ${formatValue(timestamp)} is not an RFC 3339 timestamp such as "2021-07-30T13:22:37Z"`,
    );
  }
  return ms;
}

const RFC3339_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time to ms since the Unix epoch, or returns undefined when it is invalid.
 * Fractions below one ms are truncated. Second 60 (a leap second) is rejected, as Go's time.Parse
 * (src/time/format.go) rejects it.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const fraction = match[7] ?? "";
  const millisecond = Number(fraction.padEnd(3, "0").slice(0, 3));
  const offsetSign = match[8] === "-" ? -1 : 1;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }

  // setUTCFullYear, unlike Date.UTC, keeps years 0 to 99 as they are.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  // Date rolls an invalid day over into the next month, so 2021-02-30 comes back as March 2.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }

  return date.getTime() - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
