import { HttpServer } from "../../src/http/server.js";
import { createBoard, type Board } from "../../src/board/index.js";
import { openChangeFeed } from "../../src/board/live/open.js";
import { SESSION_COOKIE } from "../../src/board/routes.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App } from "../../src/app.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { FakeClock } from "../../src/time/clock.js";

/** An HTTP server on a free port of 127.0.0.1, and its origin (the board's public URL). */
export async function openHttp(): Promise<{ http: HttpServer; origin: string }> {
  const http = new HttpServer((m) => console.error(m));
  const bound = await http.listen(0, "127.0.0.1");
  return { http, origin: `http://127.0.0.1:${bound.port}` };
}

/** The board of this app, mounted as `warroom start` mounts it, watching the database at `location`. */
export async function mountBoard(http: HttpServer, origin: string, app: App, location: string, seeAll: readonly string[] = []): Promise<Board> {
  const feed = await openChangeFeed(app.store, location);
  const board = createBoard({ service: app.core.service, ports: app.core.ports, publicUrl: new URL(origin), displayZone: "Europe/Berlin", feed, seeAll });
  http.mount(board.route);
  return board;
}

/** A session cookie ("name=value") for a user, minted and redeemed without a browser (bench). */
export async function sessionCookie(board: Board, userId: string, platform = "test"): Promise<string> {
  const redeemed = await board.auth.redeem(await board.auth.issue({ platform, userId, name: null, zone: null }));
  if (!redeemed) throw new Error("a fresh link was refused");
  return `${SESSION_COOKIE}=${redeemed.token}`;
}

/** The core and its board on a SQLite file of their own, on a free port, on a fake clock (bench). */
export async function boardOnFile(label: string): Promise<{ app: App; clock: FakeClock; http: HttpServer; origin: string; board: Board; location: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `warroom-bench-${label}-`));
  const location = join(dir, "warroom.db");
  const store = new SqliteStore(location);
  const clock = new FakeClock("2026-03-02T09:00:00+08:00");
  const app = createApp({ config: { dbPath: location, displayZone: "Europe/Berlin", sweepCron: "*/15 * * * * *" }, store, clock, log: { info: () => undefined, error: () => undefined } });
  const { http, origin } = await openHttp();
  const board = await mountBoard(http, origin, app, location);
  return {
    app,
    clock,
    http,
    origin,
    board,
    location,
    async close() {
      await board.close();
      await http.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
