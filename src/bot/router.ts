import type { ActionInput, Actor, BotHandlers, ChatPort, CommandInput, FormResult, FormSubmission, Reply } from "./adapter.js";
import type { Core } from "./core.js";
import type { FormValues } from "./forms.js";
import { parseArgs, parseIncidentNumber, tokens, type ParsedArgs } from "./args.js";
import { PermissionError, UsageError } from "./errors.js";
import { IncidentError } from "../incidents/service.js";
import type { Incident, RoleName } from "../incidents/model.js";
import { FactsError } from "../rules/facts.js";
import { isBusyError, DatabaseBusyError, DatabaseUnavailableError } from "../store/db.js";
import { errorReply } from "./replies.js";
import { RendererBusyError } from "../report/pdf-pool.js";
import { cleanActor, cleanText, cleanValues, userText } from "./sanitize.js";
import { charCount, clipEchoes, COMMAND_TEXT_LIMIT, echo, ECHO_LIMIT, FORM_VALUE_LIMIT } from "../limits.js";

export interface CommandContext {
  core: Core;
  actor: Actor;
  channelId: string;
  port: ChatPort;
  /** Words after the subcommand, `--incident N` removed. */
  words: string[];
  /** The raw text after the subcommand. */
  rest: string;
  args: ParsedArgs;
  /** The incident this command acts on (from the channel or --incident N). */
  incident?: Incident;
  /** The invoker's own time zone, where the platform tells it (asked only by replies that show times to them). */
  viewerZone(): Promise<string | undefined>;
}

export interface CommandDef {
  name: string;
  usage: string;
  summary: string;
  /** Options that take a value (`--kind final`); with booleanFlags, every option the command takes. */
  valueFlags?: readonly string[];
  /** Options that take none (`--private`). Any other `--option` is refused with the usage line. */
  booleanFlags?: readonly string[];
  /** Takes free text (a note, an item): an undeclared `--word` in it is text, not refused. */
  freeText?: boolean;
  /** Acts on an existing incident, found from the channel or --incident N. */
  needsIncident: boolean;
  /**
   * Changes the incident (or, for drafts, reads what only its channel may): the rule pack's
   * `rights` entry for the subcommand says who may. A function decides per invocation, for
   * subcommands that both show (`police`) and record (`police reported`).
   */
  mutates: boolean | ((args: ParsedArgs) => boolean);
  /** The rule pack's `rights` entry that applies, when it is another command's (e-mail filing files like `submitted`). */
  rights?: string;
  run(ctx: CommandContext): Promise<Reply> | Reply;
}

export interface FormContext {
  core: Core;
  actor: Actor;
  channelId: string;
  port: ChatPort;
  incident?: Incident;
}

export interface FormHandler {
  id: string;
  /** The command whose rights apply to the submission. */
  command: string;
  submit(ctx: FormContext, values: FormValues): Promise<FormResult> | FormResult;
}

export function roleTitle(role: string): string {
  return role === "compliance" ? "compliance lead" : role;
}

/** Map a thrown error to what the user reads; unexpected ones are logged, never shown raw. */
function toReply(core: Core, err: unknown, usage?: string): Reply {
  // Refusals quote what was typed: never more than a short excerpt of it.
  if (err instanceof UsageError) return errorReply(clipEchoes(err.message), err.usage ?? usage);
  if (err instanceof FactsError) return errorReply(clipEchoes(err.message), usage);
  if (err instanceof IncidentError || err instanceof PermissionError) return errorReply(clipEchoes(err.message));
  if (err instanceof DatabaseBusyError || isBusyError(err)) return errorReply(new DatabaseBusyError().message);
  if (err instanceof RendererBusyError) return errorReply(err.message);
  if (err instanceof DatabaseUnavailableError) {
    core.log.error(`database unreachable: ${err.cause instanceof Error ? err.cause.message : String(err.cause)}`);
    return errorReply(err.message);
  }
  core.log.error(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return errorReply("Something went wrong on our side; nothing was changed. The error has been logged.");
}

/**
 * The one table of /incident subcommands, forms and buttons. Adapters call the
 * BotHandlers entry points; everything below them is platform-neutral.
 */
export class Router implements BotHandlers {
  private readonly commands = new Map<string, CommandDef>();
  private readonly forms = new Map<string, FormHandler>();

  constructor(private readonly core: Core) {}

  register(...defs: CommandDef[]): this {
    for (const d of defs) this.commands.set(d.name, d);
    return this;
  }

  registerForm(...handlers: FormHandler[]): this {
    for (const h of handlers) this.forms.set(h.id, h);
    return this;
  }

  list(): CommandDef[] {
    return [...this.commands.values()];
  }

  usageLine(): string {
    return `/incident <${[...this.commands.keys()].join("|")}> …`;
  }

  private port(platform: string): ChatPort {
    const port = this.core.ports.get(platform);
    if (!port) throw new Error(`no adapter registered for ${platform}`);
    return port;
  }

  private async findIncident(platform: string, channelId: string, explicit: string | true | undefined): Promise<Incident | undefined> {
    if (explicit !== undefined) {
      const id = explicit === true ? undefined : parseIncidentNumber(explicit);
      if (id === undefined) throw new UsageError(`--incident takes an incident number, e.g. --incident 12`);
      return this.core.service.get(id);
    }
    return this.core.service.findByChannel(platform, channelId);
  }

  /**
   * Rights: only members of the incident channel may change it, and only as the rule pack's
   * `rights` entry for the subcommand allows. A changing subcommand without an entry is refused:
   * a gap in the table must not become a right for everyone.
   */
  private async authorise(name: string, mutating: boolean, actor: Actor, incident: Incident | undefined, rightsOf = name): Promise<void> {
    if (!incident) return;
    // Another platform's incident is not there to be seen, as on the board (the same answer as a number that does not exist).
    if (incident.platform !== actor.platform) throw new IncidentError(`There is no incident #${incident.id}.`);
    // A private war room is private for reading too: its card and timeline stay inside it.
    if (!mutating && !incident.private) return;
    if (!(await this.isRoomMember(incident, actor))) {
      const verb = mutating ? "change" : "see";
      throw new PermissionError(`Only members of the incident channel${incident.channelName ? ` #${incident.channelName}` : ""} can ${verb} incident #${incident.id}.`);
    }
    if (!mutating) return;
    const allowed = this.core.pack.rights[rightsOf];
    if (!allowed?.length) {
      throw new PermissionError(`Nobody may use /incident ${name}: the deployment's rule pack gives no rights for it (rights.${rightsOf}).`);
    }
    if (allowed.includes("member")) return;
    const roles = (await this.core.service.snapshot(incident.id)).roles;
    const held = allowed.filter((r) => r !== "member" && roles[r] === actor.id);
    if (!held.length) {
      const holders = allowed.map((r) => `${roleTitle(r)} (${roles[r as RoleName] ? `<@${roles[r as RoleName]}>` : "unassigned"})`).join(" or ");
      throw new PermissionError(`Only the incident's ${holders} may use /incident ${name}.`);
    }
  }

  /**
   * Whether the actor is in the incident's war room. Without a channel (its creation failed,
   * or the row lost it) the room is who the database records in it, its opener and its role
   * holders, never everyone.
   */
  private async isRoomMember(incident: Incident, actor: Actor): Promise<boolean> {
    const port = this.core.ports.get(incident.platform);
    if (incident.channelId && port) return port.isMember(incident.channelId, actor.id);
    if (incident.openedBy === actor.id) return true;
    return Object.values((await this.core.service.snapshot(incident.id)).roles).includes(actor.id);
  }

  async command(raw: CommandInput): Promise<Reply> {
    if (charCount(raw.text, COMMAND_TEXT_LIMIT) > COMMAND_TEXT_LIMIT) {
      return errorReply(`The command is too long: at most ${COMMAND_TEXT_LIMIT.toLocaleString("en-US")} characters. Nothing was changed.`);
    }
    const input: CommandInput = { ...raw, actor: cleanActor(raw.actor), text: userText(raw.text, { multiline: true }) };
    const typed = tokens(input.text.trim());
    const words = typed.map((t) => t.text);
    const name = (words[0] ?? "help").toLowerCase();
    const def = this.commands.get(name);
    if (!def) {
      return errorReply(`Unknown subcommand "${echo(name)}".`, `${this.usageLine()} — /incident help lists them`);
    }
    try {
      const restWords = words.slice(1);
      const args = parseArgs(typed.slice(1), { value: ["incident", ...(def.valueFlags ?? [])], boolean: def.booleanFlags, freeText: def.freeText });
      const incident = await this.findIncident(input.actor.platform, input.channelId, args.flags.incident);
      delete args.flags.incident;
      if (def.needsIncident && !incident) {
        throw new UsageError("This channel is not an incident channel. Run the command in the incident's channel, or add --incident <number>.", def.usage);
      }
      await this.authorise(def.name, typeof def.mutates === "function" ? def.mutates(args) : def.mutates, input.actor, incident, def.rights);
      const rest = input.text.trim().slice((words[0] ?? "").length).replace(/(^|\s)--incident(=|\s+)#?\d+/, "").trim();
      const port = this.port(input.actor.platform);
      const viewerZone = async () => port.userZone?.(input.actor.id).catch(() => undefined);
      const reply = await def.run({
        core: this.core,
        actor: input.actor,
        channelId: input.channelId,
        port,
        viewerZone,
        words: restWords.filter((w, i) => !(w === "--incident" || restWords[i - 1] === "--incident" || w.startsWith("--incident="))),
        rest,
        args,
        incident,
      });
      void this.core.flush();
      return reply;
    } catch (err) {
      return toReply(this.core, err, def.usage);
    }
  }

  /** A card button runs the subcommand of the same name on the card's incident. */
  async action(raw: ActionInput): Promise<Reply> {
    // Buttons carry a short action name and an incident number: anything longer is not ours.
    const short = (text: string) => cleanText(text.slice(0, ECHO_LIMIT));
    const input: ActionInput = { ...raw, action: short(raw.action), ...(raw.value !== undefined ? { value: short(raw.value) } : {}) };
    const incident = input.value && /^\d+$/.test(input.value) ? ` --incident ${input.value}` : "";
    return this.command({ actor: input.actor, channelId: input.channelId, text: `${input.action.replace(/_/g, " ")}${incident}` });
  }

  async submitForm(raw: FormSubmission): Promise<FormResult> {
    const oversized = Object.entries(raw.values).filter(([, v]) => v !== undefined && charCount(v, FORM_VALUE_LIMIT) > FORM_VALUE_LIMIT);
    if (oversized.length) {
      return { ok: false, errors: Object.fromEntries(oversized.map(([k]) => [k, `Too long: at most ${FORM_VALUE_LIMIT.toLocaleString("en-US")} characters.`])) };
    }
    const submission: FormSubmission = { ...raw, actor: cleanActor(raw.actor), values: cleanValues(raw.values) };
    const handler = this.forms.get(submission.formId);
    if (!handler) return { ok: true, reply: errorReply(`This form (${submission.formId}) is no longer known; open it again.`) };
    try {
      const incident = submission.context.incidentId ? await this.core.service.get(submission.context.incidentId) : undefined;
      // Submitting a form always records something.
      await this.authorise(handler.command, true, submission.actor, incident);
      const result = await handler.submit(
        { core: this.core, actor: submission.actor, channelId: submission.context.channelId, port: this.port(submission.actor.platform), incident },
        submission.values,
      );
      void this.core.flush();
      return result;
    } catch (err) {
      return { ok: true, reply: toReply(this.core, err) };
    }
  }
}
