import type { ActiveIncident } from "../incidents/service.js";
import type { IncidentSnapshot } from "../incidents/model.js";
import { levelById } from "../rules/classify.js";
import { missingItemsText } from "../report/card.js";
import { html, trusted, type SafeHtml } from "./html.js";
import { countdown, urgencyOf } from "./urgency.js";
import { channelCell, levelCell, nextDue, reportsOwed, timeCell, type BoardView, type NextDue } from "./view.js";

/**
 * Most urgent first: the nearest deadline (overdue ones are nearest), then incidents with no
 * clock running by level, highest first; unreadable incidents last, so they are not missed
 * but do not push live clocks down.
 */
/** An entry with its next deadline, worked out once per request. */
interface Entry {
  e: ActiveIncident;
  due: NextDue | undefined;
}

function byUrgency(view: Pick<BoardView, "pack">, entries: Entry[]): Entry[] {
  const key = ({ e, due }: Entry): [number, number, number, number] => {
    if (!e.snapshot) return [2, 0, 0, e.incident.id];
    if (due) return [0, Date.parse(due.at), 0, e.incident.id];
    return [1, 0, -levelById(view.pack, e.snapshot.classification.level).rank, e.incident.id];
  };
  return entries
    .map((x) => ({ x, k: key(x) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2] || a.k[3] - b.k[3])
    .map(({ x }) => x);
}

/** A row's cells that do not move with the clock, rendered once per reading of the database. */
interface StaticCells {
  head: string;
  tail: string;
}

function staticCells(snap: IncidentSnapshot, due: NextDue | undefined, v: BoardView): StaticCells {
  const i = snap.incident;
  const owed = reportsOwed(v.pack, snap);
  return {
    head: html`<th scope="row"><a href="${v.base}/incidents/${i.id}">#${i.id} ${i.title}</a>${i.status === "resolved" ? html` <small>(resolved)</small>` : ""}</th>
<td>${levelCell(v.pack, snap)}</td>
<td>${due ? html`${timeCell(due.at, v)}<br><small>${due.what}</small>` : "no clock running"}</td>`.text,
    tail: html`<td>${owed.length ? owed.join("; ") : "none"}</td>
<td>${missingItemsText(v.pack, snap)}</td>
<td>${channelCell(snap, v)}</td>`.text,
  };
}

/**
 * The list page. Rendering a thousand rows is mostly formatting times: the cells that do not
 * depend on the clock are kept per database version and viewer zone; the countdown and the
 * row's urgency are rendered afresh on every request.
 */
export class ListRenderer {
  private version = "";
  private readonly cells = new Map<string, StaticCells>();

  render(entries: ActiveIncident[], v: BoardView, version: string): SafeHtml {
    if (version !== this.version) {
      this.cells.clear();
      this.version = version;
    }
    return renderList(entries, v, (snap, due) => {
      const key = `${snap.incident.id}\u0000${v.zone}`;
      let cells = this.cells.get(key);
      if (!cells) {
        cells = staticCells(snap, due, v);
        this.cells.set(key, cells);
      }
      return cells;
    });
  }
}

function row(snap: IncidentSnapshot, due: NextDue | undefined, v: BoardView, cells: StaticCells): SafeHtml {
  const state = due ? urgencyOf(Date.parse(due.at), v.now, due.soonMs) : "none";
  return html`<tr class="row-${state}" data-incident="${snap.incident.id}">
${trusted(cells.head)}
<td>${due ? countdown(due.at, v.now, due.soonMs) : "—"}</td>
${trusted(cells.tail)}
</tr>`;
}

function brokenRow(e: ActiveIncident, v: BoardView): SafeHtml {
  return html`<tr class="row-broken"><th scope="row"><a href="${v.base}/incidents/${e.incident.id}">#${e.incident.id} ${e.incident.title}</a></th><td colspan="6"><strong>⚠ Cannot be read:</strong> ${e.problem ?? ""}</td></tr>`;
}

function renderList(entries: ActiveIncident[], v: BoardView, cellsOf: (snap: IncidentSnapshot, due: NextDue | undefined) => StaticCells): SafeHtml {
  const sorted = byUrgency(
    v,
    entries.map((e) => ({ e, due: e.snapshot ? nextDue(v.pack, e.snapshot) : undefined })),
  );
  const overdue = sorted.filter(({ due }) => due && urgencyOf(Date.parse(due.at), v.now, due.soonMs) === "overdue").length;
  return html`<h1>Open incidents</h1>
<p class="summary">${sorted.length} open incident${sorted.length === 1 ? "" : "s"}${overdue ? html`, <strong class="overdue-count">${overdue} overdue</strong>` : ""}. Times in China Standard Time (CST)${v.zone === v.pack.authority_zone ? "" : ` and ${v.zone}`}.</p>
${
  sorted.length
    ? html`<table class="incidents">
<thead><tr><th scope="col">Incident</th><th scope="col">Level</th><th scope="col">Next deadline</th><th scope="col">Time left</th><th scope="col">Reports owed</th><th scope="col">Items missing</th><th scope="col">Platform · channel</th></tr></thead>
<tbody>
${sorted.map(({ e, due }) => (e.snapshot ? row(e.snapshot, due, v, cellsOf(e.snapshot, due)) : brokenRow(e, v)))}
</tbody>
</table>`
    : html`<p>No open incident you can see. Incidents appear here when you are a member of their channel.</p>`
}`;
}
