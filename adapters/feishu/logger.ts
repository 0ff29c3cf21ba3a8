import type { Logger } from "../../src/bot/core.js";

type SdkLogger = Record<"error" | "warn" | "info" | "debug" | "trace", (...msg: unknown[]) => void>;

const line = (msg: unknown[]) =>
  msg
    .flat()
    .map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m)))
    .join(" ")
    .split("\n")[0]
    ?.slice(0, 300) ?? "";

/**
 * The SDK's log lines, one line each, as information: whatever it reports as an error is
 * thrown to warroom's code too and logged there once, in warroom's own words.
 */
export function sdkLogger(log: Logger): SdkLogger {
  const info = (...msg: unknown[]) => log.info(`feishu sdk: ${line(msg)}`);
  const quiet = () => undefined;
  return { error: info, warn: info, info: quiet, debug: quiet, trace: quiet };
}
