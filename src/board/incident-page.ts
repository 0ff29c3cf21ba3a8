import { owedClocks, type IncidentSnapshot } from "../incidents/model.js";
import type { ChainCheck, TimelineEvent } from "../incidents/timeline.js";
import { reportState } from "../report/card.js";
import type { Draft } from "../report/draft.js";
import { eventSummary } from "../report/events.js";
import { formatCst } from "../report/format.js";
import { clockReasons } from "../report/reasons.js";
import { label, loadTemplates } from "../report/templates.js";
import { chartMarks } from "./chart/marks.js";
import { layoutChart } from "./chart/layout.js";
import { renderChart } from "./chart/svg.js";
import { DRAFT_DOWNLOADS } from "./downloads.js";
import { html, type SafeHtml } from "./html.js";
import { countdown } from "./urgency.js";
import { channelCell, levelCell, nextDue, reportsOwed, timeCell, type BoardView } from "./view.js";

export interface IncidentPageData {
  snap: IncidentSnapshot;
  events: TimelineEvent[];
  chain: ChainCheck;
  draft: Draft;
  /** The draft as plain text, both languages. */
  draftText: string;
}

const CHART_WIDTH = 960;

function factsSection(snap: IncidentSnapshot, v: BoardView): SafeHtml {
  const known = v.pack.facts.filter((f) => snap.facts[f.name] !== undefined && f.name !== "aware_at");
  const unknown = snap.classification.missing.map((n) => v.pack.facts.find((f) => f.name === n)?.en ?? n);
  return html`<section aria-labelledby="facts-h"><h2 id="facts-h">Facts</h2>
${known.length ? html`<table class="facts"><tbody>${known.map((f) => html`<tr><th scope="row">${f.en}<br><small lang="zh">${f.zh}</small></th><td>${String(snap.facts[f.name])}${f.unit ? ` ${f.unit}` : ""}</td></tr>`)}</tbody></table>` : html`<p>No facts entered yet.</p>`}
${unknown.length && snap.incident.status === "open" ? html`<p><strong>Unknown facts that could raise the level or decide the deadline:</strong> ${unknown.join("; ")}</p>` : ""}
<h3>Criteria met</h3>
${
  snap.classification.criteria.length
    ? html`<ul>${snap.classification.criteria.map((c) => html`<li>${c.text_en} <span lang="zh">${c.text_zh}</span>${c.confirmed ? "" : html` <em>(${label(loadTemplates(), "unconfirmed").en})</em>`}${c.interpretation ? html` <em>(${label(loadTemplates(), "stricter_reading").en}: ${c.interpretation.en})</em>` : ""}</li>`)}</ul>`
    : html`<p>None so far.</p>`
}
${(() => {
  const reasons = owedClocks(snap).report ? clockReasons(snap) : [];
  return reasons.length ? html`<h3>${label(loadTemplates(), "why_provisional").en}</h3><ul>${reasons.map((r) => html`<li>${r.en}</li>`)}</ul>` : "";
})()}
</section>`;
}

function draftSection(d: IncidentPageData, v: BoardView): SafeHtml {
  const id = d.snap.incident.id;
  return html`<section aria-labelledby="draft-h"><h2 id="draft-h">Draft: ${d.draft.kind} report</h2>
<p>Download: ${DRAFT_DOWNLOADS.map((f, n) => html`${n ? " · " : ""}<a href="${v.base}/incidents/${id}/draft?format=${f.format}&amp;kind=${d.draft.kind}" download>${f.label}</a>`)}</p>
<pre class="draft">${d.draftText}</pre>
</section>`;
}

function timelineSection(d: IncidentPageData, v: BoardView): SafeHtml {
  const c = d.chain;
  return html`<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<p class="${c.ok ? "chain-ok" : "chain-broken"}">${c.ok ? `✓ Hash chain intact (${c.events} events).` : `⚠ Hash chain BROKEN at event ${c.brokenAt}: ${c.reason}. Run warroom verify.`}</p>
<table class="timeline"><thead><tr><th scope="col">#</th><th scope="col">When (CST)</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
<tbody>${d.events.map((e) => html`<tr${e.broken ? html` class="row-broken"` : ""}><td>${e.seq}</td><td>${formatCst(e.at, v.pack.authority_zone)}</td><td>${e.actor}</td><td>${e.type}</td><td>${eventSummary(e)}</td></tr>`)}</tbody></table>
</section>`;
}

export function renderIncident(d: IncidentPageData, v: BoardView): SafeHtml {
  const { snap } = d;
  const i = snap.incident;
  const due = nextDue(v.pack, snap);
  const owed = reportsOwed(v.pack, snap);
  const marks = chartMarks(v.pack, snap, d.events, v.now);
  const chart = renderChart(layoutChart(marks, { width: CHART_WIDTH, zone: v.pack.authority_zone, now: v.now }), {
    title: `Timeline of incident #${i.id}`,
    description: marks.map((m) => `${formatCst(new Date(m.at).toISOString(), v.pack.authority_zone)}: ${m.label}`).join("; "),
    zoneLabel: "CST",
  });
  return html`<h1>#${i.id} ${i.title}</h1>
<dl class="overview">
<dt>Level</dt><dd>${levelCell(v.pack, snap)}</dd>
<dt>Status</dt><dd>${i.status}</dd>
<dt>Aware at</dt><dd>${timeCell(i.awareAt, v)}</dd>
<dt>Next deadline</dt><dd>${due ? html`${timeCell(due.at, v)} — ${due.what}<br>${countdown(due.at, v.now, due.soonMs)}` : "no clock running"}</dd>
<dt>Report</dt><dd>${reportState({ pack: v.pack, displayZone: v.zone, now: v.now }, snap)}</dd>
<dt>Reports owed</dt><dd>${owed.length ? owed.join("; ") : "none"}</dd>
<dt>Channel</dt><dd>${channelCell(snap, v)}</dd>
</dl>
<section aria-labelledby="chart-h"><h2 id="chart-h">Timeline chart (CST)</h2>
<figure class="chart-box">${chart}</figure>
</section>
${factsSection(snap, v)}
${draftSection(d, v)}
${timelineSection(d, v)}`;
}
