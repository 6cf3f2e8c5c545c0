// A Gantt-style SVG timeline of the runs, readable without the terminal output. Each run gets a
// lane with one row per slot and one bar per pull, coloured by tier. A dashed line marks when the
// run's critical tier is ready and a dotted line the tier's lower bound. A time axis in seconds
// and a legend explain the rest.

import { TIERS, type Tier } from "../abi/constants.ts";
import { boundRatio, runTitle, type RunSummary } from "./report.ts";
import type { PullRecord, RunResult } from "./runs.ts";
import type { Scenario } from "./scenario.ts";

/** Okabe-Ito colours, which stay distinct under the common colour-vision deficiencies. */
const TIER_COLOURS: Record<Tier, string> = { critical: "#D55E00", preferred: "#009E73", default: "#0072B2" };

const WIDTH = 1200;
const PLOT_LEFT = 210;
const PLOT_RIGHT = WIDTH - 40;
const LANES_TOP = 120;
const ROW_HEIGHT = 18;
const BAR_HEIGHT = 14;
const LANE_PADDING = 22;
const LANE_GAP = 14;
const AXIS_HEIGHT = 50;
/** Approximate width of one character of the 10 px bar labels, to decide whether a label fits. */
const LABEL_CHAR_WIDTH = 6;

export interface TimelineOptions {
  /** First line of the picture, such as the pods file. */
  title: string;
  /** Description of the scenario, shown under the title. */
  subtitle: string;
}

/** Renders the runs as an SVG document. `summaries` must be in the same order as `runs`. */
export function renderTimeline(
  scenario: Scenario,
  runs: readonly RunResult[],
  summaries: readonly RunSummary[],
  options: TimelineOptions,
): string {
  let endTime = 0;
  for (const run of runs) for (const pull of run.pulls) endTime = Math.max(endTime, pull.end);
  const step = tickStep(endTime);
  const axisEnd = Math.max(step, Math.ceil(endTime / step) * step);
  const x = (time: number): number => PLOT_LEFT + (time / axisEnd) * (PLOT_RIGHT - PLOT_LEFT);

  const laneHeights = runs.map((run) => LANE_PADDING + run.slots * ROW_HEIGHT + 8);
  const lanesBottom = LANES_TOP + laneHeights.reduce((sum, height) => sum + height + LANE_GAP, 0);
  const height = lanesBottom + AXIS_HEIGHT;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="20" y="30" font-size="18" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<text x="20" y="52" fill="#333">${escapeXml(options.subtitle)}</text>`,
    renderLegend(scenario),
    renderGrid(step, axisEnd, x, lanesBottom),
  ];

  let top = LANES_TOP;
  runs.forEach((run, index) => {
    parts.push(renderLane(run, summaries[index]!, top, laneHeights[index]!, x));
    top += laneHeights[index]! + LANE_GAP;
  });

  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function renderLegend(scenario: Scenario): string {
  const items: string[] = [];
  let left = 20;
  for (const tier of TIERS) {
    const pods = scenario.pods.filter((pod) => pod.tier === tier).length;
    items.push(
      `<rect x="${left}" y="72" width="14" height="14" fill="${TIER_COLOURS[tier]}"/>`,
      `<text x="${left + 20}" y="84">${tier} tier (${pods} ${pods === 1 ? "pod" : "pods"})</text>`,
    );
    left += 170;
  }
  items.push(
    `<rect x="${left}" y="72" width="30" height="14" fill="#777"/>`,
    `<rect x="${left}" y="72" width="12" height="14" fill="white" fill-opacity="0.6"/>`,
    `<text x="${left + 36}" y="84">one pull; the pale start is its latency</text>`,
  );
  left += 280;
  items.push(
    `<line x1="${left}" y1="70" x2="${left}" y2="88" stroke="black" stroke-width="2" stroke-dasharray="5 3"/>`,
    `<text x="${left + 8}" y="84">every critical pod ready</text>`,
    `<line x1="${left + 175}" y1="70" x2="${left + 175}" y2="88" stroke="#555" stroke-width="1.5" stroke-dasharray="1 3"/>`,
    `<text x="${left + 183}" y="84">critical lower bound</text>`,
  );
  return `<g class="legend">\n${items.join("\n")}\n</g>`;
}

function renderGrid(step: number, axisEnd: number, x: (time: number) => number, lanesBottom: number): string {
  const lines: string[] = [];
  const digits = step < 1 ? Math.ceil(-Math.log10(step)) : 0;
  for (let index = 0; index * step <= axisEnd + step / 1000; index++) {
    const time = index * step;
    const position = x(time).toFixed(1);
    lines.push(
      `<line x1="${position}" y1="${LANES_TOP - 6}" x2="${position}" y2="${lanesBottom}" stroke="#ddd"/>`,
      `<text x="${position}" y="${lanesBottom + 16}" text-anchor="middle">${time.toFixed(digits)}</text>`,
    );
  }
  lines.push(
    `<line x1="${PLOT_LEFT}" y1="${lanesBottom}" x2="${PLOT_RIGHT}" y2="${lanesBottom}" stroke="#333"/>`,
    `<text x="${(PLOT_LEFT + PLOT_RIGHT) / 2}" y="${lanesBottom + 38}" text-anchor="middle">time (seconds)</text>`,
  );
  return `<g class="axis">\n${lines.join("\n")}\n</g>`;
}

function renderLane(
  run: RunResult,
  summary: RunSummary,
  top: number,
  height: number,
  x: (time: number) => number,
): string {
  const parts: string[] = [
    `<g class="lane" data-run="${run.name}">`,
    `<rect x="10" y="${top}" width="${WIDTH - 30}" height="${height}" fill="none" stroke="#bbb"/>`,
    `<text x="20" y="${top + 16}" font-weight="bold">${escapeXml(runTitle(run))}</text>`,
  ];
  for (let slot = 0; slot < run.slots; slot++) {
    const rowTop = top + LANE_PADDING + slot * ROW_HEIGHT;
    parts.push(`<text x="${PLOT_LEFT - 8}" y="${rowTop + 13}" text-anchor="end" fill="#555">slot ${slot + 1}</text>`);
  }

  for (const pull of run.pulls) parts.push(renderBar(pull, top + LANE_PADDING + pull.slot * ROW_HEIGHT, x));

  // The markers start below the lane's header, and the figures go in the header, where a marker
  // near the right edge cannot push them out of the picture.
  const critical = summary.tiers.critical;
  const markerTop = top + LANE_PADDING - 2;
  if (critical.lowerBoundSeconds !== null) {
    const position = x(critical.lowerBoundSeconds).toFixed(1);
    parts.push(
      `<line class="critical-bound" x1="${position}" y1="${markerTop}" x2="${position}" y2="${top + height - 2}" ` +
        `stroke="#333" stroke-width="1.5" stroke-dasharray="1 3"/>`,
    );
  }
  if (critical.readySeconds !== null) {
    const position = x(critical.readySeconds).toFixed(1);
    const ratio = boundRatio(critical);
    const comparison = ratio === null ? "" : ` (${ratio.toFixed(2)} × the lower bound)`;
    parts.push(
      `<line class="critical-ready" x1="${position}" y1="${markerTop}" x2="${position}" y2="${top + height - 2}" ` +
        `stroke="black" stroke-width="2" stroke-dasharray="5 3"/>`,
      `<text x="${PLOT_LEFT}" y="${top + 16}">every critical pod ready at ${critical.readySeconds.toFixed(2)} s${comparison}</text>`,
    );
  }
  parts.push("</g>");
  return parts.join("\n");
}

function renderBar(pull: PullRecord, rowTop: number, x: (time: number) => number): string {
  const left = x(pull.start);
  const width = Math.max(1, x(pull.end) - left);
  const latencyWidth = Math.min(width, x(pull.downloadStart) - left);
  const y = rowTop + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  const downloaded = pull.bytes === 0 ? "already on the node" : `${pull.bytes} bytes`;
  const tooltip = `${pull.image}: ${pull.tier} tier, ${pull.start.toFixed(2)} s to ${pull.end.toFixed(2)} s, ${downloaded}`;

  const parts = [
    `<rect class="pull" x="${left.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${BAR_HEIGHT}" ` +
      `fill="${TIER_COLOURS[pull.tier]}" stroke="white" stroke-width="0.5"><title>${escapeXml(tooltip)}</title></rect>`,
  ];
  if (latencyWidth >= 0.5) {
    parts.push(
      `<rect class="latency" x="${left.toFixed(2)}" y="${y}" width="${latencyWidth.toFixed(2)}" height="${BAR_HEIGHT}" ` +
        `fill="white" fill-opacity="0.6" pointer-events="none"/>`,
    );
  }
  // The label starts after the pale latency part, where white text is readable on the tier colour.
  const label = shortName(pull.image);
  const labelLeft = left + Math.max(0, latencyWidth);
  if (label.length * LABEL_CHAR_WIDTH + 6 <= left + width - labelLeft) {
    parts.push(
      `<text x="${(labelLeft + 3).toFixed(2)}" y="${y + BAR_HEIGHT - 3}" font-size="10" fill="white" ` +
        `pointer-events="none">${escapeXml(label)}</text>`,
    );
  }
  return parts.join("");
}

/** Returns the last path component of a reference with its tag, and a digest cut to 12 hex digits. */
export function shortName(image: string): string {
  const name = image.slice(image.lastIndexOf("/") + 1);
  const at = name.indexOf("@");
  if (at < 0) return name;
  const digest = name.slice(at + 1);
  const hex = digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 13);
  return `${name.slice(0, at)}@${hex}`;
}

/** Returns a tick spacing of 1, 2 or 5 times a power of ten that gives about ten ticks up to `end`. */
function tickStep(end: number): number {
  if (!(end > 0)) return 1;
  const rough = end / 10;
  const power = 10 ** Math.floor(Math.log10(rough));
  const multiple = [1, 2, 5, 10].find((candidate) => candidate * power >= rough) ?? 10;
  return multiple * power;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
