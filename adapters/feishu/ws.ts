import { WSClient, LoggerLevel, type EventDispatcher } from "@larksuiteoapi/node-sdk";
import { FeishuStartError } from "./errors.js";
import type { sdkLogger } from "./logger.js";

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  dispatcher: EventDispatcher;
  logger: ReturnType<typeof sdkLogger>;
  /** How long the first connection may take before the start fails. */
  timeoutMs?: number;
}

export interface LongConnection {
  state(): string;
  close(): void;
}

/**
 * The SDK's long connection (no public URL needed): it asks the Open Platform for a
 * WebSocket endpoint, connects and hands each event to the dispatcher. Its start() returns
 * before it has connected, so this waits for onReady, or fails the start on onError.
 */
export async function connectLongConnection(o: LongConnectionOptions): Promise<LongConnection> {
  let settle: { ok(): void; fail(err: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settle = { ok: resolve, fail: reject };
  });
  const client = new WSClient({
    appId: o.appId,
    appSecret: o.appSecret,
    domain: o.domain,
    logger: o.logger,
    loggerLevel: LoggerLevel.warn,
    onReady: () => settle?.ok(),
    onError: (err) => settle?.fail(err),
  });
  if (!/^cli_[0-9a-fA-F]{16}$/.test(o.appId)) throw new FeishuStartError(`FEISHU_APP_ID ${o.appId.slice(0, 40)} is not an app id (cli_ and 16 hex digits), which the long connection needs`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${(o.timeoutMs ?? 20_000) / 1000} s`)), o.timeoutMs ?? 20_000);
  });
  try {
    await client.start({ eventDispatcher: o.dispatcher });
    await Promise.race([ready, timeout]);
  } catch (err) {
    client.close({ force: true });
    throw new FeishuStartError(`the Feishu long connection (FEISHU_EVENT_MODE=ws) could not start: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return { state: () => client.getConnectionStatus().state, close: () => client.close({ force: true }) };
}
