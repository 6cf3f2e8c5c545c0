// Image size tables: tab-separated lines of an image reference and its size.
//
//   # comment lines and blank lines are ignored
//   image                              size        size_semantics
//   docker.io/library/redis:7.2.1      45000000    compressed (containerd)
//   registry.k8s.io/pause:3.9          321.5 kB
//
// The first line that is not a comment is a header when its first field is `image`. Column 1 is
// the reference, column 2 the size (bytes, or a number with a unit such as 70.5MB or 45.1 MiB),
// and other columns are ignored except one named `size_semantics` in the header. The reference
// may carry a note in parentheses after a space, such as `nginx:latest (2019)`.

import { InputError, readInputFile } from "../input-error.ts";
import { parseBytes } from "./units.ts";

/** One usable line of a size table. */
export interface SizeRow {
  /** 1-based line number in the file. */
  line: number;
  /** The reference as written, without its note. */
  image: string;
  bytes: number;
  /**
   * True when the size_semantics column starts with "compressed", which marks a download size as
   * containerd reports it. Docker and CRI-O report the unpacked size, which is larger.
   */
  compressed: boolean;
}

/** A parsed size table. */
export interface SizeTable {
  /** The path as the user passed it, for messages. */
  file: string;
  rows: SizeRow[];
  /** Lines whose first field is not a reference or whose second field is not a size. */
  skippedLines: number[];
}

/** Reads and parses a size table file. */
export function loadSizeTable(path: string): SizeTable {
  return parseSizeTable(readInputFile(path), path);
}

/** Parses size table text, with `file` as the source in messages. Raises an InputError when no line is usable. */
export function parseSizeTable(text: string, file: string): SizeTable {
  const table: SizeTable = { file, rows: [], skippedLines: [] };
  let semanticsColumn = -1;
  let headerSeen = false;

  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = index + 1;
    if (rawLine.trim() === "" || rawLine.trimStart().startsWith("#")) return;

    const fields = rawLine.split("\t");
    if (!headerSeen) {
      headerSeen = true;
      if (fields[0]?.trim().toLowerCase() === "image") {
        semanticsColumn = fields.findIndex((field) => field.trim().toLowerCase() === "size_semantics");
        return;
      }
    }

    const image = /^(\S+)(?: +\(.*\))?$/.exec(fields[0]?.trim() ?? "")?.[1];
    const bytes = parseBytes(fields[1] ?? "");
    if (image === undefined || bytes === undefined || !Number.isSafeInteger(bytes)) {
      table.skippedLines.push(line);
      return;
    }
    const semantics = semanticsColumn < 0 ? "" : (fields[semanticsColumn] ?? "");
    table.rows.push({ line, image, bytes, compressed: /^compressed\b/i.test(semantics.trim()) });
  });

  if (table.rows.length === 0) {
    throw new InputError(
      file,
      "contains no line with an image reference and a size; expected tab-separated lines such as " +
        '"docker.io/library/redis:7.2.1<TAB>45000000" or "registry.k8s.io/pause:3.9<TAB>321.5kB"',
    );
  }
  return table;
}

/** Sizes by normalized reference, and the lines left out, for one warning. */
export interface SizeIndex {
  bytes: Map<string, number>;
  /** Lines skipped by the parser or whose reference the policy module rejects, in file order. */
  unusableLines: number[];
}

/**
 * Indexes a table by normalized reference. `normalize` returns undefined for an invalid
 * reference. When an image has several rows, the first compressed row wins, else the first row,
 * because the model counts download time and containerd's compressed size is what it downloads.
 */
export function indexSizeTable(table: SizeTable, normalize: (reference: string) => string | undefined): SizeIndex {
  const bytes = new Map<string, number>();
  const compressed = new Set<string>();
  const invalidLines: number[] = [];

  for (const row of table.rows) {
    const image = normalize(row.image);
    if (image === undefined) {
      invalidLines.push(row.line);
      continue;
    }
    const known = bytes.has(image);
    if (!known || (row.compressed && !compressed.has(image))) {
      bytes.set(image, row.bytes);
      if (row.compressed) compressed.add(image);
    }
  }

  const unusableLines = [...table.skippedLines, ...invalidLines].sort((a, b) => a - b);
  return { bytes, unusableLines };
}
