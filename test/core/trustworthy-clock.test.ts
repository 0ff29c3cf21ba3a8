import { describe, expect, it } from "vitest";
import { ENGINES, harnessOn, textOf, type Harness } from "../support/harness.js";
import { FORM_IDS } from "../../commands/forms.js";
import { NONE_FIRES_TEXT } from "../rules/helpers.js";

/** Every reportable criterion ruled out, typed as a command: the incident is general and not reportable. */
const NOTHING_REPORTABLE = NONE_FIRES_TEXT;

async function withItems(h: Harness): Promise<void> {
  await h.say("report edit 1 Acme Pay Ltd, payment database cluster");
  await h.say("report edit 2 Leak found 09:00; access revoked");
}

describe.each(ENGINES)("%s: the clock never relaxes on unknown facts (seen 1)", (engine) => {
  it("keeps 1 h after a reportable fact while CII involvement and the operator type are unknown, and says why", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    const r = await h.say("facts personal_info_people=1200000");
    expect(textOf(r)).toContain("Provisional deadline 2026-03-02 10:00 CST");
    expect(textOf(r)).toContain("1 h applies until CII involvement and the operator type are entered.");
    expect(textOf(r)).toContain("operator_type, cii_affected");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.clock).toMatchObject({ hours: 1, provisional: true });
    const card = h.port.card(h.room())?.text ?? "";
    expect(card).toContain("MAJOR 较大 so far (provisional)");
    expect(card).toContain("Why provisional: 1 h applies until CII involvement and the operator type are entered.");
    expect(card).toContain("Report to (every recipient that could apply)");
    const draft = textOf(await h.say("report"));
    expect(draft).toContain("- **Why provisional**: 1 h applies until CII involvement and the operator type are entered.");
    expect(draft).toContain("- **暂定原因**: 在录入是否涉及关键信息基础设施和报告主体类型之前，按1小时时限计时。");
  });

  it("relaxes to 2 h only once CII is ruled out, and to 4 h only once the operator type is known", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000 cii_affected=false");
    expect((await h.app.core.service.snapshot(1)).clock).toMatchObject({ hours: 2, provisional: true });
    expect(h.port.card(h.room())?.text).toContain("2 h applies until the operator type is entered.");
    await h.say("facts operator_type=ordinary");
    expect((await h.app.core.service.snapshot(1)).clock).toMatchObject({ hours: 4, provisional: false });
    expect(h.port.card(h.room())?.text).not.toContain("Why provisional");
  });

  it("warnings say why the clock is provisional", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000");
    await h.advance(31);
    const warning = h.port.posts.filter((p) => !p.pinned && p.channelId === h.room()).map((p) => p.message.text).find((t) => t.includes("Report (provisional deadline): 30 min left"));
    expect(warning).toContain("1 h applies until CII involvement and the operator type are entered.");
  });
});

describe.each(ENGINES)("%s: 'not reportable' only when it is known (seen 2)", (engine) => {
  it("one harmless fact leaves reportability open: the clock, the card and the disclosure gate stay", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    const r = await h.say("facts tampered_site_tier=enterprise");
    expect(textOf(r)).not.toContain("no report");
    expect(textOf(r)).toContain("Whether a report is owed is undetermined");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.reportability).toBe("undetermined");
    expect(snap.clock).toMatchObject({ hours: 1, provisional: true });
    expect(snap.clock?.reportabilityFacts.length).toBeGreaterThanOrEqual(10);
    expect(h.port.card(h.room())?.text).not.toContain("no CAC report required");
    const gate = await h.say("disclose");
    expect(textOf(gate)).toContain("the CAC report is not yet recorded as filed");
  });

  it("becomes not reportable when every reportable criterion is known not to fire", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    await h.say(`facts ${NOTHING_REPORTABLE}`);
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.reportability).toBe("not_reportable");
    expect(snap.clock).toBeNull();
    expect(h.port.card(h.room())?.text).toContain("no report is required under the CAC Measures");
    expect(textOf(await h.say("disclose"))).not.toContain("the CAC report is not yet recorded as filed");
  });
});

describe.each(ENGINES)("%s: assessment instead of guessing", (engine) => {
  it("records a not-reportable judgement with the facts still unknown, as a timeline event", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    await h.say("facts tampered_site_tier=enterprise illegal_content_shares=10");
    const card = h.port.card(h.room());
    expect(card?.buttons?.map((b) => b.action)).toContain("assess_not-reportable");
    const r = await h.say('assess not-reportable --reason "Internal test page, no public traffic"');
    expect(r.ephemeral).toBe(false);
    expect(textOf(r)).toContain("assessed not reportable by <@alice>");
    expect(textOf(r)).toContain("Internal test page, no public traffic");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.reportability).toBe("assessed_not_reportable");
    expect(snap.clock).toBeNull();
    expect(snap.assessment?.unknownFacts).toContain("illegal_content_views");
    expect(snap.assessment?.unknownFacts).not.toContain("illegal_content_shares");
    const ev = (await h.app.core.service.timeline(1)).find((e) => e.type === "assessment_recorded");
    expect(ev?.payload).toMatchObject({ verdict: "not_reportable", reason: "Internal test page, no public traffic" });
    expect(ev?.payload.unknown_facts).toEqual(snap.assessment?.unknownFacts);
    expect(h.port.card(h.room())?.text).toContain("Assessed not reportable by alice");
    expect(h.port.card(h.room())?.buttons?.map((b) => b.action)).not.toContain("assess_not-reportable");
  });

  it("the card button opens a form that needs a reason", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    const opened = await h.app.router.action({ actor: { platform: "test", id: "alice" }, channelId: h.room(), action: "assess_not-reportable", value: "1" });
    expect(opened.form?.form.id).toBe(FORM_IDS.assess);
    const empty = await h.app.router.submitForm({ actor: { platform: "test", id: "alice" }, formId: FORM_IDS.assess, values: { reason: " " }, context: { incidentId: 1, channelId: h.room() } });
    expect(empty).toEqual({ ok: false, errors: { reason: "Give the reason for the assessment." } });
    const ok = await h.app.router.submitForm({ actor: { platform: "test", id: "alice" }, formId: FORM_IDS.assess, values: { reason: "Staging only" }, context: { incidentId: 1, channelId: h.room() } });
    expect(ok.ok).toBe(true);
    expect((await h.app.core.service.snapshot(1)).incident.reportability).toBe("assessed_not_reportable");
  });

  it("is refused when the facts already decide, and for anyone but the commander or compliance lead", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    h.port.channels.get(h.room())?.members.add("bob");
    const member = await h.say('assess not-reportable --reason "looks minor"', { user: "bob" });
    expect(textOf(member)).toContain("Only the incident's commander (<@alice>) or compliance lead (unassigned) may use /incident assess.");
    await h.say("facts personal_info_people=1200000");
    const reportable = await h.say('assess not-reportable --reason "looks minor"');
    expect(textOf(reportable)).toContain("is reportable on its facts (personal_info_m)");
    expect((await h.app.core.service.timeline(1)).some((e) => e.type === "assessment_recorded")).toBe(false);
  });

  it("is undone by a fact that makes the incident reportable, and says loudly that the deadline has passed", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    await h.say('assess not-reportable --reason "Internal page"');
    expect((await h.app.core.service.snapshot(1)).clock).toBeNull();
    h.clock.advance({ hours: 3 });
    const r = await h.say("facts illegal_content_views=50000 cii_affected=false operator_type=ordinary");
    expect(textOf(r)).toContain("The not-reportable assessment is VOID");
    expect(textOf(r)).toContain("due 2026-03-02 13:00 CST");
    await h.say("facts operator_type=central_state_organ");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.reportability).toBe("reportable");
    expect(snap.assessment).toBeNull();
    expect(snap.clock?.deadlineAt).toBe("2026-03-02T03:00:00.000Z");
    const revoked = (await h.app.core.service.timeline(1)).find((e) => e.type === "assessment_revoked");
    expect(revoked?.payload.reason).toContain("content_views_m");
  });

  it("says the deadline already passed when the revocation comes late", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    await h.say('assess not-reportable --reason "Internal page"');
    h.clock.advance({ hours: 5 });
    const r = await h.say("facts illegal_content_views=50000");
    expect(textOf(r)).toContain("That deadline PASSED 4 h 00 min ago: file the report NOW.");
    expect(r.message?.tone).toBe("danger");
  });
});

describe.each(ENGINES)("%s: rights (seen 3)", (engine) => {
  it("refuses a member who makes themselves commander, and any self-granted role", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    h.port.channels.get(h.room())?.members.add("mallory");
    const self = await h.say("role commander @mallory", { user: "mallory" });
    expect(textOf(self)).toContain("Only the incident's commander (<@alice>) or compliance lead (unassigned) may use /incident role.");
    expect((await h.app.core.service.snapshot(1)).roles.commander).toBe("alice");
    await h.say("role compliance @carol");
    h.port.channels.get(h.room())?.members.add("carol");
    const raise = await h.say("role commander @carol", { user: "carol" });
    expect(textOf(raise)).toContain("Nobody can assign a role to themselves. Ask the commander (<@alice>).");
    expect((await h.app.core.service.snapshot(1)).roles.commander).toBe("alice");
  });

  it("stops a member from filing and resolving: the countdown keeps running", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    await withItems(h);
    h.port.channels.get(h.room())?.members.add("mallory");
    const filed = await h.say("submitted hotline FAKE", { user: "mallory" });
    expect(textOf(filed)).toContain("may use /incident submitted");
    expect(textOf(await h.say("resolve", { user: "mallory" }))).toContain("may use /incident resolve");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.initialFiled).toBe(false);
    expect(snap.incident.status).toBe("open");
    const pending = await h.app.store.read((sql) => sql.get<{ n: number }>("SELECT count(*) AS n FROM warnings WHERE incident_id = 1 AND status = 'pending'"));
    expect(pending?.n).toBeGreaterThan(0);
  });

  it("every changing subcommand has a rights entry in the shipped rule pack", async () => {
    const h = await harnessOn(engine);
    // A subcommand that acts like another (email files like submitted) uses that one's entry.
    const changing = h.app.router.list().filter((d) => d.mutates !== false && d.needsIncident).map((d) => d.rights ?? d.name);
    expect(changing.length).toBeGreaterThan(8);
    for (const name of changing) expect(h.app.core.pack.rights[name], name).toBeDefined();
  });

  it("refuses a changing subcommand the rights table does not name (fail closed)", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    delete (h.app.core.pack.rights as Record<string, unknown>).update;
    try {
      const r = await h.say("update Something happened");
      expect(textOf(r)).toContain("Nobody may use /incident update: the deployment's rule pack gives no rights for it (rights.update).");
    } finally {
      (h.app.core.pack.rights as Record<string, string[]>).update = ["member"];
    }
  });
});

describe.each(ENGINES)("%s: rights: every subcommand × role", (engine) => {
  // What each holder may run in the incident channel; "member" holds no role.
  const RUNS: Record<string, string> = {
    facts: "facts direct_loss_rmb=100",
    report: "report",
    "report edit": "report edit 3 Trend unclear",
    final: "final",
    update: "update Backup server reached",
    "police reported": "police reported Station 4",
    "disclose block": "disclose block Not yet",
    "disclose approve": "disclose approve --checked police_prefecture Statement v1",
    "final edit": "final edit 1 Weak credentials",
    role: "role scribe @zed",
    assess: 'assess not-reportable --reason "staging"',
    submitted: "submitted hotline R1 --incomplete early",
    resolve: "resolve",
    close: "close",
  };
  const ROLE_ONLY = new Set(["police reported", "disclose block", "disclose approve", "role", "assess", "submitted", "resolve", "close"]);
  const ROLES = ["commander", "compliance", "scribe", "member"] as const;

  for (const who of ROLES) {
    for (const [name, text] of Object.entries(RUNS)) {
      const allowed = !ROLE_ONLY.has(name) || who === "commander" || who === "compliance";
      it(`${who} ${allowed ? "may" : "may not"} run ${name}`, async () => {
        const h = await harnessOn(engine);
        await h.say("open Leak", { user: "olga" });
        for (const u of ["cmd", "cmp", "scr", "mem"]) h.port.channels.get(h.room())?.members.add(u);
        await h.say("role commander @cmd", { user: "olga" });
        await h.say("role compliance @cmp", { user: "cmd" });
        await h.say("role scribe @scr", { user: "cmd" });
        const user = { commander: "cmd", compliance: "cmp", scribe: "scr", member: "mem" }[who];
        if (name === "close") {
          await h.say(`facts ${NOTHING_REPORTABLE}`, { user: "cmd" });
          await h.say("resolve", { user: "cmd" });
        }
        const r = await h.say(text, { user });
        if (allowed) expect(textOf(r)).not.toMatch(/Only the incident's|Nobody may/);
        else expect(textOf(r)).toContain("Only the incident's commander (<@cmd>) or compliance lead (<@cmp>) may use");
      });
    }
  }
});

describe.each(ENGINES)("%s: filings that make sense (seen 4)", (engine) => {
  it("refuses a filing time before awareness or in the future", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await withItems(h);
    const ancient = await h.say("submitted hotline X --at 1999-01-01T00:00");
    expect(textOf(ancient)).toContain('--at: "1999-01-01T00:00" is before 2000-01-01');
    const early = await h.say("submitted hotline X --at 2026-03-01T23:00");
    expect(textOf(early)).toContain("The filing time cannot be before the time of awareness (2026-03-02 09:00 CST).");
    const late = await h.say("submitted hotline X --at 2026-03-02T10:00+08:00");
    expect(textOf(late)).toContain("cannot be in the future");
    expect((await h.app.core.service.snapshot(1)).submissions).toEqual([]);
  });

  it("refuses an initial report without items 1 and 2 unless the reason is recorded", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000");
    const refused = await h.say("submitted hotline X");
    expect(textOf(refused)).toContain("The initial report must carry items 1 and 2 (Article 7); item 1 and 2 are empty.");
    expect((await h.app.core.service.snapshot(1)).initialFiled).toBe(false);
    expect((await h.app.core.service.snapshot(1)).clock).not.toBeNull();
    await h.say("report edit 1 Acme Pay");
    const stillRefused = await h.say("submitted hotline X");
    expect(textOf(stillRefused)).toContain("item 2 is empty");
    const ok = await h.say('submitted hotline X --incomplete "Impact still being measured; called in to meet the 1 h limit"');
    expect(textOf(ok)).toContain("reason recorded: Impact still being measured");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.submissions[0]?.incompleteReason).toBe("Impact still being measured; called in to meet the 1 h limit");
    const ev = (await h.app.core.service.timeline(1)).find((e) => e.type === "report_submitted");
    expect(ev?.payload.incomplete_reason).toBe("Impact still being measured; called in to meet the 1 h limit");
  });

  it("a level change after the initial report owes an update report, with a warning and the onward duty on the card", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    await withItems(h);
    await h.say("submitted hotline R1");
    const r = await h.say("facts personal_info_people=12000000");
    expect(textOf(r)).toContain("The level changed after the initial report (major (较大) → significant (重大)): an update report is owed.");
    expect(r.message?.tone).toBe("danger");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.updateOwed).toBe(true);
    const card = h.port.card(h.room())?.text ?? "";
    expect(card).toContain("update report of new developments");
    expect(card).toContain("Receiver's onward duty: For significant and particularly significant incidents, the provincial CAC reports to the national CAC at once, within 1 hour of receipt at most");
  });

  it("resolve --at records when handling ended; the 30-day clock runs from it", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    h.clock.advance({ hours: 6 });
    expect(textOf(await h.say("resolve --at 2026-03-01T12:00+08:00"))).toContain("cannot be before the time of awareness");
    expect(textOf(await h.say("resolve --at 2026-03-03T12:00+08:00"))).toContain("cannot be in the future");
    const r = await h.say("resolve --at 2026-03-02T11:30+08:00");
    expect(textOf(r)).toContain("Handling ended 2026-03-02 11:30 CST");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.incident.resolvedAt).toBe("2026-03-02T03:30:00.000Z");
    expect(snap.incident.finalDueAt).toBe("2026-04-01T03:30:00.000Z");
  });

  it("asks for facts or an assessment before resolving an incident whose reportability is undetermined", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts tampered_site_tier=enterprise");
    const r = await h.say("resolve");
    expect(textOf(r)).toContain("Whether incident #1 must be reported is still undetermined");
    expect(textOf(r)).toContain("/incident assess not-reportable");
    expect((await h.app.core.service.get(1)).status).toBe("open");
    await h.say('assess not-reportable --reason "Internal page"');
    expect(textOf(await h.say("resolve"))).toContain("Assessed not reportable: no post-incident report is owed");
  });

  it("the summary report's form defaults to the initial report's channel", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    await withItems(h);
    await h.say("submitted website W1");
    await h.say("resolve");
    const form = await h.say("submitted");
    expect(form.form?.values).toMatchObject({ channel: "website", kind: "final" });
    const other = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.submission,
      values: { channel: "fax", kind: "final" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(other.ok).toBe(false);
    expect(!other.ok && other.errors.channel).toContain("The initial report went through website");
  });
});

describe.each(ENGINES)("%s: ransomware details (Article 7, item 2)", (engine) => {
  it("asks for the ransom amount, payment method and date, and the draft carries them", async () => {
    const h = await harnessOn(engine);
    await h.say("open Ransomware");
    const before = await h.say("report edit");
    expect(before.form?.form.fields.map((f) => f.name)).not.toContain("ransom_amount");
    await h.say("facts ransomware=true");
    const form = await h.say("report edit");
    const names = form.form?.form.fields.map((f) => f.name) ?? [];
    expect(names.slice(1, 5)).toEqual(["incident_and_impact", "ransom_amount", "ransom_payment_method", "ransom_date"]);
    const saved = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.report,
      values: { ransom_amount: "30 BTC", ransom_payment_method: "Bitcoin wallet bc1q…", ransom_date: "2026-03-02" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(saved.ok).toBe(true);
    const draft = textOf(await h.say("report"));
    expect(draft).toContain("- **要求支付赎金的金额**: 30 BTC");
    expect(draft).toContain("- **Payment method demanded**: Bitcoin wallet bc1q…");
    expect(draft).toContain("- **Date of the ransom demand**: 2026-03-02");
  });
});

describe.each(ENGINES)("%s: contradictions and duplicates", (engine) => {
  it("refuses cii_affected=false with a CII outage, naming both, in one command or against a stored fact", async () => {
    const h = await harnessOn(engine);
    await h.say("open Outage");
    const same = await h.say("facts cii_affected=false cii_full_outage_minutes=30");
    expect(textOf(same)).toContain("cii_affected=false contradicts cii_full_outage_minutes=30");
    await h.say("facts cii_main_function_outage_minutes=45");
    const later = await h.say("facts cii_affected=false");
    expect(textOf(later)).toContain("cii_affected=false contradicts cii_main_function_outage_minutes=45");
    expect((await h.app.core.service.snapshot(1)).facts.cii_affected).toBeUndefined();
    expect((await h.app.core.service.snapshot(1)).clock?.hours).toBe(1);
  });

  it("marks both fields in the facts form", async () => {
    const h = await harnessOn(engine);
    await h.say("open Outage");
    const r = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.facts,
      values: { cii_affected: "false", cii_full_outage_minutes: "30" },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(["cii_affected", "cii_full_outage_minutes"]);
  });

  it("refuses the same fact twice in one command, naming both values", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    const r = await h.say("facts personal_info_people=2000000 personal_info_people=10");
    expect(textOf(r)).toContain("personal_info_people is given twice (personal_info_people=2000000 and personal_info_people=10)");
    expect((await h.app.core.service.snapshot(1)).facts.personal_info_people).toBeUndefined();
  });
});

describe.each(ENGINES)("%s: decision support, not legal advice", (engine) => {
  it("says so in help and in the draft", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    expect(textOf(await h.say("help"))).toContain("warroom is decision support, not legal advice: the operator decides and files.");
    const draft = textOf(await h.say("report"));
    expect(draft).toContain("warroom is decision support, not legal advice");
    expect(draft).toContain("warroom 仅为决策辅助，不构成法律意见");
    expect(draft).toContain("12387@cert.org.cn (verify against the official notice)");
  });
});
