import { COMMANDS } from "../../commands/index.js";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord, type JsonObject } from "../fakes/discord.js";
import { registerDiscordCommands } from "../../adapters/discord/register.js";
import { loadRulePack } from "../../src/rules/pack.js";

const log = { info: () => undefined, error: () => undefined };

/** A CONNECT proxy on 127.0.0.1 that records where it tunnelled to. */
async function startProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = target.split(":");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
      s.on("close", () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter((x): x is JsonObject => typeof x === "object" && x !== null && !Array.isArray(x)) : [];
}

describe("registering /incident", () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("is guild-scoped when a guild id is set, with valid option names built from the rule pack", async () => {
    const result = await registerDiscordCommands({ config: { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl }, log });
    expect(result).toEqual({ scope: "guild", count: 1 });
    const put = fake.callsTo("PUT", /commands$/).at(-1);
    expect(put?.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put?.status).toBe(200);
    const [command] = objects(put?.body?.value);
    expect(command?.name).toBe("incident");
    const subs = objects(command?.options);
    expect(subs.map((s) => s.name)).toEqual(
      expect.arrayContaining(["open", "facts", "status", "report", "report-edit", "submitted", "update", "police", "disclose", "role", "resolve", "final", "final-edit", "close", "timeline", "help"]),
    );
    // Every /incident subcommand the router knows is offered as a Discord subcommand.
    expect(COMMANDS.map((c) => c.name).filter((n) => !subs.some((s) => s.name === n))).toEqual([]);
    for (const sub of subs) {
      expect(String(sub.name)).toMatch(NAME);
      expect(String(sub.description).length).toBeLessThanOrEqual(100);
      const options = objects(sub.options);
      expect(options.length).toBeLessThanOrEqual(25);
      for (const o of options) {
        expect(String(o.name)).toMatch(NAME);
        expect(String(o.name)).toBe(String(o.name).toLowerCase());
        expect(String(o.description).length).toBeLessThanOrEqual(100);
        expect(objects(o.choices).length).toBeLessThanOrEqual(25);
      }
    }
    const pack = loadRulePack();
    const facts = objects(subs.find((s) => s.name === "facts")?.options);
    expect(facts.filter((o) => o.name !== "incident")).toHaveLength(pack.facts.length);
    const byName = new Map(facts.map((o) => [String(o.name), o]));
    expect(byName.get("personal-info-people")?.type).toBe(10);
    expect(byName.get("cii-affected")?.type).toBe(5);
    expect(byName.get("aware-at")?.type).toBe(3);
    expect(objects(byName.get("operator-type")?.choices).map((c) => c.value)).toEqual(["ordinary", "central_state_organ"]);
    const submitted = objects(subs.find((s) => s.name === "submitted")?.options);
    expect(objects(submitted.find((o) => o.name === "channel")?.choices).map((c) => c.value)).toEqual(pack.channels.map((c) => c.id));
    const role = objects(subs.find((s) => s.name === "role")?.options);
    expect(role.find((o) => o.name === "user")).toMatchObject({ type: 6, required: true });
  });

  it("is a bulk overwrite: running it again leaves one command", async () => {
    await registerDiscordCommands({ config: { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl }, log });
    expect(fake.commands.get(`guild:${fake.guildId}`)).toHaveLength(1);
    const puts = fake.callsTo("PUT", /guilds\/\d+\/commands$/);
    expect(puts.length).toBe(2);
    expect(puts[1]?.body).toEqual(puts[0]?.body);
  });

  it("is global without a guild id, and finds the application id when it is not configured", async () => {
    const result = await registerDiscordCommands({ config: { token: fake.token, apiUrl: fake.apiUrl }, log });
    expect(result).toEqual({ scope: "global", count: 1 });
    expect(fake.callsTo("GET", /^\/applications\/@me$/)).toHaveLength(1);
    expect(fake.callsTo("PUT", /commands$/).at(-1)?.path).toBe(`/applications/${fake.applicationId}/commands`);
    expect(fake.commands.get("global")).toHaveLength(1);
  });

  it("goes through HTTPS_PROXY when one is set", async () => {
    const proxy = await startProxy();
    try {
      const result = await registerDiscordCommands({ config: { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl }, httpsProxy: proxy.url, log });
      expect(result.scope).toBe("guild");
      expect(proxy.tunnels).toEqual([new URL(fake.apiUrl).host]);
    } finally {
      await proxy.close();
    }
  });
});
