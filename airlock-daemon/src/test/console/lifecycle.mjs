// Against a real `airlock start`: lock (the key shown once), rotate (a new key), revoke with a
// reason; the JUnit test checks each with real shims between the steps.
import { config, run, check, shot, step } from "./lib.mjs";

async function keyShownOnce(page, form) {
  page.once("dialog", (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.locator(`#p-ci form[action='${form}'] button`).click()]);
  await page.locator("#key-dialog").waitFor();
  const key = await page.locator("#key-value").textContent();
  check(/^ark_[0-9a-f]{10}:/.test(key), "the key is shown in a dialog");
  return key;
}

run(async ({ page }) => {
  await page.goto(config.loginUrl);
  await page.goto(config.origin + "/profiles");
  check((await page.locator("#p-ci .badge").textContent()) === "active", "ci is active");
  await step("BEFORE");

  const key = await keyShownOnce(page, "/profiles/lock");
  await shot(page, "profiles-key");
  await page.locator("[data-close-dialog]").click();
  check(!(await page.content()).includes(key), "closing the dialog removes the key from the DOM");
  await page.goto(config.origin + "/profiles");
  check(!(await page.content()).includes(key.split(":")[1]), "the key is never shown again");
  check((await page.locator("#p-ci .badge").textContent()) === "locked", "ci shows as locked");
  await step("LOCKED " + key);

  const rotated = await keyShownOnce(page, "/profiles/rotate");
  check(rotated !== key, "rotating a locked profile issues a new key");
  await page.locator("[data-close-dialog]").click();
  await step("ROTATED " + rotated);

  page.once("dialog", (d) => d.accept());
  await page.locator("#p-ci form[action='/profiles/revoke'] input[name=reason]").fill("laptop lost");
  await Promise.all([page.waitForNavigation(), page.locator("#p-ci form[action='/profiles/revoke'] button").click()]);
  check((await page.locator("#p-ci .badge").textContent()) === "revoked", "ci shows as revoked");
  check((await page.locator("#p-ci .detail").textContent()).includes("(laptop lost)"), "with the reason");
  check((await page.locator(".notice").textContent()).includes("the running daemon applied it"), "the daemon applied it");
  await step("REVOKED");
  await shot(page, "profiles");
  await page.goto(config.origin + "/");
  check((await page.locator("tr:has(a[href=\"/profiles#p-ci\"]) .badge").first().textContent()) === "revoked", "the overview shows ci revoked");
});
