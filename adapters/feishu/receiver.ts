import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { AESCipher, type EventDispatcher } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../src/bot/core.js";
import type { HttpRoute } from "../../src/http/server.js";
import { challengeSchema, envelopeSchema, type Envelope } from "./events.js";

export const EVENTS_PATH = "/feishu/events";

/** Feishu signs with the send time; a request older than this is refused as a replay. */
export const MAX_AGE_SEC = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;

export interface GateOptions {
  verificationToken: string;
  /** True the first time an event id is seen, across replicas (the store's processed keys). */
  firstSeen(key: string): Promise<boolean>;
}

export type Admission = "accept" | "wrong token" | "seen";

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * What the SDK does not check and every event must pass before a handler runs: the
 * verification token in the event's header, and that its id has not been applied before
 * (Feishu redelivers whatever it did not see acknowledged within 3 s).
 */
export async function admit(header: { token: string; event_id: string }, o: GateOptions): Promise<Admission> {
  if (!same(header.token, o.verificationToken)) return "wrong token";
  return (await o.firstSeen(`feishu:event:${header.event_id}`)) ? "accept" : "seen";
}

export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + body).digest("hex");
}

export interface ReceiverOptions extends GateOptions {
  encryptKey: string;
  dispatcher: EventDispatcher;
  log: Logger;
  /** Wall-clock seconds; the signature's timestamp is Feishu's real time, never a drill clock. */
  nowSec?: () => number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, "body larger than 1 MB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return typeof v === "string" ? v : undefined;
};

/**
 * POST /feishu/events: Feishu's event and card-callback requests. Every request is
 * encrypted with the app's encrypt key; events are also signed. Before the SDK's dispatcher
 * sees anything, this checks what the SDK leaves out: the signature over the exact bytes
 * received, the request's age, the verification token, and redelivery.
 */
export class FeishuReceiver {
  private readonly cipher: AESCipher;

  constructor(private readonly o: ReceiverOptions) {
    this.cipher = new AESCipher(o.encryptKey);
  }

  route(): HttpRoute {
    return { methods: ["POST"], path: EVENTS_PATH, handler: (req, res) => this.handle(req, res) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.process(req);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.o.log.info(`feishu: refused a request: ${err.message}`);
      res.writeHead(err.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: err.status === 401 ? "unauthorized" : "bad request" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer ?? {}));
  }

  private decrypt(body: string): { wrapped: Record<string, unknown>; plain: unknown } {
    let wrapped: unknown;
    try {
      wrapped = JSON.parse(body);
    } catch {
      throw new Refusal(400, "body is not JSON");
    }
    if (typeof wrapped !== "object" || wrapped === null || typeof (wrapped as { encrypt?: unknown }).encrypt !== "string") {
      // The console's URL check may come in clear; with an encrypt key set, nothing else does.
      if (challengeSchema.safeParse(wrapped).success) return { wrapped: {}, plain: wrapped };
      throw new Refusal(401, "not encrypted");
    }
    try {
      return { wrapped: wrapped as Record<string, unknown>, plain: JSON.parse(this.cipher.decrypt((wrapped as { encrypt: string }).encrypt)) };
    } catch {
      throw new Refusal(401, "cannot be decrypted with FEISHU_ENCRYPT_KEY");
    }
  }

  private checkSignature(req: IncomingMessage, body: string): void {
    const timestamp = header(req.headers, "x-lark-request-timestamp");
    const nonce = header(req.headers, "x-lark-request-nonce");
    const signature = header(req.headers, "x-lark-signature");
    if (!timestamp || !nonce || !signature) throw new Refusal(401, "unsigned");
    const sent = Number(timestamp);
    const now = this.o.nowSec?.() ?? Math.floor(Date.now() / 1000);
    if (!Number.isFinite(sent) || Math.abs(now - sent) > MAX_AGE_SEC) throw new Refusal(401, `timestamp ${timestamp.slice(0, 20)} is more than 5 minutes off`);
    if (!same(feishuSignature(timestamp, nonce, this.o.encryptKey, body), signature)) throw new Refusal(401, "wrong signature");
  }

  private async process(req: IncomingMessage): Promise<unknown> {
    const body = await readBody(req);
    const { wrapped, plain } = this.decrypt(body);
    const challenge = challengeSchema.safeParse(plain);
    if (challenge.success) {
      // Feishu does not sign the URL check; the token inside the encrypted body proves it.
      if (!same(challenge.data.token, this.o.verificationToken)) throw new Refusal(401, "url_verification with a wrong token");
      return { challenge: challenge.data.challenge };
    }
    this.checkSignature(req, body);
    const envelope = envelopeSchema.safeParse(plain);
    if (!envelope.success) throw new Refusal(400, `not a 2.0 event: ${envelope.error.issues[0]?.message ?? "invalid"}`);
    const verdict = await admit(envelope.data.header, this.o);
    if (verdict === "wrong token") throw new Refusal(401, `event ${envelope.data.header.event_id.slice(0, 60)} carries a wrong verification token`);
    if (verdict === "seen") return {};
    return this.dispatch(req.headers, wrapped, envelope.data);
  }

  /** The SDK's dispatcher decrypts again and routes by event type: its real path, headers and all. */
  private async dispatch(headers: IncomingHttpHeaders, wrapped: Record<string, unknown>, envelope: Envelope): Promise<unknown> {
    const data = Object.assign(Object.create({ headers }) as object, wrapped);
    const answer: unknown = await this.o.dispatcher.invoke(data);
    // The SDK answers undefined when its own signature check fails, a string for an event type without a handler.
    if (answer === undefined) this.o.log.error(`feishu: the SDK refused event ${envelope.header.event_id.slice(0, 60)} after it passed warroom's checks`);
    else if (typeof answer === "string") this.o.log.info(`feishu: ${envelope.header.event_type.slice(0, 60)}: ${answer}`);
    if (typeof answer === "string" || answer === undefined) return {};
    return answer;
  }
}
