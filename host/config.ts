// The policy configuration file: which pods count as critical and which namespaces are preferred.
// It is YAML (JSON is valid YAML too). Every key is optional and takes its default when missing,
// so an empty file configures the defaults.

import { parseDocument } from "yaml";

import { InputError, describeType, formatValue, lineAndColumn, readInputFile } from "./input-error.ts";

/** Settings of the pull-order policy. */
export interface PolicyConfig {
  /** Namespaces whose pods form the preferred tier, earlier first. */
  preferredNamespaces: string[];
  /** Priority class names that make a pod critical. */
  criticalPriorityClassNames: string[];
  /** spec.priority at or above which a pod is critical (kubelet's SystemCriticalPriority). */
  criticalPriorityThreshold: number;
  /** Namespace annotation that contains the default tier's integer priority. */
  namespacePriorityAnnotation: string;
  /** Whether images wait while an image of a higher tier is in flight, even with a slot free. */
  holdLowerTiers: boolean;
}

/** Configuration used for keys that a file leaves out. It is frozen, including its arrays. */
export const DEFAULT_CONFIG: Readonly<PolicyConfig> = Object.freeze({
  preferredNamespaces: Object.freeze(["kube-system"]) as string[],
  // The two priority classes that Kubernetes creates for system pods.
  criticalPriorityClassNames: Object.freeze(["system-node-critical", "system-cluster-critical"]) as string[],
  // SystemCriticalPriority in Kubernetes pkg/apis/scheduling/types.go: 2 * 1_000_000_000, twice the
  // highest priority that a user-defined PriorityClass may have.
  criticalPriorityThreshold: 2_000_000_000,
  namespacePriorityAnnotation: "image-pull-priority",
  // A lower-tier pull would share the link with the higher tier's last pulls and delay them.
  holdLowerTiers: true,
});

const API_VERSION = "image-pull-priority/v1alpha1";
const KIND = "PolicyConfiguration";
const KNOWN_KEYS = [
  "apiVersion",
  "kind",
  "preferredNamespaces",
  "criticalPriorityClassNames",
  "criticalPriorityThreshold",
  "namespacePriorityAnnotation",
  "holdLowerTiers",
] as const;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

// Name rules of the Kubernetes API validation: a namespace is a DNS-1123 label, a PriorityClass a
// DNS-1123 subdomain, and an annotation key a qualified name with an optional DNS subdomain prefix.
const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const DNS_SUBDOMAIN_PATTERN = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const DNS_LABEL_PATTERN = new RegExp(`^${DNS_LABEL}$`);
const QUALIFIED_NAME_PATTERN = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Reads and validates a policy configuration file. Missing keys take their defaults. */
export function loadConfig(path: string): PolicyConfig {
  return parseConfig(readInputFile(path), path);
}

/** Parses and validates policy configuration text. file names the source in error messages. */
export function parseConfig(text: string, file: string): PolicyConfig {
  const document = parseDocument(text, { prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) {
    // The library's own message for this case names its API, which means nothing to a user.
    let detail = error.message;
    if (error.code === "MULTIPLE_DOCS") {
      detail = "the file contains more than one YAML document, expected one";
    }
    const { line, column } = lineAndColumn(text, error.pos[0]);
    throw new InputError(file, `invalid YAML at line ${line} column ${column}: ${detail}`);
  }

  const value: unknown = document.toJS();
  // A file that is empty or contains only comments parses to null.
  if (value === null || value === undefined) {
    return copyConfig(DEFAULT_CONFIG);
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, `expected a mapping of configuration keys, got ${describeType(value)}`);
  }

  const settings = value as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new InputError(file, `unknown key ${formatValue(key)}; known keys: ${KNOWN_KEYS.join(", ")}`);
    }
  }

  const fail = (problem: string): never => {
    throw new InputError(file, problem);
  };
  requireConstant(settings, "apiVersion", API_VERSION, fail);
  requireConstant(settings, "kind", KIND, fail);

  return {
    preferredNamespaces: readNameList(settings, "preferredNamespaces", namespaceRule, fail),
    criticalPriorityClassNames: readNameList(settings, "criticalPriorityClassNames", priorityClassRule, fail),
    criticalPriorityThreshold: readThreshold(settings, fail),
    namespacePriorityAnnotation: readAnnotationKey(settings, fail),
    holdLowerTiers: readHoldLowerTiers(settings, fail),
  };
}

function readHoldLowerTiers(settings: Record<string, unknown>, fail: Fail): boolean {
  const value = settings["holdLowerTiers"];
  if (value === undefined) return DEFAULT_CONFIG.holdLowerTiers;
  if (typeof value !== "boolean") fail(`holdLowerTiers must be true or false, got ${describeType(value)}`);
  return value;
}

type Fail = (problem: string) => never;

/** A name syntax of the Kubernetes API and the words that describe it in messages. */
interface NameRule {
  pattern: RegExp;
  maxLength: number;
  description: string;
}

const namespaceRule: NameRule = {
  pattern: DNS_LABEL_PATTERN,
  maxLength: 63,
  description: "a namespace name (lowercase letters, digits and '-', at most 63 characters)",
};

const priorityClassRule: NameRule = {
  pattern: DNS_SUBDOMAIN_PATTERN,
  maxLength: 253,
  description: "a PriorityClass name (lowercase letters, digits, '-' and '.', at most 253 characters)",
};

function copyConfig(config: Readonly<PolicyConfig>): PolicyConfig {
  return {
    ...config,
    preferredNamespaces: [...config.preferredNamespaces],
    criticalPriorityClassNames: [...config.criticalPriorityClassNames],
  };
}

function requireConstant(settings: Record<string, unknown>, key: string, expected: string, fail: Fail): void {
  const value = settings[key];
  if (value !== undefined && value !== expected) {
    fail(`${key} must be ${formatValue(expected)}, got ${describeType(value)}`);
  }
}

function readNameList(
  settings: Record<string, unknown>,
  key: "preferredNamespaces" | "criticalPriorityClassNames",
  rule: NameRule,
  fail: Fail,
): string[] {
  const value = settings[key];
  if (value === undefined) {
    return [...DEFAULT_CONFIG[key]];
  }
  if (!Array.isArray(value)) {
    // A key with nothing after the colon parses to null. The user most likely meant an empty list.
    const hint = value === null ? " (write [] for an empty list)" : "";
    fail(`${key} must be a list of strings, got ${describeType(value)}${hint}`);
  }

  const names: string[] = [];
  value.forEach((name: unknown, index) => {
    const fieldPath = `${key}[${index}]`;
    if (typeof name !== "string" || name === "") {
      fail(`${fieldPath} must be a non-empty string, got ${describeType(name)}`);
    }
    if (name.length > rule.maxLength) {
      fail(`${fieldPath} must be ${rule.description}, got ${name.length} characters: ${formatValue(name)}`);
    }
    if (!rule.pattern.test(name)) {
      fail(`${fieldPath} must be ${rule.description}, got ${formatValue(name)}`);
    }
    if (names.includes(name)) {
      fail(`${key} lists ${formatValue(name)} twice; remove ${fieldPath}`);
    }
    names.push(name);
  });
  return names;
}

function readThreshold(settings: Record<string, unknown>, fail: Fail): number {
  const value = settings["criticalPriorityThreshold"];
  if (value === undefined) {
    return DEFAULT_CONFIG.criticalPriorityThreshold;
  }

  // spec.priority is an int32, so a threshold outside that range could never match or always would.
  if (typeof value !== "number" || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    fail(`criticalPriorityThreshold must be an integer from ${INT32_MIN} to ${INT32_MAX}, got ${describeType(value)}`);
  }
  return value;
}

function readAnnotationKey(settings: Record<string, unknown>, fail: Fail): string {
  const value = settings["namespacePriorityAnnotation"];
  if (value === undefined) {
    return DEFAULT_CONFIG.namespacePriorityAnnotation;
  }
  if (typeof value !== "string" || value === "") {
    fail(`namespacePriorityAnnotation must be a non-empty string, got ${describeType(value)}`);
  }
  if (!isAnnotationKey(value)) {
    fail(
      `namespacePriorityAnnotation must be an annotation key such as "example.com/pull-priority" ` +
        `(optional DNS subdomain prefix and "/", then at most 63 letters, digits, '-', '_' or '.'), ` +
        `got ${formatValue(value)}`,
    );
  }
  return value;
}

function isAnnotationKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = key.slice(slash + 1);
  if (name.length > 63 || !QUALIFIED_NAME_PATTERN.test(name)) {
    return false;
  }
  if (slash === -1) {
    return true;
  }

  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN_PATTERN.test(prefix);
}
