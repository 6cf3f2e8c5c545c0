// Specification of the policy module as a file: the built build/policy.wasm is
// sandboxed (no imports) and exports exactly the ABI, and the loader rejects
// modules that import anything, lack an export or speak another ABI version.
// The rejected modules are assembled by hand from the WebAssembly binary format.

import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { ABI_VERSION } from "../host/abi/constants.ts";
import { PolicyLoadError } from "../host/errors.ts";
import { DEFAULT_POLICY_PATH, PolicyModule, REQUIRED_FUNCTIONS } from "../host/loader.ts";
import { PullQueue } from "../host/queue.ts";

const builtModule = new WebAssembly.Module(readFileSync(DEFAULT_POLICY_PATH));

// ---- A minimal assembler for the WebAssembly binary format (core specification 1.0, chapter 5) ----

/** Encodes an unsigned LEB128 integer. */
function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Encodes a signed LEB128 integer of at most 32 bits. */
function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function encodeName(text: string): number[] {
  const bytes = [...Buffer.from(text, "utf8")];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function encodeVector(items: readonly number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function encodeSection(id: number, contents: readonly number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}

const SECTION = { TYPE: 1, IMPORT: 2, FUNCTION: 3, MEMORY: 5, EXPORT: 7, CODE: 10 } as const;
const EXPORT_KIND = { FUNCTION: 0x00, MEMORY: 0x02 } as const;
const I32 = 0x7f;
const I32_CONST = 0x41;
const END = 0x0b;

interface ModuleSpec {
  /** Names of the exported functions. Each takes nothing and returns an i32 constant. */
  functions: readonly string[];
  /** Value that ipp_abi_version returns. The other functions return 0. */
  abiVersion: number;
  /** Function imports as "module.name". */
  imports?: readonly string[];
  /** Export names that refer to the memory, by default only "memory". */
  memoryExports?: readonly string[];
}

/** Assembles a module with one memory, the given function imports and exports, and constant function bodies. */
function assemble(spec: ModuleSpec): Uint8Array<ArrayBuffer> {
  const imports = spec.imports ?? [];
  const memoryExports = spec.memoryExports ?? ["memory"];
  const functionType = [0x60, ...encodeVector([]), ...encodeVector([[I32]])];

  const importEntries = imports.map((qualified) => {
    const [module = "", name = ""] = qualified.split(".");
    return [...encodeName(module), ...encodeName(name), EXPORT_KIND.FUNCTION, 0x00];
  });
  const exportEntries = [
    ...spec.functions.map((name, i) => [...encodeName(name), EXPORT_KIND.FUNCTION, ...unsignedLeb(imports.length + i)]),
    ...memoryExports.map((name) => [...encodeName(name), EXPORT_KIND.MEMORY, 0x00]),
  ];
  const bodies = spec.functions.map((name) => {
    const value = name === "ipp_abi_version" ? spec.abiVersion : 0;
    const body = [...encodeVector([]), I32_CONST, ...signedLeb(value), END];
    return [...unsignedLeb(body.length), ...body];
  });

  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...encodeSection(SECTION.TYPE, encodeVector([functionType])),
    ...(imports.length > 0 ? encodeSection(SECTION.IMPORT, encodeVector(importEntries)) : []),
    ...encodeSection(SECTION.FUNCTION, encodeVector(spec.functions.map(() => [0x00]))),
    ...encodeSection(SECTION.MEMORY, encodeVector([[0x00, 0x01]])),
    ...encodeSection(SECTION.EXPORT, encodeVector(exportEntries)),
    ...encodeSection(SECTION.CODE, encodeVector(bodies)),
  ];
  return new Uint8Array(bytes);
}

/** A module that satisfies the loader: every required export, no imports, the host's ABI version. */
const validSpec: ModuleSpec = { functions: REQUIRED_FUNCTIONS, abiVersion: ABI_VERSION };

/** Runs `load` and returns the PolicyLoadError it throws. Fails when it throws nothing or another error. */
function catchLoadError(load: () => unknown): PolicyLoadError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyLoadError);
    return error as PolicyLoadError;
  }
  throw new Error("expected a PolicyLoadError, but loading succeeded");
}

describe("built policy module", () => {
  it("imports nothing", () => {
    expect(WebAssembly.Module.imports(builtModule)).toEqual([]);
  });

  it("exports exactly the ABI", () => {
    const exports = WebAssembly.Module.exports(builtModule)
      .map((entry) => `${entry.name}:${entry.kind}`)
      .sort();
    const expected = [...REQUIRED_FUNCTIONS.map((name) => `${name}:function`), "memory:memory"].sort();

    expect(exports).toEqual(expected);
  });

  it("speaks the host's ABI version", () => {
    const exports = PolicyModule.load().instantiate();

    expect(exports.ipp_abi_version()).toBe(ABI_VERSION);
  });

  it("instances share no state", () => {
    const policy = PolicyModule.load();
    const first = PullQueue.create(policy);
    const second = PullQueue.create(policy);
    first.enqueue({ namespace: "apps", name: "web", creationTimeMs: 0, images: ["nginx"] });

    expect(first.stats().pods).toBe(1);
    expect(second.stats().pods).toBe(0);
  });
});

describe("PolicyModule.compile", () => {
  it("accepts a minimal valid module", () => {
    const exports = PolicyModule.compile(assemble(validSpec), "minimal.wasm").instantiate();

    expect(exports.ipp_abi_version()).toBe(ABI_VERSION);
  });

  it("rejects a module with an import", () => {
    const bytes = assemble({ ...validSpec, imports: ["env.clock"] });
    const error = catchLoadError(() => PolicyModule.compile(bytes, "importing.wasm"));

    expect(error.message).toContain("importing.wasm");
    expect(error.message).toContain("env.clock");
  });

  it.each(REQUIRED_FUNCTIONS)("rejects a module missing %s", (missing) => {
    const bytes = assemble({ ...validSpec, functions: REQUIRED_FUNCTIONS.filter((name) => name !== missing) });
    const error = catchLoadError(() => PolicyModule.compile(bytes, "partial.wasm"));

    expect(error.message).toContain(missing);
  });

  it("rejects a module without memory export", () => {
    const bytes = assemble({ ...validSpec, memoryExports: [] });
    const error = catchLoadError(() => PolicyModule.compile(bytes, "no-memory.wasm"));

    expect(error.message).toContain("memory");
  });

  it("rejects an export of wrong kind", () => {
    const functions = REQUIRED_FUNCTIONS.filter((name) => name !== "ipp_next");
    const bytes = assemble({ ...validSpec, functions, memoryExports: ["memory", "ipp_next"] });
    const error = catchLoadError(() => PolicyModule.compile(bytes, "wrong-kind.wasm"));

    expect(error.message).toContain("ipp_next");
  });

  it("rejects bytes that are not WebAssembly", () => {
    const error = catchLoadError(() => PolicyModule.compile(new Uint8Array(Buffer.from("#!/bin/sh\n")), "script.wasm"));

    expect(error.message).toContain("script.wasm");
  });

  it("rejects another ABI version", () => {
    // The version is a function result, so the loader can only read it from an instance:
    // PullQueue.create compiles, instantiates and checks it before any other call.
    const bytes = assemble({ ...validSpec, abiVersion: ABI_VERSION + 1 });
    const error = catchLoadError(() => PullQueue.create(PolicyModule.compile(bytes, "future.wasm")));

    expect(error.message).toContain(`version ${ABI_VERSION + 1}`);
    expect(error.message).toContain(`speaks ${ABI_VERSION}`);
  });
});
