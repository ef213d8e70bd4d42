// @ts-check
// What every browser test needs: Debian's Chromium driven by playwright-core (no browser download), a page
// on the live gateway the runner started, sign-on as a demo person, axe-core, and screenshots.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const BASE_URL = process.env.GATEWAY_URL ?? "http://127.0.0.1:8000";
export const ARTIFACTS = resolve(process.env.ARTIFACTS_DIR ?? join(here, "..", "..", "test-artifacts"));
export const PASSWORD = "Affiliate-Demo-2026!";
export const TABLET = { width: 768, height: 1024 };
export const DESKTOP = { width: 1280, height: 900 };

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Headless Chromium as the machine has it; a fresh profile every launch (Playwright's own temp dir). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A GraphQL request as the app sends it.
 * @typedef {{ query?: string, operationName?: string, extensions?: { persistedQuery?: { sha256Hash?: string } } }} GraphQLBody
 */

/**
 * What the page sees of axe-core once its source has run there.
 * @typedef {{ id: string, impact: string | null, help: string, nodes: { target: string[] }[] }} AxeViolation
 * @typedef {{ run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> }} Axe
 */

/**
 * A page in a context of its own (its own cookies: its own session), which records what a test may want
 * to assert about the traffic: requests to any other origin, console errors, GraphQL request bodies.
 * @param {import("playwright-core").Browser} browser
 * @param {{ viewport?: { width: number, height: number } }} [options]
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: options.viewport ?? DESKTOP });
  // Fail fast: nothing in the app takes seconds, and two minutes is the whole suite's budget.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  /** @type {{ foreignRequests: string[], consoleErrors: string[], graphqlBodies: GraphQLBody[] }} */
  const traffic = { foreignRequests: [], consoleErrors: [], graphqlBodies: [] };
  const origin = new URL(BASE_URL).origin;
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.origin !== origin && !url.href.startsWith(origin.replace(/^http/, "ws"))) {
      traffic.foreignRequests.push(request.url());
    }
    if (url.pathname === "/graphql" && request.method() === "POST") {
      const body = request.postData();
      if (body && (request.headers()["content-type"] ?? "").includes("json")) {
        /** @type {unknown} */
        const parsed = JSON.parse(body);
        traffic.graphqlBodies.push(/** @type {GraphQLBody} */ (parsed));
      }
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") traffic.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => traffic.consoleErrors.push(String(error)));
  return { context, page, traffic };
}

/**
 * Sign on through the Sign-On screen, as a person would.
 * @param {import("playwright-core").Page} page
 * @param {string} userId
 */
export async function signOn(page, userId) {
  await page.goto("/sign-on");
  await page.getByLabel("User ID").fill(userId);
  await page.getByLabel("Password", { exact: false }).first().fill(PASSWORD);
  await page.getByRole("button", { name: "Sign On" }).click();
  // Representatives land on their work queue, everyone else on Claims.
  await page.getByRole("heading", { level: 1, name: /^(Claims|Work queue)$/ }).waitFor();
  await page.getByRole("button", { name: "Sign Off" }).waitFor();
}

/**
 * Serious and critical axe-core violations of WCAG 2.1 A and AA on the page as it is now.
 * @param {import("playwright-core").Page} page
 * @returns {Promise<string[]>}
 */
export async function accessibilityViolations(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // axe was just defined on the window.
    const { axe } = /** @type {{ axe: Axe }} */ (/** @type {unknown} */ (window));
    const results = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * A screenshot saved as a test artifact (test-artifacts/<name>.png).
 * @param {import("playwright-core").Page} page
 * @param {string} name
 * @param {{ fullPage?: boolean }} [options]
 */
export async function screenshot(page, name, options = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** A small but genuine PDF document (what the gateway recognises from its first bytes). */
export function pdfFile(name = "supporting-records.pdf", padTo = 0) {
  const body = [
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF",
    "",
  ].join("\n");
  const padding = padTo > body.length ? "%" + "0".repeat(padTo - body.length - 2) + "\n" : "";
  return { name, mimeType: "application/pdf", buffer: Buffer.from(body + padding) };
}
