// Replays every conformance vector in test/vectors/ against the built module.

import { describe, expect, it } from "vitest";

import { PolicyModule } from "../host/loader.ts";
import { replayVector } from "./support/replay.ts";
import { readVectors } from "./support/vector.ts";

const module = PolicyModule.load();
const vectors = readVectors(new URL("./vectors/", import.meta.url).pathname);

describe("conformance vectors", () => {
  it("directory has vectors", () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors)("$file", ({ vector }) => {
    expect(replayVector(vector, () => module.instantiate())).toBeUndefined();
  });
});
