// Against a real `airlock start` with [ui] listen: login with the link `airlock ui` printed, a
// second use refused, activity rows arriving live while real shims run, 200 calls watched.
import { config, run, step, check, shot, say, fits } from "./lib.mjs";

run(async ({ context, page, problems }) => {
  const first = await page.goto(config.loginUrl);
  check(first.status() === 200 && new URL(page.url()).pathname === "/", "the login link opens the overview");
  check(await page.locator("h1").textContent() === "Overview", "overview heading");
  check((await page.locator("table.grid tbody tr").count()) >= 1, "profiles listed on the overview");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "airlock_session");
  check(session && session.httpOnly && session.sameSite === "Strict", "session cookie is HttpOnly and SameSite=Strict");
  check(!(await page.evaluate(() => document.cookie)).includes("airlock_session"), "the cookie is not readable by script");

  const other = await context.newPage();
  const again = await other.goto(config.loginUrl);
  check(again.status() === 403, "a second use of the login link is refused (" + again.status() + ")");
  check((await other.content()).includes("used already"), "the refusal says why");
  // the browser logs the refused link as a failed load: expected, and the only one allowed
  check(problems.length === 1 && problems[0].includes("403"), "only the refused link failed to load: " + problems);
  problems.length = 0;
  await other.close();

  await page.goto(config.origin + "/activity");
  await page.locator("#live.on").waitFor({ timeout: 15000 });
  const before = await page.locator("#rows tr").count();
  const answer = await step("WATCHING");            // JUnit runs real shims now
  const [lastSeq, calls] = answer.split(" ").map(Number);
  await page.locator(`#rows tr[data-seq="${lastSeq}"]`).waitFor({ timeout: 20000 });
  const after = await page.locator("#rows tr").count();
  check(after - before === calls, `${calls} rows arrived live without a reload (${after - before})`);
  check((await page.locator("#rows tr.row-refused").count()) >= 1, "a refused call shows as refused");
  check((await page.locator("#chain").textContent()).includes("Audit log intact"), "chain integrity shown");
  await shot(page, "activity");

  await page.locator(`#rows tr[data-seq="${lastSeq}"] a`).click();
  await page.waitForURL(/\/activity\/record\?seq=/);
  check((await page.content()).includes("verdict"), "a row opens the full record");
  await shot(page, "activity-record");

  // 200 calls while the page watches the feed
  await page.goto(config.origin + "/activity");
  await page.locator("#live.on").waitFor({ timeout: 15000 });
  const burst = await step("WATCHING-200");
  const [from, to] = burst.split(" ").map(Number);
  await page.locator(`#rows tr[data-seq="${to}"]`).waitFor({ timeout: 60000 });
  const seqs = await page.locator("#rows tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.seq)).filter((n) => n));
  const seen = new Set(seqs.filter((s) => s >= from && s <= to));
  say("FEED " + seen.size);
  check(seen.size === to - from + 1, `every one of the ${to - from + 1} records arrived on the live feed (${seen.size})`);

  await page.goto(config.origin + "/");
  await shot(page, "overview");
  await page.goto(config.origin + "/profiles");
  await shot(page, "profiles-live");
  await page.goto(config.origin + "/modules?command=git");
  await page.locator("select[name=profile]").selectOption("default");
  await page.locator("input[name=args]").fill("-c core.sshCommand=./x.sh fetch origin");
  await page.locator("#dry-run button[type=submit]").click();
  await page.locator("#trace").waitFor();
  const trace = await page.locator("#trace").textContent();
  check(trace.includes("module") && trace.includes("REFUSED"), "the dry run shows the per-layer trace, the module refusing");
  await shot(page, "modules");
  await fits(page, 1280, 800, "modules");
  await fits(page, 800, 600, "modules");
  await shot(page, "modules-800x600");
});
