import type { EventEmitter } from "node:events";

/**
 * Resolves once a recorded call satisfies `match` (already recorded, or emitted as "call"
 * later); rejects after `timeoutMs` naming what was seen, so a failing test says why.
 */
export function waitForCall<C>(calls: C[], events: EventEmitter, match: (c: C) => boolean, timeoutMs: number, seen: () => string): Promise<C> {
  const found = calls.find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onCall = (c: C) => {
      if (!match(c)) return;
      clearTimeout(timer);
      events.off("call", onCall);
      resolve(c);
    };
    const timer = setTimeout(() => {
      events.off("call", onCall);
      reject(new Error(`no matching call within ${timeoutMs} ms; seen: ${seen()}`));
    }, timeoutMs);
    events.on("call", onCall);
  });
}
