import type { ActiveIncident, IncidentService } from "../incidents/service.js";
import { headIn, verifyChainIn, type ChainCheck } from "../incidents/timeline.js";
import { incidentsChangedSince, incidentsStamp } from "../store/repos/board.js";
import type { Visible } from "./access.js";

/** Where the database stood when it was read: the timeline head and the incidents' stamp. */
interface Mark {
  version: string;
  events: number;
  incidents: number;
  latest: string | null;
}

interface Reading extends Mark {
  value: Promise<Map<number, ActiveIncident>>;
}

/**
 * What the board reads, kept while nothing changes. Every change to an incident appends to
 * the timeline (the replay check relies on it) and moves its head; attaching a channel moves
 * the incident's updated_at. So the head and the newest updated_at together say whether the
 * last reading still holds: one small query instead of a thousand snapshots. When it does
 * not, only the incidents with events after the last reading (or a newer row) are read
 * again, and the chain is verified once per change however many pages ask at once.
 */
export class BoardReader {
  private reading: Reading | undefined;
  private chainCheck: { version: string; value: Promise<ChainCheck> } | undefined;
  private streamMark: Mark | undefined;

  constructor(private readonly service: IncidentService) {}

  private mark(): Promise<Mark> {
    return this.service.store.read(async (sql) => {
      const head = await headIn(sql);
      const stamp = await incidentsStamp(sql);
      return { version: `${head.events}:${head.hash}:${stamp.n}:${stamp.channels}:${stamp.latest ?? ""}`, events: head.events, incidents: stamp.n, latest: stamp.latest };
    });
  }

  async version(): Promise<string> {
    return (await this.mark()).version;
  }

  /** The incidents not closed, and the version they were read at. */
  async active(): Promise<{ version: string; entries: ActiveIncident[] }> {
    const mark = await this.mark();
    if (this.reading?.version !== mark.version) {
      const value = this.refresh(this.reading, mark);
      this.reading = { ...mark, value };
      value.catch(() => {
        if (this.reading?.value === value) this.reading = undefined;
      });
    }
    return { version: mark.version, entries: [...(await this.reading.value).values()] };
  }

  private async refresh(previous: Reading | undefined, mark: Mark): Promise<Map<number, ActiveIncident>> {
    // Only a reading the database has grown from can be patched: fewer events or fewer
    // incidents mean rows went away behind warroom's back, and everything is read again.
    const base = previous && mark.events >= previous.events && mark.incidents >= previous.incidents ? await previous.value.catch(() => undefined) : undefined;
    if (!previous || !base) return new Map((await this.service.active()).map((e) => [e.incident.id, e]));
    return this.service.store.read(async (sql) => {
      const changed = await incidentsChangedSince(sql, previous.events, previous.latest);
      const next = new Map(base);
      for (const id of changed) next.delete(id);
      for (const entry of await this.service.activeOf(sql, changed)) next.set(entry.incident.id, entry);
      return next;
    });
  }

  /**
   * The incidents changed since the last call (the live streams ask once per change): those
   * with events after the head then. "all" when rows went away behind warroom's back, or
   * before the first page opened.
   */
  async changedIncidents(): Promise<number[] | "all"> {
    const previous = this.streamMark;
    const mark = await this.mark();
    this.streamMark = mark;
    if (!previous || mark.events < previous.events || mark.incidents < previous.incidents) return "all";
    if (mark.version === previous.version) return [];
    // Every change to an incident appends an event (a war room attached later too): the events say which.
    return this.service.store.read((sql) => incidentsChangedSince(sql, previous.events, null));
  }

  /** Start counting changes from now (the first live page opened). */
  async markStreams(): Promise<void> {
    this.streamMark = await this.mark();
  }

  /** The incidents as access decides on them: the row and its roles (none when its facts cannot be read). */
  async visible(ids: number[]): Promise<Visible[]> {
    const out: Visible[] = [];
    for (const id of ids) {
      const incident = await this.service.get(id).catch(() => undefined);
      if (!incident) continue;
      const snapshot = await this.service.snapshot(id).catch(() => undefined);
      out.push({ incident, ...(snapshot ? { snapshot } : {}) });
    }
    return out;
  }

  async chain(): Promise<ChainCheck> {
    const version = await this.version();
    if (this.chainCheck?.version !== version) {
      const value = this.service.store.read((sql) => verifyChainIn(sql));
      this.chainCheck = { version, value };
      value.catch(() => {
        if (this.chainCheck?.value === value) this.chainCheck = undefined;
      });
    }
    return this.chainCheck.value;
  }
}
