// The after-action report's charts: plain horizontal bar charts drawn here as inline SVG, so the
// printed page needs no script and no image request. Each bar is one data point (class "mark",
// with its value in a <title> and data-seconds/data-count); the page shows the same figures in a
// table beside each chart, and the <svg> carries a title and a description for screen readers.
// Colours are presentation attributes, not style="", which the staff pages' CSP forbids.
import { formatSeconds } from "../domain/records/report-timeline";
import { escapeHtml } from "./html";

export interface Bar {
  label: string;
  value: number;
  /** How the value reads ("5 min 20 s", "9"). */
  valueText: string;
  /** A heading row drawn above this bar (e.g. "Uppdatering 2"). */
  group?: string;
}

export interface BarChart {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  /** The axis: seconds as durations, or plain counts. */
  unit: "seconds" | "count";
}

const WIDTH = 760;
const LABEL_WIDTH = 250;
const VALUE_GAP = 8;
const PLOT_WIDTH = 380;
const ROW = 24;
const BAR = 16;
const AXIS = 30;
const INK = "#1a1a1a";
const BAR_FILL = "#0b4f8a";
const GRID = "#8a929c";

/** Steps a reader counts in: seconds, then minutes, then hours. */
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export function renderBarChart(chart: BarChart): string {
  let max = 0;
  for (const bar of chart.bars) max = Math.max(max, bar.value);
  const writer = barChartWriter(chart, {
    max,
    bars: chart.bars.length,
    groups: chart.bars.filter((b) => b.group).length,
  });
  return writer.head + chart.bars.map(writer.bar).join("") + writer.end;
}

/** What the head of a chart needs before its bars: the scale and the height they take. */
export interface ChartLayout {
  max: number;
  bars: number;
  /** Bars that carry a group heading. */
  groups: number;
}

/**
 * The chart in three parts, so a long one can be written a bar at a time (the archive's report):
 * `head + bars.map(bar).join("") + end` is the whole chart. `bar` must be called in order.
 */
export function barChartWriter(chart: Omit<BarChart, "bars">, layout: ChartLayout) {
  const step = tickStep(layout.max, chart.unit);
  const top = Math.max(step, Math.ceil(layout.max / step) * step);
  const x = (v: number) => LABEL_WIDTH + (v / top) * PLOT_WIDTH;
  const plotBottom = 4 + layout.groups * (6 + ROW) + layout.bars * ROW + 4;
  const ticks: string[] = [];
  for (let v = 0; v <= top; v += step) {
    ticks.push(
      `<line x1="${round(x(v))}" y1="0" x2="${round(x(v))}" y2="${plotBottom}" stroke="${GRID}" stroke-width="${v === 0 ? 1.5 : 0.5}"/>`,
    );
    ticks.push(
      text(x(v), plotBottom + 18, chart.unit === "seconds" ? formatSeconds(v) : String(v), 'text-anchor="middle"'),
    );
  }
  const height = plotBottom + AXIS;
  const ids = `${chart.id}-titel ${chart.id}-beskrivning`;
  const head = [
    `<svg class="chart" id="${escapeHtml(chart.id)}" role="img" aria-labelledby="${escapeHtml(ids)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="${escapeHtml(chart.id)}-titel">${escapeHtml(chart.title)}</title>`,
    `<desc id="${escapeHtml(chart.id)}-beskrivning">${escapeHtml(chart.description)}</desc>`,
    ...ticks,
  ].join("\n");
  let y = 4;
  const bar = (bar: Bar): string => {
    let out = "";
    if (bar.group) {
      y += 6;
      out += `\n${text(8, y + 14, bar.group, 'font-weight="700"')}`;
      y += ROW;
    }
    const width = Math.max((bar.value / top) * PLOT_WIDTH, bar.value > 0 ? 2 : 0);
    const data = chart.unit === "seconds" ? `data-seconds="${bar.value}"` : `data-count="${bar.value}"`;
    out += `\n${text(LABEL_WIDTH - VALUE_GAP, y + 13, bar.label, 'text-anchor="end"')}`;
    out += `\n<rect class="mark" ${data} x="${LABEL_WIDTH}" y="${y + (ROW - BAR) / 2}" width="${round(width)}" height="${BAR}" fill="${BAR_FILL}"><title>${escapeHtml(`${bar.group ? `${bar.group}, ` : ""}${bar.label}: ${bar.valueText}`)}</title></rect>`;
    out += `\n${text(LABEL_WIDTH + width + VALUE_GAP, y + 13, bar.valueText)}`;
    y += ROW;
    return out;
  };
  return { head, bar, end: "\n</svg>" };
}

function tickStep(max: number, unit: BarChart["unit"]): number {
  if (unit === "seconds") return SECOND_STEPS.find((s) => max / s <= 6) ?? Math.ceil(max / 6 / 86400) * 86400;
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const s of [1, 2, 5]) if (max / (s * magnitude) <= 6) return s * magnitude;
  }
}

function text(x: number, y: number, content: string, extra = ""): string {
  return `<text x="${round(x)}" y="${round(y)}" fill="${INK}"${extra ? ` ${extra}` : ""}>${escapeHtml(content)}</text>`;
}

const round = (v: number) => Math.round(v * 10) / 10;
