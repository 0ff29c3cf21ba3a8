import { html, type SafeHtml } from "../html.js";
import type { ChartLayout, PlacedMark } from "./layout.js";
import type { Lane, MarkKind } from "./marks.js";

const LANE_TITLES: Record<Lane, string> = { clock: "Clock", warnings: "Warnings", level: "Level", filings: "Filings" };

/** A different shape per kind, so the chart reads without colour. */
function symbol(m: PlacedMark): SafeHtml {
  const { x, y } = m;
  const cls = `mark mark-${m.kind}${m.missed ? " missed" : ""}`;
  const shapes: Record<MarkKind, () => SafeHtml> = {
    aware: () => html`<circle class="${cls}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5"/>`,
    deadline: () => html`<path class="${cls}" d="M${x.toFixed(1)} ${(y - 6).toFixed(1)} l6 6 l-6 6 l-6 -6 z"/>`,
    final_due: () => html`<path class="${cls}" d="M${x.toFixed(1)} ${(y - 6).toFixed(1)} l6 6 l-6 6 l-6 -6 z"/>`,
    resolved: () => html`<rect class="${cls}" x="${(x - 5).toFixed(1)}" y="${(y - 5).toFixed(1)}" width="10" height="10"/>`,
    warning: () => html`<path class="${cls}" d="M${x.toFixed(1)} ${(y - 6).toFixed(1)} l6 11 l-12 0 z"/>`,
    level: () => html`<path class="${cls}" d="M${(x - 5).toFixed(1)} ${(y + 4).toFixed(1)} l5 -9 l5 9 z"/>`,
    filing: () => html`<rect class="${cls}" x="${(x - 5).toFixed(1)}" y="${(y - 5).toFixed(1)}" width="10" height="10" rx="2"/>`,
  };
  return shapes[m.kind]();
}

/**
 * The chart as inline SVG, drawn on the server: no script, no external font or style beyond
 * the board's own stylesheet. The title and description carry the same content as text.
 */
export function renderChart(layout: ChartLayout, caption: { title: string; description: string; zoneLabel: string }): SafeHtml {
  const { width, height, x0, x1, axisY } = layout;
  return html`<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${caption.title}</title>
<desc id="chart-desc">${caption.description}</desc>
${layout.lanes.map(
  (l, i) => html`<g class="lane">${i % 2 ? html`<rect class="lane-band" x="0" y="${l.top}" width="${width}" height="${l.bottom - l.top}"/>` : ""}<text class="lane-title" x="4" y="${(l.top + l.bottom) / 2 + 4}">${LANE_TITLES[l.lane]}</text></g>`,
)}
<line class="axis" x1="${x0}" y1="${axisY}" x2="${x1}" y2="${axisY}"/>
${layout.ticks.map((t) => html`<g class="tick"><line x1="${t.x.toFixed(1)}" y1="${axisY}" x2="${t.x.toFixed(1)}" y2="${axisY + 5}"/><line class="grid" x1="${t.x.toFixed(1)}" y1="0" x2="${t.x.toFixed(1)}" y2="${axisY}"/><text x="${t.x.toFixed(1)}" y="${axisY + 18}" text-anchor="middle">${t.label}</text></g>`)}
<text class="zone" x="4" y="${axisY + 18}">${caption.zoneLabel}</text>
${layout.nowX !== undefined ? html`<g class="now"><line x1="${layout.nowX.toFixed(1)}" y1="0" x2="${layout.nowX.toFixed(1)}" y2="${axisY}"/><text x="${(layout.nowX + 3).toFixed(1)}" y="9">now</text></g>` : ""}
${layout.marks.map(
  (m) => html`<g class="event"><line class="stem" x1="${m.x.toFixed(1)}" y1="${m.y.toFixed(1)}" x2="${m.x.toFixed(1)}" y2="${axisY}"/>${symbol(m)}<text class="label${m.missed ? " missed" : ""}" x="${m.labelX.toFixed(1)}" y="${m.labelY.toFixed(1)}" text-anchor="${m.anchor}">${m.label}</text></g>`,
)}
</svg>`;
}
