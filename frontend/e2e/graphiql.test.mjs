// @ts-check
// GraphiQL at /graphiql in development: bundled by the app's build, nothing loaded from another origin.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launch, openPage, screenshot, signOn } from "./browser.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("GraphiQL opens from the gateway's own assets and sends its operations to /graphql", async () => {
  const { page, context, traffic } = await openPage(browser);
  const response = await page.goto("/graphiql");
  assert.equal(response?.status(), 200);
  assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
  await page.locator(".graphiql-container").waitFor();
  await page.getByText("query Claims").first().waitFor();
  const answer = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST");
  await page.getByRole("button", { name: /Execute query/ }).click();
  // This gateway runs trusted documents only: GraphiQL's own operation is refused, and it shows why.
  assert.equal((await answer).request().headers()["apollo-require-preflight"], "true");
  await page.getByText("Only trusted documents run here").first().waitFor();
  await screenshot(page, "graphiql", { fullPage: false });
  assert.deepEqual(traffic.foreignRequests, []);
  await context.close();
});

test("signed on in the web app, GraphiQL runs as that person: it sends the session's token", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "dana.reyes");
  await page.goto("/graphiql");
  await page.locator(".graphiql-container").waitFor();
  await page.getByText("query Claims").first().waitFor();
  const answer = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST");
  await page.getByRole("button", { name: /Execute query/ }).click();
  const sent = (await answer).request().headers();
  assert.match(sent.authorization ?? "", /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  await context.close();
});

test("signed out, GraphiQL sends no token", async () => {
  const { page, context } = await openPage(browser);
  await page.goto("/graphiql");
  await page.locator(".graphiql-container").waitFor();
  await page.getByText("query Claims").first().waitFor();
  const answer = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST");
  await page.getByRole("button", { name: /Execute query/ }).click();
  assert.equal((await answer).request().headers().authorization, undefined);
  await context.close();
});
