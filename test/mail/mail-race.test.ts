import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { harness, textOf, ENGINES, type Engine, type Harness } from "../support/harness.js";
import { startSmtp, type SmtpOptions, type SmtpMode, type TestSmtp } from "../support/smtp.js";
import { holdWriteLock, type WriteLock } from "../support/write-lock.js";
import { openStore } from "../../src/store/open.js";
import { createTestDatabase } from "../support/postgres.js";
import type { MailConfig } from "../../src/config.js";

let servers: TestSmtp[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(mode: SmtpMode, options: SmtpOptions = {}): Promise<TestSmtp> {
  const s = await startSmtp(mode, options);
  servers.push(s);
  return s;
}

/** The harness on a database another process can lock: a SQLite file, or a PostgreSQL database of its own; locks give up after half a second. */
async function lockable(engine: Engine, mail: MailConfig): Promise<{ h: Harness; location: string }> {
  let location: string;
  let drop: () => Promise<void>;
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "warroom-race-"));
    location = join(dir, "warroom.db");
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await createTestDatabase("race");
    location = db.url;
    drop = db.drop;
  }
  const store = await openStore(location, { busyTimeoutMs: 500, lockTimeoutMs: 500, busyAttempts: 1, poolSize: 4 });
  const h = harness(undefined, undefined, store, { mail });
  onTestFinished(async () => {
    await h.app.close();
    await store.close();
    await drop();
  });
  return { h, location };
}

async function ready(h: Harness): Promise<void> {
  await h.say("open Payment DB outage");
  await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
  await h.say("report edit 1 ACME Pay Ltd; payment database cluster db-3");
  await h.say("report edit 2 Customer records exposed through a misconfigured replica");
}

/** A command as the router takes it, without delivering the outbox (which would wait on the lock too). */
const command = (h: Harness, text: string) => h.app.router.command({ actor: { platform: "test", id: "alice" }, channelId: h.room(), text });

/** While the SMTP server holds the message, another process takes the write lock: then it answers 250. */
async function race(engine: Engine): Promise<{ h: Harness; smtp: TestSmtp; lock: () => WriteLock | undefined }> {
  let held: WriteLock | undefined;
  let location = "";
  const smtp = await server("accept", { beforeAccept: async () => void (held = await holdWriteLock(location)) });
  const setup = await lockable(engine, smtp.mail());
  location = setup.location;
  return { h: setup.h, smtp, lock: () => held };
}

describe.each(ENGINES)("e-mail filing against a busy database (%s)", (engine) => {
  it("says the e-mail went out and how to record it; the retry records it and sends nothing", async () => {
    const { h, smtp, lock } = await race(engine);
    await ready(h);
    h.clock.advance({ minutes: 20 });

    const first = await command(h, "email send");
    expect(smtp.messages).toHaveLength(1);
    const messageId = smtp.messages[0]?.mail.messageId as string;
    expect(textOf(first)).toContain(`The e-mail went out (Message-ID ${messageId}) but could not be recorded: the incident database is locked by another process.`);
    expect(textOf(first)).toContain(`/incident submitted email ${messageId} --kind initial --at 2026-03-02T09:20:00.000+08:00`);
    expect(textOf(first)).not.toContain("nothing was changed");
    await lock()?.release();
    expect((await h.app.core.service.snapshot(1)).initialFiled).toBe(false);

    // The retry records the e-mail that went out, as accepted, and sends nothing.
    h.clock.advance({ minutes: 5 });
    const retry = await command(h, "email send");
    expect(textOf(retry)).toContain(`nothing was sent again`);
    expect(textOf(retry)).toContain("The report countdown has stopped.");
    expect(smtp.messages).toHaveLength(1);
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.submissions).toHaveLength(1);
    expect(snap.submissions[0]).toMatchObject({ kind: "initial", channel: "email", reference: messageId, submittedAt: "2026-03-02T01:20:00.000Z" });

    // The command the answer gave is idempotent by Message-ID: typed as well, it records nothing more.
    const typed = await command(h, `submitted email ${messageId} --kind initial --at 2026-03-02T09:20:00.000+08:00`);
    expect(textOf(typed)).toContain("is already recorded as filed");
    expect((await h.app.core.service.snapshot(1)).submissions).toHaveLength(1);
    expect((await h.app.core.service.timeline(1)).filter((e) => e.type === "report_submitted")).toHaveLength(1);
  });

  it("the command the answer gives records the e-mail by its Message-ID", async () => {
    const { h, smtp, lock } = await race(engine);
    await ready(h);
    const first = await command(h, "email send");
    await lock()?.release();
    const recordIt = /\/incident (submitted email \S+ --kind initial --at \S+)\./.exec(textOf(first))?.[1];
    expect(recordIt).toBeDefined();
    const recorded = await command(h, recordIt as string);
    expect(textOf(recorded)).toContain("Initial report recorded as filed via");
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.submissions[0]?.reference).toBe(smtp.messages[0]?.mail.messageId);
    expect(smtp.messages).toHaveLength(1);
  });
});

describe("e-mail filing: outcomes the server leaves open", () => {
  it("a server that takes the whole message and never answers: the outcome is unknown, and how to check it is said", async () => {
    const smtp = await server("stall");
    const { h } = await lockable("sqlite", smtp.mail({ timeoutMs: 400 }));
    await ready(h);
    const r = await command(h, "email send");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const messageId = smtp.messages[0]?.mail.messageId as string;
    expect(messageId).toBeTruthy();
    expect(textOf(r)).toContain(`The mail server received the whole report (Message-ID ${messageId}) but did not confirm it`);
    expect(textOf(r)).toContain("It may have been accepted.");
    expect(textOf(r)).toContain(`/incident submitted email ${messageId} --kind initial --at`);
    expect(textOf(r)).not.toContain("was not sent");
    expect((await h.app.core.service.snapshot(1)).submissions).toHaveLength(0);
  });

  it("a double-click on Send sends one e-mail; a repeated send after the filing files no empty supplementary report", async () => {
    let hold: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (hold = resolve));
    const smtp = await server("accept", { beforeAccept: () => held });
    const { h } = await lockable("sqlite", smtp.mail());
    await ready(h);
    const click = () => h.app.router.action({ actor: { platform: "test", id: "alice" }, channelId: h.room(), action: "email_send", value: "1" });
    const first = click();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await click();
    expect(textOf(second)).toContain("is being sent right now");
    hold();
    expect(textOf(await first)).toContain("The report countdown has stopped.");
    // The supplementary report owed (items 3-7) has nothing written yet: sending again files nothing.
    const again = await command(h, "email send");
    expect(textOf(again)).toContain("The supplementary report would be empty: items 3, 4, 5, 6, 7 are still unwritten");
    expect(smtp.messages).toHaveLength(1);
    await h.say("report edit 3 Two replicas affected");
    expect(textOf(await command(h, "email send"))).toContain("Supplementary report recorded as filed");
    expect(smtp.messages).toHaveLength(2);
    const done = await command(h, "email send --kind supplementary");
    expect(textOf(done)).toContain("The supplementary report would be empty: items 4, 5, 6, 7 are still unwritten");
    expect(smtp.messages).toHaveLength(2);
  });
});
