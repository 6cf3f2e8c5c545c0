// The SVG timeline of `simulate`: one lane per run, one bar per pull, the critical-tier marker
// and the legend.

import { describe, expect, it } from "vitest";

import { DEFAULT_CONFIG } from "../host/config.ts";
import type { PodRecord } from "../host/kube/records.ts";
import { PolicyModule } from "../host/loader.ts";
import { summarizeRun } from "../host/simulate/report.ts";
import { runAll } from "../host/simulate/runs.ts";
import { buildScenario } from "../host/simulate/scenario.ts";
import { renderTimeline, shortName } from "../host/simulate/svg.ts";

const module = PolicyModule.load();

function pod(name: string, namespace: string, images: string[], critical = false): PodRecord {
  return {
    namespace,
    name,
    nodeName: "node-1",
    priority: critical ? 2_000_001_000 : 0,
    priorityClassName: critical ? "system-node-critical" : "",
    configSource: undefined,
    mirror: false,
    creationTimeMs: Date.UTC(2026, 0, 1),
    images,
  };
}

/** Renders the example timeline: a CNI pod, a helper in kube-system and two apps sharing an image, 3 slots. */
function renderExample(): { svg: string; pullCounts: Map<string, number> } {
  const scenario = buildScenario({
    pods: [
      pod("app-1", "shop", ["example.com/shop/web:1", "example.com/shared/base:1"]),
      pod("app-2", "shop", ["example.com/shop/api:1", "example.com/shared/base:1"]),
      pod("cni", "kube-system", ["example.com/net/cni-init:1", "example.com/net/cni:1"], true),
      pod("helper", "kube-system", ["example.com/tools/helper:1"]),
    ],
    namespaces: [],
    config: { ...DEFAULT_CONFIG },
    sizes: undefined,
    defaultSize: 50_000_000,
    bandwidth: 100_000_000,
    latency: 0.5,
    arrival: "boot",
    module,
  });
  const runs = runAll(scenario, 3, module);
  const summaries = runs.map((run) => summarizeRun(scenario, run));
  const svg = renderTimeline(scenario, runs, summaries, { title: "Pulls of pods & more.yaml", subtitle: "example" });
  return { svg, pullCounts: new Map(runs.map((run) => [run.name, run.pulls.length])) };
}

/** Returns the text of the lane group of `run`. */
function laneOf(svg: string, run: string): string {
  const start = svg.indexOf(`<g class="lane" data-run="${run}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  return svg.slice(start, svg.indexOf("</g>", start));
}

describe("renderTimeline", () => {
  const { svg, pullCounts } = renderExample();

  it("draws one bar per pull of each run", () => {
    expect([...pullCounts.keys()]).toEqual(["policy", "kubelet-serial", "kubelet-parallel"]);
    for (const [run, pulls] of pullCounts) {
      const bars = laneOf(svg, run).match(/<rect class="pull"/g) ?? [];
      expect(bars, run).toHaveLength(pulls);
    }
    // The policy coalesces the shared base image; the kubelet runs request it twice.
    expect(pullCounts.get("policy")).toBe(6);
    expect(pullCounts.get("kubelet-serial")).toBe(7);
  });

  it("marks critical ready time per lane", () => {
    for (const run of pullCounts.keys()) {
      const lane = laneOf(svg, run);
      expect(lane, run).toContain('class="critical-ready"');
      expect(lane, run).toMatch(/every critical pod ready at \d+\.\d\d s \(\d+\.\d\d × the lower bound\)/);
    }
  });

  it("colours bars by tier", () => {
    expect(svg).toContain('fill="#D55E00"');
    expect(svg).toContain('fill="#0072B2"');
    expect(svg).toContain("critical tier (1 pod)");
    expect(svg).toContain("preferred tier (1 pod)");
    expect(svg).toContain("default tier (2 pods)");
    expect(svg).toContain("time (seconds)");
  });

  it("escapes text for XML", () => {
    expect(svg).toContain("Pulls of pods &#38; more.yaml");
    expect(svg).not.toContain("pods & more");
  });

  it("is one svg element", () => {
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<g /g)?.length).toBe(svg.match(/<\/g>/g)?.length);
  });
});

describe("shortName", () => {
  it("keeps the last path component and tag", () => {
    expect(shortName("602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1")).toBe(
      "coredns:v1.11.3-eksbuild.1",
    );
  });

  it("cuts a digest to 12 hex digits", () => {
    const digest = "sha256:e5c4824e7375fcf2a393e1c03c293b69759af37a9ca6abdb91b13d78a93da8bd";
    expect(shortName(`registry.k8s.io/ingress-nginx/controller@${digest}`)).toBe("controller@e5c4824e7375");
  });
});
