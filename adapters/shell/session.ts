import { DateTime, Duration } from "luxon";
import type { App } from "../../src/app.js";
import type { Reply } from "../../src/bot/adapter.js";
import type { FormField, FormRequest } from "../../src/bot/forms.js";
import { FakeClock } from "../../src/time/clock.js";
import { nextDueAt } from "../../src/countdown/schedule.js";
import { warningsUntil } from "../../src/countdown/jump.js";
import { formatBoth } from "../../src/report/format.js";
import type { ShellPort } from "./port.js";
import { renderText } from "./render.js";
import { cleanText } from "../../src/bot/sanitize.js";

/** The room the shell starts in: not an incident channel. */
const GENERAL = "general";

interface ActiveForm {
  request: FormRequest;
  fields: FormField[];
  index: number;
  values: Record<string, string>;
}

const SHELL_HELP = [
  "Shell commands:",
  "  /incident <subcommand> …   the bot (try /incident help)",
  "  /clock [+90m|+2h|+1d|<ISO time>]   drill mode: show or advance the fake clock, firing warnings in order",
  "                    (a jump past more than 48 warnings: one catch-up message per incident)",
  "  /as <user>        act as another user        /invite <user>   add a user to this channel",
  "  /join <channel>   switch channel             /channels        list channels",
  "  /quit             leave (also Ctrl-D)",
].join("\n");

/** A clock jump that would fire more warnings than this posts one catch-up per incident instead. */
const STEP_LIMIT = 48;

/** Parse "+90m", "+2h", "+1d", "+1h30m" into a duration. */
export function parseStep(text: string): Duration | undefined {
  const m = /^\+((?:\d+[dhms])+)$/.exec(text.trim());
  if (!m) return undefined;
  const parts: Record<string, number> = {};
  for (const [, n, unit] of (m[1] as string).matchAll(/(\d+)([dhms])/g)) {
    const key = { d: "days", h: "hours", m: "minutes", s: "seconds" }[unit as "d" | "h" | "m" | "s"];
    parts[key] = (parts[key] ?? 0) + Number(n);
  }
  return Duration.fromObject(parts);
}

/**
 * One terminal war room: reads lines, runs them as the given user in the current channel,
 * prints replies. Forms are asked field by field, so scripts can fill them too.
 */
export class ShellSession {
  private channel = GENERAL;
  private form: ActiveForm | undefined;

  constructor(
    private readonly app: App,
    private readonly port: ShellPort,
    private user: string,
    private readonly write: (text: string) => void,
    private readonly clock?: FakeClock,
  ) {}

  prompt(): string {
    if (this.form) {
      const f = this.form.fields[this.form.index] as FormField;
      return `${f.label.en}${this.describe(f)}> `;
    }
    return `${this.user}@#${this.channel}> `;
  }

  /** The shell follows the user into a channel the bot just created for them. */
  channelCreated(id: string): void {
    this.channel = id;
    this.write(`-- you are now in #${id}`);
  }

  banner(): string {
    const now = this.app.core.clock.now().toUTC().toISO() as string;
    const mode = this.clock ? `drill on a fake clock (${formatBoth(now, this.app.pack.authority_zone, this.app.core.displayZone)}); /clock +30m moves it` : "live clock";
    return `warroom shell: ${mode}. Type /incident help, or /help for shell commands.`;
  }

  async handle(input: string): Promise<boolean> {
    // The shell's own commands (/as, /join) echo what was typed: no escapes in names.
    const raw = cleanText(input);
    const line = raw.trim();
    if (this.form) {
      if (line.startsWith("/")) {
        this.write("-- form cancelled; nothing was saved");
        this.form = undefined;
      } else {
        await this.answer(raw);
        return true;
      }
    }
    if (!line || line.startsWith("#")) return true;
    const [head = "", ...rest] = line.split(/\s+/);
    const arg = rest.join(" ");
    switch (head) {
      case "/incident":
        await this.runIncident(arg);
        return true;
      case "/clock":
        await this.moveClock(arg);
        return true;
      case "/as":
        if (!arg) this.write("usage: /as <user>");
        else this.user = arg.replace(/^@/, "");
        return true;
      case "/join": {
        const name = arg.replace(/^#/, "");
        // #general is the shell's own room, listed by /channels beside the rooms the bot made.
        if (name !== GENERAL && !this.port.has(name)) this.write(`no channel #${arg}; /channels lists them`);
        else this.channel = name;
        return true;
      }
      case "/invite":
        if (!arg) this.write("usage: /invite <user>");
        else if (this.port.addMember(this.channel, arg.replace(/^@/, ""))) this.write(`-- ${arg} joined #${this.channel}`);
        else this.write(`#${this.channel} is not a channel the bot made; nothing to invite to`);
        return true;
      case "/channels":
        this.write([`#${GENERAL}`, ...this.port.names().map((n) => `#${n}`)].join("\n"));
        return true;
      case "/help":
        this.write(SHELL_HELP);
        return true;
      case "/quit":
      case "/exit":
        return false;
      default:
        this.write(line.startsWith("/") ? `unknown shell command ${head}; /help lists them` : `(said in #${this.channel}; the bot listens to /incident)`);
        return true;
    }
  }

  private actor() {
    return { platform: "shell", id: this.user, name: this.user };
  }

  private async runIncident(text: string): Promise<void> {
    const reply = await this.app.router.command({ actor: this.actor(), channelId: this.channel, text });
    this.show(reply);
    await this.app.core.flush();
  }

  private show(reply: Reply): void {
    if (reply.message) this.write(renderText(reply.message, { ephemeral: reply.ephemeral, save: this.port.saver() }));
    if (reply.form) this.startForm(reply.form);
  }

  private describe(f: FormField): string {
    const hint: string[] = [];
    if (f.options) hint.push(f.options.map((o, i) => `${i + 1}=${o.value}`).join(" "));
    if (f.type === "boolean") hint.push("yes/no");
    if (f.type === "number") hint.push("number");
    if (f.type === "datetime") hint.push("ISO time, no offset = CST");
    const current = this.form?.values[f.name];
    return `${hint.length ? ` (${hint.join("; ")})` : ""}${current ? ` [${current}]` : ""}`;
  }

  private startForm(request: FormRequest, only?: string[]): void {
    const fields = only ? request.form.fields.filter((f) => only.includes(f.name)) : request.form.fields;
    this.form = { request, fields, index: 0, values: { ...request.values } };
    this.write(`-- form "${request.form.title.en}" (${fields.length} fields): Enter keeps [the current value], "-" clears it, a line starting with / cancels`);
  }

  private async answer(raw: string): Promise<void> {
    const form = this.form as ActiveForm;
    const field = form.fields[form.index] as FormField;
    const text = raw.trim();
    if (text === "-") form.values[field.name] = "";
    else if (text) {
      const n = Number(text);
      const option = field.options && Number.isInteger(n) && n >= 1 && n <= field.options.length ? field.options[n - 1] : undefined;
      form.values[field.name] = option ? option.value : text;
    }
    form.index++;
    if (form.index < form.fields.length) return;
    this.form = undefined;
    const { request } = form;
    const values: Record<string, string> = {};
    for (const f of request.form.fields) values[f.name] = form.values[f.name] ?? "";
    const result = await this.app.router.submitForm({ actor: this.actor(), formId: request.form.id, values, context: request.context });
    if (result.ok) {
      this.show(result.reply);
      await this.app.core.flush();
      return;
    }
    this.write(["-- please correct:", ...Object.entries(result.errors).map(([k, v]) => `   ${k}: ${v}`)].join("\n"));
    this.startForm({ ...request, values: form.values }, Object.keys(result.errors));
  }

  /** Step the fake clock from due warning to due warning, so each fires at its own time, in order. */
  private async moveClock(arg: string): Promise<void> {
    if (!this.clock) {
      this.write("the clock is live; start a drill with: warroom start --shell --clock 2026-03-02T09:00:00+08:00");
      return;
    }
    const zone = this.app.pack.authority_zone;
    if (arg) {
      const step = parseStep(arg);
      const target = step ? this.clock.now().plus(step) : DateTime.fromISO(arg, { setZone: true });
      if (!target.isValid) {
        this.write("usage: /clock +90m | +2h | +1d | <ISO time>");
        return;
      }
      if (target < this.clock.now()) {
        this.write("the clock only moves forward");
        return;
      }
      const firing = await warningsUntil(this.app.store, this.app.pack.countdown, target.toMillis(), STEP_LIMIT);
      if (firing > STEP_LIMIT) {
        // A long jump is downtime: one catch-up message per incident instead of every reminder.
        this.write(`-- more than ${STEP_LIMIT} warnings fall due in this jump: each incident gets one catch-up message`);
        this.clock.set(target);
        await this.app.engine.catchUp();
      } else {
        for (;;) {
          const due = await nextDueAt(this.app.store);
          if (due === undefined || due > target.toMillis()) break;
          this.clock.set(DateTime.fromMillis(Math.max(due, this.clock.now().toMillis()), { zone: "utc" }));
          await this.app.engine.tick();
        }
        this.clock.set(target);
        await this.app.engine.tick();
      }
    }
    this.write(`-- clock: ${formatBoth(this.clock.now().toUTC().toISO() as string, zone, this.app.core.displayZone)}`);
  }
}
