// @ts-check
// Getting an account, end to end (the Online Provider Tools page): an organization enrolls, a representative processes it from
// their work queue, a person registers and signs on to finish their set-up in Manage My Account, the
// representative approves, and the person turns on two-step sign-on and signs on with a code. Also the
// group's TPA attestation and a support case read back by its opener.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
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

const NEW_PASSWORD = "a quiet orchard by the river";

/**
 * The current TOTP code of a base32 secret (RFC 6238: HMAC-SHA1, 30-second steps, six digits), as an
 * authenticator app computes it.
 * @param {string} secret
 */
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "")) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = (digest.at(-1) ?? 0) & 0xf;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

test("enroll, process, register, finish set-up, approval, two-step sign-on", async () => {
  // An organization files its agreement, with every field's error shown where it belongs.
  const visitor = await openPage(browser);
  let page = visitor.page;
  await page.goto("/enroll/agreement");
  await page.getByRole("heading", { level: 1, name: "Online Affiliate Enrollment Agreement" }).waitFor();
  await page.getByRole("button", { name: "Submit the agreement" }).click();
  await page.locator(".field-invalid").first().waitFor();
  assert.ok((await page.locator(".field-invalid").count()) >= 4);
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel(/^Tax ID/).fill("46-4655001");
  await page.getByLabel(/^Organization’s name/).fill("Riverbend Family Clinic");
  await page.getByLabel(/^Signatory’s name/).fill("Rosa Delgado");
  await page.getByLabel(/^Signatory’s title/).fill("Managing Partner");
  await page.getByLabel(/^Signatory’s email/).fill("rosa.delgado@riverbend.example");
  await page.getByRole("button", { name: "Submit the agreement" }).click();
  await page.getByText("The agreement of Riverbend Family Clinic (Tax ID 46-4655001) is submitted").waitFor();
  await visitor.context.close();

  // The representative lands on the work queue and processes it.
  const representative = await openPage(browser);
  await signOn(representative.page, "rep.scal");
  const queue = representative.page;
  await queue.getByRole("heading", { level: 1, name: "Work queue" }).waitFor();
  assert.deepEqual(await accessibilityViolations(queue), []);
  await screenshot(queue, "work-queue");
  await queue.getByRole("button", { name: "Process the agreement of Riverbend Family Clinic" }).click();
  await queue.getByText("Riverbend Family Clinic’s agreement was processed.").waitFor();

  // A person registers, with the password rules shown before the first attempt.
  const person = await openPage(browser);
  page = person.page;
  await page.goto("/register");
  await page.getByRole("heading", { level: 1, name: "New User Registration" }).waitFor();
  await page.getByText("15 to 128 characters", { exact: false }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel(/^User ID/).fill("june.park");
  await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
  await page.getByLabel(/^First name/).fill("June");
  await page.getByLabel(/^Last name/).fill("Park");
  await page.getByLabel(/^Email/).fill("june.park@riverbend.example");
  await page.getByLabel(/^Organization/).fill("Riverbend Family Clinic");
  await page.getByLabel(/^Provider’s Tax ID/).fill("46-4655001");
  await page.getByRole("button", { name: "Register" }).click();
  await page.getByText("You are registered as june.park").waitFor();

  // While REGISTERING she signs on to Manage My Account only.
  await page.goto("/sign-on");
  await page.getByLabel("User ID").fill("june.park");
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign On" }).click();
  await page.getByRole("heading", { level: 1, name: "Manage My Account" }).waitFor();
  await page.getByText("Finish setting up your account").waitFor();
  assert.equal(await page.getByRole("link", { name: "Claims" }).count(), 0);
  await page.goto("/claims");
  await page.getByRole("heading", { level: 1, name: "Manage My Account" }).waitFor();

  // The representative approves her request.
  await queue.getByRole("link", { name: "Association requests" }).first().click();
  const request = queue.getByRole("row", { name: /june\.park/ });
  await request.getByRole("button", { name: /Approve/ }).click();
  await queue.getByText("june.park’s request for 46-4655001", { exact: false }).waitFor();
  await representative.context.close();

  // She turns on two-step sign-on: a QR code drawn in the page, a first code, recovery codes shown once.
  await page.reload();
  await page.getByRole("link", { name: "Claims" }).waitFor();
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up two-step sign-on" }).click();
  await page.getByRole("img", { name: "QR code to scan with your authenticator app" }).waitFor();
  const secret = (await page.locator(".totp-secret").textContent()) ?? "";
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByLabel(/^Six-digit code/).fill("000000");
  await page.getByRole("button", { name: "Turn on two-step sign-on" }).click();
  await page.locator(".field-invalid").first().waitFor();
  await page.getByLabel(/^Six-digit code/).fill(totp(secret));
  await page.getByRole("button", { name: "Turn on two-step sign-on" }).click();
  await page.getByRole("list", { name: "Recovery codes" }).waitFor();
  assert.equal(await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count(), 10);
  await screenshot(page, "two-step-enrolled");

  // Her sessions are listed; she signs off and is told so.
  await page.reload();
  await page.getByRole("heading", { level: 3, name: "Where you are signed on" }).waitFor();
  await page.getByText("(this browser)").waitFor();
  await page.getByRole("button", { name: "Sign Off" }).click();
  await page.getByText("You have signed off.").waitFor();

  // Signing on now asks for a code after the password.
  await page.goto("/sign-on");
  await page.getByLabel("User ID").fill("june.park");
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign On" }).click();
  await page.getByRole("heading", { level: 3, name: "Enter your sign-on code" }).waitFor();
  await page.getByLabel(/^Code/).fill("123456" === totp(secret) ? "654321" : "123456");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByText("This code does not work.").waitFor();
  await page.getByLabel(/^Code/).fill(totp(secret));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { level: 1, name: "Claims" }).waitFor();
  await person.context.close();
});

test("a provider group attests for its TPA; a support case is read back by its opener", async () => {
  const { page, context } = await openPage(browser);
  await page.goto("/enroll/tpa-attestation");
  await page.getByRole("heading", { level: 1, name: "TPA Attestation" }).waitFor();
  await page.getByLabel(/^Your group’s Tax ID/).fill("33-8000008");
  await page.getByLabel(/^The third-party administrator’s Tax ID/).fill("77-7000007");
  await page.getByLabel(/^Signatory’s name/).fill("Dr. Ana Ruiz");
  await page.getByLabel(/^Signatory’s title/).fill("Medical Director");
  await page.getByLabel(/^Signatory’s email/).fill("ana.ruiz@sunrise.example");
  await page.getByRole("button", { name: "Submit the attestation" }).click();
  // Sunrise Urgent Care has no agreement on file: the group field says so.
  await page.locator(".field-invalid").filter({ hasText: "no processed enrollment agreement" }).waitFor();
  await page.getByLabel(/^Your group’s Tax ID/).fill("95-1000001");
  await page.getByRole("button", { name: "Submit the attestation" }).click();
  await page.getByText("Harbor Medical Group’s attestation for Summit Billing Services is submitted").waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);

  await page.goto("/support");
  await page.getByLabel(/^Group name/).fill("Riverbend Family Clinic");
  await page.getByLabel(/^Tax ID/).fill("46-4655002");
  await page.getByLabel(/^Contact email/).first().fill("office@riverbend.example");
  await page.getByLabel(/^Your question/).fill("Unsure if we have an agreement on file?");
  await page.getByRole("button", { name: "Open the case" }).click();
  const number = (await page.locator(".alert strong").first().textContent()) ?? "";
  assert.match(number, /^OA-\d{4}-\d{6}$/);
  await page.getByLabel(/^Case number/).fill(number);
  await page.getByLabel(/^Contact email/).last().fill("office@riverbend.example");
  await page.getByRole("button", { name: "Check the case" }).click();
  await page.getByText(`Case ${number}: Waiting for a consultant`).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, "support-case");
  await context.close();
});
