import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpRoute } from "../../src/http/server.js";
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  verifySlackRequest,
  type App as BoltApp,
  type Logger as BoltLogger,
  type Receiver,
} from "@slack/bolt";

export const EVENTS_PATH = "/slack/events";

export interface GuardedReceiverOptions {
  signingSecret: string;
  logger: BoltLogger;
  /** True the first time a key is seen (the core's processed-requests table). */
  firstSeen(key: string): Promise<boolean>;
}

/**
 * Bolt's HTTPReceiver with a guard in front that verifies each request once, with Bolt's
 * own `verifySlackRequest` (signature, and staleness beyond 5 minutes), and accepts a
 * correctly signed request only once: Bolt alone accepts the same signed request again for
 * five minutes, here a replay gets 401 before any listener runs. The guard buffers the body
 * onto the request (`rawBody`), which Bolt's receiver reads instead of the stream; having
 * verified, it switches Bolt's second verification off rather than hashing twice.
 */
export class GuardedReceiver implements Receiver {
  private readonly inner: HTTPReceiver;

  constructor(private readonly o: GuardedReceiverOptions) {
    this.inner = new HTTPReceiver({
      signingSecret: o.signingSecret,
      endpoints: EVENTS_PATH,
      logger: o.logger,
      processBeforeResponse: false,
      signatureVerification: false,
    });
  }

  init(app: BoltApp): void {
    this.inner.init(app);
  }

  /** The process's HTTP server owns the port; the receiver is the route for POST /slack/events. */
  route(): HttpRoute {
    return { methods: ["POST"], path: EVENTS_PATH, handler: (req, res) => this.handle(req, res) };
  }

  /** Bolt starts and stops receivers; the shared HTTP server's owner does that instead. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
      const verdict = await this.check(buffered);
      if (verdict !== "accept") {
        if (verdict === "ssl_check") res.writeHead(200);
        else {
          this.o.logger.warn(`refused a Slack request: ${verdict}`);
          res.writeHead(401);
        }
        res.end();
        return;
      }
      this.inner.requestListener(req, res);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof HTTPReceiverDeferredRequestError) res.writeHead(404);
      else if (HTTPModuleFunctions.isRawBodyError(err)) res.writeHead(err.statusCode === 413 ? 413 : 400);
      else {
        this.o.logger.error(`Slack request failed: ${(err as Error).message}`);
        res.writeHead(500);
      }
      res.end();
    }
  }

  /** Only a request that passes verification is remembered: forgeries change nothing. */
  private async check(req: IncomingMessage & { rawBody: Buffer }): Promise<"accept" | "ssl_check" | string> {
    const body = req.rawBody.toString();
    // Slack's unsigned certificate probe: answered, never processed.
    if (req.headers["content-type"] === "application/x-www-form-urlencoded" && new URLSearchParams(body).get("ssl_check") === "1") return "ssl_check";
    const signature = req.headers["x-slack-signature"];
    const timestamp = req.headers["x-slack-request-timestamp"];
    if (typeof signature !== "string" || typeof timestamp !== "string") return "unsigned";
    try {
      verifySlackRequest({
        signingSecret: this.o.signingSecret,
        body,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
      });
    } catch (err) {
      return (err as Error).message;
    }
    return (await this.o.firstSeen(`slack:sig:${timestamp}:${signature}`)) ? "accept" : "replay of an earlier request (same signature and timestamp)";
  }
}
