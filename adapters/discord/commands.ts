import { z } from "zod";
import type { RulePack } from "../../src/rules/pack.js";
import { ROLE_NAMES, SUBMISSION_KINDS } from "../../src/incidents/model.js";
import { truncate } from "./render.js";

/**
 * The `/incident` slash command, described once: the registration body is generated from
 * it, and typed options are turned back into the text form the router parses. Fact options
 * come from the rule pack, so a pack override changes the command on the next registration.
 */

export const COMMAND_NAME = "incident";

/** Discord application command option types. */
export const OptionType = { Subcommand: 1, String: 3, Integer: 4, Boolean: 5, User: 6, Number: 10 } as const;
type Kind = "string" | "integer" | "number" | "boolean" | "user";
const KIND_TYPE: Record<Kind, number> = { string: 3, integer: 4, number: 10, boolean: 5, user: 6 };

export interface OptionSpec {
  name: string;
  kind: Kind;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  minValue?: number;
  maxValue?: number;
}

export type OptionValue = string | number | boolean;
export type OptionValues = Record<string, OptionValue | undefined>;

export interface SubcommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** The text after `/incident` for these option values. */
  toText(values: OptionValues): string;
}

/** A token the router's tokenizer reads back as one word. */
export function quote(value: string): string {
  if (value !== "" && !/[\s"'“”]/.test(value)) return value;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return `“${value.replace(/[“”]/g, "")}”`;
}

/** `name=value` as the facts parser splits it: a value with spaces is quoted. */
function pair(name: string, value: string): string {
  if (value !== "" && !/[\s"']/.test(value)) return `${name}=${value}`;
  return value.includes('"') ? `${name}='${value.replace(/'/g, "")}'` : `${name}="${value}"`;
}

/** Fact names are snake_case; Discord option names read better in kebab-case. */
export function optionName(fact: string): string {
  return fact.replace(/_/g, "-");
}

const incidentOption: OptionSpec = { name: "incident", kind: "integer", description: "Incident number (default: the incident of this channel)", minValue: 1 };

function words(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
}

function flag(name: string, value: OptionValue | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  return `--${name} ${quote(String(value))}`;
}

function withIncident(values: OptionValues): string | undefined {
  return values.incident === undefined ? undefined : `--incident ${String(values.incident)}`;
}

/** Free text the command reads raw (everything after the subcommand): passed unquoted. */
function raw(value: OptionValue | undefined): string | undefined {
  return value === undefined ? undefined : String(value).replace(/\s+/g, " ").trim();
}

function choicesOf(values: readonly string[]): { name: string; value: string }[] {
  return values.map((v) => ({ name: v, value: v }));
}

export function subcommands(pack: RulePack): SubcommandSpec[] {
  const factOptions: { spec: OptionSpec; fact: string }[] = pack.facts.map((f) => {
    const base = { name: optionName(f.name), description: truncate(f.en, 100) };
    switch (f.type) {
      case "number":
        return { fact: f.name, spec: { ...base, kind: "number", minValue: 0, ...(f.max !== undefined ? { maxValue: f.max } : {}) } };
      case "boolean":
        return { fact: f.name, spec: { ...base, kind: "boolean" } };
      case "enum":
        return {
          fact: f.name,
          spec: { ...base, kind: "string", choices: (f.values ?? []).slice(0, 25).map((v) => ({ name: truncate(v.en, 100), value: v.value })) },
        };
      case "datetime":
        return { fact: f.name, spec: { ...base, kind: "string", description: truncate(`${f.en} (ISO 8601, e.g. 2026-03-02T09:00+08:00)`, 100) } };
    }
  });
  const kinds = choicesOf(SUBMISSION_KINDS);
  const langs = choicesOf(["zh", "en", "both"]);
  const formats = choicesOf(["md", "docx", "pdf"]);
  const formatOption: OptionSpec = { name: "format", kind: "string", description: "md (draft + text files), docx (Word) or pdf: the document is attached", choices: formats };
  const item = (list: RulePack["report_items"]): OptionSpec => ({
    name: "item",
    kind: "integer",
    description: "Item number (leave out to open the form)",
    choices: list.slice(0, 25).map((i) => ({ name: truncate(`${i.number}. ${i.en}`, 100), value: i.number })),
  });
  const itemText: OptionSpec = { name: "text", kind: "string", description: "The item's text" };
  return [
    {
      name: "open",
      description: "Open a war-room channel and start the clock (no title: open the form)",
      options: [
        { name: "title", kind: "string", description: "Short title, e.g. Payment DB leak" },
        { name: "aware", kind: "string", description: "Time of awareness, ISO 8601 (default: now; no offset = China Standard Time)" },
        { name: "private", kind: "boolean", description: "Private channel: only responders and invited members see it" },
        { name: "description", kind: "string", description: "Short description" },
      ],
      toText: (v) => words("open", v.title === undefined ? undefined : quote(String(v.title)), flag("aware", v.aware), v.private === true ? "--private" : undefined, flag("description", v.description)),
    },
    {
      name: "facts",
      description: "Enter classification facts (no options: open the facts form)",
      // Discord allows 25 options per subcommand: a larger pack's remaining facts are in the form.
      options: [...factOptions.slice(0, 24).map((f) => f.spec), incidentOption],
      toText: (v) => words("facts", ...factOptions.map((f) => (v[f.spec.name] === undefined ? undefined : pair(f.fact, String(v[f.spec.name])))), withIncident(v)),
    },
    { name: "status", description: "Show the status card: level, deadline, time left, what is missing", options: [incidentOption], toText: (v) => words("status", withIncident(v)) },
    {
      name: "report",
      description: "Show the ready-to-submit draft report",
      options: [
        { name: "kind", kind: "string", description: "Which report", choices: kinds },
        { name: "lang", kind: "string", description: "Language of the draft", choices: langs },
        formatOption,
        incidentOption,
      ],
      toText: (v) => words("report", flag("kind", v.kind), flag("lang", v.lang), flag("format", v.format), withIncident(v)),
    },
    {
      name: "report-edit",
      description: "Fill in the report items (no item: open the form)",
      options: [item(pack.report_items), itemText, incidentOption],
      toText: (v) => words("report edit", withIncident(v), v.item === undefined ? undefined : String(v.item), raw(v.text)),
    },
    {
      name: "submitted",
      description: "Record that a report was filed (no channel: open the form)",
      options: [
        { name: "channel", kind: "string", description: "Channel the report went through", choices: pack.channels.slice(0, 25).map((c) => ({ name: truncate(c.en, 100), value: c.id })) },
        { name: "reference", kind: "string", description: "Reference: ticket, call or mail id" },
        { name: "kind", kind: "string", description: "Which report was filed", choices: kinds },
        { name: "at", kind: "string", description: "When it was filed, ISO 8601 (default: now)" },
        { name: "incomplete", kind: "string", description: "Initial report without items 1-2: the reason" },
        { name: "confirm", kind: "boolean", description: "Summary report through another channel than the initial report's" },
        incidentOption,
      ],
      toText: (v) =>
        words(
          "submitted",
          v.channel === undefined ? undefined : quote(String(v.channel)),
          v.reference === undefined ? undefined : quote(String(v.reference)),
          flag("kind", v.kind),
          flag("at", v.at),
          flag("incomplete", v.incomplete),
          v.confirm === true ? "--confirm" : undefined,
          withIncident(v),
        ),
    },
    {
      name: "email",
      description: "File the report by e-mail (Word + PDF): preview with a Send button, or send",
      options: [
        { name: "send", kind: "boolean", description: "Send now and record the filing once the mail server accepts it" },
        { name: "kind", kind: "string", description: "Which report", choices: kinds },
        { name: "to", kind: "string", description: "Recipient address(es), comma-separated (default: the deployment's)" },
        { name: "incomplete", kind: "string", description: "Initial report without items 1-2: the reason" },
        incidentOption,
      ],
      toText: (v) => words("email", v.send === true ? "send" : undefined, flag("kind", v.kind), flag("to", v.to), flag("incomplete", v.incomplete), withIncident(v)),
    },
    {
      name: "update",
      description: "Record a significant new development",
      options: [{ name: "text", kind: "string", description: "What happened", required: true }, incidentOption],
      toText: (v) => words("update", withIncident(v), raw(v.text)),
    },
    {
      name: "police",
      description: "Police-report reminder, or record that the police report was made",
      options: [
        { name: "reported", kind: "boolean", description: "The police report was made" },
        { name: "note", kind: "string", description: "Station and case number" },
        incidentOption,
      ],
      toText: (v) => words("police", withIncident(v), v.reported === true ? "reported" : undefined, v.reported === true ? raw(v.note) : undefined),
    },
    {
      name: "disclose",
      description: "Publication gate: show the checklist or record a decision",
      options: [
        { name: "decision", kind: "string", description: "Record a decision", choices: choicesOf(["approve", "block"]) },
        { name: "checked", kind: "string", description: `Checked items, comma-separated: ${pack.disclosure.checklist.map((c) => c.id).join(",")}`.slice(0, 100) },
        { name: "note", kind: "string", description: "Note for the record" },
        incidentOption,
      ],
      toText: (v) => words("disclose", v.decision === undefined ? undefined : String(v.decision), flag("checked", v.checked), v.decision === undefined || v.note === undefined ? undefined : quote(String(v.note)), withIncident(v)),
    },
    {
      name: "role",
      description: "Assign the commander, compliance lead or scribe",
      options: [
        { name: "role", kind: "string", description: "Which role", required: true, choices: choicesOf(ROLE_NAMES) },
        { name: "user", kind: "user", description: "Who takes it", required: true },
        incidentOption,
      ],
      toText: (v) => words("role", v.role === undefined ? undefined : String(v.role), v.user === undefined ? undefined : `<@${String(v.user)}>`, withIncident(v)),
    },
    {
      name: "assess",
      description: "Record that the incident is not reportable while facts are unknown (no reason: show state)",
      options: [{ name: "reason", kind: "string", description: "Why it is not reportable" }, incidentOption],
      toText: (v) => words("assess", v.reason === undefined ? undefined : "not-reportable", flag("reason", v.reason), withIncident(v)),
    },
    {
      name: "resolve",
      description: "Mark the incident handled; starts the 30-day post-incident clock",
      options: [{ name: "at", kind: "string", description: "When handling ended, ISO 8601 (default: now)" }, incidentOption],
      toText: (v) => words("resolve", flag("at", v.at), withIncident(v)),
    },
    {
      name: "final",
      description: "Show the post-incident summary report draft",
      options: [{ name: "lang", kind: "string", description: "Language of the draft", choices: langs }, formatOption, incidentOption],
      toText: (v) => words("final", flag("lang", v.lang), flag("format", v.format), withIncident(v)),
    },
    {
      name: "final-edit",
      description: "Fill in the post-incident report items (no item: open the form)",
      options: [item(pack.post_incident_items), itemText, incidentOption],
      toText: (v) => words("final edit", withIncident(v), v.item === undefined ? undefined : String(v.item), raw(v.text)),
    },
    {
      name: "close",
      description: "End the incident once its reports are filed",
      options: [{ name: "reason", kind: "string", description: "Why it is closed" }, incidentOption],
      toText: (v) => words("close", withIncident(v), raw(v.reason)),
    },
    {
      name: "timeline",
      description: "Show the incident's timeline (audit trail)",
      options: [{ name: "all", kind: "boolean", description: "Show every event" }, incidentOption],
      toText: (v) => words("timeline", v.all === true ? "--all" : undefined, withIncident(v)),
    },
    { name: "board", description: "A sign-in link to the web board, for you only", options: [], toText: () => "board" },
    { name: "help", description: "List the subcommands", options: [], toText: () => "help" },
  ];
}

export interface CommandOptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  min_value?: number;
  max_value?: number;
  options?: CommandOptionJson[];
}

export interface CommandJson {
  name: string;
  description: string;
  type: 1;
  contexts: number[];
  options: CommandOptionJson[];
}

/** The registration body (one chat-input command; guild-only: war rooms live in a server). */
export function commandJson(pack: RulePack): CommandJson {
  return {
    name: COMMAND_NAME,
    description: "Incident war room: classification, CAC report countdown and draft",
    type: 1,
    contexts: [0],
    options: subcommands(pack).map((s) => ({
      type: OptionType.Subcommand,
      name: s.name,
      description: truncate(s.description, 100),
      options: [...s.options]
        // Discord requires the required options first.
        .sort((a, b) => Number(Boolean(b.required)) - Number(Boolean(a.required)))
        .map((o) => ({
          type: KIND_TYPE[o.kind],
          name: o.name,
          description: truncate(o.description, 100),
          ...(o.required ? { required: true } : {}),
          ...(o.choices ? { choices: o.choices } : {}),
          ...(o.minValue !== undefined ? { min_value: o.minValue } : {}),
          ...(o.maxValue !== undefined ? { max_value: o.maxValue } : {}),
        })),
    })),
  };
}

const optionValueSchemas: Record<Kind, z.ZodType<OptionValue>> = {
  string: z.string().max(6000),
  integer: z.number().int(),
  number: z.number().finite(),
  boolean: z.boolean(),
  user: z.string().regex(/^\d{1,25}$/),
};

export class OptionError extends Error {}

/** Validate what Discord sent against the subcommand's options and build the router text. */
export function commandText(pack: RulePack, sub: string, given: { name: string; value: unknown }[]): string {
  const spec = subcommands(pack).find((s) => s.name === sub);
  if (!spec) throw new OptionError(`Unknown subcommand "${sub}": re-register the commands (npm run discord:register).`);
  const values: OptionValues = {};
  for (const g of given) {
    const def = spec.options.find((o) => o.name === g.name);
    if (!def) throw new OptionError(`Unknown option "${g.name}" for /${COMMAND_NAME} ${sub}: re-register the commands.`);
    const parsed = optionValueSchemas[def.kind].safeParse(g.value);
    if (!parsed.success) throw new OptionError(`Option ${g.name}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
    values[def.name] = parsed.data;
  }
  return spec.toText(values);
}
