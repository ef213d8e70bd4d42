import { launch, openPage, signOn, screenshot, pdfFile } from "./browser.mjs";
const browser = await launch();
const { page, traffic } = await openPage(browser);
page.on("response", async (r) => { if (r.url().includes("/graphql") && r.request().method()==="POST") console.log(r.status(), (await r.text()).slice(0, 400)); });
page.on("requestfailed", (r) => console.log("FAILED", r.url(), r.failure()?.errorText));
page.on("request", (r) => { if (r.url().includes("graphql")) console.log("REQ", r.method(), r.headers()["content-type"]); });
try {
  await signOn(page, "omar.haddad");
  await page.goto("/claims?status=DENIED&region=CO");
  await page.locator('section[aria-busy="false"] table.results tbody tr').first().waitFor();
  await page.locator("table.results tbody th a").nth(5).click();
  await page.getByRole("button", { name: "Take Action" }).click();
  await page.getByRole("button", { name: "File a Dispute" }).click();
  const dialog = page.getByRole("dialog", { name: "File a Dispute" });
  await dialog.getByLabel("Message").fill("We dispute.");
  await dialog.locator('input[type="file"]').setInputFiles([pdfFile("operative-report.pdf", 1500000)]);
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("Network.enable");
  await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1000000 });
  await dialog.getByRole("button", { name: "Send" }).click();
  for (let i = 0; i < 8; i++) { await page.waitForTimeout(1000); console.log(await page.locator("main, dialog").first().locator("text=/Uploading|sent successfully/").allTextContents()); }
  console.log(await page.getByRole("dialog").locator(".alert-error").allTextContents());
  await screenshot(page, "debug", {fullPage: false});
} catch (e) { console.error(e); }
console.log(traffic.consoleErrors);
await browser.close();
