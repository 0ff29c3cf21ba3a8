import type { IncomingMessage, ServerResponse } from "node:http";
import { IANAZone } from "luxon";
import { z } from "zod";
import type { HttpRoute } from "../http/server.js";
import { IncidentError, type IncidentService } from "../incidents/service.js";
import { SUBMISSION_KINDS, type IncidentSnapshot, type SubmissionKind } from "../incidents/model.js";
import { buildDraft, nextReportKind, renderDraft } from "../report/draft.js";
import { loadTemplates } from "../report/templates.js";
import type { BoardAccess } from "./access.js";
import { SESSION_TTL_MS, type BoardAuth, type BoardViewer, type Session } from "./auth.js";
import { CLIENT_SCRIPT, STYLESHEET } from "./client.js";
import { DRAFT_DOWNLOADS, downloadFor } from "./downloads.js";
import { documentContext } from "../report/documents.js";
import { RendererBusyError } from "../report/pdf-pool.js";
import { html, type SafeHtml } from "./html.js";
import { BodyTooLarge, cookieValue, crossSite, readForm, send } from "./http.js";
import { securityHeaders } from "../http/headers.js";
import { echo } from "../limits.js";
import { renderIncident } from "./incident-page.js";
import { page } from "./layout.js";
import { ListRenderer } from "./list.js";
import type { BoardReader } from "./reader.js";
import type { SseHub } from "./live/sse.js";
import { HOW_TO_SIGN_IN, notice } from "./pages.js";
import { boardBase } from "./urls.js";
import type { BoardView, ChannelLinks } from "./view.js";

export const BOARD_PATH = "/board";
export const SESSION_COOKIE = "warroom_board";

export interface BoardRouteOptions {
  service: IncidentService;
  auth: BoardAuth;
  access: BoardAccess;
  hub: SseHub;
  reader: BoardReader;
  publicUrl: URL;
  /** Beside CST for viewers whose platform gives no zone. */
  displayZone: string;
  channelLink: ChannelLinks;
}

const idSchema = z.string().regex(/^[1-9][0-9]{0,8}$/, "an incident number");
const noQuery = z.object({}).strict();
const signInQuery = z.object({ token: z.string().max(200) }).strict();
const draftQuery = z
  .object({
    format: z.enum(DRAFT_DOWNLOADS.map((d) => d.format) as [string, ...string[]]),
    kind: z.enum(SUBMISSION_KINDS as [SubmissionKind, ...SubmissionKind[]]).optional(),
    lang: z.enum(["zh", "en", "both"]).default("both"),
  })
  .strict();

type Request = { req: IncomingMessage; res: ServerResponse; path: string; query: Record<string, string>; method: string };

/**
 * /board and everything below it, read-only: pages, the event stream, the draft downloads
 * and sign-in. Every answer carries the security headers; every input is checked by a schema
 * and a bad one gets a page saying what was wrong.
 */
export function boardRoute(o: BoardRouteOptions): HttpRoute {
  const base = boardBase(o.publicUrl);
  const secure = o.publicUrl.protocol === "https:";
  const now = () => o.service.clock.now().toMillis();
  const lists = new ListRenderer();

  const respondPage = (res: ServerResponse, status: number, title: string, body: SafeHtml, viewer?: BoardViewer, live = false) =>
    send(res, status, "text/html; charset=utf-8", page({ title, base, now: now(), body, viewer, live }));

  const refuse = (res: ServerResponse, status: number, title: string, text: string, viewer?: BoardViewer) =>
    respondPage(res, status, title, notice(title, html`<p>${text}</p>`, viewer ? html`<p><a href="${base}">Back to the open incidents</a></p>` : HOW_TO_SIGN_IN), viewer);

  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=${base}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;

  const viewOf = (viewer: BoardViewer): BoardView => ({
    pack: o.service.pack,
    zone: viewer.zone && IANAZone.isValidZone(viewer.zone) ? viewer.zone : o.displayZone,
    now: now(),
    base,
    channelLink: o.channelLink,
  });

  async function sessionOf(r: Request): Promise<Session | undefined> {
    const session = await o.auth.session(cookieValue(r.req, SESSION_COOKIE));
    if (!session) {
      r.res.setHeader("www-authenticate", 'Cookie realm="warroom board"');
      refuse(r.res, 401, "Please sign in", "You are not signed in, or your session has ended.");
    }
    return session;
  }

  function parse<T>(r: Request, schema: z.ZodType<T>, input: unknown, viewer?: BoardViewer): T | undefined {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
    refuse(r.res, 400, "Bad request", `This address is not one the board answers: ${problems.slice(0, 300)}. Nothing was changed.`, viewer);
    return undefined;
  }

  async function list(r: Request): Promise<void> {
    const session = await sessionOf(r);
    if (!session || !parse(r, noQuery, r.query, session.viewer)) return;
    const { version, entries } = await o.reader.active();
    const visible = await o.access.filter(session.viewer, entries);
    respondPage(r.res, 200, "Open incidents", lists.render(visible, viewOf(session.viewer), version), session.viewer, true);
  }

  /** The incident if it exists and the viewer may see it; otherwise the same 404 either way. */
  async function visibleIncident(r: Request, idText: string, viewer: BoardViewer) {
    const id = parse(r, idSchema, idText, viewer);
    if (!id) return undefined;
    const incident = await o.service.get(Number(id)).catch((err: unknown) => {
      if (err instanceof IncidentError) return undefined;
      throw err;
    });
    let snapshot: IncidentSnapshot | undefined;
    let problem = "";
    if (incident) {
      try {
        snapshot = await o.service.snapshot(incident.id);
      } catch (err) {
        if (!(err instanceof IncidentError)) throw err;
        problem = err.message;
      }
    }
    if (!incident || !(await o.access.canSee(viewer, { incident, snapshot }))) {
      refuse(r.res, 404, "Not found", `There is no incident #${id} that you can see.`, viewer);
      return undefined;
    }
    if (!snapshot) refuse(r.res, 500, "Cannot be read", problem, viewer);
    return snapshot;
  }

  async function incidentPage(r: Request, idText: string): Promise<void> {
    const session = await sessionOf(r);
    if (!session || !parse(r, noQuery, r.query, session.viewer)) return;
    const snap = await visibleIncident(r, idText, session.viewer);
    if (!snap) return;
    const view = viewOf(session.viewer);
    const [events, chain] = await Promise.all([o.service.timeline(snap.incident.id), o.reader.chain()]);
    const templates = loadTemplates();
    const draft = buildDraft(o.service.pack, templates, snap, nextReportKind(snap), o.service.clock.now());
    const body = renderIncident({ snap, events, chain, draft, draftText: renderDraft(draft, templates, { lang: "both", format: "text" }) }, view);
    respondPage(r.res, 200, `#${snap.incident.id} ${snap.incident.title}`, body, session.viewer, true);
  }

  async function download(r: Request, idText: string): Promise<void> {
    const session = await sessionOf(r);
    if (!session) return;
    const q = parse(r, draftQuery, r.query, session.viewer);
    if (!q) return;
    const snap = await visibleIncident(r, idText, session.viewer);
    if (!snap) return;
    const format = downloadFor(q.format);
    if (!format) return refuse(r.res, 400, "Bad request", `Unknown format ${q.format}.`, session.viewer);
    const kind = q.kind ?? nextReportKind(snap);
    const templates = loadTemplates();
    const context = await documentContext(o.service, snap);
    const content = await format.render(buildDraft(o.service.pack, templates, snap, kind, o.service.clock.now()), templates, q.lang, context);
    send(r.res, 200, format.mime, content, { "content-disposition": `attachment; filename="incident-${snap.incident.id}-${kind}.${format.extension}"` });
  }

  async function signInPage(r: Request): Promise<void> {
    const q = parse(r, signInQuery, r.query);
    if (!q) return;
    const who = await o.auth.usable(q.token);
    if (!who) return refuse(r.res, 401, "This link cannot be used", "It was used already, it has expired, or it is not a link warroom made.");
    // Looking at the link uses nothing (chat apps fetch links to preview them): the button does.
    respondPage(
      r.res,
      200,
      "Sign in",
      notice(
        "Sign in to the warroom board",
        html`<p>as <strong>${who.name ?? who.userId}</strong> (${who.platform}).</p>
<form method="post" action="${base}/signin"><input type="hidden" name="token" value="${q.token}"><button type="submit">Sign in</button></form>`,
        "",
      ),
    );
  }

  async function signIn(r: Request): Promise<void> {
    if (crossSite(r.req)) return refuse(r.res, 403, "Refused", "Sign-in must start from the link itself.");
    const form = await readForm(r.req);
    const twice = [...new Set(form.keys())].find((k) => form.getAll(k).length > 1);
    if (twice !== undefined) return refuse(r.res, 400, "Bad request", `The field ${echo(twice, 40)} is given twice. Nothing was changed.`);
    const token = parse(r, z.object({ token: z.string().max(200) }).strict(), Object.fromEntries(form));
    if (!token) return;
    const redeemed = await o.auth.redeem(token.token);
    if (!redeemed) return refuse(r.res, 401, "This link cannot be used", "It was used already, it has expired, or it is not a link warroom made.");
    r.res.writeHead(303, { location: base, "set-cookie": cookie(redeemed.token, SESSION_TTL_MS / 1000), "cache-control": "no-store" });
    r.res.end();
  }

  async function signOut(r: Request): Promise<void> {
    if (crossSite(r.req)) return refuse(r.res, 403, "Refused", "Signing out must start from the board.");
    const ended = await o.auth.signOut(cookieValue(r.req, SESSION_COOKIE));
    if (ended) o.hub.endSession(ended);
    r.res.setHeader("set-cookie", cookie("", 0));
    respondPage(r.res, 200, "Signed out", notice("Signed out", html`<p>You are signed out of the warroom board.</p>`));
  }

  async function events(r: Request): Promise<void> {
    const session = await sessionOf(r);
    if (!session || !parse(r, noQuery, r.query, session.viewer)) return;
    if (!o.hub.open) await o.reader.markStreams();
    // From the count to the attach nothing awaits: concurrent requests cannot all slip under the limits.
    const owner = { sessionId: session.id, address: r.req.socket.remoteAddress ?? "", viewer: session.viewer, endsAt: session.expiresAt };
    const refusal = o.hub.refusal(owner);
    if (refusal) {
      r.res.setHeader("retry-after", "30");
      return refuse(r.res, 429, "Too many live pages", refusal, session.viewer);
    }
    if (r.method === "HEAD") return send(r.res, 200, "text/event-stream; charset=utf-8", "");
    o.hub.attach(r.res, owner, now());
  }

  const asset = (r: Request, type: string, body: string) => {
    r.res.writeHead(200, { "content-type": type, "cache-control": "no-cache" });
    r.res.end(body);
  };

  async function dispatch(r: Request): Promise<void> {
    const rest = r.path.slice(base.length).replace(/\/+$/, "");
    const get = r.method === "GET" || r.method === "HEAD";
    const m = /^\/incidents\/([^/]*)(\/draft)?$/.exec(rest);
    if (rest === "" && get) return list(r);
    if (rest === "/assets/board.js" && get) return asset(r, "text/javascript; charset=utf-8", CLIENT_SCRIPT);
    if (rest === "/assets/board.css" && get) return asset(r, "text/css; charset=utf-8", STYLESHEET);
    if (rest === "/signin" && get) return signInPage(r);
    if (rest === "/signin" && r.method === "POST") return signIn(r);
    if (rest === "/signout" && r.method === "POST") return signOut(r);
    if (rest === "/events" && get) return events(r);
    if (m && get) return m[2] ? download(r, m[1] as string) : incidentPage(r, m[1] as string);
    const known = ["", "/signin", "/signout", "/events"].includes(rest) || m !== null;
    if (known) {
      r.res.setHeader("allow", rest === "/signin" ? "GET, HEAD, POST" : rest === "/signout" ? "POST" : "GET, HEAD");
      return refuse(r.res, 405, "Method not allowed", `${r.method} is not answered here: the board is read-only.`);
    }
    refuse(r.res, 404, "Not found", "There is no such page on the board.");
  }

  return {
    methods: ["GET", "HEAD", "POST"],
    path: BOARD_PATH,
    prefix: true,
    handler: async (req, res) => {
      securityHeaders(res);
      const url = new URL(req.url ?? "/", "http://localhost");
      // The public URL may carry a path prefix a proxy strips: the board answers under both.
      const path = url.pathname.startsWith(base) ? url.pathname : `${base}${url.pathname.slice(BOARD_PATH.length)}`;
      // A null-prototype record: `__proto__` and `constructor` are parameters like any other (and unknown ones).
      const query: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [k, v] of url.searchParams) {
        if (Object.hasOwn(query, k)) return refuse(res, 400, "Bad request", `The parameter ${echo(k, 40)} is given twice. Nothing was changed.`);
        query[k] = v;
      }
      try {
        await dispatch({ req, res, path, query, method: (req.method ?? "GET").toUpperCase() });
      } catch (err) {
        if (err instanceof BodyTooLarge) return refuse(res, 413, "Too large", "That request is larger than the board accepts.");
        if (err instanceof RendererBusyError && !res.headersSent) {
          res.setHeader("retry-after", "5");
          return refuse(res, 503, "Busy", err.message);
        }
        throw err;
      }
    },
  };
}
