import { afterEach, describe, expect, it } from "vitest";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { ENGINES } from "../support/harness.js";
import { boardFixture, type BoardFixture } from "../support/board.js";
import { STREAM_LIMITS } from "../../src/board/live/sse.js";

/** A live stream opened by a real HTTP client: its status, what arrived, and a way to end it. */
interface OpenStream {
  status: number;
  text(): string;
  ended: Promise<void>;
  close(): void;
}

function openStream(f: BoardFixture, cookie: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    req = request(`${f.origin}/board/events`, { headers: { cookie }, agent: false }, (res: IncomingMessage) => {
      let seen = "";
      res.setEncoding("utf8");
      const ended = new Promise<void>((done) => {
        res.on("end", () => done());
        res.on("close", () => done());
      });
      const stream: OpenStream = { status: res.statusCode ?? 0, text: () => seen, ended, close: () => req.destroy() };
      res.on("data", (chunk: string) => {
        seen += chunk;
      });
      res.on("error", () => undefined);
      if (res.statusCode !== 200) return resolve(stream);
      // Resolve once the stream says it is connected.
      const wait = () => (seen.includes(": connected") ? resolve(stream) : setTimeout(wait, 5));
      wait();
    });
    req.on("error", (err) => (err.message.includes("socket hang up") || err.message.includes("aborted") ? undefined : reject(err)));
    req.end();
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let open: OpenStream[] = [];
afterEach(() => {
  for (const s of open) s.close();
  open = [];
});

describe.each(ENGINES)("%s: the board under a flood", (engine) => {
  let f: BoardFixture;
  afterEach(async () => {
    await f.close();
  });

  it("caps the live streams per session and per address; signing out ends them", async () => {
    f = await boardFixture(engine);
    const alice = await f.signIn("alice");
    for (let i = 0; i < STREAM_LIMITS.perSession; i++) open.push(await openStream(f, alice));
    expect(open.every((s) => s.status === 200)).toBe(true);
    const over = await openStream(f, alice);
    open.push(over);
    expect(over.status).toBe(429);
    expect(over.text()).toContain("live pages open, the most it may");
    // Other sessions from the same address, up to the address's cap.
    const others: string[] = [];
    for (let n = 0; open.filter((s) => s.status === 200).length < STREAM_LIMITS.perAddress; n++) {
      const cookie = others[Math.floor(n / STREAM_LIMITS.perSession)] ?? (others.push(await f.signIn(`user${others.length}`)), others.at(-1) as string);
      open.push(await openStream(f, cookie));
    }
    const fresh = await openStream(f, await f.signIn("zoe"));
    open.push(fresh);
    expect(fresh.status).toBe(429);
    expect(fresh.text()).toContain("Your address has");
    expect(f.board.hub.open).toBe(STREAM_LIMITS.perAddress);

    // Signing out ends that session's streams at once, and frees their places.
    const signOut = await f.get("/board/signout", alice, { method: "POST" });
    expect(signOut.status).toBe(200);
    const mine = open.slice(0, STREAM_LIMITS.perSession);
    await Promise.all(mine.map((s) => s.ended));
    expect(f.board.hub.open).toBe(STREAM_LIMITS.perAddress - STREAM_LIMITS.perSession);
    expect((await openStream(f, alice)).status).toBe(401);
  });

  it("keeps /healthz answering while 400 streams are asked for", async () => {
    f = await boardFixture(engine);
    const cookies = await Promise.all(Array.from({ length: 10 }, (_, i) => f.signIn(`flood${i}`)));
    const asked = Array.from({ length: 400 }, (_, i) => openStream(f, cookies[i % cookies.length] as string).then((s) => (open.push(s), s)));
    const health: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1500) {
      const t = Date.now();
      const res = await fetch(`${f.origin}/healthz`);
      expect(res.status).toBe(200);
      health.push(Date.now() - t);
      await pause(50);
    }
    const streams = await Promise.all(asked);
    expect(streams.filter((s) => s.status === 200)).toHaveLength(STREAM_LIMITS.perAddress);
    expect(streams.filter((s) => s.status === 429)).toHaveLength(400 - STREAM_LIMITS.perAddress);
    expect(health.length).toBeGreaterThan(5);
    expect(Math.max(...health)).toBeLessThan(1000);
  });

  it("tells a stream only of changes to incidents its viewer may see", async () => {
    f = await boardFixture(engine);
    await f.h.say(`open "Alice's incident"`, { user: "alice" });
    const aliceRoom = f.h.room();
    await f.h.say(`open "Dave's incident"`, { user: "dave" });
    const daveRoom = f.h.room();
    const alice = await openStream(f, await f.signIn("alice"));
    open.push(alice);
    await f.h.say("facts personal_info_people=1200000", { user: "dave", channel: daveRoom });
    await pause(1200);
    expect(alice.text()).not.toContain("event: change");
    await f.h.say("facts personal_info_people=1200000", { user: "alice", channel: aliceRoom });
    for (let i = 0; i < 60 && !alice.text().includes("event: change"); i++) await pause(50);
    expect(alice.text()).toContain("event: change");
  });

  it("board-wide visibility is what the deployment grants, not a role on a throwaway incident", async () => {
    f = await boardFixture(engine, undefined, ["test:carol"]);
    await f.h.say(`open "Private payroll" --private`, { user: "dave" });
    await f.h.say(`open "Throwaway"`, { user: "mallory" });
    await f.h.say(`role compliance mallory2`, { user: "mallory" });
    await f.h.say(`close`, { user: "mallory" });
    const mallory2 = await (await f.get("/board", await f.signIn("mallory2"))).text();
    expect(mallory2).not.toContain("Private payroll");
    const carol = await (await f.get("/board", await f.signIn("carol"))).text();
    expect(carol).toContain("Private payroll");
    expect((await f.get("/board/incidents/1", await f.signIn("mallory2"))).status).toBe(404);
  });

  it("refuses __proto__ as an unknown parameter and a repeated sign-in token; 404 and 405 carry the security headers", async () => {
    f = await boardFixture(engine);
    const cookie = await f.signIn("alice");
    for (const q of ["__proto__=1", "constructor=1"]) {
      const r = await f.get(`/board?${q}`, cookie);
      expect(r.status, q).toBe(400);
      const text = await r.text();
      expect(text, q).not.toContain("given twice");
      expect(text, q).toContain("Nothing was changed");
    }
    const token = new URL(await f.link("alice")).searchParams.get("token") as string;
    const twice = await f.get("/board/signin", undefined, { method: "POST", body: `token=${token}&token=${token}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain("The field token is given twice");
    for (const [path, method, status] of [["/nowhere", "GET", 404], ["/board", "DELETE", 405]] as const) {
      const r = await f.get(path, undefined, { method });
      expect(r.status, path).toBe(status);
      expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(r.headers.get("content-security-policy"), path).toContain("default-src 'none'");
    }
    const head = await f.get("/board/events", cookie, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toContain("text/event-stream");
  });
});
