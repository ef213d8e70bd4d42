// @ts-check
// "Want to stay signed on?" (the Online Affiliate FAQ): the prompt before the session idles out, with "Sign
// Off" and "Stay signed on". The page's clock is moved forward (the gateway's idle timeout is its default 15
// minutes); the gateway's own clock is real, so its session is still alive when the prompt is answered.
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

const PROMPT = "Want to stay signed on?";

test("after 13 idle minutes the prompt appears; Stay signed on keeps the session, Sign Off ends it", async () => {
  const { page, context } = await openPage(browser);
  await page.clock.install();
  await signOn(page, "dana.reyes");
  const idleSeconds = Number(await page.locator('meta[name="session-idle-seconds"]').getAttribute("content"));
  assert.equal(idleSeconds, 900, "the gateway tells the page its idle timeout");

  await page.clock.fastForward("12:00");
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole("alertdialog", { name: PROMPT }).count(), 0, "not yet at 12 minutes");

  await page.clock.fastForward("01:05");
  const prompt = page.getByRole("alertdialog", { name: PROMPT });
  await prompt.waitFor();
  await prompt.getByText(/signed off in 1:5\d/).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "idle-prompt", { fullPage: false });
  // The answer is the person's: keyboard focus is on "Stay signed on".
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Stay signed on");
  const refreshed = page.waitForResponse((response) => response.url().endsWith("/auth/refresh"));
  await prompt.getByRole("button", { name: "Stay signed on" }).click();
  assert.equal((await refreshed).status(), 200);
  await prompt.waitFor({ state: "hidden" });
  await page.getByRole("button", { name: "Sign Off" }).waitFor();

  // Idle again: this time the answer is Sign Off, and the session ends at the gateway too.
  await page.clock.fastForward("13:05");
  await prompt.waitFor();
  await prompt.getByRole("button", { name: "Sign Off" }).click();
  await page.getByRole("heading", { level: 1, name: "Sign-On" }).waitFor();
  const refresh = await page.evaluate(() => fetch("/auth/refresh", { method: "POST" }).then((r) => r.status));
  assert.equal(refresh, 401);
  await context.close();
});

test("with no answer, the session is signed off when the idle time is up", async () => {
  const { page, context } = await openPage(browser);
  await page.clock.install();
  await signOn(page, "omar.haddad");
  await page.clock.fastForward("13:05");
  await page.getByRole("alertdialog", { name: PROMPT }).waitFor();
  await page.clock.fastForward("02:00");
  await page.getByRole("heading", { level: 1, name: "Sign-On" }).waitFor();
  await page.getByText("You were signed off because you were inactive").waitFor();
  await context.close();
});
