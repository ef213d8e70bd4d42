// @ts-check
// Claims: find a fixed claim by its number (the Online Provider Messaging guide, steps 1–3), read its page,
// page through results, and never see another Tax ID's claim — not by search, not by its address.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { TABLET, accessibilityViolations, launch, openPage, screenshot, signOn } from "./browser.mjs";

const README_SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots", "claims.png");

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
 * @param {string} claimNumber
 */
async function search(page, claimNumber) {
  await page.getByRole("link", { name: "Claims", exact: true }).click();
  await page.getByLabel("Claim ID").fill(claimNumber);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get("claimNumber") === claimNumber.toUpperCase());
  return settledHeading(page);
}

/**
 * The results heading once the search in the address has answered.
 * @param {import("playwright-core").Page} page
 */
async function settledHeading(page) {
  const heading = page.locator('section[aria-busy="false"] #results-heading');
  await heading.filter({ hasText: "found" }).waitFor();
  return heading.textContent();
}

test("dana.reyes finds SCAL0000000001 by its number and reads its status, amounts and payment", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "dana.reyes");
  assert.equal(await search(page, "scal0000000001"), "1 claim found");
  await page.getByRole("link", { name: "SCAL0000000001" }).click();
  await page.getByRole("heading", { level: 1, name: "Claim SCAL0000000001" }).waitFor();
  const claim = await page.locator("main").innerText();
  for (const expected of [
    "Paid",
    "F1 – Finalized: payment",
    "California – Southern",
    "Harbor Medical Group (95-1000001)",
    "Jordan Lee",
    "M100000001",
    "04/12/1980",
    "$1,250.00",
    "$980.00",
    "EFT20260301001",
    "03/01/2026",
  ]) {
    assert.ok(claim.includes(expected), `the claim page shows ${expected}`);
  }
  assert.ok(await page.getByText("Diagnosis codes").isVisible(), "clinical access shows diagnosis codes");
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "claim-page");

  // The browser's Back returns to the search, as it was.
  await page.goBack();
  await page.getByRole("link", { name: "SCAL0000000001" }).waitFor();
  assert.equal(await page.getByLabel("Claim ID").inputValue(), "SCAL0000000001");
  await context.close();
});

test("the claims table pages, filters by status, and passes axe at desktop and tablet widths", async () => {
  for (const [name, viewport] of /** @type {const} */ ([["desktop", undefined], ["tablet", TABLET]])) {
    const { page, context } = await openPage(browser, viewport ? { viewport } : {});
    await signOn(page, "dana.reyes");
    await page.locator("#results-heading").filter({ hasText: "found" }).waitFor();
    const firstPage = await page.locator("table.results tbody th a").allTextContents();
    assert.equal(firstPage.length, 20);
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText(/^Page 2 of \d+$/).waitFor();
    await settledHeading(page);
    const secondPage = await page.locator("table.results tbody th a").allTextContents();
    assert.equal(secondPage.filter((number) => firstPage.includes(number)).length, 0, "page 2 holds other claims");
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText(/^Page 1 of \d+$/).waitFor();
    await settledHeading(page);

    await page.getByRole("checkbox", { name: "Denied" }).check();
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/status=DENIED/);
    await settledHeading(page);
    const statuses = new Set(await page.locator("table.results tbody .status").allTextContents());
    assert.deepEqual([...statuses], ["Denied"]);
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.search.includes("status="));
    await settledHeading(page);

    assert.deepEqual(await accessibilityViolations(page), []);
    const path = await screenshot(page, `claims-${name}`, { fullPage: name === "tablet" });
    // The README's picture of the claims screen is refreshed on request only (it is committed).
    if (name === "desktop" && process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(dirname(README_SCREENSHOT), { recursive: true });
      copyFileSync(path, README_SCREENSHOT);
    }
    // Nothing runs off the side of a tablet held upright but the table, which scrolls in its own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${name} screen`);
    await context.close();
  }
});

test("a claim of another Tax ID is not found, by its number or by its address", async () => {
  // omar.haddad may see CO0000000001; dana.reyes may not.
  const omar = await openPage(browser);
  await signOn(omar.page, "omar.haddad");
  assert.equal(await search(omar.page, "CO0000000001"), "1 claim found");
  await omar.page.getByRole("link", { name: "CO0000000001" }).click();
  await omar.page.getByRole("heading", { level: 1, name: "Claim CO0000000001" }).waitFor();
  const address = new URL(omar.page.url()).pathname;
  await omar.context.close();

  const dana = await openPage(browser);
  await signOn(dana.page, "dana.reyes");
  assert.equal(await search(dana.page, "CO0000000001"), "0 claims found");
  await dana.page.goto(address);
  await dana.page.getByRole("heading", { level: 1, name: "Claim not found" }).waitFor();
  assert.equal(await dana.page.getByText("Casey Wu").count(), 0);
  // A forged address is just as absent.
  await dana.page.goto("/claims/Q2xhaW06Q086MQ");
  await dana.page.getByRole("heading", { level: 1, name: "Claim not found" }).waitFor();
  await dana.context.close();
});

test("administrative access (tess.nguyen) sees GA0000000001 without clinical fields", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "tess.nguyen");
  assert.equal(await search(page, "GA0000000001"), "1 claim found");
  await page.getByRole("link", { name: "GA0000000001" }).click();
  await page.getByRole("heading", { level: 1, name: "Claim GA0000000001" }).waitFor();
  const claim = await page.locator("main").innerText();
  assert.ok(claim.includes("Drew Fox") && claim.includes("$240.00") && claim.includes("EFT20260110003"));
  assert.equal(await page.getByText("Diagnosis codes").count(), 0);
  assert.equal(await page.getByText("Date of birth").count(), 0);
  assert.ok(!claim.includes("10/10/2015"), "no date of birth");
  await context.close();
});
