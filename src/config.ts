import { z } from "zod";
import { IANAZone } from "luxon";
import cron from "node-cron";
import { parseAddressList, parseSender } from "./mail/address.js";

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const zone = z
  .string()
  .trim()
  .refine((s) => IANAZone.isValidZone(s), { message: "must be an IANA time zone such as Europe/Berlin" });

const booleanFlag = z
  .enum(["", "0", "1", "true", "false", "yes", "no"])
  .optional()
  .transform((s) => s === "1" || s === "true" || s === "yes");

const idList = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? "")
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  );

const url = z.url({ message: "must be an absolute http(s) URL" }).optional();

const smtpUrl = z
  .url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587" })
  .optional();

/** A parser's refusal as a zod issue, so the variable is named like every other. */
const parsedWith = <T>(parse: (s: string) => { ok: true; value: T } | { ok: false; reason: string }) =>
  z.string().transform((s, ctx) => {
    const r = parse(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.reason });
    return z.NEVER;
  });

export const envSchema = z.object({
  WARROOM_DB: optionalString,
  WARROOM_DISPLAY_TZ: zone.optional(),
  WARROOM_RULES: optionalString,
  WARROOM_SWEEP_CRON: z
    .string()
    .trim()
    .refine((s) => cron.validate(s), { message: "must be a node-cron expression, e.g. */15 * * * * * (every 15 s)" })
    .optional(),
  WARROOM_CLAIM_LEASE_S: z.coerce.number().int().min(5).max(600).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WARROOM_PUBLIC_URL: z
    .url({ message: "must be an absolute http(s) URL, e.g. https://warroom.example.com" })
    .refine((s) => /^https?:$/.test(new URL(s).protocol), { message: "must be an http or https URL" })
    .refine((s) => !new URL(s).search && !new URL(s).hash, { message: "must not carry a query or a #fragment" })
    .optional(),
  WARROOM_BOARD_ALL: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const pairs = (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);
      const bad = pairs.find((x) => !/^(shell|slack|discord|feishu):[^\s:,]{1,100}$/.test(x));
      if (bad !== undefined) {
        ctx.addIssue({ code: "custom", message: `"${bad.slice(0, 60)}" is not <platform>:<user id> (platform shell, slack, discord or feishu)` });
        return z.NEVER;
      }
      return pairs;
    }),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url,
  SLACK_RESPONDER_IDS: idList,
  SLACK_PRIVATE_CHANNELS: booleanFlag,
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_API_URL: url,
  DISCORD_INCIDENT_CATEGORY_ID: optionalString,
  DISCORD_RESPONDER_ROLE_ID: optionalString,
  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_API_URL: url,
  FEISHU_RESPONDER_IDS: idList,
  FEISHU_EVENT_MODE: z.enum(["http", "ws"], { message: "must be http or ws" }).optional(),
  FEISHU_URGENT: z.enum(["app", "sms", "phone"], { message: "must be app, sms or phone" }).optional(),
  HTTPS_PROXY: url,
  WARROOM_SMTP_URL: smtpUrl,
  WARROOM_MAIL_FROM: parsedWith(parseSender).optional(),
  WARROOM_REPORT_EMAIL_TO: parsedWith(parseAddressList).optional(),
  WARROOM_SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  dbPath: string;
  displayZone: string;
  rulesOverride?: string;
  /** node-cron expression (with seconds) for the countdown sweep. */
  sweepCron: string;
  /** How long a replica's claim on a queued message lasts before another takes it over. */
  claimLeaseMs?: number;
  port: number;
  /** The board's address as users' browsers reach it: the base of sign-in links. */
  publicUrl: string;
  /** Who sees every incident of their platform on the board, as `<platform>:<user id>`: granted by the deployment, not by a role. */
  boardAll: string[];
  slack?: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    responderIds: string[];
    privateChannels: boolean;
  };
  discord?: {
    token: string;
    applicationId?: string;
    guildId?: string;
    apiUrl?: string;
    categoryId?: string;
    responderRoleId?: string;
  };
  feishu?: FeishuConfig;
  httpsProxy?: string;
  mail: MailConfig;
}

/** E-mail filing: where it is sent from and through, and the default recipients. */
export interface MailConfig {
  /** smtp(s)://user:password@host:port; unset, reports cannot be sent (drills still show them). */
  smtpUrl?: string;
  from?: { name?: string; address: string };
  /** Default recipients when `--to` is not given. */
  to: string[];
  /** How long the server may stay silent (connect, greeting, each reply) before the send fails. */
  timeoutMs: number;
}

export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  verificationToken: string;
  /** Required over HTTP: without it Feishu sends events in clear and unsigned. */
  encryptKey?: string;
  /** Base URL: Feishu's (https://open.feishu.cn) by default, https://open.larksuite.com for Lark tenants. */
  apiUrl?: string;
  responderIds: string[];
  eventMode: "http" | "ws";
  /** How an overdue report escalates beyond the in-app buzz. */
  urgent: "app" | "sms" | "phone";
}

export class ConfigError extends Error {}

export const DEFAULT_DB_PATH = ".warroom/warroom.db";

function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  // An empty value (VAR= in an env file) means "not set", as in .env.example.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join("; ")}`);
  }
  return parsed.data;
}

/**
 * The subcommands that work offline (classify, draft, verify) read only what they need, so
 * a chat platform's settings cannot stop them: the rule-pack override and the database.
 */
export function loadRulesOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseEnv(envSchema.pick({ WARROOM_RULES: true }), env).WARROOM_RULES;
}

/**
 * What `warroom board` needs and nothing else: the database, the rules, the port, the
 * public URL and the display zone (a board-only deployment has no chat settings to check).
 */
export function loadBoardConfig(env: NodeJS.ProcessEnv = process.env): Pick<Config, "rulesOverride" | "port" | "publicUrl" | "displayZone" | "boardAll"> {
  const e = parseEnv(envSchema.pick({ WARROOM_RULES: true, PORT: true, WARROOM_PUBLIC_URL: true, WARROOM_DISPLAY_TZ: true, WARROOM_BOARD_ALL: true }), env);
  const port = e.PORT ?? 3000;
  return {
    rulesOverride: e.WARROOM_RULES,
    port,
    publicUrl: e.WARROOM_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    displayZone: e.WARROOM_DISPLAY_TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    boardAll: e.WARROOM_BOARD_ALL ?? [],
  };
}

/** WARROOM_DB when set (undefined otherwise: the caller knows the default). */
export function loadDbPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseEnv(envSchema.pick({ WARROOM_DB: true }), env).WARROOM_DB;
}

/**
 * FEISHU_APP_ID turns the adapter on; what it cannot run without is named here, at start-up,
 * rather than discovered when the first event is refused.
 */
function feishuConfig(e: Env): FeishuConfig | undefined {
  if (!e.FEISHU_APP_ID) return undefined;
  const mode = e.FEISHU_EVENT_MODE ?? "http";
  const missing = [
    !e.FEISHU_APP_SECRET && "FEISHU_APP_SECRET",
    !e.FEISHU_VERIFICATION_TOKEN && "FEISHU_VERIFICATION_TOKEN",
    mode === "http" && !e.FEISHU_ENCRYPT_KEY && "FEISHU_ENCRYPT_KEY",
  ].filter((x): x is string => Boolean(x));
  if (missing.length) {
    throw new ConfigError(`invalid configuration: FEISHU_APP_ID is set but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not${mode === "http" ? " (HTTP events must be encrypted and signed)" : ""}`);
  }
  return {
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET as string,
    verificationToken: e.FEISHU_VERIFICATION_TOKEN as string,
    encryptKey: e.FEISHU_ENCRYPT_KEY,
    apiUrl: e.FEISHU_API_URL,
    responderIds: e.FEISHU_RESPONDER_IDS,
    eventMode: mode,
    urgent: e.FEISHU_URGENT ?? "app",
  };
}

/** Parse the environment once at start-up; every problem is named by its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envSchema, env);
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError(
      "invalid configuration: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is",
    );
  }
  return {
    dbPath: e.WARROOM_DB ?? DEFAULT_DB_PATH,
    displayZone: e.WARROOM_DISPLAY_TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    rulesOverride: e.WARROOM_RULES,
    sweepCron: e.WARROOM_SWEEP_CRON ?? "*/15 * * * * *",
    ...(e.WARROOM_CLAIM_LEASE_S ? { claimLeaseMs: e.WARROOM_CLAIM_LEASE_S * 1000 } : {}),
    port: e.PORT ?? 3000,
    publicUrl: e.WARROOM_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT ?? 3000}`,
    boardAll: e.WARROOM_BOARD_ALL ?? [],
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          responderIds: e.SLACK_RESPONDER_IDS,
          privateChannels: e.SLACK_PRIVATE_CHANNELS,
        }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          guildId: e.DISCORD_GUILD_ID,
          apiUrl: e.DISCORD_API_URL,
          categoryId: e.DISCORD_INCIDENT_CATEGORY_ID,
          responderRoleId: e.DISCORD_RESPONDER_ROLE_ID,
        }
      : undefined,
    feishu: feishuConfig(e),
    httpsProxy: e.HTTPS_PROXY,
    mail: {
      smtpUrl: e.WARROOM_SMTP_URL,
      from: e.WARROOM_MAIL_FROM,
      to: e.WARROOM_REPORT_EMAIL_TO ?? [],
      timeoutMs: e.WARROOM_SMTP_TIMEOUT_MS ?? DEFAULT_SMTP_TIMEOUT_MS,
    },
  };
}
