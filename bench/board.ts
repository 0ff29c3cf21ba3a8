/**
 * The board's figures: the list page with 1,000 open incidents (from the request to the
 * last byte, read and access-checked as a compliance lead sees it), and one change reaching
 * 100 open pages (the event on every stream, then every page fetched again).
 */
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { DateTime } from "luxon";
import { boardOnFile, sessionCookie } from "../test/support/board-server.js";

function line(name: string, value: string, target?: string): string {
  return `${name.padEnd(52)} ${value.padStart(14)}${target ? `   (target ${target})` : ""}`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Open an event stream; resolves once connected, calls `onChange` at every change event. */
function openStream(url: string, cookie: string, onChange: () => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { cookie }, agent: false }, (res) => {
      res.setEncoding("utf8");
      let connected = false;
      res.on("data", (chunk: string) => {
        if (!connected && chunk.includes(": connected")) {
          connected = true;
          resolve(() => req.destroy());
        }
        if (chunk.includes("event: change")) onChange();
      });
    });
    req.on("error", (err) => (err.message.includes("socket hang up") ? undefined : reject(err)));
    req.end();
  });
}

export async function benchBoard(): Promise<string[]> {
  const served = await boardOnFile("board");
  const { app, clock, origin, board } = served;
  const out: string[] = [];
  try {
    const N = 1000;
    for (let i = 1; i <= N; i++) {
      // Opened a second apart, as incidents are: no two rows share their last change's time.
      clock.advance({ seconds: 1 });
      await app.core.service.open({
        title: `Incident ${i} <b>${i}</b>`,
        platform: "bench",
        channelId: `C${i}`,
        channelName: `inc-${i}`,
        actor: i === 1 ? "lead" : "u",
        awareAt: DateTime.fromISO("2026-03-02T09:00:00+08:00").minus({ minutes: i % 300 }),
        facts: i % 3 ? { personal_info_people: (i % 7) * 300_000 } : { operator_type: "ordinary", cii_affected: false },
      });
    }
    await app.store.tx((sql) => sql.run("UPDATE roles SET user_id = 'lead' WHERE incident_id = 1 AND role = 'commander'"));
    await app.store.tx((sql) => sql.run("INSERT INTO roles (incident_id, role, user_id, assigned_at, assigned_by) VALUES (1, 'compliance', 'lead', '2026-03-02T01:00:00Z', 'u')"));
    const cookie = await sessionCookie(board, "lead", "bench");
    const get = async (path: string) => {
      const res = await fetch(`${origin}${path}`, { headers: { cookie } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
      return text;
    };
    for (let i = 0; i < 5; i++) await get("/board");
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      bytes = (await get("/board")).length;
      times.push(performance.now() - t0);
    }
    out.push(line(`board list, ${N.toLocaleString("en")} open incidents: median GET /board`, `${median(times).toFixed(1)} ms`, "< 50 ms"));
    out.push(line("  page size", `${(bytes / 1024).toFixed(0)} KiB`));
    // The first view after a change reads the changed incident again and renders the list.
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance({ seconds: 1 });
      await app.core.service.recordDevelopment(3, `cold ${i}`, "lead");
      const t0 = performance.now();
      await get("/board");
      cold.push(performance.now() - t0);
    }
    out.push(line("  first GET /board after a change (median of 5)", `${median(cold).toFixed(1)} ms`));

    const PAGES = 100;
    let heard = 0;
    let allHeard: (() => void) | undefined;
    const closers: (() => void)[] = [];
    for (let i = 0; i < PAGES; i++) {
      closers.push(
        await openStream(`${origin}/board/events`, cookie, () => {
          if (++heard === PAGES) allHeard?.();
        }),
      );
    }
    const fanOut: number[] = [];
    const refresh: number[] = [];
    for (let round = 0; round < 5; round++) {
      heard = 0;
      const done = new Promise<void>((resolve) => (allHeard = resolve));
      const t0 = performance.now();
      await app.core.service.recordDevelopment(2, `round ${round}`, "lead");
      await done;
      fanOut.push(performance.now() - t0);
      await Promise.all(Array.from({ length: PAGES }, () => get("/board/incidents/2")));
      refresh.push(performance.now() - t0);
    }
    for (const close of closers) close();
    out.push(line(`SSE fan-out: a change to ${PAGES} open pages' events`, `${median(fanOut).toFixed(0)} ms`, "< 2000 ms"));
    out.push(line(`  …and all ${PAGES} incident pages fetched again`, `${median(refresh).toFixed(0)} ms`, "< 2000 ms"));
  } finally {
    await served.close();
  }
  return out;
}
