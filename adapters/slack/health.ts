import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute } from "@slack/bolt";

export const HEALTH_PATH = "/healthz";

function ok(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("ok");
}

/** GET /healthz on the receiver's own HTTP server (HTTP mode). */
export const healthRoute: CustomRoute = { path: HEALTH_PATH, method: ["GET"], handler: ok };

/** Socket Mode has no inbound HTTP: a small server answers the health check alone. */
export async function startHealthServer(port: number, host?: string): Promise<{ address: AddressInfo; close(): Promise<void> }> {
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
