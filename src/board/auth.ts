import type { Store } from "../store/sql.js";
import * as repo from "../store/repos/board.js";
import { hashToken, newToken, tokenSchema } from "./tokens.js";

export const LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;

/** Who looks at the board: a chat user, as their platform names them. */
export interface BoardViewer {
  platform: string;
  userId: string;
  name: string | null;
  /** Their own zone where the platform tells it; else the deployment's display zone is used. */
  zone: string | null;
}

export interface Session {
  /** The session token's hash: what its live streams are keyed by, never the token itself. */
  id: string;
  viewer: BoardViewer;
  expiresAt: number;
}

const toRow = (v: BoardViewer): repo.BoardIdentityRow => ({ platform: v.platform, user_id: v.userId, user_name: v.name, zone: v.zone });
const toViewer = (r: repo.BoardIdentityRow): BoardViewer => ({ platform: r.platform, userId: r.user_id, name: r.user_name, zone: r.zone });

/**
 * Sign-in without passwords: a one-time link (10 minutes) becomes a session (12 hours).
 * Both live in the store, hashed, so any process serving the board on the same database
 * honours a link another process made (the chat bot mints, `warroom board` serves).
 */
export class BoardAuth {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** A new one-time token for this user. */
  async issue(viewer: BoardViewer): Promise<string> {
    const token = newToken();
    const now = this.now();
    await this.store.tx(async (sql) => {
      await repo.pruneExpired(sql, now);
      await repo.insertLink(sql, hashToken(token), toRow(viewer), now, now + LINK_TTL_MS);
    });
    return token;
  }

  /** Whom the link signs in, while it can still be redeemed; looking uses nothing up (link previews look too). */
  async usable(token: unknown): Promise<BoardViewer | undefined> {
    const parsed = tokenSchema.safeParse(token);
    if (!parsed.success) return undefined;
    const row = await this.store.read((sql) => repo.usableLink(sql, hashToken(parsed.data), this.now()));
    return row ? toViewer(row) : undefined;
  }

  /** Use the link up and open a session: the session's token, or undefined for a used, expired or forged link. */
  async redeem(token: unknown): Promise<{ token: string; session: Session } | undefined> {
    const parsed = tokenSchema.safeParse(token);
    if (!parsed.success) return undefined;
    const sessionToken = newToken();
    const now = this.now();
    return this.store.tx(async (sql) => {
      const who = await repo.useLink(sql, hashToken(parsed.data), now);
      if (!who) return undefined;
      await repo.insertSession(sql, hashToken(sessionToken), who, now, now + SESSION_TTL_MS);
      return { token: sessionToken, session: { id: hashToken(sessionToken), viewer: toViewer(who), expiresAt: now + SESSION_TTL_MS } };
    });
  }

  async session(token: unknown): Promise<Session | undefined> {
    const parsed = tokenSchema.safeParse(token);
    if (!parsed.success) return undefined;
    const id = hashToken(parsed.data);
    const row = await this.store.read((sql) => repo.liveSession(sql, id, this.now()));
    return row ? { id, viewer: toViewer(row), expiresAt: Number(row.expires_at) } : undefined;
  }

  /** End the session; its id (for ending its live streams), when the token was one. */
  async signOut(token: unknown): Promise<string | undefined> {
    const parsed = tokenSchema.safeParse(token);
    if (!parsed.success) return undefined;
    const id = hashToken(parsed.data);
    await this.store.tx((sql) => repo.deleteSession(sql, id));
    return id;
  }
}
