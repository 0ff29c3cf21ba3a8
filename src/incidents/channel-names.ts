import type { IncidentSnapshot } from "./model.js";
import type { IncidentService, OpenRequest } from "./service.js";

/**
 * War-room names are reserved in the store before any channel exists: the incident row is
 * the reservation. Opening in one immediate transaction (pick the first free name, insert
 * the incident) means two processes on one database never pick the same name, and a
 * channel is only ever created for an incident that is already recorded.
 */

/** `base`, else `base-2`, `base-3` …: the first name no incident of this platform holds. */
export function freeChannelName(service: IncidentService, platform: string, base: string): string {
  const taken = new Set(
    (
      service.db
        .prepare(
          `SELECT channel_name AS name, channel_id AS id FROM incidents
           WHERE platform = @platform
             AND (channel_name = @base OR channel_id = @base OR substr(channel_name, 1, @length) = @prefix OR substr(channel_id, 1, @length) = @prefix)`,
        )
        .all({ platform, base, length: base.length + 1, prefix: `${base}-` }) as { name: string | null; id: string | null }[]
    ).flatMap((r) => [r.name, r.id]),
  );
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(name)) return name;
  }
}

/** Record the incident under the first free channel name; its channel is attached once made. */
export function openReservingName(service: IncidentService, request: Omit<OpenRequest, "channelId" | "channelName">, base: string): IncidentSnapshot {
  return service.db
    .transaction(() => service.open({ ...request, channelId: null, channelName: freeChannelName(service, request.platform, base) }))
    .immediate();
}
