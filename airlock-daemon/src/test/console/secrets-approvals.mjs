// Against a real `airlock start`: a secret set through the page is never sent back (no page,
// response or DOM holds it); two real shims wait for approval, one is approved, one denied.
import { config, run, check, shot, step, fits, open, DEFAULT_VIEWPORT } from "./lib.mjs";

run(async ({ page }) => {
  const seen = [];
  page.on("response", async (r) => {
    try { seen.push(r.url() + "\n" + JSON.stringify(await r.allHeaders()) + "\n" + (await r.text())); } catch { /* redirects have no body */ }
  });
  await page.goto(config.loginUrl);
  check(new URL(page.url()).pathname === "/", "logged in");

  await page.goto(config.origin + "/secrets");
  const slot = page.locator("#secrets tr[data-name=DEPLOY_TOKEN]");
  check((await slot.locator(".badge").textContent()) === "empty", "the slot the agent asked for is empty");
  check((await slot.locator(".requested").textContent()) === "agent of agent", "and says which profile's agent asked");
  await page.locator("#secret-form input[name=name]").fill("DEPLOY_TOKEN");
  await page.locator("#secret-form input[name=value]").fill(config.canary);
  await Promise.all([page.waitForNavigation(), page.locator("#secret-form button[type=submit]").click()]);
  check((await page.locator(".notice").textContent()).includes("secret DEPLOY_TOKEN"), "the vault stored it: " + await page.locator(".notice").textContent());
  check((await slot.locator(".badge").textContent()) === "set", "the slot shows as set");
  const dom = await page.evaluate(() => document.documentElement.outerHTML
      + [...document.querySelectorAll("input")].map((i) => i.value).join("\n"));
  check(!dom.includes(config.canary), "the value is not in the DOM after submit");
  for (const p of ["/", "/profiles", "/secrets", "/approvals", "/activity", "/modules"]) await page.goto(config.origin + p);
  check(seen.length > 6 && seen.every((s) => !s.includes(config.canary)), "the value is in no response (" + seen.length + " seen)");
  await step("SECRET-SET");                                  // JUnit grants it to the agent's tool in profiles/agent.toml
  await page.goto(config.origin + "/secrets");
  check((await slot.locator(".used").textContent()) === "agent", "the page says which profiles use it");
  await shot(page, "secrets");

  await open(page, config.origin + "/approvals");
  check((await page.locator("#approvals tbody tr[data-id]").count()) === 0, "nothing waits yet");
  await page.locator("#approvals-live.on").waitFor({ timeout: 15000 });
  const id = await step("WAITING-1");                        // JUnit starts a real shim: tool push origin main, answers its request id
  // no reload here: the page follows the audit feed and shows the new request by itself
  const row = page.locator("#approvals tbody tr[data-id]");
  await row.first().waitFor({ timeout: 20000 });
  check((await row.count()) === 1, "one request waits");
  const argv = await row.locator("ol.argv li").allTextContents();
  check(JSON.stringify(argv) === JSON.stringify(["tool", "push", "origin", "main"]), "argv shown exactly: " + JSON.stringify(argv));
  check((await row.locator("td").nth(2).textContent()) === "agent", "the profile shown"); // after Request and Since
  check((await row.locator("code.cwd").textContent()) === config.work, "the cwd shown");
  check((await row.getAttribute("data-id")) === id && (await row.locator("code.request").textContent()) === id,
        "the row shows the request id the agent was given: " + id);
  await shot(page, "approvals");
  await fits(page, 1280, 800, "approvals");
  await fits(page, 800, 600, "approvals");
  await shot(page, "approvals-800x600");
  await page.setViewportSize(DEFAULT_VIEWPORT);
  await Promise.all([page.waitForNavigation(), row.locator("button.ok").click()]);
  check((await page.locator(".notice").textContent()).includes("approved request"), "approved: " + await page.locator(".notice").textContent());
  await step("APPROVED");

  await step("WAITING-2");                                   // a second shim: tool push --tags "it's quoted"
  await open(page, config.origin + "/approvals");
  const next = page.locator("#approvals tbody tr[data-id]");
  check((await next.locator("ol.argv li").nth(3).textContent()) === "it's quoted", "one argument with a quote and a space stays one");
  await next.locator("input[name=reason]").fill("not on a friday");
  await Promise.all([page.waitForNavigation(), next.locator("button.danger").click()]);
  check((await page.locator(".notice").textContent()).includes("denied request"), "denied");
  check((await page.locator("#approvals tbody tr[data-id]").count()) === 0, "nothing waits any more");
  await step("DENIED");
});
