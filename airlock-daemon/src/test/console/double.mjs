// Against a console whose backend is the in-memory TEST DOUBLE (vault, lifecycle and approvals
// are other branches): secrets never come back, approve/deny, rotate's key shown once, revoke.
import { config, run, check, shot, step } from "./lib.mjs";

run(async ({ context, page }) => {
  const seen = [];
  page.on("response", async (r) => {
    try { seen.push(r.url() + "\n" + JSON.stringify(await r.allHeaders()) + "\n" + (await r.text())); } catch { /* redirects have no body */ }
  });
  await page.goto(config.loginUrl);
  check(new URL(page.url()).pathname === "/", "logged in");

  await page.goto(config.origin + "/secrets");
  await page.locator("#secret-form input[name=name]").fill("AWS_PROFILE_DEV");
  await page.locator("#secret-form input[name=value]").fill(config.canary);
  await Promise.all([page.waitForNavigation(), page.locator("#secret-form button[type=submit]").click()]);
  check((await page.locator(".notice").textContent()).includes("set"), "the secret was set");
  const dom = await page.evaluate(() => document.documentElement.outerHTML
      + [...document.querySelectorAll("input")].map((i) => i.value).join("\n"));
  check(!dom.includes(config.canary), "the value is not in the DOM after submit");
  for (const p of ["/", "/profiles", "/secrets", "/approvals", "/activity", "/modules"]) await page.goto(config.origin + p);
  check(seen.length > 6 && seen.every((s) => !s.includes(config.canary)), "the value is in no response (" + seen.length + " seen)");
  await page.goto(config.origin + "/secrets");
  await shot(page, "secrets");

  await page.goto(config.origin + "/approvals");
  check((await page.locator("#approvals tbody tr").count()) === 2, "two requests wait");
  check((await page.locator("#approvals tr[data-id=a2] ol.argv li").nth(3).textContent()) === "it's quoted", "argv shown exactly");
  await shot(page, "approvals");
  await page.locator("#approvals tr[data-id=a1] button.ok").click();
  await page.waitForLoadState();
  check((await page.locator(".notice").textContent()).includes("approved a1"), "approved");
  await page.locator("#approvals tr[data-id=a2] button.danger").click();
  await page.waitForLoadState();
  check((await page.locator(".notice").textContent()).includes("denied a2"), "denied");
  await step("DECIDED");

  await page.goto(config.origin + "/profiles");
  page.once("dialog", (d) => d.accept());
  await page.locator("#p-default form[action='/profiles/rotate'] button").click();
  await page.locator("#key-dialog").waitFor();
  const key = await page.locator("#key-value").textContent();
  check(key.startsWith("alk_default_"), "the new key is shown in a dialog");
  await shot(page, "profiles-rotate");
  await page.locator("[data-close-dialog]").click();
  check(!(await page.content()).includes(key), "closing the dialog removes the key from the DOM");
  await page.goto(config.origin + "/profiles");
  check(!(await page.content()).includes(key), "the key is never shown again");

  page.once("dialog", (d) => d.accept());
  await page.locator("#p-ci form[action='/profiles/revoke'] button").click();
  await page.waitForLoadState();
  check((await page.locator("#p-ci .badge").textContent()) === "revoked", "the profile shows as revoked");
  await shot(page, "profiles");
  await page.goto(config.origin + "/");
  await shot(page, "overview-double");
});
