// Loads a policy module: compiles it, checks that it is a sandboxed policy
// of the ABI this host speaks, and instantiates it with no imports.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { ABI_VERSION } from "./abi/constants.ts";
import { PolicyLoadError } from "./errors.ts";

/** The module's exports, named exactly as in docs/abi.md. */
export interface PolicyExports {
  memory: WebAssembly.Memory;
  ipp_abi_version(): number;
  ipp_input_reserve(length: number): number;
  ipp_output_ptr(): number;
  ipp_error_offset(): number;
  ipp_configure(length: number): number;
  ipp_set_slots(slots: number): number;
  ipp_namespace_set(length: number): number;
  ipp_enqueue(length: number): number;
  ipp_pod_remove(podId: number): number;
  ipp_next(): number;
  ipp_complete(imageId: number, outcome: number): number;
  ipp_image_info(imageId: number): number;
  ipp_pod_info(podId: number): number;
  ipp_stats(): number;
  ipp_snapshot(): number;
  ipp_restore(length: number): number;
}

/** Function exports every policy module must have, besides `memory`. */
export const REQUIRED_FUNCTIONS = [
  "ipp_abi_version", "ipp_input_reserve", "ipp_output_ptr", "ipp_error_offset", "ipp_configure",
  "ipp_set_slots", "ipp_namespace_set", "ipp_enqueue", "ipp_pod_remove", "ipp_next", "ipp_complete",
  "ipp_image_info", "ipp_pod_info", "ipp_stats", "ipp_snapshot", "ipp_restore",
] as const;

/** Path of the module that `npm run build` writes. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL("../build/policy.wasm", import.meta.url));

/** A compiled and validated policy module; each instantiate() gives an independent queue state. */
export class PolicyModule {
  private constructor(readonly module: WebAssembly.Module) {}

  /** Compiles `bytes` and checks imports and exports; the ABI version is checked on instantiate. */
  static compile(bytes: Uint8Array<ArrayBuffer>, source = "policy module"): PolicyModule {
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (error) {
      throw new PolicyLoadError(`${source}: not a valid WebAssembly module: ${(error as Error).message}`);
    }

    const imports = WebAssembly.Module.imports(module);
    if (imports.length > 0) {
      const names = imports.map((entry) => `${entry.module}.${entry.name}`).join(", ");
      throw new PolicyLoadError(`${source}: a policy module must import nothing, but it imports ${names}`);
    }

    const exports = new Map(WebAssembly.Module.exports(module).map((entry) => [entry.name, entry.kind]));
    if (exports.get("memory") !== "memory") {
      throw new PolicyLoadError(`${source}: missing memory export "memory"`);
    }
    const missing = REQUIRED_FUNCTIONS.filter((name) => exports.get(name) !== "function");
    if (missing.length > 0) {
      throw new PolicyLoadError(`${source}: missing function exports ${missing.join(", ")}`);
    }
    return new PolicyModule(module);
  }

  /** Reads and compiles the module at `path` (default: the built policy). */
  static load(path: string = DEFAULT_POLICY_PATH): PolicyModule {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = path === DEFAULT_POLICY_PATH ? "; run `npm run build` first" : "";
      throw new PolicyLoadError(`${path}: cannot read policy module (${code ?? (error as Error).message})${hint}`);
    }
    return PolicyModule.compile(bytes, path);
  }

  /** Creates a fresh instance and checks its ABI version before anything else. */
  instantiate(): PolicyExports {
    const instance = new WebAssembly.Instance(this.module, {});
    const exports = instance.exports as unknown as PolicyExports;
    const version = exports.ipp_abi_version();
    if (version !== ABI_VERSION) {
      throw new PolicyLoadError(`policy module speaks ABI version ${version}, this host speaks ${ABI_VERSION}`);
    }
    return exports;
  }
}
