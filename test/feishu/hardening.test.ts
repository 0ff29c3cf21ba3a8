import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";
import { renderCard } from "../../adapters/feishu/render.js";
import { sdkLogger } from "../../adapters/feishu/logger.js";

const ALICE = "ou_alice";
const MALLORY = "ou_mallory";
const GENERAL = "oc_general";

type Json = Record<string, unknown>;
const formButton = (card: unknown) => JSON.stringify(card).match(/"value":(\{"k":"form"[^}]*\})/)?.[1];

describe("Feishu: refusals and mentions", () => {
  const h = new Harness({ responderIds: [] });
  let chat = "";

  beforeAll(async () => {
    await h.start();
    h.fake.addChat(GENERAL, "General", [ALICE, MALLORY]);
    await h.say("/incident open Payment DB outage", ALICE, GENERAL);
    await h.fake.waitFor((c) => c.api === "pin");
    chat = h.fake.chatByName("inc-20260302 Payment DB outage")?.id ?? "";
  });
  afterAll(() => h.close());

  it("a refused form submission comes back as the form with the refusal, values kept: never '✅ Submitted.'", async () => {
    await h.say("/incident facts", ALICE, chat);
    const shown = await h.waitEphemeral(ALICE, "Classification facts");
    const value = JSON.parse(formButton(shown.body.card) ?? "{}") as Json;
    // Mallory is in no incident chat.
    const stranger = await h.click({ operator: MALLORY, chatId: GENERAL, value, formValue: { personal_info_people: "5", operator_type: "ordinary" } });
    const card = JSON.stringify(stranger.json.card);
    expect(stranger.json.toast).toMatchObject({ type: "error" });
    expect(card).not.toContain("Submitted");
    expect(card).toContain("Only members of the incident channel");
    expect(card).toContain('"default_value":"5"');
    // An awareness in the future is refused the same way.
    const future = await h.click({ operator: ALICE, chatId: chat, value, formValue: { aware_at: "2030-01-01T09:00+08:00" } });
    expect(JSON.stringify(future.json.card)).not.toContain("Submitted");
    expect(future.json.toast).toMatchObject({ type: "error" });
    expect((await h.app.core.service.snapshot(1)).facts.personal_info_people).toBeUndefined();
  });

  it("never writes <at id=all>: a user id that is not an open_id is no mention", () => {
    const card = JSON.stringify(renderCard({ text: "⏰ 30 min left", tone: "warning", mentions: ["all", "ou_alice"] }));
    expect(card).not.toContain("<at id=all>");
    expect(card).toContain("<at id=ou_alice></at>");
  });

  it("logs the SDK's lines without request bodies", () => {
    const lines: string[] = [];
    const log = sdkLogger({ info: (m) => lines.push(m), error: (m) => lines.push(m) });
    const axiosLike = Object.assign(new Error('Request failed: {"name":"inc-20260302 Secret merger","user_id_list":["ou_ceo"]}'), {
      code: "ERR_BAD_REQUEST",
      config: { data: '{"name":"inc-20260302 Secret merger","user_id_list":["ou_ceo"]}' },
    });
    log.error("[http] request failed", axiosLike, { config: { data: "Secret merger ou_ceo" }, response: { data: { code: 99991663, msg: "bad" } } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("Secret merger");
    expect(lines[0]).not.toContain("ou_ceo");
    expect(lines[0]).toContain("request failed");
  });
});
