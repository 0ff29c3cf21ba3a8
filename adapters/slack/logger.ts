import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../src/bot/core.js";

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

const text = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");

/** Bolt and the WebClient log through warroom's logger (info and up; debug is dropped). */
export function boltLogger(log: Logger, initial: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initial;
  let name = "slack";
  const on = (l: LogLevel) => ORDER.indexOf(l) >= ORDER.indexOf(level);
  return {
    debug: (...msgs) => {
      if (on(LogLevel.DEBUG)) log.info(`[${name}] ${text(msgs)}`);
    },
    info: (...msgs) => {
      if (on(LogLevel.INFO)) log.info(`[${name}] ${text(msgs)}`);
    },
    warn: (...msgs) => {
      if (on(LogLevel.WARN)) log.error(`[${name}] warning: ${text(msgs)}`);
    },
    error: (...msgs) => log.error(`[${name}] ${text(msgs)}`),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n) => {
      name = n;
    },
  };
}
