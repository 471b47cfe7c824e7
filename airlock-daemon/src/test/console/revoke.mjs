// Revoke in the console, then the JUnit test shows the profile's real shim refused. Lifecycle is
// issue 15's (another branch): the console's Profiles here is a TEST DOUBLE that revokes by
// taking the profile's file away from a real daemon, which then closes its socket.
import { config, run, check, shot, step } from "./lib.mjs";

run(async ({ page }) => {
  await page.goto(config.loginUrl);
  await page.goto(config.origin + "/profiles");
  check((await page.locator("#p-ci .badge").textContent()) === "active", "ci is active");
  await step("BEFORE");
  page.once("dialog", (d) => d.accept());
  await page.locator("#p-ci form[action='/profiles/revoke'] button").click();
  await page.waitForLoadState();
  check((await page.locator("#p-ci .badge").textContent()) === "revoked", "ci shows as revoked");
  await step("REVOKED");
  await shot(page, "profiles-revoked");
});
