import type { ActiveIncident, IncidentService } from "../incidents/service.js";
import { headIn, verifyChainIn, type ChainCheck } from "../incidents/timeline.js";
import { incidentsStamp } from "../store/repos/board.js";

/**
 * What the board reads, kept while nothing changes. Every change to an incident appends to
 * the timeline (the replay check relies on it) and moves its head; attaching a channel moves
 * the incident's updated_at. So the head and the newest updated_at together say whether the
 * last reading still holds: one small query instead of a thousand snapshots, and one chain
 * verification per change however many pages ask at once.
 */
export class BoardReader {
  private entries: { version: string; value: Promise<ActiveIncident[]> } | undefined;
  private chainCheck: { version: string; value: Promise<ChainCheck> } | undefined;

  constructor(private readonly service: IncidentService) {}

  async version(): Promise<string> {
    return this.service.store.read(async (sql) => {
      const head = await headIn(sql);
      const stamp = await incidentsStamp(sql);
      return `${head.events}:${head.hash}:${stamp.n}:${stamp.latest ?? ""}`;
    });
  }

  /** The incidents not closed, and the version they were read at. */
  async active(): Promise<{ version: string; entries: ActiveIncident[] }> {
    const version = await this.version();
    if (this.entries?.version !== version) {
      const value = this.service.active();
      this.entries = { version, value };
      value.catch(() => {
        if (this.entries?.value === value) this.entries = undefined;
      });
    }
    return { version, entries: await this.entries.value };
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
