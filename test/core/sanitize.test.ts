import { describe, expect, it } from "vitest";
import { harness, textOf } from "../support/harness.js";
import { FORM_IDS } from "../../commands/forms.js";
import { cleanText } from "../../src/bot/sanitize.js";

const ESC = "\u001b";
const BEL = "\u0007";
/** Terminal title change, colour, NUL, right-to-left override, C1 CSI, DEL. */
const HOSTILE = `${ESC}]0;pwned${BEL}Payment ${ESC}[31mDB${ESC}[0m\u0000 outage\u202E\u2066gpj.exe\u2069\u009b2J\u007f`;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("control and bidi characters are stripped where user text comes in", () => {
  it("cleanText keeps newlines and tabs only in multi-line text", () => {
    expect(cleanText(HOSTILE)).toBe("Payment DB outagegpj.exe");
    expect(cleanText("line 1\r\nline 2\ttab\rline 3\u2028line 4", { multiline: true })).toBe("line 1\nline 2\ttab\nline 3\nline 4");
    expect(cleanText("line 1\r\nline 2\ttab")).toBe("line 1 line 2 tab");
    // A lone surrogate cannot be stored as UTF-8: it becomes the replacement character.
    expect(cleanText("a\ud800b")).toBe("a\ufffdb");
    expect(cleanText("支付数据库故障 😀")).toBe("支付数据库故障 😀");
  });

  it("a title with terminal escapes, NUL and U+202E is stored and echoed clean", async () => {
    const h = harness();
    const r = await h.say(`open "${HOSTILE}"`);
    expect(textOf(r)).toContain('Opened incident #1 "Payment DB outagegpj.exe"');
    const stored = (await h.app.core.service.get(1));
    expect(stored.title).toBe("Payment DB outagegpj.exe");
    expect(h.port.channels.get(h.room())?.topic).not.toMatch(CONTROL);
    expect(JSON.stringify((await h.app.core.service.timeline(1)))).not.toMatch(CONTROL);
    for (const p of h.port.posts) expect(JSON.stringify(p.message)).not.toMatch(CONTROL);
  });

  it("report items keep their line breaks and tabs but lose the escapes", async () => {
    const h = harness();
    await h.say("open Outage");
    await h.say(`report edit 2 first line${ESC}[2J\nsecond\tline\u202E`);
    expect((await h.app.core.service.snapshot(1)).items.incident_and_impact).toBe("first line\nsecond\tline");
  });

  it("form values and the actor's name are cleaned too", async () => {
    const h = harness();
    const res = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice", name: `ali${ESC}[8mce` },
      formId: FORM_IDS.open,
      values: { title: HOSTILE, description: `two${BEL}\nlines\u202E` },
      context: { channelId: "general" },
    });
    expect(res.ok).toBe(true);
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.title).toBe("Payment DB outagegpj.exe");
    expect(snap.incident.description).toBe("two\nlines");
    const r = await h.app.router.command({ actor: { platform: "test", id: "alice", name: `ali${ESC}[8mce` }, channelId: h.room(), text: "update checked\u0000 the logs" });
    expect(textOf(r)).toContain("Development recorded by @alice: checked the logs");
  });

  it("a card button's value is cleaned before it becomes a command", async () => {
    const h = harness();
    await h.say("open Outage");
    const r = await h.app.router.action({ actor: { platform: "test", id: "alice" }, channelId: "general", action: "status", value: `1${ESC}[31m` });
    expect(textOf(r)).toContain("Incident #1: Outage");
  });
});
