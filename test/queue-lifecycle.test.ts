// Specification of the queue's life cycle: pull slots, completion and
// failure, cancelling pods, id reuse, snapshots and stats. Every test runs the
// real policy module from build/policy.wasm.

import { describe, expect, it } from "vitest";

import { PodFlag } from "../host/abi/constants.ts";
import { encodePod, type PodRequest } from "../host/abi/records.ts";
import { PolicyError } from "../host/errors.ts";
import { PullQueue } from "../host/queue.ts";
import { BASE_TIME_MS, DEFAULT_RECORD, POLICY, createQueue, imageOf, pod } from "./support/fixtures.ts";

const policy = POLICY;

/** What a slot's second generation adds to an id: ids keep the slot in their low 18 bits. */
const NEXT_GENERATION = 2 ** 18;


/** Calls `action` and returns the status of the PolicyError it throws. Fails when it throws nothing. */
function statusOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).status;
  }
  throw new Error("expected a PolicyError, but the call succeeded");
}

/** Hands out every image the free slots allow and returns their ids. */
function takeAll(queue: PullQueue): number[] {
  const ids: number[] = [];
  for (let id = queue.next(); id !== undefined; id = queue.next()) ids.push(id);
  return ids;
}

/** Returns the ids of the images in flight, searching ids 1 to 64. */
function inFlightIds(queue: PullQueue): number[] {
  const ids: number[] = [];
  for (let id = 1; id <= 64; id++) {
    try {
      if (queue.imageInfo(id).state === "in-flight") ids.push(id);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
    }
  }
  return ids;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

describe("holding lower tiers", () => {
  const critical = (name: string): PodRequest => pod(name, { namespace: "kube-system", priorityClassName: "system-node-critical" });

  it("holds default tier behind critical", () => {
    const queue = createQueue({ slots: 2 });
    const cni = queue.enqueue(critical("cni")).imageIds[0]!;
    queue.enqueue(pod("app"));

    expect(queue.next()).toBe(cni);
    expect(queue.next()).toBeUndefined();
  });

  it("releases the lower tier on completion", () => {
    const queue = createQueue({ slots: 2 });
    const cni = queue.enqueue(critical("cni")).imageIds[0]!;
    const app = queue.enqueue(pod("app")).imageIds[0]!;
    queue.next();
    queue.complete(cni);

    expect(queue.next()).toBe(app);
  });

  it("shares slots within one tier", () => {
    const queue = createQueue({ slots: 2 });
    const first = queue.enqueue(critical("cni")).imageIds[0]!;
    const second = queue.enqueue(critical("dns")).imageIds[0]!;

    expect([queue.next(), queue.next()]).toEqual([first, second]);
  });

  it("holds nothing for an abandoned pull", () => {
    const queue = createQueue({ slots: 2 });
    const cni = queue.enqueue(critical("cni"));
    const app = queue.enqueue(pod("app")).imageIds[0]!;
    queue.next();
    queue.removePod(cni.podId);

    expect(queue.next()).toBe(app);
  });

  it("fills slots when turned off", () => {
    const queue = createQueue({ slots: 2, holdLowerTiers: false });
    const cni = queue.enqueue(critical("cni")).imageIds[0]!;
    const app = queue.enqueue(pod("app")).imageIds[0]!;

    expect([queue.next(), queue.next()]).toEqual([cni, app]);
  });

  it("survives snapshot and restore", () => {
    const queue = createQueue({ slots: 2, holdLowerTiers: false });
    queue.enqueue(critical("cni"));
    const app = queue.enqueue(pod("app")).imageIds[0]!;
    queue.next();
    const restored = PullQueue.create(policy);
    restored.restore(queue.snapshot());

    expect(restored.next()).toBe(app);
  });
});

describe("slots", () => {
  it("starts with one slot", () => {
    const queue = createQueue();

    expect(queue.stats().slots).toBe(1);
  });

  it("one slot holds one pull", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a")).imageIds[0];
    const second = queue.enqueue(pod("b")).imageIds[0];

    expect(queue.next()).toBe(first);
    expect(queue.next()).toBeUndefined();
    expect(queue.stats().inFlight).toBe(1);
    queue.complete(first!);
    expect(queue.next()).toBe(second);
  });

  it("N slots hold N pulls", () => {
    const queue = createQueue({ slots: 3 });
    const ids = ["a", "b", "c", "d", "e"].map((name) => queue.enqueue(pod(name)).imageIds[0]!);

    expect(takeAll(queue)).toEqual(ids.slice(0, 3));
    expect(queue.stats().inFlight).toBe(3);
    expect(queue.stats().slots).toBe(3);
    queue.complete(ids[1]!);
    expect(takeAll(queue)).toEqual([ids[3]]);
  });

  it("raising slots frees one at once", () => {
    const queue = createQueue();
    const ids = ["a", "b"].map((name) => queue.enqueue(pod(name)).imageIds[0]!);
    queue.next();
    queue.setSlots(2);

    expect(queue.next()).toBe(ids[1]);
    expect(queue.stats().slots).toBe(2);
  });

  it("lowering slots waits for pulls", () => {
    const queue = createQueue({ slots: 3 });
    const ids = ["a", "b", "c", "d"].map((name) => queue.enqueue(pod(name)).imageIds[0]!);
    takeAll(queue);
    queue.setSlots(1);

    expect(queue.stats().inFlight).toBe(3);
    queue.complete(ids[0]!);
    expect(queue.next()).toBeUndefined();
    queue.complete(ids[1]!);
    expect(queue.next()).toBeUndefined();
    queue.complete(ids[2]!);
    expect(queue.next()).toBe(ids[3]);
    expect(queue.next()).toBeUndefined();
  });

  it("empty queue hands out nothing", () => {
    const queue = createQueue({ slots: 4 });

    expect(queue.next()).toBeUndefined();
  });

  it("never hands out an image twice", () => {
    const queue = createQueue({ slots: 4 });
    const first = queue.enqueue(pod("a", { images: ["nginx"] }));
    const id = queue.next();
    const late = queue.enqueue(pod("b", { images: ["docker.io/library/nginx:latest"] }));

    expect(id).toBe(first.imageIds[0]);
    expect(late.imageIds).toEqual(first.imageIds);
    expect(queue.next()).toBeUndefined();
    expect(queue.stats().pending).toBe(0);
    expect(queue.imageInfo(id!).state).toBe("in-flight");
    expect(queue.complete(id!).map((waiter) => waiter.podId)).toEqual([first.podId, late.podId]);
  });
});

describe("completion", () => {
  it("reports waiters best first", () => {
    const queue = createQueue();
    const user = queue.enqueue(pod("user", { images: ["shared", "user-own"].map(imageOf) }));
    const system = queue.enqueue(pod("system", { namespace: "kube-system", images: ["shared", "own-1", "own-2"].map(imageOf) }));
    const agent = queue.enqueue(pod("agent", { priorityClassName: "system-node-critical", images: [imageOf("shared")] }));
    const id = queue.next()!;

    expect(id).toBe(agent.imageIds[0]);
    expect(queue.complete(id)).toEqual([
      { podId: agent.podId, remaining: 0 },
      { podId: system.podId, remaining: 2 },
      { podId: user.podId, remaining: 1 },
    ]);
  });

  it("forgets a pod after its last image", () => {
    const queue = createQueue();
    const { podId, imageIds } = queue.enqueue(pod("a"));
    queue.next();
    queue.complete(imageIds[0]!);

    expect(statusOf(() => queue.podInfo(podId))).toBe("ERR_UNKNOWN_POD");
    expect(statusOf(() => queue.imageInfo(imageIds[0]!))).toBe("ERR_UNKNOWN_IMAGE");
    expect(queue.stats().pods).toBe(0);
  });

  it("failure reports waiters too", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { images: ["shared", "more"].map(imageOf) }));
    const second = queue.enqueue(pod("b", { images: [imageOf("shared")] }));
    const id = queue.next()!;

    expect(queue.complete(id, "failed")).toEqual([
      { podId: first.podId, remaining: 1 },
      { podId: second.podId, remaining: 0 },
    ]);
  });

  it("failure never blocks the queue", () => {
    const queue = createQueue();
    const failing = queue.enqueue(pod("a")).imageIds[0]!;
    const next = queue.enqueue(pod("b")).imageIds[0]!;
    queue.next();
    queue.complete(failing, "failed");

    expect(queue.next()).toBe(next);
    expect(queue.stats().inFlight).toBe(1);
    queue.complete(next);
    expect(queue.next()).toBeUndefined();
  });

  it("failed image can be requested again", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("a"));
    queue.next();
    queue.complete(imageIds[0]!, "failed");
    const retry = queue.enqueue(pod("a"));

    expect(queue.stats().pending).toBe(1);
    expect(queue.next()).toBe(retry.imageIds[0]);
  });

  it("counts succeeded and failed pulls", () => {
    const queue = createQueue();
    for (const name of ["a", "b", "c"]) queue.enqueue(pod(name));
    queue.complete(queue.next()!, "succeeded");
    queue.complete(queue.next()!, "failed");
    queue.complete(queue.next()!);
    const stats = queue.stats();

    expect(stats.pullsSucceeded).toBe(2);
    expect(stats.pullsFailed).toBe(1);
    expect(stats.inFlight).toBe(0);
  });
});

describe("cancel", () => {
  it("drops pending images nobody waits for", () => {
    const queue = createQueue();
    const leaving = queue.enqueue(pod("a", { images: ["own", "shared"].map(imageOf) }));
    const staying = queue.enqueue(pod("b", { images: [imageOf("shared")] }));
    const dropped = queue.removePod(leaving.podId);

    expect(dropped).toBe(1);
    expect(queue.stats().pending).toBe(1);
    expect(statusOf(() => queue.imageInfo(leaving.imageIds[0]!))).toBe("ERR_UNKNOWN_IMAGE");
    expect(queue.imageInfo(leaving.imageIds[1]!).podIds).toEqual([staying.podId]);
    expect(queue.next()).toBe(leaving.imageIds[1]);
  });

  it("forgets the removed pod", () => {
    const queue = createQueue();
    const { podId } = queue.enqueue(pod("a"));
    queue.removePod(podId);

    expect(statusOf(() => queue.podInfo(podId))).toBe("ERR_UNKNOWN_POD");
    expect(queue.stats().pods).toBe(0);
    expect(queue.stats().requests).toBe(0);
  });

  it("in-flight image finishes unreported", () => {
    const queue = createQueue();
    const { podId, imageIds } = queue.enqueue(pod("a"));
    const id = queue.next()!;
    const dropped = queue.removePod(podId);

    expect(dropped).toBe(0);
    expect(queue.stats().inFlight).toBe(1);
    expect(queue.imageInfo(id).tier).toBeUndefined();
    expect(queue.imageInfo(id).podIds).toEqual([]);
    expect(queue.complete(imageIds[0]!)).toEqual([]);
    expect(queue.stats().inFlight).toBe(0);
  });

  it("orphaned pull keeps its slot", () => {
    const queue = createQueue();
    const { podId, imageIds } = queue.enqueue(pod("a"));
    const waiting = queue.enqueue(pod("b")).imageIds[0];
    queue.next();
    queue.removePod(podId);

    expect(queue.next()).toBeUndefined();
    queue.complete(imageIds[0]!);
    expect(queue.next()).toBe(waiting);
  });

  it("in-flight reports other waiters only", () => {
    const queue = createQueue();
    const leaving = queue.enqueue(pod("a", { images: [imageOf("shared")] }));
    const staying = queue.enqueue(pod("b", { images: [imageOf("shared")] }));
    const id = queue.next()!;
    queue.removePod(leaving.podId);

    expect(queue.complete(id)).toEqual([{ podId: staying.podId, remaining: 0 }]);
  });

  it("keeps annotated namespace after last pod", () => {
    const queue = createQueue();
    queue.setNamespace("team", "5");
    const annotated = queue.enqueue(pod("a", { namespace: "team" }));
    const plain = queue.enqueue(pod("b", { namespace: "plain" }));
    queue.removePod(annotated.podId);
    queue.removePod(plain.podId);

    expect(queue.stats().namespaces).toBe(1);
    expect(queue.imageInfo(queue.enqueue(pod("c", { namespace: "team" })).imageIds[0]!).group).toBe(5);
  });
});

describe("ids", () => {
  it("starts pod and image ids at 1", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a", { images: ["x", "y"].map(imageOf) }));
    const second = queue.enqueue(pod("b"));

    expect(first.podId).toBe(1);
    expect(second.podId).toBe(2);
    expect(first.imageIds).toEqual([1, 2]);
    expect(second.imageIds).toEqual([3]);
  });

  it("reuses pod slots lowest first", () => {
    const queue = createQueue();
    const ids = ["a", "b", "c", "d", "e"].map((name) => queue.enqueue(pod(name)).podId);
    queue.removePod(ids[3]!);
    queue.removePod(ids[1]!);
    const reused = ["f", "g", "h"].map((name) => queue.enqueue(pod(name)).podId);

    expect(ids).toEqual([1, 2, 3, 4, 5]);
    // A reused slot comes back with the next generation in the bits above the slot.
    expect(reused).toEqual([NEXT_GENERATION + 2, NEXT_GENERATION + 4, 6]);
  });

  it("rejects a stale pod id", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a")).podId;
    queue.removePod(first);
    const second = queue.enqueue(pod("b")).podId;

    expect(statusOf(() => queue.removePod(first))).toBe("ERR_UNKNOWN_POD");
    expect(queue.podInfo(second).name).toBe("b");
  });

  it("rejects a stale image id", () => {
    const queue = createQueue();
    const first = queue.enqueue(pod("a")).imageIds[0]!;
    queue.next();
    queue.complete(first);
    const second = queue.enqueue(pod("b", { images: [imageOf("other")] })).imageIds[0]!;
    queue.next();

    expect(statusOf(() => queue.complete(first))).toBe("ERR_UNKNOWN_IMAGE");
    expect(queue.imageInfo(second).state).toBe("in-flight");
  });

  it("reuses image slots lowest first", () => {
    const queue = createQueue({ slots: 4 });
    const pods = ["a", "b", "c", "d"].map((name) => queue.enqueue(pod(name)));
    // Free image 3 by completion first, then image 1 by cancelling its pod.
    takeAll(queue);
    queue.complete(pods[2]!.imageIds[0]!);
    queue.complete(pods[0]!.imageIds[0]!);
    const reused = ["e", "f", "g"].map((name) => queue.enqueue(pod(name)).imageIds[0]);

    expect(reused).toEqual([NEXT_GENERATION + 1, NEXT_GENERATION + 3, 5]);
  });

  it("reuses the id of a forgotten pod", () => {
    const queue = createQueue();
    const { imageIds } = queue.enqueue(pod("a"));
    queue.enqueue(pod("b"));
    queue.next();
    queue.complete(imageIds[0]!);

    expect(queue.enqueue(pod("c")).podId).toBe(NEXT_GENERATION + 1);
  });
});

/** Builds a queue that has used every feature: configuration, annotations, all tiers, freed ids, pulls in flight. */
function buildRichQueue(): PullQueue {
  const queue = createQueue({ slots: 2, preferredNamespaces: ["kube-system", "monitoring"] });
  queue.setNamespace("team-a", "10");
  queue.setNamespace("team-b", "not-a-number");
  queue.setNamespace("idle", "-4");
  queue.enqueue(pod("web", { namespace: "team-a", images: ["nginx", "busybox:1.36", imageOf("web")] }));
  queue.enqueue(pod("batch", { namespace: "team-b", priority: 50, images: [imageOf("batch"), "busybox:1.36"] }));
  const leaving = queue.enqueue(pod("leaving", { creationTimeMs: BASE_TIME_MS - 1000 }));
  queue.enqueue(pod("metrics", { namespace: "monitoring", creationTimeMs: BASE_TIME_MS + 5 }));
  queue.enqueue(pod("etcd", { namespace: "kube-system", configSource: "file", images: ["registry.k8s.io/etcd:3.5.9-0"] }));
  queue.enqueue(pod("proxy", { namespace: "kube-system", priority: 2_000_001_000, priorityClassName: "system-node-critical" }));
  queue.enqueue(pod("café", { namespace: "apps", mirror: true, images: ["nginx"] }));
  queue.removePod(leaving.podId);

  queue.complete(queue.next()!);
  queue.complete(queue.next()!, "failed");
  queue.next();
  queue.next();
  queue.enqueue(pod("late", { namespace: "team-a", images: [imageOf("late"), "nginx"] }));
  return queue;
}

/** Runs the same calls on `queue` and returns every result, errors included, in call order. */
function runFutureCalls(queue: PullQueue): unknown[] {
  const trace: unknown[] = [];
  const record = (label: string, call: () => unknown): void => {
    try {
      trace.push([label, call()]);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      trace.push([label, error.status]);
    }
  };

  record("stats", () => queue.stats());
  record("enqueue new", () => queue.enqueue(pod("new", { namespace: "team-b", images: ["nginx", imageOf("new")] })));
  record("enqueue again", () => queue.enqueue(pod("web", { namespace: "team-a", images: [imageOf("web-sidecar")] })));
  record("enqueue preferred", () => queue.enqueue(pod("alerts", { namespace: "monitoring" })));
  record("annotate", () => queue.setNamespace("team-b", "20"));
  record("remove", () => queue.removePod(3));
  record("slots", () => queue.setSlots(3));
  for (let step = 0; step < 40; step++) {
    record("next", () => {
      const id = queue.next();
      return id === undefined ? undefined : queue.imageInfo(id);
    });
    // Image ids of a pod are compared as a set here, because their order has its own test.
    for (let id = 1; id <= 12; id++) {
      record(`pod ${id}`, () => {
        const info = queue.podInfo(id);
        return { ...info, imageIds: [...info.imageIds].sort((a, b) => a - b) };
      });
    }
    record("complete", () => queue.complete(step + 1, step % 3 === 0 ? "failed" : "succeeded"));
  }
  record("stats", () => queue.stats());
  return trace;
}

describe("snapshot", () => {
  it("restores into byte-identical state", () => {
    const original = buildRichQueue();
    const snapshot = original.snapshot();
    const restored = createQueue();
    restored.restore(snapshot);

    expect(sameBytes(restored.snapshot(), snapshot)).toBe(true);
    expect(restored.stats()).toEqual(original.stats());
  });

  it("restored queue behaves the same", () => {
    const original = buildRichQueue();
    const restored = createQueue();
    restored.restore(original.snapshot());
    const expected = runFutureCalls(original);
    const actual = runFutureCalls(restored);

    expect(actual).toEqual(expected);
    expect(sameBytes(restored.snapshot(), original.snapshot())).toBe(true);
  });

  it("restored queue hands out same ids", () => {
    const original = buildRichQueue();
    const restored = createQueue();
    restored.restore(original.snapshot());
    const names = ["n1", "n2", "n3"];

    expect(names.map((name) => restored.enqueue(pod(name)))).toEqual(names.map((name) => original.enqueue(pod(name))));
  });

  it("restored image info matches", () => {
    const original = buildRichQueue();
    const restored = createQueue();
    restored.restore(original.snapshot());

    for (let id = 1; id <= 12; id++) {
      expect(statusOrValue(() => restored.imageInfo(id)), `image ${id}`).toEqual(statusOrValue(() => original.imageInfo(id)));
    }
  });

  it("restored pod info matches", () => {
    const original = buildRichQueue();
    const restored = createQueue();
    restored.restore(original.snapshot());

    for (let id = 1; id <= 12; id++) {
      expect(statusOrValue(() => restored.podInfo(id)), `pod ${id}`).toEqual(statusOrValue(() => original.podInfo(id)));
    }
  });

  it("snapshot leaves state unchanged", () => {
    const queue = buildRichQueue();
    const first = queue.snapshot();
    const second = queue.snapshot();

    expect(sameBytes(first, second)).toBe(true);
  });

  it("equal states give equal bytes", () => {
    const forward = createQueue();
    const backward = createQueue();
    const annotations: Array<[string, string]> = [["alpha", "1"], ["beta", "x"], ["gamma", "-3"], ["delta", "0"]];
    for (const [name, value] of annotations) forward.setNamespace(name, value);
    for (const [name, value] of [...annotations].reverse()) backward.setNamespace(name, value);

    expect(sameBytes(forward.snapshot(), backward.snapshot())).toBe(true);
  });

  it("equal states after different histories", () => {
    // Both queues add and cancel one pod first, with different names, namespaces and images.
    const direct = createQueue();
    direct.enqueue(pod("filler"));
    direct.removePod(1);
    direct.enqueue(pod("a", { images: ["x", "y", "z"].map(imageOf) }));
    // Ids carry a generation per slot, so both histories free the same slots once.
    const roundabout = createQueue();
    roundabout.enqueue(pod("other", { namespace: "elsewhere", images: ["q"].map(imageOf) }));
    roundabout.removePod(1);
    roundabout.enqueue(pod("a", { images: ["x", "y", "z"].map(imageOf) }));

    expect(sameBytes(direct.snapshot(), roundabout.snapshot())).toBe(true);
  });

  it("restores an empty queue", () => {
    const original = createQueue({ slots: 5, preferredNamespaces: ["infra"] });
    const restored = createQueue();
    restored.restore(original.snapshot());
    const info = restored.imageInfo(restored.enqueue(pod("dns", { namespace: "infra" })).imageIds[0]!);

    expect(restored.stats().slots).toBe(5);
    expect(info.tier).toBe("preferred");
  });

  it("restored queue accepts no configuration", () => {
    const restored = createQueue();
    restored.restore(buildRichQueue().snapshot());

    expect(statusOf(() => restored.configure(DEFAULT_RECORD))).toBe("ERR_NOT_EMPTY");
  });
});

/** Returns the call's result, or the status of the PolicyError it throws. */
function statusOrValue(call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return error.status;
  }
}

describe("stats", () => {
  it("starts empty", () => {
    const queue = createQueue();

    expect(queue.stats()).toEqual({
      pods: 0, pending: 0, inFlight: 0, slots: 1, namespaces: 0, requests: 0, textBytes: 0, pullsSucceeded: 0, pullsFailed: 0,
    });
  });

  it("counts pods, images and requests", () => {
    const queue = createQueue({ slots: 2 });
    queue.enqueue(pod("a", { images: ["shared", "a-own"].map(imageOf) }));
    queue.enqueue(pod("b", { namespace: "other", images: ["shared", "b-own", "b-more"].map(imageOf) }));
    queue.next();
    const stats = queue.stats();

    expect(stats.pods).toBe(2);
    expect(stats.pending).toBe(3);
    expect(stats.inFlight).toBe(1);
    expect(stats.requests).toBe(5);
    expect(stats.namespaces).toBe(2);
    expect(stats.slots).toBe(2);
  });

  it("counts stored text in UTF-8 bytes", () => {
    const queue = createQueue();
    queue.setNamespace("team", "3");
    queue.enqueue(pod("café", { namespace: "team", priorityClassName: "high", configSource: "api", images: ["nginx"] }));
    const expected = ["team", "café", "high", "api", "docker.io/library/nginx:latest"]
      .map((text) => Buffer.byteLength(text))
      .reduce((sum, bytes) => sum + bytes, 0);

    expect(queue.stats().textBytes).toBe(expected);
  });

  it("returns to zero when drained", () => {
    const queue = buildRichQueue();
    queue.setNamespace("team-a", undefined);
    queue.setNamespace("team-b", undefined);
    queue.setNamespace("idle", undefined);
    for (const id of inFlightIds(queue)) queue.complete(id);
    queue.setSlots(8);
    for (let round = 0; round < 20; round++) {
      for (const id of takeAll(queue)) queue.complete(id);
    }
    const stats = queue.stats();

    expect(stats.pods).toBe(0);
    expect(stats.pending).toBe(0);
    expect(stats.inFlight).toBe(0);
    expect(stats.requests).toBe(0);
    expect(stats.namespaces).toBe(0);
    expect(stats.textBytes).toBe(0);
  });
});

describe("canonical snapshots", () => {
  it("store ignored pod fields as empty", () => {
    const withFlagClear = PullQueue.create(policy);
    const record = encodePod(pod("web", { priority: 77, configSource: "file" })).finish();
    // Clear the has-priority and has-config-source flag bits; the values stay in the record.
    record[0] = record[0]! & ~(PodFlag.HAS_PRIORITY | PodFlag.HAS_CONFIG_SOURCE);
    const at = withFlagClear.exports.ipp_input_reserve(record.length);
    new Uint8Array(withFlagClear.exports.memory.buffer, at, record.length).set(record);
    const plain = createQueue();
    plain.enqueue(pod("web"));

    expect(withFlagClear.exports.ipp_enqueue(record.length)).toBe(1);
    expect(Buffer.from(withFlagClear.snapshot()).equals(Buffer.from(plain.snapshot()))).toBe(true);
  });

  it("order namespaces by code point", () => {
    const queue = createQueue();
    // UTF-16 code unit order would put U+10000 (a surrogate pair) before U+FF61.
    for (const name of ["\u{10000}", "z", "\uFF61"]) queue.setNamespace(name, "1");
    const restored = createQueue();
    restored.restore(queue.snapshot());

    const bytes = Buffer.from(queue.snapshot());
    const positions = ["z", "\uFF61", "\u{10000}"].map((name) => bytes.indexOf(Buffer.from(name, "utf8")));

    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(Buffer.from(restored.snapshot()).equals(bytes)).toBe(true);
    expect(restored.stats().namespaces).toBe(3);
  });
});
