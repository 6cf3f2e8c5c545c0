// The link model of `simulate`: equal sharing of the bandwidth among downloading pulls, a fixed
// latency before each download, and event times computed by hand.

import { describe, expect, it } from "vitest";

import { SharedLink, type FinishedPull } from "../host/simulate/model.ts";

/** Advances `link` event by event until no pull is in flight, and returns every finished pull by key. */
function runToEnd(link: SharedLink): Map<number, FinishedPull> {
  const finished = new Map<number, FinishedPull>();
  for (let time = link.nextEventTime(); time !== Infinity; time = link.nextEventTime()) {
    for (const pull of link.advanceTo(time)) finished.set(pull.key, pull);
  }
  return finished;
}

describe("SharedLink", () => {
  it("splits the bandwidth between two downloads", () => {
    // 100 B/s, no latency: both get 50 B/s until the 100-byte pull ends at 2 s, then the
    // 300-byte pull has 200 bytes left alone at 100 B/s and ends at 4 s.
    const link = new SharedLink(100, 0);
    link.start(1, 100);
    link.start(2, 300);

    const finished = runToEnd(link);

    expect(finished.get(1)?.end).toBeCloseTo(2, 12);
    expect(finished.get(2)?.end).toBeCloseTo(4, 12);
  });

  it("gives pulls in latency no bandwidth", () => {
    // 100 B/s, 0.5 s latency. Pull 1 (300 B) downloads alone from 0.5 s. Pull 2 (100 B) starts
    // at 1 s and downloads from 1.5 s, when pull 1 has 200 B left. Both get 50 B/s, so pull 2
    // ends at 3.5 s. Pull 1 then has 100 B left and ends alone at 4.5 s.
    const link = new SharedLink(100, 0.5);
    link.start(1, 300);
    expect(link.advanceTo(0.5)).toEqual([]);
    expect(link.advanceTo(1)).toEqual([]);
    link.start(2, 100);

    const finished = runToEnd(link);

    expect(finished.get(2)).toEqual({ key: 2, start: 1, downloadStart: 1.5, end: expect.closeTo(3.5, 12) });
    expect(finished.get(1)).toEqual({ key: 1, start: 0, downloadStart: 0.5, end: expect.closeTo(4.5, 12) });
  });

  it("charges only the latency for zero bytes", () => {
    const link = new SharedLink(100, 0.3);
    link.start(7, 0);

    expect(link.nextEventTime()).toBe(0.3);
    expect(link.advanceTo(0.3)).toEqual([{ key: 7, start: 0, downloadStart: 0.3, end: 0.3 }]);
    expect(link.active).toBe(0);
  });

  it("ends equal downloads at one event", () => {
    const link = new SharedLink(3, 0.1);
    for (const key of [1, 2, 3]) link.start(key, 10);

    expect(link.advanceTo(link.nextEventTime())).toEqual([]);
    const ends = link.advanceTo(link.nextEventTime());

    expect(ends.map((pull) => pull.key)).toEqual([1, 2, 3]);
    expect(ends[0]!.end).toBeCloseTo(0.1 + 30 / 3, 12);
    expect(link.nextEventTime()).toBe(Infinity);
  });

  it("keeps the link busy", () => {
    // Pulls that start together never leave the link idle after the first latency, so the last
    // one ends after all bytes at the full rate plus one latency.
    const link = new SharedLink(123_456, 0.25);
    let totalBytes = 0;
    for (let key = 0; key < 500; key++) {
      const bytes = 1_000 + ((key * 7_919) % 90_001);
      totalBytes += bytes;
      link.start(key, bytes);
    }

    const ends = [...runToEnd(link).values()].map((pull) => pull.end);

    expect(ends).toHaveLength(500);
    expect(Math.max(...ends)).toBeCloseTo(totalBytes / 123_456 + 0.25, 9);
  });

  it("rejects a step past the next event", () => {
    const link = new SharedLink(100, 0);
    link.start(1, 100);
    expect(link.advanceTo(0)).toEqual([]);
    expect(link.advanceTo(0.5)).toEqual([]);
    link.start(2, 100);

    expect(() => link.advanceTo(5)).toThrow(/cannot skip the event at 0.5 s/);
    expect(() => link.advanceTo(0.2)).toThrow(/cannot go back/);
  });

  it("rejects a bandwidth of zero", () => {
    expect(() => new SharedLink(0, 0)).toThrow(RangeError);
  });
});
