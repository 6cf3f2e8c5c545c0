import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { DEFAULT_CONFIG, loadConfig, parseConfig, type PolicyConfig } from "../host/config.ts";
import { catchInputError } from "./support/fixtures.ts";

const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
afterAll(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

const DEFAULTS: PolicyConfig = {
  preferredNamespaces: ["kube-system"],
  criticalPriorityClassNames: ["system-node-critical", "system-cluster-critical"],
  criticalPriorityThreshold: 2_000_000_000,
  namespacePriorityAnnotation: "image-pull-priority",
  holdLowerTiers: true,
};

const KNOWN_KEYS =
  "apiVersion, kind, preferredNamespaces, criticalPriorityClassNames, criticalPriorityThreshold, " +
  "namespacePriorityAnnotation, holdLowerTiers";


describe("DEFAULT_CONFIG", () => {
  it("contains the documented defaults", () => {
    expect(DEFAULT_CONFIG).toEqual(DEFAULTS);
  });

  it("is frozen with its arrays", () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.preferredNamespaces)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.criticalPriorityClassNames)).toBe(true);
  });
});

describe("parseConfig", () => {
  it.each([
    { scenario: "empty file", text: "" },
    { scenario: "comments only", text: "# no settings yet\n" },
    { scenario: "header only", text: "apiVersion: image-pull-priority/v1alpha1\nkind: PolicyConfiguration\n" },
    { scenario: "empty JSON object", text: "{}" },
  ])("returns defaults for $scenario", ({ text }) => {
    expect(parseConfig(text, "policy.yaml")).toEqual(DEFAULTS);
  });

  it("returns arrays the caller may change", () => {
    const config = parseConfig("", "policy.yaml");

    config.preferredNamespaces.push("monitoring");

    expect(DEFAULT_CONFIG.preferredNamespaces).toEqual(["kube-system"]);
  });

  it("reads a full file", () => {
    const text = [
      "apiVersion: image-pull-priority/v1alpha1",
      "kind: PolicyConfiguration",
      "preferredNamespaces:",
      "  - kube-system",
      "  - ingress-nginx",
      "criticalPriorityClassNames: [system-node-critical, platform.example.com]",
      "criticalPriorityThreshold: 1000000",
      "namespacePriorityAnnotation: example.com/pull-priority",
      "holdLowerTiers: false",
      "",
    ].join("\n");

    expect(parseConfig(text, "policy.yaml")).toEqual({
      preferredNamespaces: ["kube-system", "ingress-nginx"],
      criticalPriorityClassNames: ["system-node-critical", "platform.example.com"],
      criticalPriorityThreshold: 1_000_000,
      namespacePriorityAnnotation: "example.com/pull-priority",
      holdLowerTiers: false,
    });
  });

  it("rejects a non-boolean holdLowerTiers", () => {
    const error = catchInputError(() => parseConfig("holdLowerTiers: yes please\n", "policy.yaml"));

    expect(error.message).toContain("holdLowerTiers must be true or false");
    expect(error.message).toContain("yes please");
  });

  it("fills missing keys with defaults", () => {
    const config = parseConfig("preferredNamespaces: [monitoring]\n", "policy.yaml");

    expect(config).toEqual({ ...DEFAULTS, preferredNamespaces: ["monitoring"] });
  });

  it("reads JSON", () => {
    const text = JSON.stringify({ criticalPriorityThreshold: -5, criticalPriorityClassNames: [] });

    expect(parseConfig(text, "policy.json")).toEqual({
      ...DEFAULTS,
      criticalPriorityThreshold: -5,
      criticalPriorityClassNames: [],
    });
  });

  it.each([
    { scenario: "int32 minimum", value: "-2147483648", threshold: -2_147_483_648 },
    { scenario: "int32 maximum", value: "2147483647", threshold: 2_147_483_647 },
    { scenario: "exponent notation", value: "2e9", threshold: 2_000_000_000 },
  ])("accepts threshold at $scenario", ({ value, threshold }) => {
    expect(parseConfig(`criticalPriorityThreshold: ${value}\n`, "policy.yaml").criticalPriorityThreshold).toBe(threshold);
  });

  it.each([
    { scenario: "unknown key", text: "preferedNamespaces: [kube-system]", problem: `unknown key "preferedNamespaces"; known keys: ${KNOWN_KEYS}` },
    { scenario: "wrong apiVersion", text: "apiVersion: v1", problem: 'apiVersion must be "image-pull-priority/v1alpha1", got the string "v1"' },
    { scenario: "wrong kind", text: "kind: Config", problem: 'kind must be "PolicyConfiguration", got the string "Config"' },
    { scenario: "list at top level", text: "- kube-system", problem: "expected a mapping of configuration keys, got a list" },
    { scenario: "scalar at top level", text: "kube-system", problem: 'expected a mapping of configuration keys, got the string "kube-system"' },
    {
      scenario: "string for a list",
      text: "preferredNamespaces: kube-system",
      problem: 'preferredNamespaces must be a list of strings, got the string "kube-system"',
    },
    {
      scenario: "null for a list",
      text: "criticalPriorityClassNames:",
      problem: "criticalPriorityClassNames must be a list of strings, got null (write [] for an empty list)",
    },
    {
      scenario: "empty string in a list",
      text: 'preferredNamespaces: [kube-system, ""]',
      problem: 'preferredNamespaces[1] must be a non-empty string, got the string ""',
    },
    {
      scenario: "number in a list",
      text: "criticalPriorityClassNames: [5]",
      problem: "criticalPriorityClassNames[0] must be a non-empty string, got the number 5",
    },
    {
      scenario: "duplicate in a list",
      text: "preferredNamespaces: [kube-system, monitoring, kube-system]",
      problem: 'preferredNamespaces lists "kube-system" twice; remove preferredNamespaces[2]',
    },
    {
      scenario: "invalid namespace name",
      text: "preferredNamespaces: [Kube_System]",
      problem:
        "preferredNamespaces[0] must be a namespace name (lowercase letters, digits and '-', at most 63 characters), " +
        'got "Kube_System"',
    },
    {
      scenario: "namespace name over 63 characters",
      text: `preferredNamespaces: [${"a".repeat(64)}]`,
      problem:
        "preferredNamespaces[0] must be a namespace name (lowercase letters, digits and '-', at most 63 characters), " +
        `got 64 characters: "${"a".repeat(56)}...`,
    },
    {
      scenario: "invalid priority class name",
      text: "criticalPriorityClassNames: [system_critical]",
      problem:
        "criticalPriorityClassNames[0] must be a PriorityClass name (lowercase letters, digits, '-' and '.', " +
        'at most 253 characters), got "system_critical"',
    },
    {
      scenario: "fractional threshold",
      text: "criticalPriorityThreshold: 1.5",
      problem: "criticalPriorityThreshold must be an integer from -2147483648 to 2147483647, got the number 1.5",
    },
    {
      scenario: "threshold above int32",
      text: "criticalPriorityThreshold: 2147483648",
      problem: "criticalPriorityThreshold must be an integer from -2147483648 to 2147483647, got the number 2147483648",
    },
    {
      scenario: "threshold below int32",
      text: "criticalPriorityThreshold: -2147483649",
      problem: "criticalPriorityThreshold must be an integer from -2147483648 to 2147483647, got the number -2147483649",
    },
    {
      scenario: "quoted threshold",
      text: 'criticalPriorityThreshold: "2000000000"',
      problem: 'criticalPriorityThreshold must be an integer from -2147483648 to 2147483647, got the string "2000000000"',
    },
    {
      scenario: "empty annotation",
      text: 'namespacePriorityAnnotation: ""',
      problem: 'namespacePriorityAnnotation must be a non-empty string, got the string ""',
    },
    {
      scenario: "list as annotation",
      text: "namespacePriorityAnnotation: [a]",
      problem: "namespacePriorityAnnotation must be a non-empty string, got a list",
    },
    {
      scenario: "invalid annotation key",
      text: "namespacePriorityAnnotation: pull priority",
      problem:
        'namespacePriorityAnnotation must be an annotation key such as "example.com/pull-priority" ' +
        "(optional DNS subdomain prefix and \"/\", then at most 63 letters, digits, '-', '_' or '.'), " +
        'got "pull priority"',
    },
    {
      scenario: "invalid annotation prefix",
      text: "namespacePriorityAnnotation: Example.com/priority",
      problem:
        'namespacePriorityAnnotation must be an annotation key such as "example.com/pull-priority" ' +
        "(optional DNS subdomain prefix and \"/\", then at most 63 letters, digits, '-', '_' or '.'), " +
        'got "Example.com/priority"',
    },
    {
      scenario: "invalid YAML",
      text: "preferredNamespaces: [kube-system\n",
      problem:
        "invalid YAML at line 2 column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    },
    {
      scenario: "duplicate key",
      text: "criticalPriorityThreshold: 1\ncriticalPriorityThreshold: 2\n",
      problem: "invalid YAML at line 2 column 1: Map keys must be unique",
    },
    {
      scenario: "two documents",
      text: "preferredNamespaces: []\n---\ncriticalPriorityThreshold: 5\n",
      problem: "invalid YAML at line 2 column 1: the file contains more than one YAML document, expected one",
    },
  ])("rejects $scenario", ({ text, problem }) => {
    const error = catchInputError(() => parseConfig(text, "policy.yaml"));

    expect(error.file).toBe("policy.yaml");
    expect(error.message).toBe(`policy.yaml: ${problem}`);
    expect(error.message).not.toContain("\n");
  });
});

describe("loadConfig", () => {
  it("reads a file", () => {
    const file = path.join(fixtureDir, "policy.yaml");
    fs.writeFileSync(file, "preferredNamespaces: [kube-system, monitoring]\n");

    expect(loadConfig(file)).toEqual({ ...DEFAULTS, preferredNamespaces: ["kube-system", "monitoring"] });
  });

  it("reads a file with a byte order mark", () => {
    const file = path.join(fixtureDir, "bom.yaml");
    fs.writeFileSync(file, "\uFEFFcriticalPriorityThreshold: 7\n");

    expect(loadConfig(file).criticalPriorityThreshold).toBe(7);
  });

  it("names the file in errors", () => {
    const file = path.join(fixtureDir, "bad.yaml");
    fs.writeFileSync(file, "criticalPriorityThreshold: high\n");

    const error = catchInputError(() => loadConfig(file));

    expect(error.file).toBe(file);
    expect(error.message).toBe(
      `${file}: criticalPriorityThreshold must be an integer from -2147483648 to 2147483647, got the string "high"`,
    );
  });

  it("rejects a missing file", () => {
    const file = path.join(fixtureDir, "absent.yaml");

    const error = catchInputError(() => loadConfig(file));

    expect(error.message).toBe(`${file}: file not found`);
  });
});
