// Errors in files that the user passes to the host: pod lists, namespace lists and the policy
// configuration. The CLI prints the message as it is and exits with code 2, so every message is a
// single line that starts with the file name.

import { readFileSync } from "node:fs";

/** An input file that cannot be read or contains invalid content. The message is "<file>: <problem>". */
export class InputError extends Error {
  override name = "InputError";

  /** The path as the caller passed it, so the message shows what the user typed. */
  readonly file: string;

  constructor(file: string, problem: string) {
    // Parser messages can span lines, and the CLI prints one line per error.
    super(`${file}: ${problem.replace(/\s*\n\s*/g, " ")}`);
    this.file = file;
  }
}

/** Reads a UTF-8 text file and removes a leading BOM. File system errors become InputErrors. */
export function readInputFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(path, describeReadError(error));
  }

  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** Formats a value for an error message: JSON, cut to 60 characters so the message stays one short line. */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }

  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Names the JSON type of a value for messages such as "expected a list, got a string". */
export function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "object") {
    return "a mapping";
  }
  if (typeof value === "number") {
    return `the number ${value}`;
  }
  if (typeof value === "string") {
    return `the string ${formatValue(value)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** Converts a 0-based offset in text to the 1-based line and column that editors show. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;

  return { line, column: offset - lineStart + 1 };
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "file not found";
    case "EISDIR":
      return "is a directory, expected a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return `cannot read file: ${error instanceof Error ? error.message : String(error)}`;
  }
}
