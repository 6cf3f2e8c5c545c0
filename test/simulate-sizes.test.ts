// Size tables of `simulate`: the tab-separated format with comments, header and notes, the
// preference for compressed sizes, and lookup by normalized reference.

import { describe, expect, it } from "vitest";

import { InputError } from "../host/input-error.ts";
import { PolicyModule } from "../host/loader.ts";
import { ReferenceNormalizer } from "../host/simulate/normalize.ts";
import { indexSizeTable, parseSizeTable } from "../host/simulate/sizes.ts";

const module = PolicyModule.load();

/** Joins lines with newlines and the fields of each line with tabs. */
function tsv(...lines: string[][]): string {
  return lines.map((fields) => fields.join("\t")).join("\n") + "\n";
}

describe("parseSizeTable", () => {
  it("reads lines without a header", () => {
    const table = parseSizeTable(tsv(["redis:7.2.1", "45000000"], ["registry.k8s.io/pause:3.9", "321.5kB"]), "sizes.tsv");

    expect(table.rows).toEqual([
      { line: 1, image: "redis:7.2.1", bytes: 45_000_000, compressed: false },
      { line: 2, image: "registry.k8s.io/pause:3.9", bytes: 321_500, compressed: false },
    ]);
    expect(table.skippedLines).toEqual([]);
  });

  it("skips comments and blank lines", () => {
    const text = "# sizes from crictl\n\n  # indented comment\nredis:7.2.1\t45MB\n";

    const table = parseSizeTable(text, "sizes.tsv");

    expect(table.rows).toEqual([{ line: 4, image: "redis:7.2.1", bytes: 45_000_000, compressed: false }]);
  });

  it("reads the header's size_semantics column", () => {
    const text = tsv(
      ["image", "compressed_bytes_or_size_as_printed", "source", "size_semantics", "tool_runtime"],
      ["example.com/app:1", "187MB", "docker images", "uncompressed (docker images)", "docker"],
      ["example.com/app:1", "70.5MB", "crictl images", "compressed (crictl on containerd)", "containerd"],
    );

    const table = parseSizeTable(text, "sizes.tsv");

    expect(table.rows.map((row) => [row.line, row.bytes, row.compressed])).toEqual([
      [2, 187_000_000, false],
      [3, 70_500_000, true],
    ]);
  });

  it("drops a note in parentheses after the reference", () => {
    const table = parseSizeTable(tsv(["nginx:latest (2019)", "126215561"]), "sizes.tsv");

    expect(table.rows[0]?.image).toBe("nginx:latest");
  });

  it("skips lines that are not a reference and a size", () => {
    const text = tsv(
      ["image", "size"],
      ["example.com/app:1", "1.5GB"],
      ["an image described in prose (2020-04)", "4.13 GB"],
      ["example.com/app:2", "about 15.5GB"],
      ["example.com/app:3"],
      ["example.com/app:4", "3.42GB (Docker Hub) / 5.68GB (local build)"],
    );

    const table = parseSizeTable(text, "sizes.tsv");

    expect(table.rows.map((row) => row.image)).toEqual(["example.com/app:1"]);
    expect(table.skippedLines).toEqual([3, 4, 5, 6]);
  });

  it("rejects a table without a usable line", () => {
    expect(() => parseSizeTable("# nothing here\nimage\tsize\n", "empty.tsv")).toThrow(InputError);
    expect(() => parseSizeTable("# nothing here\nimage\tsize\n", "empty.tsv")).toThrow(/empty\.tsv: contains no line/);
  });
});

describe("indexSizeTable", () => {
  const normalizer = new ReferenceNormalizer(module);
  const normalize = (reference: string): string | undefined => normalizer.normalize(reference);

  it("keys sizes by normalized reference", () => {
    const table = parseSizeTable(tsv(["redis:latest", "116976307"], ["quay.io/calico/node:v3.26.1", "80MB"]), "s.tsv");

    const index = indexSizeTable(table, normalize);

    expect(index.bytes.get("docker.io/library/redis:latest")).toBe(116_976_307);
    expect(index.bytes.get("quay.io/calico/node:v3.26.1")).toBe(80_000_000);
  });

  it("prefers a compressed row over an earlier one", () => {
    const text = tsv(
      ["image", "size", "size_semantics"],
      ["nginx:latest (2019)", "126215561", "uncompressed"],
      ["docker.io/library/nginx:latest (2023-09)", "70.5MB", "compressed (crictl on containerd)"],
      ["docker.io/library/nginx:latest (2023-10)", "191MB", "uncompressed (CRI-O)"],
    );

    const index = indexSizeTable(parseSizeTable(text, "s.tsv"), normalize);

    expect(index.bytes.get("docker.io/library/nginx:latest")).toBe(70_500_000);
  });

  it("keeps the first of two rows of one kind", () => {
    const table = parseSizeTable(tsv(["example.com/app:1", "10MB"], ["example.com/app:1", "20MB"]), "s.tsv");

    expect(indexSizeTable(table, normalize).bytes.get("example.com/app:1")).toBe(10_000_000);
  });

  it("reports references the module rejects", () => {
    const table = parseSizeTable(
      tsv(["image", "size"], ["Example/App:1", "10MB"], ["example.com/app@sha256:9aab42bf...", "10.8 MiB"], ["ok:1", "1MB"]),
      "s.tsv",
    );

    const index = indexSizeTable(table, normalize);

    expect(index.unusableLines).toEqual([2, 3]);
    expect([...index.bytes.keys()]).toEqual(["docker.io/library/ok:1"]);
  });
});

describe("ReferenceNormalizer", () => {
  it("normalizes a batch with an invalid reference", () => {
    const normalizer = new ReferenceNormalizer(module);
    const references = Array.from({ length: 300 }, (_, index) => `example.com/app-${index}:v1`);
    references.splice(150, 0, "Not/A/Valid:Reference", "redis");

    normalizer.normalizeAll(references);

    expect(normalizer.normalize("redis")).toBe("docker.io/library/redis:latest");
    expect(normalizer.normalize("Not/A/Valid:Reference")).toBeUndefined();
    expect(normalizer.normalize("example.com/app-299:v1")).toBe("example.com/app-299:v1");
  });
});
