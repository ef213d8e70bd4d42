// @ts-check
// Take Action (the Online Provider Messaging guide): a dispute with a PDF, filed on behalf of a Colorado
// provider picked from a long, searchable, paged list; attachments checked before upload; progress while
// uploading.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { accessibilityViolations, launch, openPage, pdfFile, screenshot, signOn } from "./browser.mjs";

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
async function openClaim(page, claimNumber) {
  await page.getByLabel("Claim ID").fill(claimNumber);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("link", { name: claimNumber }).click();
  await page.getByRole("heading", { level: 1, name: `Claim ${claimNumber}` }).waitFor();
}

/**
 * @param {import("playwright-core").Page} page
 * @param {string} claimNumber
 */
async function openDisputeWindow(page, claimNumber) {
  await page.goto(`/claims?claimNumber=${claimNumber}`);
  await page.getByRole("link", { name: claimNumber, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: `Claim ${claimNumber}` }).waitFor();
  await page.getByRole("button", { name: "Take Action" }).click();
  for (const choice of ["Submit Supporting Documentation", "Respond to Request for Information", "File a Dispute"]) {
    assert.ok(await page.getByRole("button", { name: choice }).isEnabled(), `${choice} is offered`);
  }
  await page.getByRole("button", { name: "File a Dispute" }).click();
  const dialog = page.getByRole("dialog", { name: "File a Dispute" });
  await dialog.waitFor();
  return dialog;
}

test("the dispute window's provider picker: the seed's warning, 60 providers ten at a time, search", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "omar.haddad");
  const dialog = await openDisputeWindow(page, "CO0000000001");

  await dialog.getByText("this list may be very long, please ensure you select the correct Provider name").waitFor();
  await dialog.getByText("60 providers linked to Tax ID").waitFor();
  const picker = dialog.getByRole("list", { name: "Providers linked to the Tax ID" });
  assert.equal(await picker.getByRole("radio").count(), 10);
  await dialog.getByRole("button", { name: "More providers" }).click();
  await dialog.getByText("Page 2 of 6").waitFor();
  await dialog.getByText("60 providers linked to Tax ID").waitFor();
  const secondPage = await picker.locator("li").first().innerText();
  const providerName = secondPage.split(" NPI ")[0]?.trim() ?? "";
  assert.ok(providerName, "the second page lists providers");

  // Type part of a name and search: the list narrows to the matches, and one is picked.
  const surname = providerName.replace(/^Dr\.\s+/, "").replace(/,.*$/, "").split(" ").at(-1) ?? "";
  await dialog.getByLabel("Provider name or NPI").fill(surname);
  await dialog.getByRole("button", { name: "Search providers" }).click();
  await dialog.getByText(new RegExp(`providers? linked to Tax ID matching “${surname}”`)).waitFor();
  const count = await picker.getByRole("radio").count();
  assert.ok(count >= 1 && count < 10, `searching “${surname}” narrows the list (${count})`);
  await picker.getByRole("radio", { name: providerName }).first().check();
  await dialog.getByText(`Selected: ${providerName}`).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  // Attachments are checked before anything is sent: a text file, and a "PDF" that is not one.
  const input = dialog.locator('input[type="file"]');
  await input.setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("plain text") },
    { name: "fake.pdf", mimeType: "application/pdf", buffer: Buffer.from("GIF89a pretending") },
  ]);
  await dialog.getByText("notes.txt is not a .pdf or .gif file").waitFor();
  await dialog.getByText("fake.pdf is not a real PDF file").waitFor();
  await dialog.getByLabel("Message").fill("A dispute that must not leave.");
  let mutations = 0;
  page.on("request", (request) => {
    if (request.url().endsWith("/graphql") && (request.postData() ?? "").includes("FileDispute")) mutations += 1;
  });
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByText("Remove the files that cannot be attached before you send.").first().waitFor();
  assert.equal(mutations, 0, "nothing was sent");
  await screenshot(page, "take-action-dispute", { fullPage: false });
  await context.close();
});

test("omar.haddad sends a PDF with a dispute on behalf of a Colorado provider", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "omar.haddad");
  // A denied Colorado claim with no dispute open yet (CO0000000001 has one from the seed, and so may
  // generated ones, filed by colleagues whose messages omar.haddad does not see): try them in turn.
  await page.goto("/claims?status=DENIED&region=CO");
  await page.locator('section[aria-busy="false"] table.results tbody tr').first().waitFor();
  const candidates = (await page.locator("table.results tbody th a").allTextContents()).slice(0, 8);
  let filed = null;
  for (const claimNumber of candidates) {
    const dialog = await openDisputeWindow(page, claimNumber);
    const picker = dialog.getByRole("list", { name: "Providers linked to the Tax ID" });
    const provider = picker.getByRole("radio").nth(3);
    const providerName = ((await provider.locator("xpath=..").innerText()).split(" NPI ")[0] ?? "").trim();
    await provider.check();
    await dialog.getByLabel("Message").fill("We dispute the denial: the enclosed operative report shows medical necessity.");
    await dialog.getByLabel("CRM ID").fill("CRM000123");
    await dialog.locator('input[type="file"]').setInputFiles([pdfFile("operative-report.pdf", 1_500_000)]);
    await dialog.getByText("operative-report.pdf (1.4 MB)").waitFor();

    // Slow the upload down so that its progress shows, as it would on a real connection.
    const devtools = await context.newCDPSession(page);
    await devtools.send("Network.enable");
    await devtools.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 1_000_000,
    });
    await dialog.getByRole("button", { name: "Send" }).click();
    await page.getByText(/Uploading attachments: \d+%/).waitFor();
    assert.ok(await page.locator("progress").isVisible());
    const outcome = await Promise.race([
      page.getByText("The message has been sent successfully").waitFor({ timeout: 20_000 }).then(() => "sent"),
      dialog.getByText("A dispute is already open on this claim").waitFor({ timeout: 20_000 }).then(() => "open"),
    ]);
    await devtools.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await devtools.detach();
    if (outcome === "open") {
      await dialog.getByRole("button", { name: "Cancel" }).click();
      continue;
    }
    filed = { claimNumber, providerName };
    break;
  }
  assert.ok(filed, `one of ${candidates.join(", ")} takes a dispute`);

  assert.equal(await page.getByRole("dialog").count(), 0);
  // Colorado sends no acknowledgement letter (California only).
  assert.equal(await page.getByText("An acknowledgement letter for your records").count(), 0);
  const messages = page.locator("section", { has: page.getByRole("heading", { name: /Messages about this claim/ }) });
  await messages.getByText(`on behalf of ${filed.providerName}`).waitFor();
  await messages.getByText("CRM ID CRM000123").waitFor();
  await messages.getByRole("button", { name: "operative-report.pdf" }).waitFor();
  await screenshot(page, "take-action-sent");

  // The PDF comes back, byte for byte what was sent, to the person who may see the claim.
  const download = page.waitForEvent("download");
  await messages.getByRole("button", { name: "operative-report.pdf" }).click();
  const saved = await (await download).path();
  const { readFileSync } = await import("node:fs");
  assert.deepEqual(readFileSync(saved), pdfFile("operative-report.pdf", 1_500_000).buffer);
  await context.close();
});

test("in California a dispute offers no provider picker, and every choice of Take Action opens its window", async () => {
  const { page, context } = await openPage(browser);
  await signOn(page, "dana.reyes");
  await openClaim(page, "SCAL0000000001");
  await page.getByRole("button", { name: "Take Action" }).click();
  await page.getByRole("button", { name: "File a Dispute" }).click();
  const dispute = page.getByRole("dialog", { name: "File a Dispute" });
  await dispute.getByLabel("Message").waitFor();
  assert.equal(await dispute.getByText("Submitting on behalf of").count(), 0);
  await dispute.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("button", { name: "Take Action" }).click();
  await page.getByRole("button", { name: "Respond to Request for Information" }).click();
  const rfi = page.getByRole("dialog", { name: "Respond to Request for Information" });
  for (const subtopic of [
    "Solicited Claims RFI Letter",
    "Clinical Review RFI Letter",
    "Code Edit RFI Letter",
    "Unsolicited RFI Document",
  ]) {
    await rfi.getByRole("radio", { name: new RegExp(`^${subtopic}`) }).waitFor();
  }
  // Sending without a subtopic or a message says what is missing, and sends nothing.
  await rfi.getByRole("button", { name: "Send" }).click();
  await rfi.getByText("Choose a subtopic.").waitFor();
  await rfi.getByText("Write a message.").waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.keyboard.press("Escape");
  await rfi.waitFor({ state: "hidden" });
  await context.close();
});
