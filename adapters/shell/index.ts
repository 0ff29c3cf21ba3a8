import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { App } from "../../src/app.js";
import type { FakeClock } from "../../src/time/clock.js";
import { ShellPort } from "./port.js";
import { ShellSession } from "./session.js";
import { ShellFiles } from "./files.js";
import { cleanText } from "../../src/bot/sanitize.js";

export interface ShellOptions {
  app: App;
  input: Readable;
  output: Writable;
  user: string;
  /** Drill mode: a fake clock that /clock moves. */
  clock?: FakeClock;
  /** Run the node-cron sweep (live clock). */
  live: boolean;
  /** Folder the Word and PDF reports (and other attachments) are written to. */
  filesDir: string;
}

/**
 * Run a terminal war room until end of input or /quit. Works interactively (a prompt,
 * warnings printed as they fall due) and with piped input (one command a line).
 */
export async function runShell(o: ShellOptions): Promise<void> {
  const interactive = Boolean((o.input as { isTTY?: boolean }).isTTY);
  let rl: Interface | undefined;
  let busy = true;
  const write = (raw: string) => {
    // Whatever reaches the terminal is text: rows written before input was cleaned, too.
    const text = cleanText(raw, { multiline: true });
    if (!interactive || busy || !rl) {
      o.output.write(`${text}\n`);
      return;
    }
    // A warning arriving while the user types: print it above the prompt, then redraw the line.
    clearLine(o.output, 0);
    cursorTo(o.output, 0);
    o.output.write(`${text}\n`);
    rl.prompt(true);
  };
  // Incidents opened in earlier runs keep their rooms (and members) in the shell.
  const known: { id: string; members: string[] }[] = [];
  for (const i of await o.app.core.service.list()) {
    if (i.platform !== "shell" || !i.channelId || i.status === "closed") continue;
    const roles = await o.app.core.service.snapshot(i.id).then(
      (snap) => Object.values(snap.roles),
      (err: unknown) => {
        // One damaged incident must not keep the war room shut: it is named, the rest open.
        o.output.write(`!! incident #${i.id}: ${(err as Error).message}\n`);
        return [];
      },
    );
    known.push({ id: i.channelId, members: [i.openedBy, ...roles] });
  }
  const port = new ShellPort(write, known, new ShellFiles(o.filesDir));
  o.app.attach(port);
  const session = new ShellSession(o.app, port, o.user, write, o.clock);
  port.onChannelCreated = (id) => session.channelCreated(id);
  // Warnings that fell due while warroom was down come first, as one catch-up per incident.
  await o.app.engine.recover();
  if (o.live) await o.app.engine.start();
  write(session.banner());

  const reader = createInterface({ input: o.input, output: interactive ? o.output : undefined, terminal: interactive });
  rl = reader;
  const prompt = () => {
    busy = false;
    if (interactive) {
      reader.setPrompt(session.prompt());
      reader.prompt();
    }
  };
  prompt();
  for await (const line of reader) {
    busy = true;
    const goOn = await session.handle(line);
    if (!goOn) break;
    prompt();
  }
  busy = true;
  reader.close();
  await o.app.core.flush();
}
