// Units of `simulate`: byte sizes, link rates and durations, the option errors that list the
// accepted forms, and the exit code of the command for a bad value.

import { afterEach, describe, expect, it, vi } from "vitest";

import { EXIT_INPUT, main } from "../host/cli/main.ts";
import {
  formatBytes,
  formatDuration,
  parseBandwidthOption,
  parseBytes,
  parseDefaultSizeOption,
  parseDuration,
  parseLatencyOption,
  parseRate,
} from "../host/simulate/units.ts";
import { catchInputError } from "./support/fixtures.ts";


describe("parseBytes", () => {
  it.each([
    ["250000000", 250_000_000],
    ["70.5MB", 70_500_000],
    ["1.79 GB", 1_790_000_000],
    ["45.1 MiB", Math.round(45.1 * 2 ** 20)],
    ["9.33MB", 9_330_000],
    ["321.5kB", 321_500],
    ["2KiB", 2_048],
    ["0", 0],
  ])("reads %s", (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(["4.5", "about 15.5GB", "10 mb", "3.42GB (Docker Hub) / 5.68GB", "9322.26 (MiB, printed as MB)", "", "-5MB", "1e9"])(
    "rejects %j",
    (text) => {
      expect(parseBytes(text)).toBeUndefined();
    },
  );
});

describe("parseRate", () => {
  it.each([
    ["40MB/s", 40e6],
    ["100MiB/s", 100 * 2 ** 20],
    ["1Gbit/s", 125e6],
    ["800Mbit/s", 100e6],
    ["1Gbps", 125e6],
    ["512 kB/s", 512e3],
  ])("reads %s", (text, bytesPerSecond) => {
    expect(parseRate(text)).toBeCloseTo(bytesPerSecond, 6);
  });

  it.each(["40MB", "40", "fast", "40Mb/s", "1 Gbit / s"])("rejects %j", (text) => {
    expect(parseRate(text)).toBeUndefined();
  });
});

describe("parseDuration", () => {
  it.each([
    ["300ms", 0.3],
    ["2s", 2],
    ["1.5s", 1.5],
    ["250us", 0.00025],
    ["0s", 0],
  ])("reads %s", (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 12);
  });

  it.each(["300", "2 sec", "1m", "-1s", "soon"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("option parsers", () => {
  it("lists the rate forms for a bad --bandwidth", () => {
    const error = catchInputError(() => parseBandwidthOption("fast"));

    expect(error.message).toContain('--bandwidth: invalid value "fast"');
    expect(error.message).toContain("40MB/s");
    expect(error.message).toContain("Gbit/s");
  });

  it("rejects a zero --bandwidth", () => {
    const error = catchInputError(() => parseBandwidthOption("0MB/s"));

    expect(error.message).toContain("above 0");
  });

  it("lists the duration forms for a bad --latency", () => {
    const error = catchInputError(() => parseLatencyOption("500"));

    expect(error.message).toContain('--latency: invalid value "500"');
    expect(error.message).toContain("300ms");
  });

  it("lists the size forms for a bad --default-size", () => {
    const error = catchInputError(() => parseDefaultSizeOption("big"));

    expect(error.message).toContain('--default-size: invalid value "big"');
    expect(error.message).toContain("250MB");
  });

  it("returns values in bytes and seconds", () => {
    expect(parseBandwidthOption("1Gbit/s")).toBe(125e6);
    expect(parseLatencyOption("300ms")).toBeCloseTo(0.3, 12);
    expect(parseDefaultSizeOption("100MB")).toBe(100e6);
  });
});

describe("formatting", () => {
  it("formats bytes and durations with units", () => {
    expect(formatBytes(1_790_000_000)).toBe("1.79 GB");
    expect(formatBytes(53_394_093)).toBe("53.4 MB");
    expect(formatBytes(900)).toBe("900 B");
    expect(formatDuration(0.5)).toBe("500 ms");
    expect(formatDuration(2)).toBe("2 s");
  });
});

describe("simulate command", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("exits 2 on a bad --bandwidth", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);

    const code = await main(["simulate", "pods.yaml", "--bandwidth", "40Mb/s"]);

    expect(code).toBe(EXIT_INPUT);
    const output = stderr.mock.calls.map(([text]) => String(text)).join("");
    expect(output).toContain('--bandwidth: invalid value "40Mb/s"');
    expect(output).toContain("800Mbit/s");
  });

  it("exits 2 on a bad --latency", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);

    const code = await main(["simulate", "pods.yaml", "--latency", "half a second"]);

    expect(code).toBe(EXIT_INPUT);
    expect(stderr.mock.calls.map(([text]) => String(text)).join("")).toContain("--latency: invalid value");
  });

  it("exits 2 on an unknown --arrival", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);

    expect(await main(["simulate", "pods.yaml", "--arrival", "later"])).toBe(EXIT_INPUT);
  });
});
