import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { labelWidth, layoutChart, tickStep, ticks } from "../../src/board/chart/layout.js";
import type { ChartMark } from "../../src/board/chart/marks.js";
import { renderChart } from "../../src/board/chart/svg.js";

const CST = "Asia/Shanghai";
const at = (iso: string) => Date.parse(iso);
const mark = (iso: string, kind: ChartMark["kind"], label: string, lane: ChartMark["lane"] = "clock"): ChartMark => ({ at: at(iso), kind, lane, label });

describe("chart layout", () => {
  const aware = "2026-03-02T01:00:00Z"; // 09:00 CST
  const marks = [
    mark(aware, "aware", "Aware"),
    mark("2026-03-02T02:00:00Z", "deadline", "Provisional deadline (1 h)"),
    mark("2026-03-02T01:30:00Z", "warning", "Warning: half time", "warnings"),
    mark("2026-03-02T01:31:00Z", "warning", "Warning: due soon", "warnings"),
    mark("2026-03-02T01:32:00Z", "warning", "Warning: at deadline", "warnings"),
    mark("2026-03-02T01:40:00Z", "filing", "initial report filed", "filings"),
  ];
  const layout = layoutChart(marks, { width: 960, zone: CST, now: at("2026-03-02T01:50:00Z") });

  it("places time left to right on the axis, inside it", () => {
    const xs = [...layout.marks].sort((a, b) => a.at - b.at).map((m) => m.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const m of layout.marks) {
      expect(m.x).toBeGreaterThanOrEqual(layout.x0);
      expect(m.x).toBeLessThanOrEqual(layout.x1);
    }
    expect(layout.nowX).toBeGreaterThan(layout.marks.find((m) => m.kind === "filing")?.x ?? Infinity);
  });

  it("keeps x proportional to time", () => {
    const x = (kind: string) => layout.marks.find((m) => m.kind === kind)?.x as number;
    const perMs = (x("deadline") - x("aware")) / 3_600_000;
    expect(x("filing") - x("aware")).toBeCloseTo(perMs * 40 * 60_000, 6);
  });

  it("puts ticks on round CST times, labelled in CST", () => {
    expect(layout.ticks.length).toBeGreaterThan(1);
    for (const t of layout.ticks) {
      const cst = DateTime.fromMillis(layout.from + ((t.x - layout.x0) / (layout.x1 - layout.x0)) * (layout.to - layout.from), { zone: CST });
      expect(cst.toFormat("MM-dd HH:mm")).toBe(t.label);
      expect(cst.minute % 15).toBe(0);
    }
    expect(layout.ticks.map((t) => t.label)).toContain("03-02 09:30");
  });

  it("moves labels that would overlap to another row, so none overlap", () => {
    const rows = layout.marks.filter((m) => m.lane === "warnings");
    expect(new Set(rows.map((m) => m.labelY)).size).toBe(3);
    for (const a of layout.marks) {
      for (const b of layout.marks) {
        if (a === b || a.labelY !== b.labelY) continue;
        const span = (m: typeof a) => (m.anchor === "start" ? [m.labelX, m.labelX + labelWidth(m.label)] : [m.labelX - labelWidth(m.label), m.labelX]);
        const [a0, a1] = span(a) as [number, number];
        const [b0, b1] = span(b) as [number, number];
        expect(a1 <= b0 || b1 <= a0, `${a.label} / ${b.label}`).toBe(true);
      }
    }
  });

  it("draws a label at the right edge to the left of its mark", () => {
    const last = layout.marks.find((m) => m.kind === "deadline");
    const l = layoutChart([mark(aware, "aware", "Aware"), mark("2026-03-02T02:00:00Z", "deadline", "A rather long label at the very end")], { width: 600, zone: CST, now: at(aware) });
    const end = l.marks.find((m) => m.kind === "deadline");
    expect(end?.anchor).toBe("end");
    expect((end?.labelX ?? 0) - labelWidth(end?.label ?? "")).toBeGreaterThan(0);
    expect(last).toBeDefined();
  });

  it("lanes stack without overlapping, and the chart is tall enough for them", () => {
    for (let i = 1; i < layout.lanes.length; i++) expect(layout.lanes[i]?.top).toBe(layout.lanes[i - 1]?.bottom);
    expect(layout.height).toBeGreaterThan(layout.axisY);
    for (const m of layout.marks) {
      const lane = layout.lanes.find((l) => l.lane === m.lane);
      expect(m.y).toBeGreaterThan(lane?.top ?? Infinity);
      expect(m.y).toBeLessThan(lane?.bottom ?? -Infinity);
    }
  });

  it("handles a single moment (at least an hour is shown) and no marks at all", () => {
    const one = layoutChart([mark(aware, "aware", "Aware")], { width: 960, zone: CST, now: at(aware) });
    expect(one.to - one.from).toBeGreaterThanOrEqual(3_600_000);
    expect(Number.isFinite(one.marks[0]?.x)).toBe(true);
    const none = layoutChart([], { width: 960, zone: CST, now: at(aware) });
    expect(none.marks).toEqual([]);
    expect(none.ticks.length).toBeGreaterThan(0);
  });

  it("spans a 30-day clock with day ticks on CST midnights", () => {
    const l = layoutChart([mark(aware, "aware", "Aware"), mark("2026-04-01T01:00:00Z", "final_due", "30-day report due")], { width: 960, zone: CST, now: at(aware) });
    expect(l.ticks.length).toBeLessThanOrEqual(8);
    for (const t of l.ticks) expect(t.label).toMatch(/^\d{2}-\d{2}$/);
    expect(tickStep(30 * 86_400_000)).toBe(7 * 86_400_000);
    const day = ticks(at("2026-03-01T00:00:00Z"), at("2026-03-11T00:00:00Z"), CST);
    expect(day.length).toBeGreaterThan(3);
    for (const t of day) expect(DateTime.fromMillis(t.at, { zone: CST }).toFormat("HH:mm")).toBe("00:00");
  });

  it("renders labels as escaped text and says everything in its description", () => {
    const hostile = layoutChart([mark(aware, "level", "<script>alert(1)</script>", "level")], { width: 960, zone: CST, now: at(aware) });
    const svg = renderChart(hostile, { title: "T <b>", description: "d & e", zoneLabel: "CST" }).text;
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(svg).toContain("T &lt;b&gt;");
    expect(svg).toContain("d &amp; e");
  });
});
