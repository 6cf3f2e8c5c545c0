// Reads files of Kubernetes objects as `kubectl get ... -o json` or `-o yaml` prints them and
// turns them into the plain records of records.ts. Reading happens in two steps:
//   1. parse the file and flatten PodList, NamespaceList and List into single objects, each
//      with its location in the file for error messages;
//   2. validate the fields the policy reads and build PodRecord or NamespaceRecord values.
// Every problem is an InputError whose message names the file and the object.

import { parseAllDocuments } from "yaml";

import {
  InputError,
  describeType,
  formatValue,
  lineAndColumn,
  readInputFile,
} from "../input-error.ts";
import type { NamespaceRecord, PodRecord } from "./records.ts";

export { InputError } from "../input-error.ts";

/** Counts of what loadPods left out. noImage counts containers, the others count pods. */
export interface SkippedCounts {
  /** Pods without spec.nodeName. */
  unscheduled: number;
  /** Pods in phase Succeeded or Failed, whose containers never start again. */
  terminal: number;
  /** Pods bound to a node other than options.node. */
  otherNode: number;
  /** Containers, init or regular, of kept pods whose image is missing or empty. */
  noImage: number;
}

/** Pods in file order with the counts of what was skipped. */
export interface PodLoadResult {
  pods: PodRecord[];
  skipped: SkippedCounts;
}

/** Options of loadPods. */
export interface PodLoadOptions {
  /** Node whose pods are kept. When undefined, pods of every node are kept. */
  node?: string;
}

const OBJECT_KINDS = "Pod, PodList, Namespace, NamespaceList or List";
const TERMINAL_PHASES: ReadonlySet<string> = new Set(["Succeeded", "Failed"]);
const IMPLIED_ITEM_KINDS: ReadonlyMap<string, "Pod" | "Namespace"> = new Map([
  ["PodList", "Pod"],
  ["NamespaceList", "Namespace"],
]);
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

type KubeObject = Record<string, unknown>;

/** A Pod or Namespace from the file, with where it was found. */
interface LocatedObject {
  object: KubeObject;
  kind: "Pod" | "Namespace";
  /** Position for messages, such as "item 3 of PodList" or "document 2", or "" for a lone top-level object. */
  location: string;
  /** Kind of the top-level object that contained it: Pod, PodList, Namespace, NamespaceList or List. */
  container: string;
}

interface FileObjects {
  objects: LocatedObject[];
  /** Kinds of the top-level objects, including empty lists that contributed no objects. */
  topLevelKinds: string[];
}

/** Reads a JSON or YAML file and returns its Pod and Namespace objects, with lists flattened. */
export function loadObjects(path: string): unknown[] {
  return readObjects(path).objects.map((located) => located.object);
}

/** Reads pods from a file and returns those a node still has to run, in file order. */
export function loadPods(path: string, options: PodLoadOptions = {}): PodLoadResult {
  const { objects, topLevelKinds } = readObjects(path);
  const podObjects = objects.filter((located) => located.kind === "Pod");
  if (podObjects.length === 0) {
    rejectOtherFamily(path, objects, topLevelKinds, "Namespace", "Pod or PodList");
  }

  const skipped: SkippedCounts = { unscheduled: 0, terminal: 0, otherNode: 0, noImage: 0 };
  const pods: PodRecord[] = [];
  const firstLocation = new Map<string, string>();

  for (const located of podObjects) {
    const pod = readPod(path, located);

    const key = `${pod.record.namespace}/${pod.record.name}`;
    const earlier = firstLocation.get(key);
    if (earlier !== undefined) {
      throw new InputError(path, `pod ${key} appears twice: ${earlier} and ${describeLocation(located)}`);
    }
    firstLocation.set(key, describeLocation(located));

    // Each skipped pod is counted once, under the first of these reasons that applies.
    if (pod.record.nodeName === undefined) {
      skipped.unscheduled += 1;
      continue;
    }
    if (pod.phase !== undefined && TERMINAL_PHASES.has(pod.phase)) {
      skipped.terminal += 1;
      continue;
    }
    if (options.node !== undefined && pod.record.nodeName !== options.node) {
      skipped.otherNode += 1;
      continue;
    }

    skipped.noImage += pod.containersWithoutImage;
    if (pod.record.images.length > 0) {
      pods.push(pod.record);
    }
  }

  return { pods, skipped };
}

/** Reads namespaces from a file and returns their names and annotations in file order. */
export function loadNamespaces(path: string): NamespaceRecord[] {
  const { objects, topLevelKinds } = readObjects(path);
  const namespaceObjects = objects.filter((located) => located.kind === "Namespace");
  if (namespaceObjects.length === 0) {
    rejectOtherFamily(path, objects, topLevelKinds, "Pod", "Namespace or NamespaceList");
  }

  const namespaces: NamespaceRecord[] = [];
  const firstLocation = new Map<string, string>();

  for (const located of namespaceObjects) {
    const fail = failureFor(path, subjectOf(located));
    const metadata = readMapping(located.object, "metadata", fail);
    const name = readName(metadata, "metadata.name", fail);
    const annotations = readAnnotations(metadata, failureFor(path, `namespace ${name}`));

    const earlier = firstLocation.get(name);
    if (earlier !== undefined) {
      throw new InputError(path, `namespace ${name} appears twice: ${earlier} and ${describeLocation(located)}`);
    }
    firstLocation.set(name, describeLocation(located));

    namespaces.push({ name, annotations });
  }

  return namespaces;
}

// ---- Step 1: parse the file and flatten lists ----

function readObjects(path: string): FileObjects {
  const text = readInputFile(path);
  const documents = looksLikeJson(text) ? parseJson(path, text) : parseYaml(path, text);
  if (documents.length === 0) {
    throw new InputError(path, `file contains no objects; expected kind ${OBJECT_KINDS}`);
  }

  const result: FileObjects = { objects: [], topLevelKinds: [] };
  for (const document of documents) {
    flattenTopLevel(path, document.value, document.location, result);
  }
  return result;
}

interface ParsedDocument {
  value: unknown;
  location: string;
}

/** Returns true when the first non-blank character opens a JSON object or array, which makes the file JSON. */
function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

function parseJson(path: string, text: string): ParsedDocument[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, findJsonErrorOffset(text));
    const detail = cleanJsonMessage(error instanceof Error ? error.message : String(error));
    throw new InputError(path, `invalid JSON at line ${line} column ${column}: ${detail}`);
  }

  // A top-level array is read like a multi-document YAML file. kubectl itself prints a List instead.
  if (Array.isArray(value)) {
    return value.map((element, index) => ({ value: element, location: `item ${index + 1} of the top-level array` }));
  }
  return [{ value, location: "" }];
}

function parseYaml(path: string, text: string): ParsedDocument[] {
  const documents = parseAllDocuments(text, { prettyErrors: false });
  const parsed: ParsedDocument[] = [];

  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error !== undefined) {
      const { line, column } = lineAndColumn(text, error.pos[0]);
      throw new InputError(path, `invalid YAML at line ${line} column ${column}: ${error.message}`);
    }

    // An empty document, such as the one after a trailing "---", contains no object.
    const value: unknown = document.toJS();
    if (value === null || value === undefined) {
      return;
    }
    const location = documents.length > 1 ? `document ${index + 1}` : "";
    if (Array.isArray(value)) {
      value.forEach((element, elementIndex) => {
        parsed.push({ value: element, location: join(`item ${elementIndex + 1} of the top-level list`, location) });
      });
    } else {
      parsed.push({ value, location });
    }
  });

  return parsed;
}

function flattenTopLevel(path: string, value: unknown, location: string, result: FileObjects): void {
  const prefix = location === "" ? "" : `${location}: `;
  if (!isMapping(value)) {
    throw new InputError(path, `${prefix}expected a Kubernetes object, got ${describeType(value)}`);
  }

  const kind = value["kind"];
  if (typeof kind !== "string") {
    const found = kind === undefined ? "an object without kind" : describeType(kind);
    throw new InputError(path, `${prefix}expected kind ${OBJECT_KINDS}, got ${found}`);
  }

  switch (kind) {
    case "Pod":
    case "Namespace":
      requireCoreApiVersion(path, value, `${prefix}${kind}`);
      result.topLevelKinds.push(kind);
      result.objects.push({ object: value, kind, location, container: kind });
      return;
    case "PodList":
    case "NamespaceList":
    case "List":
      requireCoreApiVersion(path, value, `${prefix}${kind}`);
      result.topLevelKinds.push(kind);
      flattenList(path, value, kind, location, result);
      return;
    default:
      throw new InputError(path, `${prefix}expected kind ${OBJECT_KINDS}, got ${kind}`);
  }
}

function flattenList(path: string, list: KubeObject, listKind: string, location: string, result: FileObjects): void {
  const listName = join(listKind, location);
  const items = list["items"];
  if (items === undefined) {
    throw new InputError(path, `${listName} has no items field`);
  }
  // Go encodes an empty slice as null, so null is an empty list.
  if (items === null) {
    return;
  }
  if (!Array.isArray(items)) {
    throw new InputError(path, `items of ${listName} must be a list, got ${describeType(items)}`);
  }

  // Some dumps leave kind and apiVersion out of PodList and NamespaceList items, so those items
  // take both from the list. Items of a List must name their kind.
  const impliedKind = IMPLIED_ITEM_KINDS.get(listKind);
  const expectedKinds = impliedKind ?? "Pod or Namespace";

  items.forEach((item: unknown, index) => {
    // Item numbers count from 1, as people count. Field paths such as spec.containers[0] count from 0.
    const itemLocation = `item ${index + 1} of ${listName}`;
    if (!isMapping(item)) {
      throw new InputError(path, `${itemLocation} must be a Kubernetes object, got ${describeType(item)}`);
    }

    const kind = item["kind"] ?? impliedKind;
    if (kind === undefined) {
      throw new InputError(path, `${itemLocation} has no kind`);
    }
    if (kind !== "Pod" && kind !== "Namespace") {
      const found = typeof kind === "string" ? kind : formatValue(kind);
      throw new InputError(path, `${itemLocation} has kind ${found}; expected ${expectedKinds}`);
    }
    if (impliedKind !== undefined && kind !== impliedKind) {
      throw new InputError(path, `${itemLocation} has kind ${kind}; expected ${impliedKind}`);
    }
    requireCoreApiVersion(path, item, itemLocation);

    const object = item["kind"] === kind ? item : { apiVersion: "v1", ...item, kind };
    result.objects.push({ object, kind, location: itemLocation, container: listKind });
  });
}

/** Rejects an apiVersion other than v1, because Pods, Namespaces and their lists are core objects. */
function requireCoreApiVersion(path: string, object: KubeObject, subject: string): void {
  const apiVersion = object["apiVersion"];
  if (apiVersion !== undefined && apiVersion !== "v1") {
    throw new InputError(path, `${subject} has apiVersion ${formatValue(apiVersion)}; expected v1`);
  }
}

/** Raises an InputError that names the kinds found when the file contains objects of the other family. */
function rejectOtherFamily(
  path: string,
  objects: LocatedObject[],
  topLevelKinds: string[],
  otherKind: "Pod" | "Namespace",
  expected: string,
): void {
  const found = new Set(topLevelKinds.filter((kind) => kind === otherKind || kind === `${otherKind}List`));
  if (objects.some((located) => located.kind === otherKind && located.container === "List")) {
    found.add(`List of ${otherKind} objects`);
  }

  if (found.size > 0) {
    throw new InputError(path, `expected kind ${expected}, got ${[...found].join(", ")}`);
  }
}

// ---- Step 2: validate fields and build records ----

interface PodFields {
  record: PodRecord;
  phase: string | undefined;
  containersWithoutImage: number;
}

function readPod(path: string, located: LocatedObject): PodFields {
  const pod = located.object;
  const failAtLocation = failureFor(path, subjectOf(located));
  const metadata = readMapping(pod, "metadata", failAtLocation);
  const name = readName(metadata, "metadata.name", failAtLocation);
  const namespace = readName(metadata, "metadata.namespace", failAtLocation);

  // From here on the pod's name identifies it in messages.
  const fail = failureFor(path, `pod ${namespace}/${name}`);
  const annotations = readAnnotations(metadata, fail);
  const creationTimeMs = readCreationTime(metadata, fail);

  const spec = readMapping(pod, "spec", fail);
  const nodeName = readOptionalString(spec, "spec.nodeName", fail);
  const priority = readPriority(spec, fail);
  const priorityClassName = readOptionalString(spec, "spec.priorityClassName", fail) ?? "";

  const images: string[] = [];
  let containersWithoutImage = 0;
  // The kubelet runs every init container, one after another, before it starts the regular ones.
  for (const field of ["initContainers", "containers"] as const) {
    for (const image of readContainerImages(spec, field, fail)) {
      if (image === undefined) {
        containersWithoutImage += 1;
      } else {
        images.push(image);
      }
    }
  }

  const status = pod["status"] === undefined || pod["status"] === null ? {} : readMapping(pod, "status", fail);
  const phase = readOptionalString(status, "status.phase", fail);

  const record: PodRecord = {
    namespace,
    name,
    // The API server omits an empty nodeName, so "" also means not scheduled.
    nodeName: nodeName === "" ? undefined : nodeName,
    priority,
    priorityClassName,
    configSource: annotations["kubernetes.io/config.source"],
    mirror: Object.hasOwn(annotations, "kubernetes.io/config.mirror"),
    creationTimeMs,
    images,
  };
  return { record, phase, containersWithoutImage };
}

/** Returns each container's image in order, undefined for a missing or blank image. */
function readContainerImages(
  spec: KubeObject,
  field: "initContainers" | "containers",
  fail: Fail,
): (string | undefined)[] {
  const containers = spec[field];
  if (containers === undefined || containers === null) {
    // A pod without init containers omits the field. The API rejects a pod without containers.
    if (field === "containers") {
      fail(`spec.containers is missing`);
    }
    return [];
  }
  if (!Array.isArray(containers)) {
    fail(`spec.${field} must be a list, got ${describeType(containers)}`);
  }

  return containers.map((container: unknown, index) => {
    const fieldPath = `spec.${field}[${index}]`;
    if (!isMapping(container)) {
      fail(`${fieldPath} must be a mapping, got ${describeType(container)}`);
    }
    const image = readOptionalString(container, `${fieldPath}.image`, fail);
    return image === undefined || image.trim() === "" ? undefined : image;
  });
}

function readPriority(spec: KubeObject, fail: Fail): number | undefined {
  const priority = spec["priority"];
  if (priority === undefined || priority === null) {
    return undefined;
  }
  // The API stores spec.priority as an int32.
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
    fail(`spec.priority must be an integer from ${INT32_MIN} to ${INT32_MAX}, got ${describeType(priority)}`);
  }
  return priority;
}

function readCreationTime(metadata: KubeObject, fail: Fail): number | undefined {
  const timestamp = readOptionalString(metadata, "metadata.creationTimestamp", fail);
  if (timestamp === undefined) {
    return undefined;
  }

  const ms = parseRfc3339(timestamp);
  if (ms === undefined) {
    fail(
      `metadata.creationTimestamp ${formatValue(timestamp)} is not an RFC 3339 timestamp such as "2021-07-30T13:22:37Z"`,
    );
  }
  return ms;
}

const RFC3339_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time to ms since the Unix epoch, or returns undefined when it is invalid.
 * Fractions below one ms are truncated. Second 60 (a leap second) is rejected, as Go's time.Parse
 * (src/time/format.go) rejects it.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const fraction = match[7] ?? "";
  const millisecond = Number(fraction.padEnd(3, "0").slice(0, 3));
  const offsetSign = match[8] === "-" ? -1 : 1;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }

  // setUTCFullYear, unlike Date.UTC, keeps years 0 to 99 as they are.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  // Date rolls an invalid day over into the next month, so 2021-02-30 comes back as March 2.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }

  return date.getTime() - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

// ---- Field readers. Each raises through `fail` with the field path and the value found. ----

type Fail = (problem: string) => never;

function failureFor(path: string, subject: string): Fail {
  return (problem) => {
    throw new InputError(path, `${subject}: ${problem}`);
  };
}

function readMapping(object: KubeObject, key: string, fail: Fail): KubeObject {
  const value = object[key];
  if (value === undefined) {
    fail(`${key} is missing`);
  }
  if (!isMapping(value)) {
    fail(`${key} must be a mapping, got ${describeType(value)}`);
  }
  return value;
}

/** Reads a required name field such as metadata.name. fieldPath names it in messages. */
function readName(metadata: KubeObject, fieldPath: string, fail: Fail): string {
  const key = fieldPath.slice(fieldPath.lastIndexOf(".") + 1);
  const value = metadata[key];
  if (value === undefined || value === null) {
    fail(`${fieldPath} is missing`);
  }
  if (typeof value !== "string" || value === "") {
    fail(`${fieldPath} must be a non-empty string, got ${describeType(value)}`);
  }
  return value;
}

/** Reads an optional string field. The last part of fieldPath is the key in object. */
function readOptionalString(object: KubeObject, fieldPath: string, fail: Fail): string | undefined {
  const key = fieldPath.slice(fieldPath.lastIndexOf(".") + 1);
  const value = object[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    fail(`${fieldPath} must be a string, got ${describeType(value)}`);
  }
  return value;
}

function readAnnotations(metadata: KubeObject, fail: Fail): Record<string, string> {
  const annotations = metadata["annotations"];
  if (annotations === undefined || annotations === null) {
    return {};
  }
  if (!isMapping(annotations)) {
    fail(`metadata.annotations must be a mapping, got ${describeType(annotations)}`);
  }

  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    // The API accepts only string values. A YAML value such as 100 parses as a number.
    if (typeof value !== "string") {
      fail(`metadata.annotations[${formatValue(key)}] must be a string, got ${describeType(value)} (quote it in YAML)`);
    }
    result[key] = value;
  }
  return result;
}

// ---- Helpers ----

function isMapping(value: unknown): value is KubeObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Joins two location parts, leaving out an empty one: "PodList in document 2". */
function join(inner: string, outer: string): string {
  return outer === "" ? inner : `${inner} in ${outer}`;
}

function subjectOf(located: LocatedObject): string {
  return located.location === "" ? located.kind : located.location;
}

function describeLocation(located: LocatedObject): string {
  return located.location === "" ? `top-level ${located.kind}` : located.location;
}

/** Drops the source excerpt and offset that V8 puts into JSON.parse messages. The caller reports line and column instead. */
function cleanJsonMessage(message: string): string {
  // V8 cuts long excerpts and marks the cut with "...".
  const unexpectedToken = /^(Unexpected token '.*?'), (?:\.\.\.)?".*" is not valid JSON$/s.exec(message);
  if (unexpectedToken?.[1] !== undefined) {
    return unexpectedToken[1];
  }
  return message.replace(/ (?:in JSON )?at position \d+.*$/s, "").replace(/\s+/g, " ");
}

/**
 * Returns the offset of the first JSON syntax error in text (RFC 8259 grammar), text.length when
 * the text ends early, or 0 when it finds none. Runs only after JSON.parse failed, which reports
 * no position for many errors in Node 20. Uses a stack, not recursion, so deep nesting cannot
 * overflow the call stack.
 */
function findJsonErrorOffset(text: string): number {
  const closers: string[] = [];
  let offset = 0;

  const skipWhitespace = (): void => {
    while (offset < text.length && " \t\n\r".includes(text[offset]!)) {
      offset += 1;
    }
  };

  // Each scanner advances offset. On an error it stops at the bad character and returns false.
  const scanString = (): boolean => {
    offset += 1;
    while (offset < text.length) {
      const char = text[offset]!;
      if (char === '"') {
        offset += 1;
        return true;
      }
      if (char < " ") {
        return false;
      }
      if (char === "\\") {
        const escape = text[offset + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(offset + 2, offset + 6))) {
            offset += 2;
            return false;
          }
          offset += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          offset += 2;
        } else {
          offset += 1;
          return false;
        }
      } else {
        offset += 1;
      }
    }
    return false;
  };

  const scanKey = (): boolean => {
    skipWhitespace();
    if (text[offset] !== '"' || !scanString()) {
      return false;
    }
    skipWhitespace();
    if (text[offset] !== ":") {
      return false;
    }
    offset += 1;
    return true;
  };

  const scalarPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

  for (;;) {
    // Expect a value.
    skipWhitespace();
    const char = text[offset];
    if (char === "{" || char === "[") {
      offset += 1;
      skipWhitespace();
      const closer = char === "{" ? "}" : "]";
      if (text[offset] !== closer) {
        closers.push(closer);
        if (closer === "}" && !scanKey()) {
          return offset;
        }
        continue;
      }
      offset += 1;
    } else if (char === '"') {
      if (!scanString()) {
        return offset;
      }
    } else {
      scalarPattern.lastIndex = offset;
      if (!scalarPattern.test(text)) {
        return offset;
      }
      offset = scalarPattern.lastIndex;
    }

    // After a value: close finished containers, then expect a comma or the end of the text.
    for (;;) {
      skipWhitespace();
      const closer = closers.at(-1);
      if (closer === undefined) {
        return offset < text.length ? offset : 0;
      }
      if (text[offset] === closer) {
        closers.pop();
        offset += 1;
        continue;
      }
      if (text[offset] !== ",") {
        return offset;
      }
      offset += 1;
      if (closer === "}" && !scanKey()) {
        return offset;
      }
      break;
    }
  }
}
