import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Harness } from "./harness.js";

/** Only the proxy knows where the fake Slack lives. */
const FAKE_HOST = "fake-slack.invalid";
const route = (host: string) => (host === FAKE_HOST ? "127.0.0.1" : host);

/** A forward proxy on 127.0.0.1 that records what passes through (CONNECT tunnels or absolute-URI requests). */
async function startProxy(seen: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const upstream = request({ host: route(target.hostname), port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), route(host ?? ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(client).add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("Slack adapter behind HTTPS_PROXY", () => {
  const seen: string[] = [];
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let h: Harness;

  beforeAll(async () => {
    proxy = await startProxy(seen);
    h = new Harness({ httpsProxy: proxy.url, fakeHost: FAKE_HOST });
    await h.start();
  });
  afterAll(async () => {
    await h.close();
    await proxy.close();
  });

  it("sends Web API calls and response_url posts through the proxy", async () => {
    const res = await h.command("help", "UALICE", "CGENERAL");
    expect(res.status).toBe(200);
    const said = await h.responded(res.responseUrlId);
    expect(String(said.body.text)).toContain("/incident subcommands");
    // The fake's host name resolves nowhere but in the proxy: arriving at all proves the route.
    expect(new URL(h.fake.apiUrl).hostname).toBe(FAKE_HOST);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.includes(FAKE_HOST))).toBe(true);
  });
});
