import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { App } from "../../src/app.js";
import type { FakeClock } from "../../src/time/clock.js";
import { ShellPort } from "./port.js";
import { ShellSession } from "./session.js";

export interface ShellOptions {
  app: App;
  input: Readable;
  output: Writable;
  user: string;
  /** Drill mode: a fake clock that /clock moves. */
  clock?: FakeClock;
  /** Run the node-cron sweep (live clock). */
  live: boolean;
}

/**
 * Run a terminal war room until end of input or /quit. Works interactively (a prompt,
 * warnings printed as they fall due) and with piped input (one command a line).
 */
export async function runShell(o: ShellOptions): Promise<void> {
  const interactive = Boolean((o.input as { isTTY?: boolean }).isTTY);
  const write = (text: string) => {
    o.output.write(`${text}\n`);
  };
  // Incidents opened in earlier runs keep their rooms (and members) in the shell.
  const known = o.app.core.service
    .list()
    .filter((i) => i.platform === "shell" && i.channelId && i.status !== "closed")
    .map((i) => ({ id: i.channelId as string, members: [i.openedBy, ...Object.values(o.app.core.service.snapshot(i.id).roles)] }));
  const port = new ShellPort(write, known);
  o.app.attach(port);
  const session = new ShellSession(o.app, port, o.user, write, o.clock);
  port.onChannelCreated = (id) => session.channelCreated(id);
  write(session.banner());
  await o.app.engine.recover();
  if (o.live) await o.app.engine.start();

  const rl = createInterface({ input: o.input, output: interactive ? o.output : undefined, terminal: interactive });
  const prompt = () => {
    if (interactive) {
      rl.setPrompt(session.prompt());
      rl.prompt();
    }
  };
  prompt();
  for await (const line of rl) {
    const goOn = await session.handle(line);
    if (!goOn) break;
    prompt();
  }
  rl.close();
  await o.app.core.flush();
}
