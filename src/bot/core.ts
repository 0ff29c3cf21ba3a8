import type { IncidentService } from "../incidents/service.js";
import type { RulePack } from "../rules/pack.js";
import type { Clock } from "../time/clock.js";
import type { ChatPort } from "./adapter.js";
import type { BoardViewer } from "../board/auth.js";
import type { MailConfig } from "../config.js";

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/** What commands are written against: the domain, never a platform. */
export interface Core {
  service: IncidentService;
  pack: RulePack;
  clock: Clock;
  /** Zone shown beside China Standard Time. */
  displayZone: string;
  ports: ReadonlyMap<string, ChatPort>;
  /** Deliver queued messages (cards, announcements, warnings) now. */
  flush(): Promise<void>;
  log: Logger;
  /** Sign-in links to the web board; absent where the deployment names no board. */
  board?: { link(viewer: BoardViewer): Promise<string> };
  /** E-mail filing: SMTP server, sender, default recipients. */
  mail: MailConfig;
  /**
   * A rehearsal on a fake clock and a throwaway store: nothing leaves warroom. An e-mail
   * filing is built in full and shown, never sent.
   */
  drill: boolean;
}
