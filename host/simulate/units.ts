// Byte sizes, link rates and durations with units, as `simulate` reads them from its options and
// from size tables. MB is 10^6 bytes and MiB is 2^20 bytes. Both kinds occur in reported sizes:
// `docker images` and `crictl images` print sizes such as 70.5MB, `nerdctl images` and
// `ctr images ls` sizes such as 45.1 MiB.

import { InputError } from "../input-error.ts";

const BYTE_UNITS: ReadonlyMap<string, number> = new Map([
  ["B", 1],
  ["kB", 1e3],
  ["KB", 1e3],
  ["MB", 1e6],
  ["GB", 1e9],
  ["TB", 1e12],
  ["KiB", 2 ** 10],
  ["MiB", 2 ** 20],
  ["GiB", 2 ** 30],
  ["TiB", 2 ** 40],
]);

/** Rate units in bytes per second. Bit rates are divided by 8. */
const RATE_UNITS: ReadonlyMap<string, number> = new Map([
  ...[...BYTE_UNITS].map(([unit, bytes]): [string, number] => [`${unit}/s`, bytes]),
  ["bit/s", 1 / 8],
  ["kbit/s", 1e3 / 8],
  ["Mbit/s", 1e6 / 8],
  ["Gbit/s", 1e9 / 8],
  ["kbps", 1e3 / 8],
  ["Mbps", 1e6 / 8],
  ["Gbps", 1e9 / 8],
]);

const DURATION_UNITS: ReadonlyMap<string, number> = new Map([
  ["us", 1e-6],
  ["µs", 1e-6],
  ["ms", 1e-3],
  ["s", 1],
]);

/** A decimal number without sign or exponent, an optional space, then the unit (possibly empty). */
const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?) ?(\S*)$/;

/** The forms each option accepts, as its error messages show them. */
export const BYTE_FORMS = "a byte count such as 250000000, or a number with a unit such as 250MB, 1.5GB or 45.1 MiB";
export const RATE_FORMS = "a rate such as 40MB/s, 100MiB/s, 800Mbit/s or 1Gbps (units: B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, bit/s, kbit/s, Mbit/s, Gbit/s, kbps, Mbps, Gbps)";
export const DURATION_FORMS = "a duration such as 300ms, 2s, 1.5s or 250us (units: us, ms, s)";

function parseQuantity(text: string, units: ReadonlyMap<string, number>): number | undefined {
  const match = QUANTITY_PATTERN.exec(text.trim());
  if (match === null) return undefined;

  const [, number, unit] = match as unknown as [string, string, string];
  const factor = units.get(unit);
  if (factor === undefined) return undefined;
  return Number(number) * factor;
}

/**
 * Parses a byte size: a whole number of bytes, or a number with a unit from B to TiB.
 * Returns whole bytes (rounded), or undefined when the text is not a size. A fraction without a
 * unit, such as 4.5, is not a size.
 */
export function parseBytes(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const bytes = parseQuantity(trimmed, BYTE_UNITS);
  return bytes === undefined ? undefined : Math.round(bytes);
}

/** Parses a link rate such as 40MB/s or 1Gbit/s into bytes per second. Returns undefined when the text is invalid. */
export function parseRate(text: string): number | undefined {
  return parseQuantity(text, RATE_UNITS);
}

/** Parses a duration such as 300ms or 2s into seconds. Returns undefined when the text is invalid. */
export function parseDuration(text: string): number | undefined {
  return parseQuantity(text, DURATION_UNITS);
}

/** Parses --bandwidth. An invalid value raises an InputError that lists the accepted forms. */
export function parseBandwidthOption(value: string): number {
  const rate = parseRate(value);
  if (rate === undefined || !(rate > 0) || !Number.isFinite(rate)) {
    throw new InputError("--bandwidth", `invalid value ${JSON.stringify(value)}: expected ${RATE_FORMS}, above 0`);
  }
  return rate;
}

/** Parses --latency. An invalid value raises an InputError that lists the accepted forms. */
export function parseLatencyOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new InputError("--latency", `invalid value ${JSON.stringify(value)}: expected ${DURATION_FORMS}`);
  }
  return seconds;
}

/** Parses --default-size. An invalid value raises an InputError that lists the accepted forms. */
export function parseDefaultSizeOption(value: string): number {
  const bytes = parseBytes(value);
  if (bytes === undefined || !Number.isSafeInteger(bytes)) {
    throw new InputError("--default-size", `invalid value ${JSON.stringify(value)}: expected ${BYTE_FORMS}`);
  }
  return bytes;
}

/** Formats bytes with a decimal unit for messages and reports: 1.79 GB, 53.4 MB, 900 B. */
export function formatBytes(bytes: number): string {
  const units: readonly [string, number][] = [["TB", 1e12], ["GB", 1e9], ["MB", 1e6], ["kB", 1e3]];
  for (const [unit, size] of units) {
    if (bytes >= size) return `${trimNumber(bytes / size)} ${unit}`;
  }
  return `${bytes} B`;
}

/** Formats a rate in bytes per second with a decimal unit: 100 MB/s. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Formats a duration in seconds: 500 ms below one second, else seconds. */
export function formatDuration(seconds: number): string {
  return seconds < 1 ? `${trimNumber(seconds * 1000)} ms` : `${trimNumber(seconds)} s`;
}

/** Formats a number with three significant digits at most, without trailing zeros. */
function trimNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
