import type { Logger } from "../../src/bot/core.js";

type SdkLogger = Record<"error" | "warn" | "info" | "debug" | "trace", (...msg: unknown[]) => void>;

/**
 * What of an SDK log argument may reach warroom's log: its words, never a request or a
 * response body (titles, open_ids, report text). An object gives only its code, status and
 * message; a string is cut where a JSON body would start.
 */
function safe(m: unknown): string {
  if (typeof m === "string") return m.split(/\{|\[(?=["{])/)[0]?.trim() ?? "";
  if (m instanceof Error) return safe(m.message);
  if (m && typeof m === "object") {
    const o = m as Record<string, unknown>;
    const parts = ["code", "status", "msg", "message"].filter((k) => typeof o[k] === "string" || typeof o[k] === "number").map((k) => `${k}=${safe(String(o[k]))}`);
    return parts.length ? parts.join(" ") : "(details withheld)";
  }
  return String(m);
}

const line = (msg: unknown[]) =>
  msg
    .flat()
    .map(safe)
    .filter(Boolean)
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
