// Step 1 of reading Kubernetes objects: parse a JSON or YAML file and flatten PodList,
// NamespaceList and List into single Pod and Namespace objects, each with its location in the
// file for error messages.

import { parseAllDocuments } from "yaml";

import { InputError, describeType, formatValue, lineAndColumn, readInputFile } from "../input-error.ts";
import { cleanJsonMessage, findJsonErrorOffset } from "./json-error.ts";

export const OBJECT_KINDS = "Pod, PodList, Namespace, NamespaceList or List";
const IMPLIED_ITEM_KINDS: ReadonlyMap<string, "Pod" | "Namespace"> = new Map([
  ["PodList", "Pod"],
  ["NamespaceList", "Namespace"],
]);

export type KubeObject = Record<string, unknown>;

/** A Pod or Namespace from the file, with where it was found. */
export interface LocatedObject {
  object: KubeObject;
  kind: "Pod" | "Namespace";
  /** Position for messages, such as "item 3 of PodList" or "document 2", or "" for a lone top-level object. */
  location: string;
  /** Kind of the top-level object that contained it: Pod, PodList, Namespace, NamespaceList or List. */
  container: string;
}

export interface FileObjects {
  objects: LocatedObject[];
  /** Kinds of the top-level objects, including empty lists that contributed no objects. */
  topLevelKinds: string[];
}

/** Parses a JSON or YAML file into its Pod and Namespace objects with their locations; lists are flattened. */
export function readObjects(path: string, expectedKinds: string = OBJECT_KINDS): FileObjects {
  const text = readInputFile(path);
  const documents = looksLikeJson(text) ? parseJson(path, text) : parseYaml(path, text);
  if (documents.length === 0) {
    throw new InputError(path, `file contains no objects; expected kind ${expectedKinds}`);
  }

  const result: FileObjects = { objects: [], topLevelKinds: [] };
  for (const document of documents) {
    flattenTopLevel(path, document.value, document.location, expectedKinds, result);
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

function flattenTopLevel(path: string, value: unknown, location: string, expectedKinds: string, result: FileObjects): void {
  const prefix = location === "" ? "" : `${location}: `;
  if (!isMapping(value)) {
    throw new InputError(path, `${prefix}expected a Kubernetes object, got ${describeType(value)}`);
  }

  const kind = value["kind"];
  if (typeof kind !== "string") {
    const found = kind === undefined ? "an object without kind" : describeType(kind);
    throw new InputError(path, `${prefix}expected kind ${expectedKinds}, got ${found}`);
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
      throw new InputError(path, `${prefix}expected kind ${expectedKinds}, got ${kind}`);
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

export function isMapping(value: unknown): value is KubeObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}


/** Joins two location parts, leaving out an empty one: "PodList in document 2". */
function join(inner: string, outer: string): string {
  return outer === "" ? inner : `${inner} in ${outer}`;
}
