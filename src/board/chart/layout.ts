import { DateTime } from "luxon";
import { LANES, type ChartMark, type Lane } from "./marks.js";

export interface LayoutOptions {
  width: number;
  /** The zone the axis is read in (CST). */
  zone: string;
  now: number;
}

export interface PlacedMark extends ChartMark {
  x: number;
  /** Baseline of the label. */
  labelY: number;
  labelX: number;
  anchor: "start" | "end";
  /** Centre of the symbol. */
  y: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Left and right ends of the time axis, and its height on the page. */
  x0: number;
  x1: number;
  axisY: number;
  ticks: { x: number; label: string }[];
  lanes: { lane: Lane; top: number; bottom: number }[];
  marks: PlacedMark[];
  /** Where "now" falls, when inside the axis. */
  nowX?: number;
  from: number;
  to: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY];
const MAX_TICKS = 8;
const LANE_LABEL_WIDTH = 80;
const MARGIN_RIGHT = 16;
const ROW_HEIGHT = 16;
const LANE_PAD = 10;
const AXIS_SPACE = 30;
/** A label's width is estimated, not measured (no fonts on the server): generous per character. */
const CHAR_WIDTH = 6.6;
const LABEL_GAP = 8;
const MAX_ROWS = 6;

export function labelWidth(text: string): number {
  return [...text].length * CHAR_WIDTH;
}

/** The smallest tick step that keeps the axis at MAX_TICKS or fewer. */
export function tickStep(span: number): number {
  return STEPS.find((s) => span / s <= MAX_TICKS) ?? Math.ceil(span / MAX_TICKS / DAY) * DAY;
}

/** Tick times on round hours (or midnights) of the zone, covering [from, to]. */
export function ticks(from: number, to: number, zone: string): { at: number; label: string }[] {
  const step = tickStep(to - from);
  const unit = step >= DAY ? "day" : "hour";
  let t = DateTime.fromMillis(from, { zone }).startOf(unit);
  // Whole-day steps count from a midnight, hour steps from a multiple of the step within the day.
  if (step < DAY && step >= HOUR) t = t.set({ hour: Math.floor(t.hour / (step / HOUR)) * (step / HOUR) });
  const out: { at: number; label: string }[] = [];
  const format = step >= DAY ? "MM-dd" : "MM-dd HH:mm";
  for (let guard = 0; guard < 100 && t.toMillis() <= to; guard++) {
    if (t.toMillis() >= from) out.push({ at: t.toMillis(), label: t.toFormat(format) });
    t = step >= DAY ? t.plus({ days: step / DAY }) : t.plus({ milliseconds: step });
  }
  return out;
}

/** The time span shown: every mark and now, padded, at least an hour wide. */
function span(marks: ChartMark[], now: number): { from: number; to: number } {
  const times = [...marks.map((m) => m.at), now];
  let from = Math.min(...times);
  let to = Math.max(...times);
  if (to - from < HOUR) {
    const mid = (from + to) / 2;
    from = mid - HOUR / 2;
    to = mid + HOUR / 2;
  }
  const pad = (to - from) * 0.04;
  return { from: from - pad, to: to + pad };
}

/**
 * Positions for a timeline chart: one linear time axis in CST, a lane per kind of event.
 * Inside a lane, labels that would overlap go to the next row down, so every label stays
 * readable however close the events are; a label that would run off the right edge is
 * drawn to the left of its mark.
 */
export function layoutChart(marks: ChartMark[], o: LayoutOptions): ChartLayout {
  const { from, to } = span(marks, o.now);
  const x0 = LANE_LABEL_WIDTH;
  const x1 = Math.max(x0 + 100, o.width - MARGIN_RIGHT);
  const xOf = (t: number) => x0 + ((t - from) / (to - from)) * (x1 - x0);
  const placed: PlacedMark[] = [];
  const lanes: ChartLayout["lanes"] = [];
  let top = LANE_PAD;
  for (const lane of LANES) {
    const rowsEnd: number[] = [];
    const inLane = marks.filter((m) => m.lane === lane).sort((a, b) => a.at - b.at);
    const laneMarks = inLane.map((m) => {
      const x = xOf(m.at);
      const w = labelWidth(m.label);
      const anchor: "start" | "end" = x + 8 + w > x1 ? "end" : "start";
      const left = anchor === "start" ? x + 8 : x - 8 - w;
      const right = anchor === "start" ? x + 8 + w : x - 8;
      let row = rowsEnd.findIndex((end) => end + LABEL_GAP <= left);
      if (row === -1) row = rowsEnd.length < MAX_ROWS ? rowsEnd.length : rowsEnd.indexOf(Math.min(...rowsEnd));
      rowsEnd[row] = Math.max(rowsEnd[row] ?? -Infinity, right);
      return { m, x, anchor, row };
    });
    const rows = Math.max(1, rowsEnd.length);
    const bottom = top + rows * ROW_HEIGHT + LANE_PAD;
    for (const { m, x, anchor, row } of laneMarks) {
      const y = top + row * ROW_HEIGHT + ROW_HEIGHT / 2 + LANE_PAD / 2;
      placed.push({ ...m, x, y, labelX: anchor === "start" ? x + 8 : x - 8, labelY: y + 4, anchor });
    }
    lanes.push({ lane, top, bottom });
    top = bottom;
  }
  const axisY = top + 4;
  const nowX = o.now >= from && o.now <= to ? xOf(o.now) : undefined;
  return {
    width: o.width,
    height: axisY + AXIS_SPACE,
    x0,
    x1,
    axisY,
    ticks: ticks(from, to, o.zone).map((t) => ({ x: xOf(t.at), label: t.label })),
    lanes,
    marks: placed,
    ...(nowX !== undefined ? { nowX } : {}),
    from,
    to,
  };
}
