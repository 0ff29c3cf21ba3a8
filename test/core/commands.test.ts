import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harness, textOf } from "../support/harness.js";
import { createApp } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { RecordingPort } from "../support/recording-port.js";
import { FORM_IDS } from "../../commands/forms.js";

describe("input errors", () => {
  it("answers an unknown subcommand privately with the usage line", async () => {
    const h = harness();
    const r = await h.say("frobnicate");
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toContain('Unknown subcommand "frobnicate"');
    expect(textOf(r)).toContain("/incident <open|facts|status|report|submitted|email|update|police|disclose|role|assess|resolve|final|close|timeline|board|help>");
  });

  it("names the bad pair in facts and changes nothing", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    for (const [input, expected] of [
      ["facts personal_info_people=-5", "personal_info_people=-5: must not be negative"],
      ["facts province_population_pct=120", "province_population_pct=120: must be at most 100"],
      ["facts portal_tier=city", "portal_tier=city: expected one of provincial_or_central, prefecture_or_provincial_news, enterprise_or_institution, other"],
      ["facts flux=3", 'flux=3: unknown fact "flux"'],
      ["facts direct_loss_rmb=lots", "direct_loss_rmb=lots: expected a number"],
      ["facts 1200000", '"1200000" is not a name=value pair'],
    ] as const) {
      const r = await h.say(input);
      expect(r.ephemeral, input).toBe(true);
      expect(textOf(r), input).toContain(expected);
      expect(textOf(r), input).toContain("Usage: /incident facts");
    }
    expect((await h.app.core.service.snapshot(1)).facts).toEqual({ aware_at: "2026-03-02T01:00:00.000Z" });
    expect((await h.app.core.service.timeline(1)).filter((e) => e.type === "fact_set")).toHaveLength(0);
  });

  it("refuses a time of awareness in the future", async () => {
    const h = harness();
    const r = await h.say("open Outage --aware 2026-03-02T10:00+08:00");
    expect(textOf(r)).toContain("cannot be in the future");
    expect((await h.app.core.service.list())).toHaveLength(0);
  });

  it("refuses commands outside an incident channel", async () => {
    const h = harness();
    const r = await h.say("status", { channel: "general" });
    expect(textOf(r)).toContain("This channel is not an incident channel");
  });

  it("reports a locked database clearly and loses nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-busy-"));
    const path = join(dir, "w.db");
    const clock = new FakeClock("2026-03-02T09:00:00+08:00");
    const app = createApp({ config: { dbPath: path, displayZone: "UTC", sweepCron: "*/15 * * * * *" }, db: openDatabase(path, { busyTimeoutMs: 50 }), clock, log: { info: () => undefined, error: () => undefined } });
    const port = new RecordingPort();
    app.attach(port);
    const actor = { platform: "test", id: "alice" };
    await app.router.command({ actor, channelId: "general", text: "open Payment DB outage" });
    const channelId = [...port.channels.keys()][0] as string;
    // Let the card delivery finish: the other connection below blocks this process while it waits.
    await app.outbox.deliver();
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const r = await app.router.command({ actor, channelId, text: "facts personal_info_people=1200000" });
    expect(textOf(r)).toContain("The incident database is locked by another process; nothing was changed. Try again");
    other.exec("ROLLBACK");
    other.close();
    const again = await app.router.command({ actor, channelId, text: "facts personal_info_people=1200000" });
    expect(textOf(again)).toContain("major");
    await app.close();
  });
});

describe("rights", () => {
  it("refuses a change from someone outside the incident channel", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    const r = await h.say("facts direct_loss_rmb=9000000", { user: "mallory" });
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toContain("Only members of the incident channel #inc-20260302-payment-db-outage can change incident #1");
    expect((await h.app.core.service.snapshot(1)).facts.direct_loss_rmb).toBeUndefined();
  });

  it("limits submitted, resolve and close to the commander and the compliance lead", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    h.port.channels.get(h.room())?.members.add("bob");
    h.port.channels.get(h.room())?.members.add("carol");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    const refused = await h.say("resolve", { user: "bob" });
    expect(textOf(refused)).toContain("Only the incident's commander (<@alice>) or compliance lead (unassigned) may use /incident resolve.");
    expect((await h.app.core.service.get(1)).status).toBe("open");
    await h.say("role compliance @carol");
    const ok = await h.say("resolve", { user: "carol" });
    expect(textOf(ok)).toContain("Incident #1 resolved by <@carol>");
  });

  it("brings a new role holder into the incident channel", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    expect(await h.port.isMember(h.room(), "erin")).toBe(false);
    const r = await h.say("role compliance <@erin>");
    expect(textOf(r)).toBe("<@erin> is now the compliance of incident #1.");
    expect(r.message?.mentions).toEqual(["erin"]);
    expect(await h.port.isMember(h.room(), "erin")).toBe(true);
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    const ok = await h.say("resolve", { user: "erin" });
    expect(textOf(ok)).toContain("Incident #1 resolved by <@erin>");
  });

  it("checks rights on form submissions too", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    const r = await h.app.router.submitForm({
      actor: { platform: "test", id: "mallory" },
      formId: FORM_IDS.facts,
      values: { direct_loss_rmb: "9000000" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(r.ok).toBe(true);
    expect(r.ok && textOf(r.reply)).toContain("Only members of the incident channel");
  });
});

describe("status", () => {
  it("shows times in the viewer's own zone beside CST when the platform knows it", async () => {
    const h = harness("2026-03-02T09:00:00+08:00", "UTC");
    await h.say("open Payment DB outage");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    h.port.zones.set("alice", "America/New_York");
    const mine = await h.say("status");
    expect(mine.ephemeral).toBe(true);
    expect(textOf(mine)).toContain("Report due 2026-03-02 13:00 CST (2026-03-02 00:00 EST)");
    h.port.channels.get(h.room())?.members.add("bob");
    const bobs = await h.say("status", { user: "bob" });
    expect(textOf(bobs)).toContain("Report due 2026-03-02 13:00 CST (2026-03-02 05:00 UTC)");
  });
});

describe("forms", () => {
  it("opens the facts form prefilled and returns field errors for bad values", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    const r = await h.say("facts");
    expect(r.form?.form.id).toBe(FORM_IDS.facts);
    expect(r.form?.form.fields.map((f) => f.name)).toContain("personal_info_people");
    expect(r.form?.values.aware_at).toBe("2026-03-02T09:00+08:00");
    const bad = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.facts,
      values: { personal_info_people: "abc", province_population_pct: "120", direct_loss_rmb: "6000000" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(bad).toEqual({ ok: false, errors: { personal_info_people: "expected a number", province_population_pct: "must be at most 100" } });
    expect((await h.app.core.service.snapshot(1)).facts.direct_loss_rmb).toBeUndefined();
    const good = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.facts,
      values: { personal_info_people: "", province_population_pct: "", direct_loss_rmb: "6000000" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(good.ok && textOf(good.reply)).toContain("Level: general (一般) → major (较大)");
  });

  it("opens the open form when no title is given", async () => {
    const h = harness();
    const r = await h.say("open");
    expect(r.form?.form.id).toBe(FORM_IDS.open);
    const res = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.open,
      values: { title: "", aware_at: "yesterday" },
      context: { channelId: "general" },
    });
    expect(res).toEqual({ ok: false, errors: { title: "A title is required.", aware_at: "Not an ISO-8601 time (e.g. 2026-03-02T09:00+08:00)." } });
  });
});

describe("reports", () => {
  it("drafts the eight items of Article 7 in Chinese and English, marking what is missing, with files", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    await h.say("facts personal_info_people=1200000 ransomware=true");
    await h.say('report edit 1 "Acme Pay Ltd, payment database cluster"');
    const r = await h.say("report");
    const text = textOf(r);
    expect(text).toContain("# 网络安全事件报告（初次报告）");
    expect(text).toContain("# Network security incident report (initial report)");
    expect(text).toContain("Acme Pay Ltd, payment database cluster");
    // Six items, and the three ransomware details item 2 must carry (Article 7, item 2); item 8
    // (anything else to report) left empty is "none", not a gap.
    expect(text.match(/【待补充】/g)).toHaveLength(9);
    expect(text.match(/\[MISSING\]/g)).toHaveLength(9);
    expect(text).toContain("## 8. 其他应当报告的情况\n无");
    expect(text).toContain("## 8. Anything else that should be reported\nNone");
    expect(text).toContain("勒索软件攻击事件：要求支付赎金的金额、方式、日期等");
    expect(text).toContain("- **要求支付赎金的金额**: 【待补充】");
    expect(text).toContain("- **Payment method demanded**: [MISSING]");
    expect(text).toContain("Missing: items 2, 3, 4, 5, 6, 7.");
    expect(r.message?.attachments?.map((a) => a.filename)).toEqual(["incident-1-initial.md", "incident-1-initial.txt"]);
    expect(r.message?.attachments?.[1]?.content).not.toContain("**");
  });

  it("freezes the draft as filed in the timeline and tracks supplementary and update reports", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    await h.say("facts personal_info_people=1200000");
    await h.say("report edit 1 Acme Pay");
    await h.say("report edit 2 Leak found at 09:00");
    await h.say("submitted website WEB-1");
    await h.say("report edit 2 Changed afterwards");
    const filed = (await h.app.core.service.timeline(1)).find((e) => e.type === "report_submitted");
    const draft = filed?.payload.draft as { items: { id: string; value: string | null }[] };
    expect(draft.items.find((i) => i.id === "incident_and_impact")?.value).toBe("Leak found at 09:00");
    const sup = await h.say("report --kind supplementary");
    expect(textOf(sup)).toContain("（补充报告）");
    expect(textOf(sup)).not.toContain("## 1.");
    await h.say("update Attackers also reached the backup server");
    const card = h.port.card(h.room());
    expect(card?.text).toContain("Still owed: supplementary report of items 3, 4, 5, 6, 7; update report of new developments.");
    const upd = await h.say("report");
    expect(textOf(upd)).toContain("（续报）");
    expect(textOf(upd)).toContain("Attackers also reached the backup server");
    await h.say("submitted email MAIL-2 --kind update");
    expect(h.port.card(h.room())?.text).not.toContain("update report of new developments");
  });

  it("shows the receiver's onward duty from significant up", async () => {
    const h = harness();
    await h.say("open Budget system breach");
    await h.say("facts operator_type=central_state_organ cii_affected=false direct_loss_rmb=6000000");
    expect(h.port.card(h.room())?.text).not.toContain("onward duty");
    await h.say("facts direct_loss_rmb=30000000");
    const card = h.port.card(h.room())?.text ?? "";
    expect(card).toContain("Report due 2026-03-02 11:00 CST");
    expect(card).toContain(
      "Receiver's onward duty: For significant and particularly significant incidents, the department's cyberspace-affairs office reports to the national CAC at once, within 1 hour of receipt at most (Article 4, paragraph 3).",
    );
  });

  it("says a general incident needs no CAC report but other laws may, once every reportable criterion is ruled out", async () => {
    const h = harness();
    await h.say("open Website defaced");
    const r = await h.say("facts tampered_site_tier=enterprise illegal_content_shares=800 direct_loss_rmb=1000000");
    expect(textOf(r)).toContain("Whether a report is owed is undetermined");
    const settled = await h.say(
      // On the home page 20 minutes: below the 30 minutes of Guide III.n6(1).
      "facts cii_full_outage_minutes=0 cii_main_function_outage_minutes=0 system_loss=none portal_tier=other province_population_pct=0 prefecture_population_pct=0 essential_services_people=0 personal_info_people=0 important_data_harm=none illegal_content_homepage_hours=0.33 illegal_content_other_page_hours=0 illegal_content_views=0 spread_declared=none other_harm=none",
    );
    expect(textOf(settled)).toContain("General incident: every criterion of a reportable level is known not to be met, so no report is required under the CAC Measures; other laws or sector rules may still require one.");
    expect(h.port.card(h.room())?.text).toContain("no report is required");
  });
});

describe("the Measures' own reminders (Articles 5, 7, 13) and the readings applied", () => {
  it("state secrets: every surface says the CAC procedure is not the one that governs, and the clock stays on the strictest deadline", async () => {
    const h = harness();
    await h.say("open Classified network breach");
    const r = await h.say("facts state_secrets=true personal_info_people=1200000");
    const note = "State secrets are involved: this incident is reported under the relevant departments' rules (Article 13)";
    expect(textOf(r)).toContain(note);
    expect(h.port.card(h.room())?.text).toContain(note);
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.clock).toMatchObject({ hours: 1, provisional: true });
    const draft = textOf(await h.say("report"));
    expect(draft).toContain("涉及国家秘密：其报告按照有关部门规定执行（第十三条）");
    expect(draft).toContain(note);
    await h.advance(31, 1);
    const warning = h.port.posts.find((p) => p.message.title?.includes("left"));
    expect(warning?.message.text).toContain(note);
  });

  it("help names the rules applied, the stricter readings, the update-report trigger and the service providers' duty", async () => {
    const h = harness();
    const text = textOf(await h.say("help"));
    expect(text).toMatch(/Rules: cac-2025 2\.0\.0 \(sha256 [0-9a-f]{12}…\)/);
    expect(text).toContain("Stricter reading applied: any company's or institution's portal counts");
    expect(text).toContain("the investigation makes staged progress");
    expect(text).toContain("(Article 5)");
  });

  it("says the stricter reading beside a criterion that applies it, on the card and in the draft", async () => {
    const h = harness();
    await h.say("open Portal down");
    const r = await h.say("facts portal_tier=enterprise_or_institution portal_outage_hours=3");
    expect(textOf(r)).toContain("stricter reading: any company's or institution's portal counts");
    expect(h.port.card(h.room())?.text).toContain("[stricter reading: any company's or institution's portal counts");
    const draft = textOf(await h.say("report"));
    expect(draft).toContain("从严理解：任何企事业单位门户网站均计入");
    expect(draft).toMatch(/Rules applied: cac-2025 2\.0\.0, sha256 [0-9a-f]{64}/);
  });
});

describe("police and disclosure", () => {
  it("reminds about the police when a crime is suspected and records the report", async () => {
    const h = harness();
    await h.say("open Ransomware");
    const r = await h.say("facts suspected_crime=true");
    expect(textOf(r)).toContain("report it to the local police in time");
    expect(h.port.card(h.room())?.text).toContain("Crime suspected: report to the local police");
    await h.say("police reported Chaoyang PSB, case 2026-118");
    expect(h.port.card(h.room())?.text).not.toContain("Crime suspected");
    expect((await h.app.core.service.timeline(1)).some((e) => e.type === "police_reported" && e.payload.note === "Chaoyang PSB, case 2026-118")).toBe(true);
  });

  it("gates publication: report first, publish after", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    await h.say("facts personal_info_people=1200000");
    const early = await h.say("disclose approve --checked police_prefecture");
    expect(textOf(early)).toContain("the CAC report is not yet recorded as filed");
    await h.say("report edit 1 Acme");
    await h.say("report edit 2 Leak");
    await h.say("submitted hotline R1");
    const noPolice = await h.say("disclose approve");
    expect(textOf(noPolice)).toContain("confirm the report to the prefectural-level public security organ");
    const ok = await h.say("disclose approve --checked police_prefecture Holding statement v2");
    expect(textOf(ok)).toContain("Publication cleared by <@alice>");
    const ev = (await h.app.core.service.timeline(1)).find((e) => e.type === "disclosure_cleared");
    expect(ev?.payload).toEqual({ checklist: { police_prefecture: true, regional_report: false, industry_department: false }, note: "Holding statement v2" });
  });
});
