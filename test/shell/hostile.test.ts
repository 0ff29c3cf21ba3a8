import { describe, expect, it } from "vitest";
import { drillApp, typeInto } from "../support/drill.js";

const ESC = "\u001b";
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("the terminal never receives control characters", () => {
  it("a hostile title typed in the shell is printed clean", async () => {
    const { app, clock } = drillApp();
    const text = await typeInto(app, clock, [`/incident open "${ESC}]0;pwned\u0007Payment ${ESC}[31mDB\u0000 outage\u202E"`, "/incident status"]);
    expect(text).toContain('Opened incident #1 "Payment DB outage"');
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });

  it("text stored before input was cleaned is cleaned on its way to the terminal", async () => {
    const { app, clock } = drillApp();
    (await app.core.service.open({ title: `Old ${ESC}]0;pwned\u0007row${ESC}[2J\u202E`, actor: "alice", platform: "shell", channelId: "inc-old", channelName: "inc-old" }));
    const text = await typeInto(app, clock, [`/as bob${ESC}[8m`, "/as alice", "/join inc-old", "/incident status"]);
    expect(text).toContain("Incident #1: Old row");
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });
});
