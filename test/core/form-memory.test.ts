import { describe, expect, it } from "vitest";
import { FormMemory } from "../../src/bot/form-memory.js";
import type { FormRequest } from "../../src/bot/forms.js";
import { ENGINES, harnessOn } from "../support/harness.js";

const form: FormRequest = {
  form: {
    id: "facts",
    title: { en: "Facts", zh: "事实" },
    submitLabel: { en: "Save", zh: "保存" },
    fields: [{ name: "personal_info_people", type: "number", label: { en: "People", zh: "人数" }, required: false, maxLength: 12 }],
  },
  values: { personal_info_people: "1200000" },
  context: { incidentId: 3, channelId: "oc_room" },
};

describe.each(ENGINES)("forms kept in the store on %s", (engine) => {
  it("come back on another process sharing the store, until they expire; unknown or unreadable ones are nothing", async () => {
    const { app } = await harnessOn(engine);
    let now = Date.parse("2026-03-02T01:00:00Z");
    const shown = new FormMemory(app.store, () => now, 60_000);
    const elsewhere = new FormMemory(app.store, () => now, 60_000);
    const token = await shown.keep(form);
    expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await elsewhere.recall(token)).toEqual(form);
    expect(await elsewhere.recall("not-a-token")).toBeUndefined();
    expect(await elsewhere.recall(undefined)).toBeUndefined();

    // A row changed behind warroom's back is not trusted as a form.
    const broken = await shown.keep(form);
    await app.store.tx((sql) => sql.run("UPDATE shown_forms SET form = ? WHERE token = ?", '{"form":{"id":1}}', broken));
    expect(await elsewhere.recall(broken)).toBeUndefined();

    now += 61_000;
    expect(await elsewhere.recall(token)).toBeUndefined();
    // Keeping the next one clears what has expired.
    await shown.keep(form);
    expect(await app.store.read((sql) => sql.get<{ n: number }>("SELECT count(*) AS n FROM shown_forms"))).toEqual({ n: 1 });
  });
});
