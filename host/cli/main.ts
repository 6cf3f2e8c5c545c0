// Entry point of the image-pull-priority command line.

import { Command, CommanderError } from "commander";

import { PolicyError, PolicyLoadError } from "../errors.ts";
import { InputError } from "../input-error.ts";
import { registerPlan } from "./plan.ts";
import { registerSimulate } from "./simulate.ts";

/** The package version, set by the build from package.json. */
declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "development";

/** Exit code for bad input: a missing or invalid file, or a bad option value. */
export const EXIT_INPUT = 2;
/** Exit code for a failure of the tool itself, such as an unusable policy module. */
export const EXIT_FAILURE = 1;

export function buildProgram(): Command {
  const program = new Command("image-pull-priority")
    .description("Decide which container image a Kubernetes node pulls next.")
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError("(run image-pull-priority --help for usage)")
    .configureOutput({ outputError: (text, write) => write(text) });
  registerPlan(program);
  registerSimulate(program);
  return program;
}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage errors, already printed, are bad input.
      return error.exitCode === 0 ? 0 : EXIT_INPUT;
    }
    if (error instanceof InputError) {
      process.stderr.write(`image-pull-priority: ${error.message}\n`);
      return EXIT_INPUT;
    }
    if (error instanceof PolicyLoadError || error instanceof PolicyError) {
      process.stderr.write(`image-pull-priority: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
