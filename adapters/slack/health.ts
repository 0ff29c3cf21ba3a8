import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute } from "@slack/bolt";

export const HEALTH_PATH = "/healthz";

/** What the health check reports: which store, and whether it answers. */
export interface HealthState {
  backend: string;
  database: boolean;
}

/** 200 while the database answers, 503 when it does not: a load balancer stops sending work. */
function answer(check: () => Promise<HealthState>): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    void check()
      .catch((): HealthState => ({ backend: "unknown", database: false }))
      .then((state) => {
        res.writeHead(state.database ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: state.database ? "ok" : "database unreachable", backend: state.backend, database: state.database ? "ok" : "unreachable" }));
      });
  };
}

/** GET /healthz on the receiver's own HTTP server (HTTP mode). */
export function healthRoute(check: () => Promise<HealthState>): CustomRoute {
  return { path: HEALTH_PATH, method: ["GET"], handler: answer(check) };
}

/** Socket Mode has no inbound HTTP: a small server answers the health check alone. */
export async function startHealthServer(port: number, host: string | undefined, check: () => Promise<HealthState>): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const ok = answer(check);
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && new URL(req.url ?? "/", "http://localhost").pathname === HEALTH_PATH) return ok(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
