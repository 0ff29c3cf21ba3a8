import type { HttpRoute } from "./server.js";

export const HEALTH_PATH = "/healthz";

/** What the health check reports: the store's engine, whether it answers, and what each adapter adds. */
export interface HealthState {
  backend: string;
  database: boolean;
  /** Per adapter, e.g. `{ discord: { gateway: "held" } }`: which replica holds what. */
  adapters?: Record<string, Record<string, string | boolean>>;
}

/**
 * GET /healthz: 200 while the database answers, 503 when it does not, so a load balancer
 * stops sending work to a replica that cannot record it.
 */
export function healthRoute(check: () => Promise<HealthState>): HttpRoute {
  return {
    methods: ["GET", "HEAD"],
    path: HEALTH_PATH,
    handler: async (req, res) => {
      const state = await check().catch((): HealthState => ({ backend: "unknown", database: false }));
      const body = JSON.stringify({
        status: state.database ? "ok" : "database unreachable",
        backend: state.backend,
        database: state.database ? "ok" : "unreachable",
        ...state.adapters,
      });
      res.writeHead(state.database ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    },
  };
}
