// @ts-check
// Guest access: claim status and member eligibility without signing on (docs/demo-data.md, "Guest look-ups").
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { accessibilityViolations, launch, openPage, screenshot } from "./browser.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * @param {import("playwright-core").Page} page
 * @param {string} section
 */
function form(page, section) {
  return page.locator("section", { has: page.getByRole("heading", { level: 2, name: section }) });
}

test("a guest looks up a claim's status and a member's eligibility", async () => {
  const { page, context, traffic } = await openPage(browser);
  await page.goto("/");
  await page.getByRole("link", { name: "Guest access" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Guest access" }).waitFor();

  const claim = form(page, "Claim status");
  await claim.getByLabel("Member’s home region").selectOption({ label: "California – Southern" });
  await claim.getByLabel("Claim number").fill("SCAL0000000001");
  await claim.getByLabel("Member ID").fill("M100000001");
  await claim.getByLabel("Member’s date of birth").fill("1980-04-12");
  await claim.getByLabel("Billed amount").fill("1,250.00");
  await claim.getByRole("button", { name: "Look up claim status" }).click();
  const result = page.getByTestId("guest-claim-result");
  await result.waitFor();
  const shown = await result.innerText();
  for (const expected of ["SCAL0000000001", "Paid", "F1", "Harbor Medical Group", "$980.00", "EFT20260301001", "03/01/2026"]) {
    assert.ok(shown.includes(expected), `the guest sees ${expected}`);
  }

  const eligibility = form(page, "Member eligibility");
  await eligibility.getByLabel("Member’s home region").selectOption("SCAL");
  await eligibility.getByLabel("Member ID").fill("M100000001");
  await eligibility.getByLabel("Member’s date of birth").fill("1980-04-12");
  await eligibility.getByLabel("Member’s last name").fill("Lee");
  await eligibility.getByRole("button", { name: "Check eligibility" }).click();
  const answer = await page.getByTestId("guest-eligibility-result").innerText();
  assert.ok(answer.includes("Yes, eligible") && answer.includes("HMO"), answer);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "guest-access");

  // A self-funded member's claim is not in this tool: the guest is told where to go instead.
  await claim.getByLabel("Claim number").fill("SCAL0000000003");
  await claim.getByLabel("Member ID").fill("M100000003");
  await claim.getByLabel("Member’s date of birth").fill("1990-01-05");
  await claim.getByLabel("Billed amount").fill("310.00");
  await claim.getByRole("button", { name: "Look up claim status" }).click();
  await claim.getByText(/self-funded/i).waitFor();
  assert.equal(await page.getByTestId("guest-claim-result").count(), 0);

  // One wrong key field is no match, and reveals nothing.
  await claim.getByLabel("Claim number").fill("SCAL0000000001");
  await claim.getByLabel("Member ID").fill("M100000001");
  await claim.getByLabel("Member’s date of birth").fill("1980-04-13");
  await claim.getByLabel("Billed amount").fill("1250.00");
  await claim.getByRole("button", { name: "Look up claim status" }).click();
  await claim.locator(".alert-info").waitFor();
  assert.equal(await page.getByTestId("guest-claim-result").count(), 0);
  assert.equal(traffic.graphqlBodies.every((body) => body.query === undefined), true);
  await context.close();
});
