import type { ChatPort } from "../bot/adapter.js";
import type { Incident, RoleName } from "../incidents/model.js";
import type { BoardViewer } from "./auth.js";

/** An incident with its roles, where they could be read. */
export interface Visible {
  incident: Incident;
  snapshot?: { roles: Partial<Record<RoleName, string>> };
}

/** Platforms answer membership over the network: an answer is reused this long. */
const MEMBERSHIP_TTL_MS = 60_000;

export interface AccessOptions {
  /** Who sees every incident of their platform, `<platform>:<user id>` (WARROOM_BOARD_ALL). */
  seeAll: readonly string[];
  /** The chat platforms this process is connected to (none for `warroom board` alone). */
  ports: ReadonlyMap<string, ChatPort>;
  now: () => number;
}

/**
 * Who sees which incident, read-only. The users the deployment names (WARROOM_BOARD_ALL)
 * see every incident of their platform: a grant no commander can hand out with a role on a
 * throwaway incident, and one that ends when the deployment removes it. Everyone else sees the
 * incidents whose channel they are a member of: asked of the platform when this process is
 * connected to it, else (the shell, or `warroom board` on its own) the people the database
 * records in the room, its opener and its role holders, as the shell itself does after a restart.
 */
export class BoardAccess {
  private readonly members = new Map<string, { ok: boolean; until: number }>();

  constructor(private readonly o: AccessOptions) {}

  seesAll(viewer: BoardViewer): boolean {
    return this.o.seeAll.includes(`${viewer.platform}:${viewer.userId}`);
  }

  /** The entries this viewer may see, in the order given. */
  async filter<T extends Visible>(viewer: BoardViewer, entries: T[]): Promise<T[]> {
    if (this.seesAll(viewer)) return entries.filter((e) => e.incident.platform === viewer.platform);
    const seen = await Promise.all(entries.map((e) => this.isMember(viewer, e)));
    return entries.filter((_, i) => seen[i]);
  }

  async canSee(viewer: BoardViewer, entry: Visible): Promise<boolean> {
    return (await this.filter(viewer, [entry])).length === 1;
  }

  private async isMember(viewer: BoardViewer, entry: Visible): Promise<boolean> {
    const i = entry.incident;
    const roles = entry.snapshot?.roles ?? {};
    if (i.platform !== viewer.platform) return false;
    const port = this.o.ports.get(i.platform);
    if (!port || !i.channelId) return i.openedBy === viewer.userId || Object.values(roles).includes(viewer.userId);
    const key = `${i.platform}\u0000${i.channelId}\u0000${viewer.userId}`;
    const now = this.o.now();
    const cached = this.members.get(key);
    if (cached && cached.until > now) return cached.ok;
    // A platform that cannot answer shows nothing rather than everything.
    const ok = await port.isMember(i.channelId, viewer.userId).catch(() => false);
    if (this.members.size > 10_000) this.members.clear();
    this.members.set(key, { ok, until: now + MEMBERSHIP_TTL_MS });
    return ok;
  }
}
