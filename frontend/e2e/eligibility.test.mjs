// @ts-check
// Eligibility & Benefits: a member's coverage card, benefits by service type and accumulators as labelled
// bars; a miss and a Northern California PPO member's guidance; the link from a claim's member.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { TABLET, accessibilityViolations, launch, openPage, screenshot, signOn } from "./browser.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * Fill the form and ask.
 * @param {import("playwright-core").Page} page
 * @param {{ region: string, memberId: string, dateOfBirth: string, dateOfService: string }} keys
 */
async function lookUp(page, keys) {
  await page.getByLabel("Region").selectOption(keys.region);
  await page.getByLabel("Member ID").fill(keys.memberId);
  await page.getByLabel("Member’s date of birth").fill(keys.dateOfBirth);
  await page.getByLabel("Date of service").fill(keys.dateOfService);
  await page.getByRole("button", { name: "Check eligibility and benefits" }).click();
}

test("dana.reyes checks Jordan Lee's eligibility, benefits and accumulators", async () => {
  for (const [name, viewport] of /** @type {const} */ ([["desktop", undefined], ["tablet", TABLET]])) {
    const { page, context, traffic } = await openPage(browser, viewport ? { viewport } : {});
    await signOn(page, "dana.reyes");
    await page.getByRole("link", { name: "Eligibility & Benefits" }).click();
    await page.getByRole("heading", { level: 1, name: "Eligibility & Benefits" }).waitFor();
    // the region is the one the session works in, unless chosen
    await page.waitForFunction(() => {
      const select = document.querySelector("main select");
      return select instanceof HTMLSelectElement && select.value !== "";
    });

    await lookUp(page, { region: "SCAL", memberId: "m100000001", dateOfBirth: "1980-04-12", dateOfService: "2026-05-01" });
    const card = page.getByTestId("coverage-card");
    await card.waitFor();
    const shown = await card.innerText();
    for (const expected of ["Jordan Lee · Eligible", "M100000001", "Harbor Employees HMO (HMO)", "group 100201", "01/01/2025 to 12/31/2026"]) {
      assert.ok(shown.includes(expected), `the coverage card shows ${expected}`);
    }
    const benefits = page.getByTestId("benefits");
    const office = benefits.getByRole("row", { name: /Professional \(Physician\) Visit - Office \(98\) In network/ });
    assert.ok((await office.innerText()).includes("$20.00 copay"));
    assert.ok((await benefits.innerText()).includes("Urgent Care (UC)"));
    const outOfPocket = page.getByRole("progressbar", { name: "Out-of-pocket maximum, individual, in network" });
    assert.equal(await outOfPocket.getAttribute("value"), "270");
    assert.equal(await outOfPocket.getAttribute("max"), "3000");
    const figures = page.getByTestId("accumulator").filter({ hasText: "Out-of-pocket maximum, individual, in network" });
    assert.match(await figures.innerText(), /\$270\.00 met of \$3,000\.00; \$2,730\.00 remaining/);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, `eligibility-${name}`, { fullPage: true });
    // the app sends only the hashes of its trusted documents
    assert.equal(traffic.graphqlBodies.every((body) => body.query === undefined), true);
    await context.close();
  }
});

test("a miss and a Northern California PPO member get guidance, not coverage", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "dana.reyes");
  await page.goto("/eligibility");
  await page.getByRole("heading", { level: 1, name: "Eligibility & Benefits" }).waitFor();

  // one key wrong: the answer of a member who does not exist
  await lookUp(page, { region: "SCAL", memberId: "M100000001", dateOfBirth: "1980-04-13", dateOfService: "2026-05-01" });
  const guidance = page.getByTestId("eligibility-guidance");
  await guidance.waitFor();
  assert.match(await guidance.innerText(), /call the phone number listed on the member.s ID card/);
  assert.equal(await page.getByTestId("coverage-card").count(), 0);

  // Northern California serves PPO members outside the portal, and says where to call
  await lookUp(page, { region: "NCAL", memberId: "M200000002", dateOfBirth: "1971-02-17", dateOfService: "2026-05-01" });
  await page.getByText("(800) 392-8649, Monday through Friday from 6am to 6pm").waitFor();
  assert.equal(await page.getByTestId("coverage-card").count(), 0);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "eligibility-guidance");
  await context.close();
});

test("a claim's member links to their eligibility on the claim's service date", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "omar.haddad");
  await page.getByRole("link", { name: "Claims", exact: true }).click();
  await page.getByLabel("Claim ID").fill("CO0000000002");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("link", { name: "CO0000000002" }).click();
  await page.getByRole("heading", { level: 1, name: "Claim CO0000000002" }).waitFor();
  await page.getByRole("link", { name: "Eligibility and benefits on 03/12/2026" }).click();
  const card = page.getByTestId("coverage-card");
  await card.waitFor();
  assert.ok((await card.innerText()).includes("Casey Wu · Eligible"));
  const deductible = page.getByRole("progressbar", { name: "Deductible, individual, in network" });
  assert.equal(await deductible.getAttribute("value"), "1500");
  assert.equal(await page.getByLabel("Date of service").inputValue(), "2026-03-12");
  await context.close();
});
