// Reads files of Kubernetes objects as `kubectl get ... -o json` or `-o yaml` prints them and
// turns them into the plain records of records.ts. Reading happens in two steps:
//   1. parse.ts parses the file and flattens PodList, NamespaceList and List into single
//      objects, each with its location in the file for error messages;
//   2. this file validates the fields the policy reads (with the readers of fields.ts) and
//      builds PodRecord or NamespaceRecord values.
// Every problem is an InputError whose message names the file and the object.

import { InputError, describeType } from "../input-error.ts";
import {
  failureFor, readAnnotations, readCreationTime, readMapping, readName, readOptionalString, readPriority, type Fail,
} from "./fields.ts";
import { isMapping, readObjects, type KubeObject, type LocatedObject } from "./parse.ts";
import type { NamespaceRecord, PodRecord } from "./records.ts";

export { InputError } from "../input-error.ts";
export { parseRfc3339 } from "./fields.ts";

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
  /** Names of the nodes that the file's scheduled, non-terminal pods are bound to, sorted. */
  nodes: string[];
}

/** Options of loadPods. */
export interface PodLoadOptions {
  /** Node whose pods are kept. When undefined, pods of every node are kept. */
  node?: string;
}

const POD_KINDS = "Pod, PodList or List";
const NAMESPACE_KINDS = "Namespace, NamespaceList or List";
const TERMINAL_PHASES: ReadonlySet<string> = new Set(["Succeeded", "Failed"]);

/** Reads a JSON or YAML file and returns its Pod and Namespace objects, with lists flattened. */
export function loadObjects(path: string): unknown[] {
  return readObjects(path).objects.map((located) => located.object);
}

/** Reads pods from a file and returns those a node still has to run, in file order. */
export function loadPods(path: string, options: PodLoadOptions = {}): PodLoadResult {
  const { objects, topLevelKinds } = readObjects(path, POD_KINDS);
  const podObjects = objects.filter((located) => located.kind === "Pod");
  if (podObjects.length === 0) {
    rejectOtherFamily(path, objects, topLevelKinds, "Namespace", POD_KINDS);
  }

  const skipped: SkippedCounts = { unscheduled: 0, terminal: 0, otherNode: 0, noImage: 0 };
  const pods: PodRecord[] = [];
  const firstLocation = new Map<string, string>();
  const nodes = new Set<string>();

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
    nodes.add(pod.record.nodeName);
    if (options.node !== undefined && pod.record.nodeName !== options.node) {
      skipped.otherNode += 1;
      continue;
    }

    skipped.noImage += pod.containersWithoutImage;
    if (pod.record.images.length > 0) {
      pods.push(pod.record);
    }
  }

  return { pods, skipped, nodes: [...nodes].sort() };
}

/** Reads namespaces from a file and returns their names and annotations in file order. */
export function loadNamespaces(path: string): NamespaceRecord[] {
  const { objects, topLevelKinds } = readObjects(path, NAMESPACE_KINDS);
  const namespaceObjects = objects.filter((located) => located.kind === "Namespace");
  if (namespaceObjects.length === 0) {
    rejectOtherFamily(path, objects, topLevelKinds, "Pod", NAMESPACE_KINDS);
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

// ---- Build records ----

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

function subjectOf(located: LocatedObject): string {
  return located.location === "" ? located.kind : located.location;
}

function describeLocation(located: LocatedObject): string {
  return located.location === "" ? `top-level ${located.kind}` : located.location;
}
