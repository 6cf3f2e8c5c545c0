// Formatting of benchmark figures as Markdown tables, readable in a terminal
// and ready to paste into docs/benchmarks.md.

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return "n/a";
  if (Math.abs(ns) < 1000) return `${Math.round(ns)} ns`;
  return `${(ns / 1000).toFixed(2)} us`;
}

export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : "n/a";
}

export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} B (${(bytes / 1024).toFixed(1)} KiB)`;
}

export function verdict(pass: boolean): string {
  return pass ? "PASS" : "MISS";
}

/** Returns a Markdown table with columns padded to equal width. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => (cells[column] ?? "").padEnd(width)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
