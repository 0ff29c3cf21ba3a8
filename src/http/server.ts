import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { securityHeaders } from "./headers.js";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpRoute {
  /** Upper-case methods this route answers; another method on its path gets 405. */
  methods: string[];
  /** An exact path, or with `prefix` every path below it too (`/board` and `/board/…`). */
  path: string;
  prefix?: boolean;
  handler: HttpHandler;
}

/**
 * The one HTTP server a `warroom start` process listens on (PORT): the platforms' callback
 * endpoints, the health check and the board are routes on it, mounted by whoever owns them,
 * so a load balancer in front of the replicas needs one port and one health check.
 */
export class HttpServer {
  private readonly routes: HttpRoute[] = [];
  private server: Server | undefined;

  constructor(private readonly onError: (message: string) => void = () => undefined) {}

  mount(route: HttpRoute): this {
    const taken = this.routes.find((r) => r.path === route.path);
    if (taken) throw new Error(`HTTP route ${route.path} is mounted twice`);
    this.routes.push(route);
    return this;
  }

  /** The route for a path: exact match first, then the longest prefix route. */
  private find(path: string): HttpRoute | undefined {
    const exact = this.routes.find((r) => r.path === path);
    if (exact) return exact;
    return this.routes
      .filter((r) => r.prefix && path.startsWith(`${r.path.replace(/\/+$/, "")}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
  }

  async listen(port: number, host?: string): Promise<AddressInfo> {
    if (this.server) throw new Error("the HTTP server is already listening");
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      return plain(res, 400, "bad request line");
    }
    const route = this.find(path);
    if (!route) return plain(res, 404, "not found");
    const method = (req.method ?? "GET").toUpperCase();
    if (!route.methods.includes(method)) {
      res.setHeader("allow", route.methods.join(", "));
      return plain(res, 405, "method not allowed");
    }
    try {
      await route.handler(req, res);
    } catch (err) {
      this.onError(`HTTP ${method} ${path} failed: ${(err as Error).message}`);
      if (!res.headersSent) plain(res, 500, "internal error");
      else res.end();
    }
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  securityHeaders(res);
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}
