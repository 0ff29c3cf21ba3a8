import { createServer, type Server, type Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import type { MailConfig } from "../../src/config.js";

/**
 * A real SMTP server on 127.0.0.1 (smtp-server): `accept` takes every message and parses it
 * with mailparser; `reject` answers 550 to every recipient; `silent` accepts the connection
 * and never greets, so the client's timeout is what ends the attempt; `stall` takes the whole
 * message and never answers for it.
 */
export interface TestSmtp {
  url: string;
  /** Messages received, parsed, with the envelope as the server saw it. */
  messages: { envelope: { from: string; to: string[] }; mail: ParsedMail }[];
  /** Mail settings for an app that sends through this server. */
  mail(overrides?: Partial<MailConfig>): MailConfig;
  close(): Promise<void>;
}

export type SmtpMode = "accept" | "reject" | "silent" | "stall";

export interface SmtpOptions {
  /** Runs once the whole message is in, before the server answers 250 (what happens while a slow server holds it). */
  beforeAccept?: () => Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address === "string") reject(new Error("the test SMTP server has no port"));
      else resolve(address.port);
    });
  });
}

async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startSmtp(mode: SmtpMode = "accept", options: SmtpOptions = {}): Promise<TestSmtp> {
  const messages: TestSmtp["messages"] = [];
  let port: number;
  let close: () => Promise<void>;
  if (mode === "silent") {
    ({ port, close } = await silentServer());
  } else {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(_address, _session, callback) {
        if (mode === "reject") {
          const err = Object.assign(new Error("5.7.1 Relaying denied: recipient not accepted"), { responseCode: 550 });
          callback(err);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
            messages.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, mail });
            if (mode === "stall") return;
            return (options.beforeAccept ?? (async () => undefined))().then(() => callback());
          })
          .catch((err: Error) => callback(err));
      },
    });
    port = await listen(smtp.server as Server);
    close = () => new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
  const url = `smtp://127.0.0.1:${port}`;
  return {
    url,
    messages,
    mail: (overrides = {}) => ({ smtpUrl: url, from: { name: "ACME war room", address: "warroom@acme.example" }, to: ["cac@example.gov.cn"], timeoutMs: 2_000, ...overrides }),
    close,
  };
}
