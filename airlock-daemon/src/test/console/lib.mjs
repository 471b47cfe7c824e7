// Shared by the console's browser tests: Debian's chromium through playwright-core (no browser
// download), a fresh profile directory per run, and a line protocol with the JUnit test that
// drives the script (it prints STEP lines and reads answers on stdin).
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

export async function browser() {
  const profile = mkdtempSync(join(tmpdir(), "airlock-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: config.chromium || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  const problems = [];
  const watch = (page) => {
    // a CSP violation or a script error shows here: the test fails on any
    page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
    page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  };
  context.on("page", watch);
  const page = context.pages()[0] || await context.newPage();
  watch(page);
  return { context, page, problems };
}

const lines = createInterface({ input: process.stdin });
const waiting = [];
const buffered = [];
lines.on("line", (l) => (waiting.length ? waiting.shift()(l) : buffered.push(l)));

/** Tells the JUnit test where we are and waits for its answer line. */
export function step(name) {
  process.stdout.write("STEP " + name + "\n");
  return new Promise((resolve) => (buffered.length ? resolve(buffered.shift()) : waiting.push(resolve)));
}

export function say(line) {
  process.stdout.write(line + "\n");
}

export function check(ok, what) {
  if (!ok) throw new Error("check failed: " + what);
  say("OK " + what);
}

/**
 * page.goto on a page that may reload itself: the Approvals page reloads when a new request
 * arrives, and a navigation started in that instant is aborted by the page's own (ERR_ABORTED, or
 * "interrupted by another navigation", depending on which starts first).
 * The page ends up where we asked either way; a few tries, then the error stands.
 */
export async function open(page, url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (e) {
      const m = String(e && e.message);
      if (attempt >= 3 || !(m.includes("ERR_ABORTED") || m.includes("interrupted by another navigation"))) throw e;
      await page.waitForLoadState("load").catch(() => {});
    }
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(config.shots, name + ".png"), fullPage: true });
  say("SHOT " + name);
}

export async function run(body) {
  let b;
  try {
    b = await browser();
    await body(b);
    check(b.problems.length === 0, "no script errors or CSP violations: " + JSON.stringify(b.problems));
    say("DONE");
    await b.context.close();
    process.exit(0);
  } catch (e) {
    say("FAIL " + (e && e.stack ? e.stack.replace(/\n/g, " | ") : e));
    if (b) say("PAGE " + b.page.url() + " " + (await b.page.locator("body").innerText().catch(() => "")).slice(0, 1500).replace(/\n/g, " | "));
    if (b) await b.context.close().catch(() => {});
    process.exit(1);
  }
}

/**
 * The page fits a window of this size: nothing makes the page itself scroll sideways (a wide table
 * scrolls inside its own box). Leaves the viewport at that size.
 */
export async function fits(page, width, height, what) {
  await page.setViewportSize({ width, height });
  const sizes = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  check(sizes.page <= sizes.window, `${what} fits a ${width}x${height} window (page ${sizes.page} px wide)`);
}

export const DEFAULT_VIEWPORT = { width: 1280, height: 860 };
