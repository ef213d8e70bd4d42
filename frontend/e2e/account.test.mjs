// @ts-check
// Manage My Account (the Online Provider Tools page and the Online Affiliate FAQ): Profile (Edit, Done),
// Provider associations and access (Remove, request a new Tax ID or region), Security (the guideline on
// error), and the region switcher.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { accessibilityViolations, launch, openPage, screenshot, signOn } from "./browser.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("omar.haddad switches to Colorado: “Switching to Colorado”, then his claims are Colorado's", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "omar.haddad");
  // Hold the switch a moment, as a busy gateway would, so that "One moment" can be seen.
  await page.route("**/graphql", async (route) => {
    if ((route.request().postData() ?? "").includes('"operationName":"SwitchRegion"')) {
      await new Promise((wait) => setTimeout(wait, 700));
    }
    await route.continue();
  });
  await page.getByRole("link", { name: "Manage My Account" }).click();
  await page.getByRole("link", { name: "Regions" }).click();
  await page.getByRole("heading", { level: 2, name: "Regions" }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByRole("button", { name: /^Colorado/ }).click();
  await page.getByRole("dialog", { name: "One moment" }).getByText("Switching to Colorado").waitFor();
  await screenshot(page, "region-switching", { fullPage: false });
  await page.getByRole("heading", { level: 1, name: "Claims" }).waitFor();
  await page.getByRole("banner").getByRole("link", { name: "Colorado" }).waitFor();
  await page.locator('section[aria-busy="false"] #results-heading').filter({ hasText: "found" }).waitFor();
  const regions = new Set(await page.locator("table.results tbody tr td:nth-child(2)").allTextContents());
  assert.deepEqual([...regions], ["CO"]);
  assert.equal(await page.getByLabel("Region").inputValue(), "CO");
  await context.close();
});

test("dana.reyes cannot switch to Georgia, where her association is pending", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "dana.reyes");
  await page.goto("/account/regions");
  await page.getByRole("button", { name: /^Georgia/ }).click();
  const refusal = page.getByRole("alertdialog", { name: "We are unable to switch you to this area of care" });
  await refusal.waitFor();
  await screenshot(page, "region-refused", { fullPage: false });
  await refusal.getByRole("button", { name: "Close" }).click();
  await refusal.waitFor({ state: "hidden" });
  assert.equal(await page.getByRole("banner").getByRole("link", { name: "Georgia" }).count(), 0);
  await context.close();
});

test("tess.nguyen edits her profile, changes her password with the guideline shown, and manages associations", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "tess.nguyen");
  await page.getByRole("link", { name: "Manage My Account" }).click();
  await page.getByRole("heading", { level: 2, name: "Profile" }).waitFor();
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Job title").fill("Senior Billing Analyst");
  await page.getByLabel("Supervisor’s name").fill("Morgan Supervisor");
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByText("Your profile has been updated.").waitFor();
  await page.getByText("Senior Billing Analyst").waitFor();
  await page.getByText("Morgan Supervisor").waitFor();
  // A bad email address is refused with the field named.
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel(/^Email address/).fill("not-an-address");
  await page.getByRole("button", { name: "Done" }).click();
  await page.locator(".field-invalid").first().waitFor();
  await page.getByRole("button", { name: "Cancel" }).click();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "manage-my-account");

  await page.getByRole("link", { name: "Security" }).click();
  await page.getByLabel(/^Current password/).fill("Affiliate-Demo-2026!");
  await page.getByLabel(/^New password/).fill("short");
  await page.getByLabel(/^Confirm new password/).fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText(/A password must be \d+ to \d+ characters long/).first().waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "security-guideline");

  await page.getByRole("link", { name: "Provider associations and access" }).click();
  const table = page.locator("table.results");
  await table.getByRole("row", { name: /Peachtree Pediatrics/ }).getByText("Active").waitFor();
  await table.getByText("Administrative (no clinical data)").waitFor();
  // A Tax ID with no agreement on file cannot be requested.
  await page.getByLabel(/^Tax ID/).fill("33-8000008");
  await page.getByLabel(/^Region/).selectOption("SCAL");
  await page.getByRole("button", { name: "Request association" }).click();
  await page.locator(".field-error, .alert-error").first().waitFor();
  assert.equal(await table.getByRole("row", { name: /Sunrise Urgent Care/ }).count(), 0);
  // Georgia's Peachtree in another region is a new, pending request.
  await page.getByLabel(/^Tax ID/).fill("58-6000006");
  await page.getByLabel(/^Region/).selectOption("NW");
  await page.getByRole("button", { name: "Request association" }).click();
  await page.getByText(/was sent. It stays pending/).waitFor();
  const pending = table.getByRole("row", { name: /Peachtree Pediatrics.*Northwest/ });
  await pending.getByText("Pending").waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "associations");
  // Remove it again: a confirmation first, then it is gone from what she may use.
  await pending.getByRole("button", { name: /Remove/ }).click();
  const confirm = page.getByRole("dialog", { name: "Remove this association?" });
  await confirm.getByRole("button", { name: "Remove", exact: true }).click();
  await page.getByText(/was removed/).waitFor();
  await pending.getByText("Removed").waitFor();
  await context.close();
});
