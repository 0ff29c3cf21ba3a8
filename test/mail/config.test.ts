import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("e-mail filing configuration", () => {
  it("reads the SMTP URL, the sender and the default recipients", () => {
    const c = loadConfig({
      WARROOM_SMTP_URL: "smtps://warroom:secret@mail.acme.example:465",
      WARROOM_MAIL_FROM: "ACME war room <warroom@acme.example>",
      WARROOM_REPORT_EMAIL_TO: "cac@example.gov.cn, compliance@acme.example",
      WARROOM_SMTP_TIMEOUT_MS: "5000",
    });
    expect(c.mail).toEqual({
      smtpUrl: "smtps://warroom:secret@mail.acme.example:465",
      from: { name: "ACME war room", address: "warroom@acme.example" },
      to: ["cac@example.gov.cn", "compliance@acme.example"],
      timeoutMs: 5000,
    });
    expect(loadConfig({}).mail).toEqual({ smtpUrl: undefined, from: undefined, to: [], timeoutMs: 30_000 });
  });

  it("names the variable of a bad value, and never lets a header be smuggled in", () => {
    for (const [env, message] of [
      [{ WARROOM_SMTP_URL: "http://mail.acme.example" }, "WARROOM_SMTP_URL: must be an smtp:// or smtps:// URL"],
      [{ WARROOM_MAIL_FROM: "warroom@acme.example\r\nBcc: spy@evil.example" }, "WARROOM_MAIL_FROM: holds a line break or control character"],
      [{ WARROOM_MAIL_FROM: "not an address" }, 'WARROOM_MAIL_FROM: "not an address" is not an e-mail address'],
      [{ WARROOM_REPORT_EMAIL_TO: "cac@example.gov.cn, nobody" }, 'WARROOM_REPORT_EMAIL_TO: "nobody" is not an e-mail address'],
      [{ WARROOM_SMTP_TIMEOUT_MS: "soon" }, "WARROOM_SMTP_TIMEOUT_MS"],
    ] as const) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});
