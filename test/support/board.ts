import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Board } from "../../src/board/index.js";
import { SESSION_COOKIE } from "../../src/board/routes.js";
import { mountBoard, openHttp } from "./board-server.js";
import { healthRoute } from "../../src/http/health.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/sql.js";
import { harness, textOf, type Engine, type Harness } from "./harness.js";
import { createTestDatabase } from "./postgres.js";

export interface BoardFixture {
  h: Harness;
  board: Board;
  /** http://127.0.0.1:<port>, the public URL. */
  origin: string;
  /** A sign-in link, asked for in chat with /incident board as this user. */
  link(user: string): Promise<string>;
  /** Sign in through the link and return the session cookie ("name=value"). */
  signIn(user: string): Promise<string>;
  get(path: string, cookie?: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The core as in the harness, on a database other connections can see (a SQLite file or a
 * PostgreSQL database of its own), with the board served on a real port.
 */
export async function boardFixture(engine: Engine, start = "2026-03-02T09:00:00+08:00", seeAll: readonly string[] = []): Promise<BoardFixture> {
  const { http, origin } = await openHttp();
  let store: Store;
  let location: string;
  let drop: () => Promise<void>;
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "warroom-board-"));
    location = join(dir, "warroom.db");
    store = await openStore(location);
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await createTestDatabase("board");
    location = database.url;
    store = await openStore(location, { poolSize: 4 });
    drop = database.drop;
  }
  const h = harness(start, "Europe/Berlin", store, { publicUrl: origin });
  const board = await mountBoard(http, origin, h.app, location, seeAll);
  // The port is shared with the health check, as in warroom start.
  http.mount(healthRoute(() => h.app.health()));
  const get = (path: string, cookie?: string, init: RequestInit = {}) =>
    fetch(`${origin}${path}`, { redirect: "manual", ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const f: BoardFixture = {
    h,
    board,
    origin,
    async link(user) {
      const reply = await h.say("board", { user, channel: "general" });
      const url = /https?:\/\/\S+/.exec(textOf(reply))?.[0];
      if (!url) throw new Error(`no link in: ${textOf(reply)}`);
      return url;
    },
    async signIn(user) {
      const token = new URL(await f.link(user)).searchParams.get("token") ?? "";
      const res = await get("/board/signin", undefined, { method: "POST", body: new URLSearchParams({ token }), headers: { "content-type": "application/x-www-form-urlencoded" } });
      const cookie = res.headers.get("set-cookie")?.split(";")[0];
      if (res.status !== 303 || !cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`sign-in failed: ${res.status}`);
      return cookie;
    },
    get,
    async close() {
      await board.close();
      await http.close();
      await h.app.close();
      await store.close();
      await drop();
    },
  };
  return f;
}
