// @ts-check
// Sign-On as each demo person (docs/demo-data.md), what each of them then sees, and signing off.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { PASSWORD, accessibilityViolations, launch, openPage, screenshot, signOn } from "./browser.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the sign-on page offers Forgot your User ID, Password reset and guest access, and passes axe", async () => {
  const { page, context } = await openPage(browser);
  await page.goto("/");
  await page.getByRole("heading", { level: 1, name: "Sign-On" }).waitFor();
  assert.ok(await page.getByRole("link", { name: "Forgot your User ID" }).isVisible());
  assert.ok(await page.getByRole("link", { name: "Password reset" }).isVisible());
  assert.ok(await page.getByRole("link", { name: "View claim status or eligibility as a guest" }).isVisible());
  await screenshot(page, "sign-on");
  assert.deepEqual(await accessibilityViolations(page), []);

  await page.getByRole("link", { name: "Forgot your User ID" }).click();
  await page.getByRole("heading", { level: 1, name: "Forgot your User ID" }).waitFor();
  await page.getByLabel("Email address").fill("dana.reyes@harbormedical.example");
  await page.getByRole("button", { name: "Email my User ID" }).click();
  await page.getByText("we have emailed it there").waitFor();

  await page.goto("/password-reset");
  await page.getByRole("heading", { level: 1, name: "Password reset" }).waitFor();
  await page.getByLabel("User ID").fill("dana.reyes");
  await page.getByLabel("Email address").fill("dana.reyes@harbormedical.example");
  await page.getByRole("button", { name: "Email me a reset code" }).click();
  await page.getByText("a reset code is on its way").waitFor();
  // A made-up code is refused, and says so.
  await page.getByRole("textbox", { name: "Reset code" }).fill("not-a-real-code");
  await page.getByLabel(/^New password/).fill("a long enough passphrase for tests");
  await page.getByLabel("Confirm new password").fill("a long enough passphrase for tests");
  await page.getByRole("button", { name: "Reset password" }).click();
  await page.locator(".field-error, .alert-error").first().waitFor();
  assert.equal(await page.getByText("Your password has been changed").count(), 0);
  await context.close();
});

test("a wrong password is refused without saying whether the user exists", async () => {
  const { page, context } = await openPage(browser);
  await page.goto("/sign-on");
  await page.getByLabel("User ID").fill("dana.reyes");
  await page.getByLabel("Password").fill("not-her-password");
  await page.getByRole("button", { name: "Sign On" }).click();
  const wrongPassword = await page.getByRole("alert").textContent();
  await page.getByLabel("User ID").fill("nobody.here");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign On" }).click();
  await page.getByRole("alert").waitFor();
  assert.equal(await page.getByRole("alert").textContent(), wrongPassword);
  assert.match(wrongPassword ?? "", /User ID or password you entered is incorrect/);
  assert.equal(await page.getByRole("button", { name: "Sign Off" }).count(), 0);
  await context.close();
});

/**
 * What each demo person's claims screen shows (docs/demo-data.md, "People").
 * @type {{ userId: string, name: string | null, regions: string[], representative: boolean }[]}
 */
const PEOPLE = [
  { userId: "dana.reyes", name: "Dana Reyes", regions: ["SCAL", "NCAL"], representative: false },
  { userId: "omar.haddad", name: "Omar Haddad", regions: ["CO", "HI", "MAS", "NW"], representative: false },
  { userId: "tess.nguyen", name: "Tess Nguyen", regions: ["GA"], representative: false },
  { userId: "rep.scal", name: null, regions: [], representative: true },
  { userId: "rep.ga", name: null, regions: [], representative: true },
];

for (const person of PEOPLE) {
  test(`${person.userId} signs on and sees the claims of their own regions only`, async () => {
    const { page, context, traffic } = await openPage(browser);
    await signOn(page, person.userId);
    if (person.name) await page.getByText(person.name, { exact: false }).first().waitFor();
    if (person.representative) {
      // A representative lands on the work queue, and reaches Claims from the navigation.
      await page.getByRole("heading", { level: 1, name: "Work queue" }).waitFor();
      await page.getByRole("link", { name: "Claims" }).click();
    }
    await page.locator("#results-heading").filter({ hasText: "found" }).waitFor();
    const regions = new Set(await page.locator("table.results tbody tr td:nth-child(2)").allTextContents());
    assert.ok([...regions].every((region) => person.regions.includes(region)), `${person.userId} saw ${[...regions].join(", ")}`);
    if (person.regions.length > 0) assert.ok(regions.size > 0, `${person.userId} sees claims`);
    assert.equal(await page.getByRole("link", { name: "Association requests" }).count(), person.representative ? 1 : 0);
    if (person.representative) {
      await page.getByRole("link", { name: "Association requests" }).click();
      await page.getByRole("heading", { level: 1, name: "Association requests" }).waitFor();
      await page.locator("table.results, main p").first().waitFor();
      // dana.reyes' request for Peachtree Pediatrics waits for Georgia's representative, and only hers.
      const danasRequest = page.getByRole("row", { name: /dana\.reyes/ });
      if (person.userId === "rep.ga") await danasRequest.getByText("58-6000006", { exact: false }).waitFor();
      else assert.equal(await danasRequest.count(), 0);
    }
    // Every operation left as the hash of a registered document, never as a query.
    assert.ok(traffic.graphqlBodies.length > 0);
    for (const body of traffic.graphqlBodies) {
      assert.equal(body.query, undefined, `${body.operationName} sent its text`);
      assert.match(body.extensions?.persistedQuery?.sha256Hash ?? "", /^[0-9a-f]{64}$/);
    }
    await page.getByRole("button", { name: "Sign Off" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign-On" }).waitFor();
    await page.getByText("You have signed off.").waitFor();
    // Signed off at the gateway too: a reload does not bring the session back.
    await page.goto("/claims");
    await page.getByRole("heading", { level: 1, name: "Sign-On" }).waitFor();
    assert.deepEqual(traffic.foreignRequests, []);
    await context.close();
  });
}
