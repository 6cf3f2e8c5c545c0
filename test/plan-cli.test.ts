// Specification of the `plan` command as users run it: the built CLI
// (bin/image-pull-priority.js over dist/, written by `npm run build`) is
// started as a child process on fixture files and on real pod lists.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../bin/image-pull-priority.js", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const EXIT_INPUT = 2;

const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
afterAll(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing; run \`npm run build\` first`);
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `image-pull-priority plan ...args` in the fixture directory, so relative file names appear in messages. */
function runPlan(args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, "plan", ...args], { cwd: fixtureDir, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const planRuns = new Map<string, CliResult>();

/** Runs `plan` once per distinct argument list and returns the stored result on later calls. Use it only for files no test changes. */
function runPlanOnce(args: readonly string[]): CliResult {
  const key = JSON.stringify(args);
  let result = planRuns.get(key);
  if (result === undefined) {
    result = runPlan(args);
    planRuns.set(key, result);
  }
  return result;
}

/** Writes a fixture file (objects as JSON) into the fixture directory and returns its name. */
function writeFixture(name: string, content: string | object): string {
  fs.writeFileSync(path.join(fixtureDir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return name;
}

/** Returns the non-empty lines of `text`. */
function linesOf(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

interface PodOptions {
  node?: string | null;
  phase?: string;
  created: string;
  images: string[];
  initImages?: string[];
  priority?: number;
  priorityClassName?: string;
  annotations?: Record<string, string>;
}

/** Builds a Pod object as `kubectl get pods -o json` prints it. */
function kubePod(namespace: string, name: string, options: PodOptions): object {
  const spec: Record<string, unknown> = {
    containers: options.images.map((image, i) => ({ name: `c${i}`, image })),
  };
  if (options.initImages !== undefined) spec["initContainers"] = options.initImages.map((image, i) => ({ name: `init${i}`, image }));
  if (options.node !== null) spec["nodeName"] = options.node ?? "node-a";
  if (options.priority !== undefined) spec["priority"] = options.priority;
  if (options.priorityClassName !== undefined) spec["priorityClassName"] = options.priorityClassName;

  const metadata: Record<string, unknown> = { name, namespace, creationTimestamp: options.created };
  if (options.annotations !== undefined) metadata["annotations"] = options.annotations;
  return { apiVersion: "v1", kind: "Pod", metadata, spec, status: { phase: options.phase ?? "Running" } };
}

function podList(items: object[]): object {
  return { apiVersion: "v1", kind: "PodList", metadata: {}, items };
}

function namespaceList(annotations: Record<string, Record<string, string>>): object {
  const items = Object.entries(annotations).map(([name, values]) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, annotations: values },
  }));
  return { apiVersion: "v1", kind: "NamespaceList", metadata: {}, items };
}

const PODS_FILE = writeFixture(
  "pods.json",
  podList([
    kubePod("kube-system", "etcd-node-a", {
      created: "2024-01-01T00:00:00Z",
      images: ["registry.k8s.io/etcd:3.5.9-0"],
      priority: 2_000_001_000,
      priorityClassName: "system-node-critical",
      annotations: { "kubernetes.io/config.source": "file", "kubernetes.io/config.mirror": "0f3c8e0a" },
    }),
    kubePod("kube-system", "coredns-5d78c9869d-4xq2p", {
      created: "2024-01-01T00:00:01Z",
      images: ["registry.k8s.io/coredns/coredns:v1.10.1"],
      priority: 2_000_000_000,
      priorityClassName: "system-cluster-critical",
    }),
    kubePod("kube-system", "kindnet-2xc82", { created: "2024-01-01T00:00:02Z", images: ["kindest/kindnetd:v20230511-dc714da8"] }),
    kubePod("shop", "web-1", { created: "2024-01-01T00:00:10Z", initImages: ["busybox:1.36"], images: ["nginx"] }),
    kubePod("shop", "web-2", { created: "2024-01-01T00:00:11Z", images: ["docker.io/library/nginx:latest"] }),
    kubePod("batch", "job-1", { created: "2024-01-01T00:00:12Z", images: ["registry.example.com/batch/worker:v3"] }),
    kubePod("default", "remote", { created: "2024-01-01T00:00:13Z", images: ["registry.example.com/remote:v1"] }),
    kubePod("default", "done", { phase: "Succeeded", created: "2024-01-01T00:00:14Z", images: ["registry.example.com/done:v1"] }),
    kubePod("default", "unscheduled", { node: null, created: "2024-01-01T00:00:15Z", images: ["registry.example.com/waiting:v1"] }),
  ]),
);

/** PODS_FILE's pods plus one on node-b, for --node. */
const TWO_NODES_FILE = writeFixture(
  "two-nodes.json",
  podList([
    kubePod("kube-system", "kube-proxy-a", { created: "2024-01-01T00:00:00Z", images: ["registry.k8s.io/kube-proxy:v1.29.0"] }),
    kubePod("default", "other", { node: "node-b", created: "2024-01-01T00:00:01Z", images: ["registry.example.com/other:v1"] }),
    kubePod("default", "local", { created: "2024-01-01T00:00:02Z", images: ["registry.example.com/local:v1"] }),
  ]),
);

/** The plan of PODS_FILE, one row per image: rank, image, tier, reason, pods. */
const EXPECTED_ROWS = [
  ["1", "registry.k8s.io/etcd:3.5.9-0", "critical", "critical: static pod", "kube-system/etcd-node-a"],
  ["2", "registry.k8s.io/coredns/coredns:v1.10.1", "critical", "critical: priorityClassName=system-cluster-critical", "kube-system/coredns-5d78c9869d-4xq2p"],
  ["3", "docker.io/kindest/kindnetd:v20230511-dc714da8", "preferred", "preferred namespace kube-system", "kube-system/kindnet-2xc82"],
  ["4", "docker.io/library/busybox:1.36", "default", "no image-pull-priority annotation on namespace shop", "shop/web-1"],
  ["5", "docker.io/library/nginx:latest", "default", "no image-pull-priority annotation on namespace shop", "shop/web-1, shop/web-2"],
  ["6", "registry.example.com/batch/worker:v3", "default", "no image-pull-priority annotation on namespace batch", "batch/job-1"],
  ["7", "registry.example.com/remote:v1", "default", "no image-pull-priority annotation on namespace default", "default/remote"],
];

interface PlanJson {
  order: Array<{ image: string; tier: string; reason: string; pods: string[] }>;
  skipped: { unscheduled: number; terminal: number; otherNode: number; noImage: number; invalidImage: number };
  warnings: string[];
}

/** Runs `plan --json` and parses its output. Fails the test on a non-zero exit. */
function planJson(args: readonly string[]): PlanJson {
  const result = runPlanOnce(["--json", ...args]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

describe("plan table output", () => {
  let result: CliResult;
  let lines: string[];
  beforeAll(() => {
    result = runPlan([PODS_FILE]);
    lines = result.stdout.split("\n");
  });

  it("exits with 0", () => {
    expect(result.status).toBe(0);
  });

  it("warns that no namespaces were given", () => {
    expect(result.stderr).toBe(
      "warning: no --namespaces file was given, so every namespace's image-pull-priority counts as 0\n",
    );
  });

  it("prints the column headers", () => {
    expect(lines[0]!.split(/\s{3,}/)).toEqual(["RANK", "IMAGE", "TIER", "REASON", "PODS"]);
  });

  it("prints one row per image", () => {
    const rows = lines.slice(1, 1 + EXPECTED_ROWS.length).map((line) => line.split(/\s{3,}/));

    expect(rows).toEqual(EXPECTED_ROWS);
    expect(lines[1 + EXPECTED_ROWS.length]).toBe("");
  });

  it("aligns the columns", () => {
    const tableLines = lines.slice(0, 1 + EXPECTED_ROWS.length);
    const imageColumn = tableLines.map((line) => line.indexOf(line.split(/\s{3,}/)[1]!));

    expect(new Set(imageColumn).size).toBe(1);
  });

  it("prints the summary line", () => {
    expect(lines[2 + EXPECTED_ROWS.length]).toBe(
      "7 images for 7 pods. Skipped: 1 pod in phase Succeeded or Failed, 1 pod not bound to a node.",
    );
  });

  it("lists three pods, then a count", () => {
    const pods = Array.from({ length: 5 }, (_, i) =>
      kubePod("shop", `web-${i}`, { created: `2024-01-01T00:00:0${i}Z`, images: ["nginx"] }),
    );
    const file = writeFixture("five-pods.json", podList(pods));
    const row = linesOf(runPlan([file]).stdout)[1]!.split(/\s{3,}/);

    expect(row[4]).toBe("shop/web-0, shop/web-1, shop/web-2 (+2 more)");
  });
});

describe("plan --json", () => {
  it("prints the order as objects", () => {
    const plan = planJson([PODS_FILE]);

    expect(plan.order.map((entry) => Object.keys(entry).sort())).toEqual(EXPECTED_ROWS.map(() => ["image", "pods", "reason", "tier"]));
  });

  it("matches the table order", () => {
    const plan = planJson([PODS_FILE]);
    const rows = plan.order.map((entry, i) => [String(i + 1), entry.image, entry.tier, entry.reason, entry.pods.join(", ")]);

    expect(rows).toEqual(EXPECTED_ROWS);
  });

  it("normalizes and coalesces images", () => {
    const plan = planJson([PODS_FILE]);
    const nginx = plan.order.filter((entry) => entry.image.includes("nginx"));

    expect(nginx).toHaveLength(1);
    expect(nginx[0]!.image).toBe("docker.io/library/nginx:latest");
    expect(nginx[0]!.pods).toEqual(["shop/web-1", "shop/web-2"]);
  });

  it("counts skipped pods", () => {
    const plan = planJson([PODS_FILE]);

    expect(plan.skipped).toEqual({ unscheduled: 1, terminal: 1, otherNode: 0, noImage: 0, invalidImage: 0 });
  });

  it("keeps one node with --node", () => {
    const plan = planJson(["--node", "node-b", TWO_NODES_FILE]);

    expect(plan.order.map((entry) => entry.image)).toEqual(["registry.example.com/other:v1"]);
    expect(plan.skipped.otherNode).toBe(2);
  });

  it("drops other nodes with --node", () => {
    const plan = planJson(["--node", "node-a", TWO_NODES_FILE]);

    expect(plan.order.map((entry) => entry.image)).toEqual([
      "registry.k8s.io/kube-proxy:v1.29.0",
      "registry.example.com/local:v1",
    ]);
    expect(plan.skipped.otherNode).toBe(1);
  });

  it("rejects several nodes without --node", () => {
    const result = runPlan([TWO_NODES_FILE]);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "image-pull-priority: two-nodes.json: pods are bound to 2 nodes (node-a, node-b); pass --node NAME to choose one\n",
    );
  });

  it("rejects an unknown --node", () => {
    const result = runPlan(["--node", "node-z", TWO_NODES_FILE]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no pod in two-nodes.json is bound to node "node-z"; nodes in the file: node-a, node-b');
  });

  it("keeps order with more slots", () => {
    const plan = planJson(["--slots", "3", PODS_FILE]);

    expect(plan.order.map((entry) => entry.image)).toEqual(EXPECTED_ROWS.map((row) => row[1]));
  });

  it("ranks annotated namespaces first", () => {
    const namespaces = writeFixture("namespaces.json", namespaceList({ batch: { "image-pull-priority": "10" }, shop: {} }));
    const plan = planJson(["--namespaces", namespaces, PODS_FILE]);
    const worker = plan.order.find((entry) => entry.image === "registry.example.com/batch/worker:v3");

    expect(plan.order.map((entry) => entry.image).slice(3, 5)).toEqual([
      "registry.example.com/batch/worker:v3",
      "docker.io/library/busybox:1.36",
    ]);
    expect(worker?.reason).toBe("annotation image-pull-priority=10 on namespace batch");
  });

  it("reads preferred namespaces from config", () => {
    const config = writeFixture("prefer-batch.yaml", "preferredNamespaces: [batch, kube-system]\n");
    const plan = planJson(["--config", config, PODS_FILE]);

    expect(plan.order[2]).toEqual({
      image: "registry.example.com/batch/worker:v3",
      tier: "preferred",
      reason: "preferred namespace batch",
      pods: ["batch/job-1"],
    });
  });
});

describe("plan warnings", () => {
  it("warns about invalid annotation", () => {
    const namespaces = writeFixture("bad-annotation.json", namespaceList({ shop: { "image-pull-priority": "high" } }));
    const result = runPlan(["--namespaces", namespaces, PODS_FILE]);
    const warnings = linesOf(result.stderr);

    expect(result.status).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("shop");
    expect(warnings[0]).toContain('"high"');
  });

  it("skips pod with invalid image", () => {
    const file = writeFixture(
      "invalid-image.json",
      podList([
        kubePod("shop", "broken", { created: "2024-01-01T00:00:00Z", images: ["Nginx:Latest"] }),
        kubePod("shop", "fine", { created: "2024-01-01T00:00:01Z", images: ["nginx"] }),
      ]),
    );
    const result = runPlan(["--json", file]);
    const plan = JSON.parse(result.stdout) as PlanJson;
    const warnings = linesOf(result.stderr).filter((line) => !line.includes("--namespaces"));

    expect(result.status).toBe(0);
    expect(plan.skipped.invalidImage).toBe(1);
    expect(plan.order.map((entry) => entry.pods)).toEqual([["shop/fine"]]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("shop/broken");
    expect(warnings[0]).toContain("Nginx:Latest");
  });
});

describe("plan input errors", () => {
  it.each(["0", "1025", "abc", "-1", "1.5", "", "2e1"])("rejects --slots %j", (value) => {
    const result = runPlan([`--slots=${value}`, PODS_FILE]);
    const lines = linesOf(result.stderr);

    expect(result.status).toBe(EXIT_INPUT);
    expect(result.stdout).toBe("");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(JSON.stringify(value));
  });

  const invalidFiles = [
    { problem: "missing file", name: "absent.json", content: undefined },
    { problem: "invalid JSON", name: "broken.json", content: '{"kind": "PodList", "items": [' },
    { problem: "invalid YAML", name: "broken.yaml", content: "kind: PodList\nitems: [\n  - {\n" },
    { problem: "wrong kind", name: "configmap.json", content: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }) },
    { problem: "namespace as pods", name: "namespace.yaml", content: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n" },
  ];

  it.each(invalidFiles)("rejects pods file: $problem", ({ name, content }) => {
    if (content !== undefined) writeFixture(`pods-${name}`, content);
    const result = runPlan([`pods-${name}`]);
    const lines = linesOf(result.stderr);

    expect(result.status).toBe(EXIT_INPUT);
    expect(result.stdout).toBe("");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pods-${name}`);
  });

  it.each(invalidFiles.slice(0, 4))("rejects namespaces file: $problem", ({ name, content }) => {
    if (content !== undefined) writeFixture(`namespaces-${name}`, content);
    const result = runPlan(["--namespaces", `namespaces-${name}`, PODS_FILE]);
    const lines = linesOf(result.stderr);

    expect(result.status).toBe(EXIT_INPUT);
    expect(result.stdout).toBe("");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`namespaces-${name}`);
  });

  it.each([
    { problem: "missing file", name: "absent.yaml", content: undefined, detail: "absent.yaml" },
    { problem: "invalid YAML", name: "broken.yaml", content: "preferredNamespaces: [kube-system\n", detail: "YAML" },
    { problem: "unknown key", name: "unknown-key.yaml", content: "preferredNamespace: [kube-system]\n", detail: "preferredNamespace" },
  ])("rejects config file: $problem", ({ name, content, detail }) => {
    if (content !== undefined) writeFixture(`config-${name}`, content);
    const result = runPlan(["--config", `config-${name}`, PODS_FILE]);
    const lines = linesOf(result.stderr);

    expect(result.status).toBe(EXIT_INPUT);
    expect(result.stdout).toBe("");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`config-${name}`);
    expect(lines[0]).toContain(detail);
  });
});

// ---- Real pod lists recorded from public clusters, kept beside the project ----

const SHARED_DATA = new URL("../../shared/data/", import.meta.url);
const hasSharedData = fs.existsSync(SHARED_DATA);
const ABSENT = hasSharedData ? "" : " (skipped: shared data folder is absent)";

/** Pod lists with the pods that loadPods must skip, counted by hand from each file; plan takes one node at a time. */
const realPodLists = [
  { cluster: "kind 1.21", file: "podlist-kind-1node-k8s1.21.sanitized.json", node: "kind-control-plane", terminal: 6, unscheduled: 1 },
  { cluster: "minikube 1.27", file: "podlist-minikube-1node-k8s1.27.sanitized.json", node: "minikube", terminal: 2, unscheduled: 0 },
  { cluster: "aws 1.8", file: "podlist-aws-3node-k8s1.8.sanitized.json", node: "node-b", terminal: 1, unscheduled: 0 },
];
const KIND_NAMESPACES = "namespaces-kind-1node-k8s1.21.sanitized.json";
const TIER_RANK: Record<string, number> = { critical: 0, preferred: 1, default: 2 };

interface RawPod {
  metadata: { namespace: string; name: string };
  spec: { nodeName?: string; containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> };
  status?: { phase?: string };
}

/** Reads a pod list and returns what `plan` must make of it, counted independently of the host's loader. */
function expectationsOf(file: string, node?: string) {
  const { items } = JSON.parse(fs.readFileSync(new URL(file, SHARED_DATA), "utf8")) as { items: RawPod[] };
  const counts = { terminal: 0, unscheduled: 0, otherNode: 0 };
  const planned = new Set<string>();
  for (const item of items) {
    if (item.spec.nodeName === undefined) counts.unscheduled++;
    else if (item.status?.phase === "Succeeded" || item.status?.phase === "Failed") counts.terminal++;
    else if (node !== undefined && item.spec.nodeName !== node) counts.otherNode++;
    else if ([...(item.spec.initContainers ?? []), ...(item.spec.containers ?? [])].some((c) => (c.image ?? "") !== "")) {
      planned.add(`${item.metadata.namespace}/${item.metadata.name}`);
    }
  }
  return { counts, planned };
}

function sharedFile(file: string): string {
  return fileURLToPath(new URL(file, SHARED_DATA));
}

describe("plan on real pod lists", () => {
  it.skipIf(!hasSharedData)(`expectations cover every pod list${ABSENT}`, () => {
    const files = fs.readdirSync(SHARED_DATA).filter((file) => /^podlist-.*\.json$/.test(file));

    expect(files.sort()).toEqual(realPodLists.map((entry) => entry.file).sort());
  });

  for (const { cluster, file, node, terminal, unscheduled } of realPodLists) {
    describe(`${cluster} pod list`, () => {
      const plan = (): PlanJson => planJson(["--node", node, sharedFile(file)]);

      it.skipIf(!hasSharedData)(`orders tiers critical to default${ABSENT}`, () => {
        const ranks = plan().order.map((entry) => TIER_RANK[entry.tier]);

        expect(ranks.every((rank) => rank !== undefined)).toBe(true);
        expect(ranks).toEqual([...ranks].sort((a, b) => a! - b!));
      });

      it.skipIf(!hasSharedData)(`lists each image once${ABSENT}`, () => {
        const images = plan().order.map((entry) => entry.image);

        expect(images.length).toBeGreaterThan(0);
        expect(new Set(images).size).toBe(images.length);
      });

      it.skipIf(!hasSharedData)(`counts skipped pods${ABSENT}`, () => {
        const { skipped } = plan();
        const { counts } = expectationsOf(file, node);

        expect(skipped.terminal).toBe(terminal);
        expect(skipped.unscheduled).toBe(unscheduled);
        expect(skipped.terminal).toBe(counts.terminal);
        expect(skipped.unscheduled).toBe(counts.unscheduled);
        expect(skipped.invalidImage).toBe(0);
      });

      it.skipIf(!hasSharedData)(`plans every remaining pod${ABSENT}`, () => {
        const planned = new Set(plan().order.flatMap((entry) => entry.pods));

        expect([...planned].sort()).toEqual([...expectationsOf(file, node).planned].sort());
      });
    });
  }

  it.skipIf(!hasSharedData)(`aws pod list per node${ABSENT}`, () => {
    const file = "podlist-aws-3node-k8s1.8.sanitized.json";
    const plan = planJson(["--node", "node-a", sharedFile(file)]);
    const expected = expectationsOf(file, "node-a");

    expect(plan.skipped.otherNode).toBe(expected.counts.otherNode);
    expect([...new Set(plan.order.flatMap((entry) => entry.pods))].sort()).toEqual([...expected.planned].sort());
  });

  it.skipIf(!hasSharedData)(`kind pod list with namespaces${ABSENT}`, () => {
    const pods = sharedFile("podlist-kind-1node-k8s1.21.sanitized.json");
    const result = runPlan(["--json", "--namespaces", sharedFile(KIND_NAMESPACES), pods]);
    const withNamespaces = JSON.parse(result.stdout) as PlanJson;

    // The recorded namespaces carry no priority annotation, so the order must not change.
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(withNamespaces.order).toEqual(planJson([pods]).order);
  });
});
