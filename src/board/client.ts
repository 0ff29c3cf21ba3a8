import { URGENCY_WORDS } from "./urgency.js";

/**
 * The board's one script, served from /board/assets (the CSP allows scripts from the board
 * itself only). It counts the deadlines down every second and, on a change event, fetches the
 * page again and swaps its <main>: the server decides what is shown, as on the first load.
 * Plain ES2020, no build step; the words come from the server's own table.
 */
export const CLIENT_SCRIPT = `"use strict";
(() => {
  const body = document.body;
  const WORDS = ${JSON.stringify(URGENCY_WORDS)};
  let skew = Number(body.dataset.now) - Date.now();
  if (!Number.isFinite(skew)) skew = 0;

  const duration = (ms) => {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 1) return "< 1 min";
    const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d > 0) return h ? d + " d " + h + " h" : d + " d";
    if (h > 0) return h + " h " + String(m).padStart(2, "0") + " min";
    return m + " min";
  };

  const tick = () => {
    const now = Date.now() + skew;
    for (const el of document.querySelectorAll("[data-due]")) {
      const left = Number(el.dataset.due) - now;
      const state = left < 0 ? "overdue" : left <= Number(el.dataset.soon) ? "soon" : "ok";
      el.className = "due due-" + state;
      const flag = el.querySelector(".due-flag");
      const text = el.querySelector(".due-left");
      if (flag) flag.textContent = WORDS[state];
      if (text) text.textContent = left >= 0 ? duration(left) + " left" : "OVERDUE by " + duration(left);
      const row = el.closest("tr[data-incident]");
      if (row) row.className = "row-" + state;
    }
  };
  tick();
  setInterval(tick, 1000);

  if (body.dataset.live !== "1" || typeof EventSource === "undefined") return;
  const status = document.getElementById("live");
  const say = (text) => { if (status) status.textContent = text; };
  let busy = false, again = false;
  const refresh = async () => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
      if (res.status === 401 || res.status === 404) { location.reload(); return; }
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("main");
      const main = document.getElementById("main");
      if (!fresh || !main) return;
      const focused = document.activeElement && main.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
      main.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.adoptNode(n)));
      const serverNow = Number(doc.body.dataset.now);
      if (Number.isFinite(serverNow)) skew = serverNow - Date.now();
      if (focused) {
        const target = Array.from(main.querySelectorAll("a[href]")).find((a) => a.getAttribute("href") === focused);
        if (target) target.focus();
      }
      body.dataset.refreshed = String(Number(body.dataset.refreshed || 0) + 1);
      tick();
    } catch (err) {
      say("Offline: retrying");
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  };
  const events = new EventSource(body.dataset.base + "/events");
  events.addEventListener("open", () => say("● Live"));
  events.addEventListener("error", () => say("Reconnecting…"));
  events.addEventListener("change", refresh);
})();
`;

export const STYLESHEET = `:root { color-scheme: light; --red: #b00020; --red-bg: #fde7ea; --amber: #8a5a00; --amber-bg: #fff4d6; --ink: #1d1d1f; --muted: #5b5b66; --line: #d8d8de; --focus: #1a56db; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: #fafafc; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5em 1em; }
.skip:focus { left: 0; }
header.top { display: flex; flex-wrap: wrap; gap: 1em; align-items: center; justify-content: space-between; padding: .6em 1.2em; background: #20232a; color: #fff; }
header.top a, header.top .who { color: #fff; margin: 0; }
header.top form { margin: 0; }
main { padding: 1em 1.2em 3em; max-width: 1400px; }
h1 { font-size: 1.5em; margin: .3em 0 .4em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .5em; border-bottom: 1px solid var(--line); }
a:focus-visible, button:focus-visible, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: .45em .6em; border-bottom: 1px solid var(--line); }
thead th { background: #f0f0f4; font-size: .9em; }
small { color: var(--muted); }
.provisional { color: var(--amber); font-style: normal; font-weight: 600; }
tr.row-overdue { background: var(--red-bg); }
tr.row-soon { background: var(--amber-bg); }
.due { white-space: nowrap; }
.due-overdue { color: var(--red); font-weight: 700; }
.due-soon { color: var(--amber); font-weight: 700; }
.overdue-count { color: var(--red); }
.row-broken td { color: var(--red); }
dl.overview { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1.2em; }
dl.overview dt { font-weight: 600; }
dl.overview dd { margin: 0; }
pre.draft { white-space: pre-wrap; background: #fff; border: 1px solid var(--line); padding: 1em; max-height: 32em; overflow: auto; }
.chain-ok { color: #0b6b2f; font-weight: 600; }
.chain-broken { color: var(--red); font-weight: 700; }
.chart-box { margin: 0; background: #fff; border: 1px solid var(--line); padding: .5em; }
svg.chart { font: 11px system-ui, sans-serif; display: block; }
svg.chart .lane-band { fill: #f5f5f8; }
svg.chart .lane-title { fill: var(--muted); font-weight: 600; }
svg.chart .axis, svg.chart .tick line { stroke: #777; }
svg.chart .grid { stroke: #ececf0; }
svg.chart .tick text, svg.chart .zone { fill: var(--muted); }
svg.chart .stem { stroke: #c9c9d2; stroke-dasharray: 2 3; }
svg.chart .now line { stroke: var(--focus); stroke-width: 1.5; }
svg.chart .now text { fill: var(--focus); font-weight: 600; }
svg.chart .mark { fill: #4a5568; stroke: #fff; stroke-width: 1; }
svg.chart .mark-deadline, svg.chart .mark-final_due { fill: #8a5a00; }
svg.chart .mark-warning { fill: #c77700; }
svg.chart .mark-level { fill: #6b3fa0; }
svg.chart .mark-filing { fill: #0b6b2f; }
svg.chart .mark-aware { fill: #1a56db; }
svg.chart .mark.missed { fill: var(--red); }
svg.chart .label { fill: var(--ink); }
svg.chart .label.missed { fill: var(--red); font-weight: 700; }
.notice { max-width: 40em; background: #fff; border: 1px solid var(--line); padding: 1em 1.5em; }
`;
