// @ts-check
// My Messages: a California submission's acknowledgement letter arrives live (the inBasket subscription over
// graphql-transport-ws) in Customer Service Reply, marked unread until it is opened.
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

test("the acknowledgement letter of a California submission arrives live in Customer Service Reply", async () => {
  const { page: inBasket, context } = await openPage(browser);
  await signOn(inBasket, "dana.reyes");
  await inBasket.getByRole("link", { name: /My Messages/ }).click();
  await inBasket.getByRole("heading", { level: 1, name: "My Messages" }).waitFor();
  await inBasket.getByRole("link", { name: "Customer Service Reply" }).click();
  const heading = inBasket.locator('section[aria-busy="false"] #messages-heading');
  await heading.filter({ hasText: "in Customer Service Reply" }).waitFor();
  const before = Number((await heading.textContent())?.split(" ")[0]);
  const unreadBefore = Number((await inBasket.locator(".badge").textContent().catch(() => "0"))?.replace(/\D/g, "") ?? 0);
  assert.deepEqual(await accessibilityViolations(inBasket), []);

  // A second tab of the same session sends supporting documentation on a Southern California claim.
  const sender = await context.newPage();
  await sender.goto("/claims?claimNumber=SCAL0000000003");
  await sender.getByRole("link", { name: "SCAL0000000003" }).click();
  await sender.getByRole("heading", { level: 1, name: "Claim SCAL0000000003" }).waitFor();
  await sender.getByRole("button", { name: "Take Action" }).click();
  await sender.getByRole("button", { name: "Submit Supporting Documentation" }).click();
  const dialog = sender.getByRole("dialog", { name: "Submit Supporting Documentation" });
  await dialog.getByLabel("Message").fill("The itemized bill for the visit, as requested by phone.");
  await dialog.getByRole("button", { name: "Send" }).click();
  await sender.getByText("The message has been sent successfully").waitFor();
  await sender.getByRole("link", { name: "My Messages › Customer Service Reply" }).waitFor();

  // The first tab did nothing: the letter arrives by itself, unread, and the header counts it.
  const letter = inBasket.locator(".message", { hasText: "SCAL0000000003" }).filter({ hasText: "Unread" });
  await letter.first().waitFor();
  await inBasket.getByText(/New message in Customer Service Reply/).waitFor();
  await heading.filter({ hasText: `${before + 1} messages` }).waitFor();
  await inBasket.locator(".badge", { hasText: String(unreadBefore + 1) }).waitFor();
  await screenshot(inBasket, "my-messages");

  // Opening it shows the letter and marks it read, here and in the header's count.
  await letter.first().getByRole("button").click();
  await inBasket.getByText("Acknowledgement letter").first().waitFor();
  await inBasket.locator(".message", { hasText: "SCAL0000000003" }).filter({ hasText: "Unread" }).waitFor({ state: "detached" });
  await inBasket.locator(".badge", { hasText: String(unreadBefore) }).waitFor();
  await context.close();
});

test("a Colorado submission sends no acknowledgement letter, and other people's messages never show", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "omar.haddad");
  await page.goto("/messages");
  const heading = page.locator('section[aria-busy="false"] #messages-heading');
  await heading.filter({ hasText: "in all folders" }).waitFor();
  const subjects = await page.locator(".message-subject").allTextContents();
  assert.ok(subjects.length > 0);
  for (const subject of subjects) {
    assert.ok(!/SCAL|NCAL|GA\d/.test(subject), `omar.haddad sees only his regions' messages: ${subject}`);
  }
  await page.getByRole("link", { name: "Customer Service Reply" }).click();
  await heading.filter({ hasText: "in Customer Service Reply" }).waitFor();
  // The folder holds the letters about his referrals and authorizations, but no acknowledgement letter: those
  // are California's alone.
  const replies = await page.locator(".message-subject").allTextContents();
  for (const subject of replies) {
    assert.ok(!/acknowledgement/i.test(subject), `no acknowledgement letter outside California: ${subject}`);
  }
  await context.close();
});
