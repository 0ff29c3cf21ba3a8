import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { DateTime } from "luxon";
import { boardFixture, type BoardFixture } from "../support/board.js";

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const HOSTILE = "<img src=x onerror=alert(1)>";
const DOCS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs");

let browser: Browser;

beforeAll(async () => {
  // A browser that cannot start fails the run: these tests are how the board is known to work.
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  } catch (err) {
    throw new Error(`cannot start chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): ${(err as Error).message.split("\n")[0]}`);
  }
});

afterAll(async () => {
  await browser?.close();
});

describe("the board in a browser", () => {
  let f: BoardFixture;
  let context: BrowserContext;
  let dialogs: string[];

  beforeEach(async () => {
    f = await boardFixture("sqlite");
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: "Europe/Berlin" });
    dialogs = [];
    context.on("page", (p) => p.on("dialog", (d) => void (dialogs.push(d.message()), d.dismiss())));
  });
  afterEach(async () => {
    await context.close();
    await f.close();
  });

  async function signIn(user: string): Promise<Page> {
    const page = await context.newPage();
    page.on("dialog", (d) => void (dialogs.push(d.message()), d.dismiss()));
    await page.goto(await f.link(user));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${f.origin}/board`);
    return page;
  }

  it("signs in by link, lists the open incidents and counts down in the page", async () => {
    await f.h.say(`open "Payroll database leak" --aware 2026-03-02T08:30+08:00`, { user: "alice" });
    // 30 min 2 s before the deadline: not yet due soon when served; the page's own clock crosses the line.
    f.h.clock.set(DateTime.fromISO("2026-03-02T08:59:58+08:00"));
    const page = await signIn("alice");
    const row = page.locator("tr[data-incident='1']");
    await expect.poll(() => row.textContent()).toContain("Payroll database leak");
    expect(await row.getAttribute("class")).toBe("row-ok");
    await expect.poll(() => row.getAttribute("class"), { timeout: 5000 }).toBe("row-soon");
    expect(await row.locator(".due-flag").textContent()).toBe("⏰ Due soon");
    expect(await row.locator(".due-left").textContent()).toMatch(/^(29|30) min left$/);
  });

  it("shows a fact entered in chat on the open page within 2 s, without a reload", async () => {
    await f.h.say(`open "Payroll database leak"`, { user: "alice" });
    const page = await signIn("alice");
    await page.goto(`${f.origin}/board/incidents/1`);
    await expect.poll(() => page.locator("#live").textContent()).toContain("Live");
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    expect(await page.locator("dl.overview").textContent()).toContain("general");
    await f.h.say("facts personal_info_people=1200000", { user: "alice" });
    await expect.poll(() => page.locator("dl.overview").textContent(), { timeout: 2000, interval: 50 }).toContain("major");
    expect(await page.locator("#chart-desc").textContent()).toContain("general → major");
    // The same document: nothing reloaded it.
    expect(navigations).toBe(0);
  });

  it("shows a hostile title as text and opens no dialog", async () => {
    await f.h.say(`open "${HOSTILE}"`, { user: "alice" });
    const page = await signIn("alice");
    expect(await page.locator("tr[data-incident='1'] th a").textContent()).toBe(`#1 ${HOSTILE}`);
    await page.goto(`${f.origin}/board/incidents/1`);
    expect(await page.locator("h1").textContent()).toBe(`#1 ${HOSTILE}`);
    expect(await page.locator("main img").count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it("refuses a reused or forged link with the way to a new one", async () => {
    const link = await f.link("alice");
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${f.origin}/board`);
    const other = await (await browser.newContext()).newPage();
    const reused = await other.goto(link);
    expect(reused?.status()).toBe(401);
    expect(await other.locator("main").textContent()).toContain("This link cannot be used");
    expect(await other.locator("main").textContent()).toContain("/incident board");
    const forged = new URL(link);
    forged.searchParams.set("token", "A".repeat(43));
    expect((await other.goto(forged.toString()))?.status()).toBe(401);
    expect((await other.goto(`${f.origin}/board`))?.status()).toBe(401);
    expect(await other.locator("main").textContent()).toContain("/incident board");
    await other.context().close();
  });

  it("reaches every link and button with the keyboard", async () => {
    await f.h.say(`open "Payroll database leak"`, { user: "alice" });
    await f.h.say(`open "Mail relay abuse"`, { user: "alice" });
    const page = await signIn("alice");
    for (const path of ["/board", "/board/incidents/1"]) {
      await page.goto(`${f.origin}${path}`);
      const wanted = await page.$$eval("a[href], button", (els) => els.map((e) => `${e.tagName}:${e.getAttribute("href") ?? e.textContent}`));
      const reached = new Set<string>();
      for (let i = 0; i < wanted.length + 5; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate<string>(
          `(() => { const e = document.activeElement; return e && e !== document.body ? e.tagName + ":" + (e.getAttribute("href") ?? e.textContent) : ""; })()`,
        );
        if (focused) reached.add(focused);
      }
      expect([...wanted].filter((w) => !reached.has(w)), path).toEqual([]);
    }
  });

  it("takes the README's screenshots of the list and of an incident's chart", async () => {
    const say = async (text: string, user = "alice", channel?: string) => {
      const reply = await f.h.say(text, { user, ...(channel ? { channel } : {}) });
      expect(reply.message?.text ?? "", text).not.toMatch(/^⚠️/);
    };
    await say(`open "Payroll database leak" --aware 2026-03-02T08:10+08:00`);
    const payroll = f.h.room();
    await say(`facts personal_info_people=1200000`);
    await say(`role compliance carol`);
    await say(`open "Customer portal defaced" --aware 2026-03-02T06:30+08:00`);
    await say(`open "Mail relay abuse" --aware 2026-03-02T08:45+08:00`);
    await say(`facts operator_type=ordinary cii_affected=false`);
    await f.h.advance(40, 5);
    await say(`facts operator_type=ordinary cii_affected=false`, "alice", payroll);
    await say(`submitted hotline REF-0302-17 --at 2026-03-02T09:35+08:00 --incomplete "items 1-2 follow by phone"`, "carol", payroll);
    await f.h.advance(20, 5);
    const page = await signIn("carol");
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, "board-list.png") });
    await page.goto(`${f.origin}/board/incidents/1`);
    await page.locator(".chart-box").screenshot({ path: join(DOCS, "board-chart.png") });
    expect(await page.locator("svg.chart .mark-filing").count()).toBe(1);
  });
});
