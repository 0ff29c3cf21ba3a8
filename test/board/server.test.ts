import { docxParts, pdfText } from "../support/documents.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "node:http";
import { ENGINES, textOf } from "../support/harness.js";
import { boardFixture, type BoardFixture } from "../support/board.js";
import { hashToken } from "../../src/board/tokens.js";

const HOSTILE = "<img src=x onerror=alert(1)>";

/** Read an event stream until `until` matches what has arrived, or give up after `ms`. */
function streamUntil(f: BoardFixture, cookie: string, until: RegExp, trigger: () => Promise<unknown>, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${f.origin}/board/events`, { headers: { cookie } }, (res) => {
      let seen = "";
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error(`no match in ${ms} ms: ${JSON.stringify(seen)}`));
      }, ms);
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        seen += chunk;
        if (seen.includes(": connected") && !started) {
          started = true;
          void trigger();
        }
        if (until.test(seen)) {
          clearTimeout(timer);
          req.destroy();
          resolve(seen);
        }
      });
    });
    let started = false;
    req.on("error", (err) => (err.message.includes("aborted") ? undefined : reject(err)));
    req.end();
  });
}

describe.each(ENGINES)("%s: the board over HTTP", (engine) => {
  let f: BoardFixture;
  beforeEach(async () => {
    f = await boardFixture(engine);
  });
  afterEach(async () => {
    await f.close();
  });

  it("answers 401 with the way to sign in when there is no session", async () => {
    for (const path of ["/board", "/board/incidents/1", "/board/events", "/board/incidents/1/draft?format=md"]) {
      const res = await f.get(path);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).toContain("/incident board");
    }
    const bogus = await f.get("/board", "warroom_board=not-a-session");
    expect(bogus.status).toBe(401);
  });

  it("signs in once per link; a used, forged or expired link is refused with the way to a new one", async () => {
    const link = await f.link("alice");
    const token = new URL(link).searchParams.get("token") as string;
    // Looking (a chat app's preview) does not use the link up.
    const look = await f.get(new URL(link).pathname + new URL(link).search);
    expect(look.status).toBe(200);
    expect(await look.text()).toContain("Sign in");
    const post = (t: string) =>
      f.get("/board/signin", undefined, { method: "POST", body: new URLSearchParams({ token: t }), headers: { "content-type": "application/x-www-form-urlencoded" } });
    const first = await post(token);
    expect(first.status).toBe(303);
    const cookie = first.headers.get("set-cookie") as string;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    const again = await post(token);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain("/incident board");
    expect((await f.get(`/board/signin?token=${token}`)).status).toBe(401);
    const forged = await post(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`);
    expect(forged.status).toBe(401);
    const later = new URL(await f.link("alice")).searchParams.get("token") as string;
    f.h.clock.advance({ minutes: 11 });
    expect((await post(later)).status).toBe(401);
    // Neither links nor sessions are stored as themselves.
    const stored = await f.h.app.store.read((sql) => sql.all<{ token_hash: string }>("SELECT token_hash FROM board_links UNION ALL SELECT token_hash FROM board_sessions"));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
    expect(stored.map((r) => r.token_hash)).toContain(hashToken(token));
  });

  it("ends a session after 12 hours", async () => {
    const cookie = await f.signIn("alice");
    expect((await f.get("/board", cookie)).status).toBe(200);
    f.h.clock.advance({ hours: 12, minutes: 1 });
    expect((await f.get("/board", cookie)).status).toBe(401);
  });

  it("shows members their incidents, a role holder only the incident of the role, and nobody another's incident by its number", async () => {
    await f.h.say(`open "Payroll leak" --aware 2026-03-02T08:30+08:00`, { user: "alice" });
    await f.h.say(`open "${HOSTILE}"`, { user: "dave" });
    await f.h.say(`role compliance carol`, { user: "dave" });
    const alice = await f.signIn("alice");
    const list = await (await f.get("/board", alice)).text();
    expect(list).toContain("Payroll leak");
    expect(list).not.toContain("onerror");
    expect((await f.get("/board/incidents/2", alice)).status).toBe(404);
    expect((await f.get("/board/incidents/2/draft?format=md", alice)).status).toBe(404);
    expect((await f.get("/board/incidents/999", alice)).status).toBe(404);
    const carol = await f.signIn("carol");
    const all = await (await f.get("/board", carol)).text();
    // A role is no grant to see everything (WARROOM_BOARD_ALL is: test/board/hardening.test.ts).
    expect(all).not.toContain("Payroll leak");
    // The hostile title is text.
    expect(all).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(all).not.toContain("<img");
    const page = await f.get("/board/incidents/2", carol);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("<img");
  });

  it("sorts by urgency and marks overdue and due-soon in words as well as colour", async () => {
    await f.h.say(`open "Later one" --aware 2026-03-02T09:00+08:00`, { user: "alice" });
    await f.h.say(`facts operator_type=ordinary cii_affected=false personal_info_people=1200000`, { user: "alice" });
    await f.h.say(`open "Overdue one" --aware 2026-03-02T07:00+08:00`, { user: "alice" });
    await f.h.say(`open "Soon one" --aware 2026-03-02T08:20+08:00`, { user: "alice" });
    const html = await (await f.get("/board", await f.signIn("alice"))).text();
    const order = ["Overdue one", "Soon one", "Later one"].map((t) => html.indexOf(t));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toMatch(/row-overdue[\s\S]*⚠[\s\S]*OVERDUE by 1 h/);
    expect(html).toMatch(/row-soon[\s\S]*⏰ Due soon[\s\S]*20 min left/);
    expect(html).toContain("2026-03-02 13:00 CST");
    expect(html).toMatch(/2026-03-02 06:00 (CET|GMT\+1)/);
  });

  it("sends every security header and refuses what the read-only board does not answer", async () => {
    const cookie = await f.signIn("alice");
    const res = await f.get("/board", cookie);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await f.get("/board", cookie, { method: "POST" })).status).toBe(405);
    expect((await f.get("/board/incidents/1", cookie, { method: "POST" })).status).toBe(405);
    expect((await f.get("/board/nothing-here", cookie)).status).toBe(404);
    for (const bad of ["/board/incidents/abc", "/board/incidents/0", "/board/incidents/99999999999", "/board/incidents/1%00", "/board?x=1", "/board/incidents/1/draft?format=exe", "/board/incidents/1/draft?format=md&format=md", "/board/incidents/1/draft?format=md&kind=nope"]) {
      const r = await f.get(bad, cookie);
      expect(r.status, bad).toBe(400);
      expect(await r.text(), bad).toContain("Nothing was changed");
    }
    const huge = await f.get(`/board/incidents/${"9".repeat(20_000)}`, cookie);
    expect([400, 414, 431]).toContain(huge.status);
    const crossSite = await f.get("/board/signin", undefined, { method: "POST", body: "token=x", headers: { "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" } });
    expect(crossSite.status).toBe(403);
    const bigBody = await f.get("/board/signin", undefined, { method: "POST", body: `token=${"a".repeat(10_000)}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(bigBody.status).toBe(413);
    // Nothing of that changed an incident.
    expect(await f.h.app.core.service.list()).toEqual([]);
  });

  it("downloads the draft in every format", async () => {
    await f.h.say(`open "Leak"`, { user: "alice" });
    const cookie = await f.signIn("alice");
    const md = await f.get("/board/incidents/1/draft?format=md", cookie);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-disposition")).toBe('attachment; filename="incident-1-initial.md"');
    expect(await md.text()).toContain("# 网络安全事件报告");
    const json = await f.get("/board/incidents/1/draft?format=json&kind=initial", cookie);
    expect(JSON.parse(await json.text())).toMatchObject({ kind: "initial", incident: { id: 1, title: "Leak" } });
    const text = await f.get("/board/incidents/1/draft?format=text&lang=en", cookie);
    expect(await text.text()).toContain("Incident: #1 Leak");
    // The filing-ready documents, read back: PDF text and the Word document's text.
    const pdf = await f.get("/board/incidents/1/draft?format=pdf&lang=zh", cookie);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe('attachment; filename="incident-1-initial.pdf"');
    expect(pdfText(new Uint8Array(await pdf.arrayBuffer()))).toContain("网络安全事件报告");
    const docx = await f.get("/board/incidents/1/draft?format=docx&lang=en", cookie);
    expect((await docxParts(new Uint8Array(await docx.arrayBuffer()))).text).toContain("Leak");
  });

  it("tells an open page when a command changes an incident", async () => {
    await f.h.say(`open "Leak"`, { user: "alice" });
    const cookie = await f.signIn("alice");
    const seen = await streamUntil(f, cookie, /event: change/, () => f.h.say("facts personal_info_people=1200000", { user: "alice" }));
    expect(seen).toMatch(/event: change\ndata: \d+/);
  });

  it("/incident board answers the invoker only", async () => {
    const reply = await f.h.say("board", { user: "alice", channel: "general" });
    expect(reply.ephemeral).toBe(true);
    expect(textOf(reply)).toMatch(/^Your sign-in link/);
  });
});
