import type { ChatPort } from "../bot/adapter.js";
import type { HttpRoute } from "../http/server.js";
import type { IncidentService } from "../incidents/service.js";
import { BoardAccess } from "./access.js";
import { BoardAuth } from "./auth.js";
import type { ChangeFeed } from "./live/feed.js";
import { SseHub } from "./live/sse.js";
import { BoardReader } from "./reader.js";
import { boardRoute } from "./routes.js";
import type { ChannelLinks } from "./view.js";

export interface BoardOptions {
  service: IncidentService;
  /** The chat platforms this process is connected to, for membership (a live map: adapters attach later). */
  ports: ReadonlyMap<string, ChatPort>;
  publicUrl: URL;
  displayZone: string;
  feed: ChangeFeed;
  channelLink?: ChannelLinks;
  /** Who sees every incident of their platform, `<platform>:<user id>` (WARROOM_BOARD_ALL). */
  seeAll?: readonly string[];
  log?: (message: string) => void;
}

export interface Board {
  route: HttpRoute;
  auth: BoardAuth;
  hub: SseHub;
  /** End the open pages' streams and stop listening for changes. */
  close(): Promise<void>;
}

/** The web board, ready to mount on the process's HTTP server at /board. */
export function createBoard(o: BoardOptions): Board {
  const now = () => o.service.clock.now().toMillis();
  const auth = new BoardAuth(o.service.store, now);
  const access = new BoardAccess({ seeAll: o.seeAll ?? [], ports: o.ports, now });
  const reader = new BoardReader(o.service);
  // A change reaches only the pages whose viewer may see an incident it touched.
  const hub = new SseHub(
    o.feed,
    () => reader.changedIncidents(),
    async (viewer, ids) => (await access.filter(viewer, await reader.visible(ids))).length > 0,
    o.log,
  );
  const route = boardRoute({
    service: o.service,
    auth,
    access,
    hub,
    reader,
    publicUrl: o.publicUrl,
    displayZone: o.displayZone,
    channelLink: o.channelLink ?? (() => undefined),
  });
  return {
    route,
    auth,
    hub,
    close: async () => {
      hub.close();
      await o.feed.close();
    },
  };
}
