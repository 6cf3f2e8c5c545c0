import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

import { InputError, loadNamespaces, loadObjects, loadPods, parseRfc3339 } from "../host/kube/load.ts";
import type { PodRecord } from "../host/kube/records.ts";

const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-load-"));
afterAll(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

let fixtureCount = 0;

/** Writes a fixture file and returns its path. Objects are written as JSON. */
function writeFixture(extension: "json" | "yaml", content: string | object): string {
  fixtureCount += 1;
  const file = path.join(fixtureDir, `fixture-${fixtureCount}.${extension}`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

interface PodOptions {
  namespace?: string;
  nodeName?: string | null;
  phase?: string;
  spec?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Builds a running Pod object on node-a with one container. Options replace or add fields. */
function pod(name: string, options: PodOptions = {}): Record<string, unknown> {
  const spec: Record<string, unknown> = { containers: [{ name: "main", image: `${name}:1.0` }] };
  if (options.nodeName !== null) {
    spec["nodeName"] = options.nodeName ?? "node-a";
  }
  Object.assign(spec, options.spec);

  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      creationTimestamp: "2021-07-30T13:22:37Z",
      ...options.metadata,
    },
    spec,
    status: { phase: options.phase ?? "Running" },
  };
}

function podList(...items: object[]): object {
  return { apiVersion: "v1", kind: "PodList", metadata: {}, items };
}

function namespace(name: string, annotations?: Record<string, unknown>): object {
  return { apiVersion: "v1", kind: "Namespace", metadata: annotations === undefined ? { name } : { name, annotations } };
}

/** Runs load and returns the InputError it throws. Fails the test when it throws nothing or another error. */
function catchInputError(load: () => unknown): InputError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError, but loading succeeded");
}

const EMPTY_SKIPPED = { unscheduled: 0, terminal: 0, otherNode: 0, noImage: 0 };

describe("loadObjects", () => {
  it("flattens a JSON PodList", () => {
    const file = writeFixture("json", podList(pod("a"), pod("b")));

    const objects = loadObjects(file) as { metadata: { name: string } }[];

    expect(objects.map((object) => object.metadata.name)).toEqual(["a", "b"]);
  });

  it("reads multi-document YAML", () => {
    const file = writeFixture(
      "yaml",
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: a, namespace: default}",
        "spec: {nodeName: node-a, containers: [{name: main, image: 'a:1'}]}",
        "---",
        "apiVersion: v1",
        "kind: NamespaceList",
        "items:",
        "- {apiVersion: v1, kind: Namespace, metadata: {name: default}}",
        "- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}",
        "---",
        "",
      ].join("\n"),
    );

    const objects = loadObjects(file) as { kind: string; metadata: { name: string } }[];

    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "Pod/a",
      "Namespace/default",
      "Namespace/kube-system",
    ]);
  });

  it("flattens a List of mixed kinds in file order", () => {
    const file = writeFixture("json", {
      apiVersion: "v1",
      kind: "List",
      items: [pod("a"), namespace("default"), pod("b")],
    });

    const objects = loadObjects(file) as { kind: string }[];

    expect(objects.map((object) => object.kind)).toEqual(["Pod", "Namespace", "Pod"]);
  });

  it("adds kind to PodList items without one", () => {
    // Some dumps leave kind and apiVersion out of list items.
    const { kind: _kind, apiVersion: _apiVersion, ...bare } = pod("a");
    const file = writeFixture("json", podList(bare));

    const [object] = loadObjects(file) as { kind: string; apiVersion: string }[];

    expect(object?.kind).toBe("Pod");
    expect(object?.apiVersion).toBe("v1");
  });

  it("reads a top-level JSON array", () => {
    const file = writeFixture("json", [pod("a"), namespace("default")]);

    expect(loadObjects(file)).toHaveLength(2);
  });

  it("detects JSON after leading whitespace", () => {
    const file = writeFixture("yaml", `\n   ${JSON.stringify(podList(pod("a")))}`);

    expect(loadObjects(file)).toHaveLength(1);
  });

  it("reads an empty PodList", () => {
    const file = writeFixture("json", podList());

    expect(loadObjects(file)).toEqual([]);
    expect(loadPods(file)).toEqual({ pods: [], skipped: EMPTY_SKIPPED, nodes: [] });
  });
});

describe("loadPods", () => {
  it("builds a record from every field", () => {
    const file = writeFixture(
      "json",
      podList(
        pod("etcd", {
          namespace: "kube-system",
          nodeName: "node-a",
          spec: { priority: 2000001000, priorityClassName: "system-node-critical" },
          metadata: {
            creationTimestamp: "2021-07-30T13:22:22Z",
            annotations: { "kubernetes.io/config.source": "file", "kubernetes.io/config.mirror": "24ba85" },
          },
        }),
      ),
    );

    const { pods, skipped } = loadPods(file);

    const expected: PodRecord = {
      namespace: "kube-system",
      name: "etcd",
      nodeName: "node-a",
      priority: 2000001000,
      priorityClassName: "system-node-critical",
      configSource: "file",
      mirror: true,
      creationTimeMs: Date.UTC(2021, 6, 30, 13, 22, 22),
      images: ["etcd:1.0"],
    };
    expect(pods).toEqual([expected]);
    expect(skipped).toEqual(EMPTY_SKIPPED);
  });

  it("fills defaults for absent fields", () => {
    const bare = {
      kind: "Pod",
      metadata: { name: "a", namespace: "default" },
      spec: { nodeName: "node-a", containers: [{ name: "main", image: "a:1" }] },
    };
    const file = writeFixture("json", bare);

    const [record] = loadPods(file).pods;

    expect(record?.priority).toBeUndefined();
    expect(record?.priorityClassName).toBe("");
    expect(record?.configSource).toBeUndefined();
    expect(record?.mirror).toBe(false);
    expect(record?.creationTimeMs).toBeUndefined();
  });

  it("reads JSON and YAML alike", () => {
    const jsonFile = writeFixture("json", podList(pod("a", { spec: { priority: 7 } })));
    const yamlFile = writeFixture(
      "yaml",
      [
        "apiVersion: v1",
        "kind: PodList",
        "items:",
        "- apiVersion: v1",
        "  kind: Pod",
        "  metadata:",
        "    name: a",
        "    namespace: default",
        '    creationTimestamp: "2021-07-30T13:22:37Z"',
        "  spec:",
        "    nodeName: node-a",
        "    priority: 7",
        "    containers:",
        "    - name: main",
        "      image: a:1.0",
        "  status:",
        "    phase: Running",
        "",
      ].join("\n"),
    );

    expect(loadPods(yamlFile)).toEqual(loadPods(jsonFile));
  });

  it("counts an empty mirror annotation", () => {
    const file = writeFixture("json", pod("a", { metadata: { annotations: { "kubernetes.io/config.mirror": "" } } }));

    expect(loadPods(file).pods[0]?.mirror).toBe(true);
  });

  it("orders init container images first", () => {
    const file = writeFixture(
      "json",
      pod("a", {
        spec: {
          containers: [
            { name: "app", image: "app:1" },
            { name: "sidecar", image: "sidecar:1" },
          ],
          initContainers: [
            { name: "migrate", image: "migrate:1" },
            { name: "wait", image: "busybox:1" },
          ],
          ephemeralContainers: [{ name: "debug", image: "debug:1" }],
        },
      }),
    );

    expect(loadPods(file).pods[0]?.images).toEqual(["migrate:1", "busybox:1", "app:1", "sidecar:1"]);
  });

  it("keeps file order", () => {
    const names = ["zeta", "alpha", "mid", "beta"];
    const file = writeFixture("json", podList(...names.map((name) => pod(name))));

    expect(loadPods(file).pods.map((record) => record.name)).toEqual(names);
  });

  it.each([
    { scenario: "no nodeName", pod: pod("a", { nodeName: null }), skipped: { unscheduled: 1 } },
    { scenario: "empty nodeName", pod: pod("a", { nodeName: "" }), skipped: { unscheduled: 1 } },
    { scenario: "phase Succeeded", pod: pod("a", { phase: "Succeeded" }), skipped: { terminal: 1 } },
    { scenario: "phase Failed", pod: pod("a", { phase: "Failed" }), skipped: { terminal: 1 } },
    { scenario: "Failed without node", pod: pod("a", { nodeName: null, phase: "Failed" }), skipped: { unscheduled: 1 } },
    { scenario: "another node", pod: pod("a", { nodeName: "node-b" }), skipped: { otherNode: 1 } },
    { scenario: "Succeeded on another node", pod: pod("a", { nodeName: "node-b", phase: "Succeeded" }), skipped: { terminal: 1 } },
  ])("skips pod with $scenario", ({ pod: object, skipped }) => {
    const file = writeFixture("json", podList(object));

    const result = loadPods(file, { node: "node-a" });

    expect(result.pods).toEqual([]);
    expect(result.skipped).toEqual({ ...EMPTY_SKIPPED, ...skipped });
  });

  it.each(["Pending", "Running", "Unknown"])("keeps pod in phase %s", (phase) => {
    const file = writeFixture("json", podList(pod("a", { phase })));

    expect(loadPods(file, { node: "node-a" }).pods).toHaveLength(1);
  });

  it("keeps every node without filter", () => {
    const file = writeFixture("json", podList(pod("a", { nodeName: "node-a" }), pod("b", { nodeName: "node-b" })));

    const result = loadPods(file);

    expect(result.pods.map((record) => record.nodeName)).toEqual(["node-a", "node-b"]);
    expect(result.skipped.otherNode).toBe(0);
  });

  it("keeps only the filtered node", () => {
    const file = writeFixture(
      "json",
      podList(pod("a", { nodeName: "node-a" }), pod("b", { nodeName: "node-b" }), pod("c", { nodeName: "node-a" })),
    );

    const result = loadPods(file, { node: "node-a" });

    expect(result.pods.map((record) => record.name)).toEqual(["a", "c"]);
    expect(result.skipped).toEqual({ ...EMPTY_SKIPPED, otherNode: 1 });
  });

  it("counts containers without image", () => {
    const file = writeFixture(
      "json",
      podList(
        pod("partial", {
          spec: {
            initContainers: [{ name: "init" }],
            containers: [
              { name: "empty", image: "" },
              { name: "blank", image: "  " },
              { name: "app", image: "app:1" },
            ],
          },
        }),
        pod("none", { spec: { containers: [{ name: "missing" }, { name: "null", image: null }] } }),
        // Skipped pods do not add to noImage.
        pod("done", { phase: "Succeeded", spec: { containers: [{ name: "missing" }] } }),
      ),
    );

    const result = loadPods(file);

    expect(result.pods.map((record) => record.name)).toEqual(["partial"]);
    expect(result.pods[0]?.images).toEqual(["app:1"]);
    expect(result.skipped).toEqual({ ...EMPTY_SKIPPED, terminal: 1, noImage: 5 });
  });

  it("ignores namespaces in a mixed List", () => {
    const file = writeFixture("json", { apiVersion: "v1", kind: "List", items: [namespace("default"), pod("a")] });

    expect(loadPods(file).pods.map((record) => record.name)).toEqual(["a"]);
  });
});

describe("parseRfc3339", () => {
  it.each([
    { text: "2021-07-30T13:22:37Z", ms: Date.UTC(2021, 6, 30, 13, 22, 37) },
    { text: "2021-07-30t13:22:37z", ms: Date.UTC(2021, 6, 30, 13, 22, 37) },
    { text: "2021-07-30T13:22:37.5Z", ms: Date.UTC(2021, 6, 30, 13, 22, 37, 500) },
    { text: "2021-07-30T13:22:37.123999999Z", ms: Date.UTC(2021, 6, 30, 13, 22, 37, 123) },
    { text: "2021-07-30T15:22:37+02:00", ms: Date.UTC(2021, 6, 30, 13, 22, 37) },
    { text: "2021-07-30T08:52:37-04:30", ms: Date.UTC(2021, 6, 30, 13, 22, 37) },
    { text: "2020-02-29T00:00:00Z", ms: Date.UTC(2020, 1, 29) },
    { text: "0099-01-01T00:00:00Z", ms: -59042995200000 },
  ])("parses $text", ({ text, ms }) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    "yesterday",
    "2021-07-30",
    "2021-07-30 13:22:37Z",
    "2021-07-30T13:22:37",
    "2021-07-30T13:22Z",
    "2021-02-29T00:00:00Z",
    "2021-13-01T00:00:00Z",
    "2021-07-30T24:00:00Z",
    "2021-07-30T23:59:60Z",
    "2021-07-30T13:22:37+0200",
    "2021-07-30T13:22:37.Z",
    "1627651357",
  ])("rejects %s", (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe("loadNamespaces", () => {
  it("reads names and annotations", () => {
    const file = writeFixture(
      "json",
      {
        apiVersion: "v1",
        kind: "NamespaceList",
        items: [namespace("default"), namespace("batch", { "image-pull-priority": "100", owner: "data" })],
      },
    );

    expect(loadNamespaces(file)).toEqual([
      { name: "default", annotations: {} },
      { name: "batch", annotations: { "image-pull-priority": "100", owner: "data" } },
    ]);
  });

  it("reads YAML namespaces", () => {
    const file = writeFixture(
      "yaml",
      ["apiVersion: v1", "kind: Namespace", "metadata:", "  name: batch", "  annotations:", '    image-pull-priority: "5"', ""].join(
        "\n",
      ),
    );

    expect(loadNamespaces(file)).toEqual([{ name: "batch", annotations: { "image-pull-priority": "5" } }]);
  });

  it("ignores pods in a mixed List", () => {
    const file = writeFixture("json", { apiVersion: "v1", kind: "List", items: [pod("a"), namespace("default")] });

    expect(loadNamespaces(file)).toEqual([{ name: "default", annotations: {} }]);
  });
});

describe("load errors", () => {
  interface ErrorCase {
    scenario: string;
    extension?: "json" | "yaml";
    content: string | object;
    load?: "pods" | "namespaces";
    /** The message after "<file>: ". */
    problem: string;
  }

  const cases: ErrorCase[] = [
    {
      scenario: "invalid JSON",
      content: '{\n  "kind": "PodList",\n  "items": [,]\n}',
      problem: "invalid JSON at line 3 column 13: Unexpected token ','",
    },
    {
      scenario: "truncated JSON",
      content: '{"kind": "PodList"',
      problem: "invalid JSON at line 1 column 19: Expected ',' or '}' after property value",
    },
    {
      scenario: "control character in JSON",
      content: '{"kind": "Pod\n"}',
      problem: "invalid JSON at line 1 column 14: Bad control character in string literal",
    },
    {
      scenario: "invalid YAML",
      extension: "yaml",
      content: "kind: PodList\nitems:\n  - a: [\n",
      problem:
        "invalid YAML at line 4 column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    },
    {
      scenario: "duplicate YAML key",
      extension: "yaml",
      content: "kind: Pod\nkind: Pod\n",
      problem: "invalid YAML at line 2 column 1: Map keys must be unique",
    },
    {
      scenario: "empty file",
      extension: "yaml",
      content: "",
      problem: "file contains no objects; expected kind Pod, PodList or List",
    },
    {
      scenario: "unsupported kind",
      content: { apiVersion: "apps/v1", kind: "Deployment" },
      problem: "expected kind Pod, PodList or List, got Deployment",
    },
    {
      scenario: "object without kind",
      content: { apiVersion: "v1", items: [] },
      problem: "expected kind Pod, PodList or List, got an object without kind",
    },
    {
      scenario: "scalar document",
      extension: "yaml",
      content: "just text\n",
      problem: 'expected a Kubernetes object, got the string "just text"',
    },
    {
      scenario: "List item without kind",
      content: { apiVersion: "v1", kind: "List", items: [pod("a"), pod("b"), namespace("c"), { metadata: {} }] },
      problem: "item 4 of List has no kind",
    },
    {
      scenario: "List item of other kind",
      content: { apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Service" }] },
      problem: "item 1 of List has kind Service; expected Pod or Namespace",
    },
    {
      scenario: "PodList item of other kind",
      content: podList(pod("a"), namespace("b")),
      problem: "item 2 of PodList has kind Namespace; expected Pod",
    },
    {
      scenario: "list item in YAML document",
      extension: "yaml",
      content: "kind: Namespace\nmetadata: {name: a}\n---\nkind: List\nitems: [{metadata: {}}]\n",
      problem: "item 1 of List in document 2 has no kind",
    },
    {
      scenario: "apiVersion other than v1",
      content: { apiVersion: "v2", kind: "PodList", items: [] },
      problem: 'PodList has apiVersion "v2"; expected v1',
    },
    {
      scenario: "items not a list",
      content: { apiVersion: "v1", kind: "PodList", items: {} },
      problem: "items of PodList must be a list, got a mapping",
    },
    {
      scenario: "list without items",
      content: { apiVersion: "v1", kind: "PodList" },
      problem: "PodList has no items field",
    },
    {
      scenario: "namespaces for pods",
      content: { apiVersion: "v1", kind: "NamespaceList", items: [namespace("default")] },
      problem: "expected kind Pod, PodList or List, got NamespaceList",
    },
    {
      scenario: "empty NamespaceList for pods",
      content: { apiVersion: "v1", kind: "NamespaceList", items: [] },
      problem: "expected kind Pod, PodList or List, got NamespaceList",
    },
    {
      scenario: "List of namespaces for pods",
      content: { apiVersion: "v1", kind: "List", items: [namespace("default")] },
      problem: "expected kind Pod, PodList or List, got List of Namespace objects",
    },
    {
      scenario: "pods for namespaces",
      content: podList(pod("a")),
      load: "namespaces",
      problem: "expected kind Namespace, NamespaceList or List, got PodList",
    },
    {
      scenario: "single Pod for namespaces",
      content: pod("a"),
      load: "namespaces",
      problem: "expected kind Namespace, NamespaceList or List, got Pod",
    },
    {
      scenario: "pod without metadata.name",
      content: podList(pod("a"), { kind: "Pod", metadata: { namespace: "default" }, spec: {} }),
      problem: "item 2 of PodList: metadata.name is missing",
    },
    {
      scenario: "pod without metadata.namespace",
      content: { kind: "Pod", metadata: { name: "a" }, spec: {} },
      problem: "Pod: metadata.namespace is missing",
    },
    {
      scenario: "pod without metadata",
      content: podList({ kind: "Pod", spec: {} }),
      problem: "item 1 of PodList: metadata is missing",
    },
    {
      scenario: "numeric metadata.name",
      content: podList({ kind: "Pod", metadata: { name: 5, namespace: "default" } }),
      problem: "item 1 of PodList: metadata.name must be a non-empty string, got the number 5",
    },
    {
      scenario: "pod without spec",
      content: podList({ kind: "Pod", metadata: { name: "a", namespace: "default" } }),
      problem: "pod default/a: spec is missing",
    },
    {
      scenario: "string priority",
      content: podList(pod("a", { spec: { priority: "high" } })),
      problem: 'pod default/a: spec.priority must be an integer from -2147483648 to 2147483647, got the string "high"',
    },
    {
      scenario: "fractional priority",
      content: podList(pod("a", { spec: { priority: 1.5 } })),
      problem: "pod default/a: spec.priority must be an integer from -2147483648 to 2147483647, got the number 1.5",
    },
    {
      scenario: "priority above int32",
      content: podList(pod("a", { spec: { priority: 2147483648 } })),
      problem:
        "pod default/a: spec.priority must be an integer from -2147483648 to 2147483647, got the number 2147483648",
    },
    {
      scenario: "unparsable creationTimestamp",
      content: podList(pod("a", { namespace: "kube-system", metadata: { creationTimestamp: "yesterday" } })),
      problem:
        'pod kube-system/a: metadata.creationTimestamp "yesterday" is not an RFC 3339 timestamp such as "2021-07-30T13:22:37Z"',
    },
    {
      scenario: "invalid calendar date",
      content: podList(pod("a", { metadata: { creationTimestamp: "2021-02-30T00:00:00Z" } })),
      problem:
        'pod default/a: metadata.creationTimestamp "2021-02-30T00:00:00Z" is not an RFC 3339 timestamp such as "2021-07-30T13:22:37Z"',
    },
    {
      scenario: "numeric creationTimestamp",
      content: podList(pod("a", { metadata: { creationTimestamp: 1627651357 } })),
      problem: "pod default/a: metadata.creationTimestamp must be a string, got the number 1627651357",
    },
    {
      scenario: "missing containers",
      content: podList(pod("a", { spec: { containers: undefined } })),
      problem: "pod default/a: spec.containers is missing",
    },
    {
      scenario: "containers not a list",
      content: podList(pod("a", { spec: { containers: "nginx" } })),
      problem: 'pod default/a: spec.containers must be a list, got the string "nginx"',
    },
    {
      scenario: "numeric image",
      content: podList(pod("a", { spec: { initContainers: [{ name: "init", image: 42 }] } })),
      problem: "pod default/a: spec.initContainers[0].image must be a string, got the number 42",
    },
    {
      scenario: "numeric nodeName",
      content: podList(pod("a", { spec: { nodeName: 7 } })),
      problem: "pod default/a: spec.nodeName must be a string, got the number 7",
    },
    {
      scenario: "annotations not a mapping",
      content: podList(pod("a", { metadata: { annotations: ["x"] } })),
      problem: "pod default/a: metadata.annotations must be a mapping, got a list",
    },
    {
      scenario: "numeric annotation value",
      extension: "yaml",
      content: "kind: Namespace\nmetadata:\n  name: batch\n  annotations:\n    image-pull-priority: 100\n",
      load: "namespaces",
      problem: 'namespace batch: metadata.annotations["image-pull-priority"] must be a string, got the number 100 (quote it in YAML)',
    },
    {
      scenario: "duplicate pod",
      content: podList(pod("a"), pod("b"), pod("a")),
      problem: "pod default/a appears twice: item 1 of PodList and item 3 of PodList",
    },
    {
      scenario: "duplicate namespace",
      content: { apiVersion: "v1", kind: "NamespaceList", items: [namespace("a"), namespace("a")] },
      load: "namespaces",
      problem: "namespace a appears twice: item 1 of NamespaceList and item 2 of NamespaceList",
    },
  ];

  it.each(cases)("rejects $scenario", ({ extension, content, load, problem }) => {
    const file = writeFixture(extension ?? "json", content);

    const error = catchInputError(() => (load === "namespaces" ? loadNamespaces(file) : loadPods(file)));

    expect(error.file).toBe(file);
    expect(error.message).toBe(`${file}: ${problem}`);
    expect(error.message).not.toContain("\n");
  });

  it("rejects a missing file", () => {
    const file = path.join(fixtureDir, "absent.json");

    const error = catchInputError(() => loadPods(file));

    expect(error.file).toBe(file);
    expect(error.message).toBe(`${file}: file not found`);
  });

  it("rejects a directory", () => {
    const error = catchInputError(() => loadObjects(fixtureDir));

    expect(error.message).toBe(`${fixtureDir}: is a directory, expected a file`);
  });

  it("reports errors of loadObjects", () => {
    const file = writeFixture("json", { kind: "Deployment" });

    const error = catchInputError(() => loadObjects(file));

    expect(error.message).toBe(`${file}: expected kind Pod, PodList, Namespace, NamespaceList or List, got Deployment`);
  });
});

// Real pod lists recorded from public clusters, kept outside the repository beside it.
const sharedDataDir = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const hasSharedData = fs.existsSync(sharedDataDir);
const skipNote = hasSharedData ? "" : " (skipped: the shared data folder is absent)";

function sharedFile(name: string): string {
  return path.join(sharedDataDir, name);
}

describe("real pod lists", () => {
  it.skipIf(!hasSharedData)(`loads every pod list${skipNote}`, () => {
    const files = fs.readdirSync(sharedDataDir).filter((name) => /^podlist-.*\.json$/.test(name));
    expect(files.length).toBeGreaterThan(0);

    for (const name of files) {
      const objects = loadObjects(sharedFile(name));
      const { pods, skipped } = loadPods(sharedFile(name));

      expect(pods.length, name).toBeGreaterThan(0);
      expect(pods.length + skipped.unscheduled + skipped.terminal, name).toBe(objects.length);
      expect(skipped.noImage, name).toBe(0);
    }
  });

  it.skipIf(!hasSharedData)(`kind cluster counts${skipNote}`, () => {
    const file = sharedFile("podlist-kind-1node-k8s1.21.sanitized.json");

    const { pods, skipped } = loadPods(file, { node: "kind-control-plane" });

    expect(loadObjects(file)).toHaveLength(22);
    expect(skipped).toEqual({ unscheduled: 1, terminal: 6, otherNode: 0, noImage: 0 });
    expect(pods).toHaveLength(15);
    expect(pods.filter((record) => record.mirror)).toHaveLength(4);
    expect(pods.filter((record) => record.configSource === "file")).toHaveLength(4);
  });

  it.skipIf(!hasSharedData)(`kind static pod record${skipNote}`, () => {
    const { pods } = loadPods(sharedFile("podlist-kind-1node-k8s1.21.sanitized.json"));

    const etcd = pods.find((record) => record.name === "etcd-kind-control-plane");
    const kindnet = pods.find((record) => record.name.startsWith("kindnet-"));

    expect(etcd).toEqual({
      namespace: "kube-system",
      name: "etcd-kind-control-plane",
      nodeName: "kind-control-plane",
      priority: 2000001000,
      priorityClassName: "system-node-critical",
      configSource: "file",
      mirror: true,
      creationTimeMs: Date.UTC(2021, 6, 30, 13, 22, 22),
      images: ["k8s.gcr.io/etcd:3.4.13-0"],
    });
    // The CNI pod of kind has no priority class.
    expect(kindnet?.priorityClassName).toBe("");
    expect(kindnet?.priority).toBe(0);
  });

  it.skipIf(!hasSharedData)(`minikube counts${skipNote}`, () => {
    const file = sharedFile("podlist-minikube-1node-k8s1.27.sanitized.json");

    const { pods, skipped } = loadPods(file);

    expect(loadObjects(file)).toHaveLength(14);
    expect(skipped).toEqual({ unscheduled: 0, terminal: 2, otherNode: 0, noImage: 0 });
    expect(pods).toHaveLength(12);
    expect(pods.find((record) => record.name === "storage-provisioner")?.priority).toBe(0);
  });

  it.skipIf(!hasSharedData)(`three-node cluster without priorities${skipNote}`, () => {
    const file = sharedFile("podlist-aws-3node-k8s1.8.sanitized.json");

    const all = loadPods(file);
    const nodeA = loadPods(file, { node: "node-a" });

    // The items of this list have no kind field.
    expect(loadObjects(file)).toHaveLength(19);
    expect(all.pods).toHaveLength(18);
    expect(all.skipped).toEqual({ unscheduled: 0, terminal: 1, otherNode: 0, noImage: 0 });
    expect(all.pods.every((record) => record.priority === undefined && record.priorityClassName === "")).toBe(true);
    expect(all.pods.filter((record) => record.configSource === "file")).toHaveLength(4);
    expect(nodeA.pods).toHaveLength(10);
    expect(nodeA.skipped).toEqual({ unscheduled: 0, terminal: 1, otherNode: 8, noImage: 0 });
  });

  it.skipIf(!hasSharedData)(`kind namespaces${skipNote}`, () => {
    const file = sharedFile("namespaces-kind-1node-k8s1.21.sanitized.json");

    const namespaces = loadNamespaces(file);

    expect(namespaces).toHaveLength(20);
    expect(namespaces.map((record) => record.name)).toContain("kube-system");
    expect(namespaces.every((record) => Object.keys(record.annotations).length === 0)).toBe(true);
    expect(() => loadPods(file)).toThrow(`${file}: expected kind Pod, PodList or List, got NamespaceList`);
  });
});
