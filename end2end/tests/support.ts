import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { MAIL_DIR } from "../playwright.config";

export const DEMO_PASSWORD = "vigil-demo-2026";
export const demo = (key: string) => `${key}@demo.vigil.example`;

export const EMPLOYEE = demo("ravi.patel");
export const MANAGER = demo("elena.petrova");
export const COMPLIANCE = demo("dana.okafor");
export const PLATFORM = demo("sam.taylor");

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.name === "with-js";

/** Fails the test on any Content Security Policy violation or page error. */
export function watchForViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

/** Opens a page and, with JavaScript on, waits until it is hydrated. */
export async function open(page: Page, path: string, testInfo: TestInfo) {
  await page.goto(path);
  if (jsEnabled(testInfo)) {
    // The debug build's wasm is large; on a busy two-core machine hydration can take a while.
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  }
}

/** Fills in and submits the sign-in form, from the sign-in page. */
export async function attemptSignIn(page: Page, email: string, testInfo: TestInfo, password = DEMO_PASSWORD) {
  await open(page, "/login", testInfo);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Signs in and waits until the home page is shown (so the session cookie is set). */
export async function signIn(page: Page, email: string, testInfo: TestInfo, password = DEMO_PASSWORD) {
  await attemptSignIn(page, email, testInfo, password);
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome, / })).toBeVisible();
}

export type Received = { rcpt_tos: string[]; subject: string; text: string; html: string; message_id: string };

/** Waits for the SMTP server to have received `count` messages for `to`, and returns them. */
export async function mailTo(to: string, count = 1): Promise<Received[]> {
  let found: Received[] = [];
  await expect(async () => {
    found = readdirSync(MAIL_DIR)
      .filter((name) => name.endsWith(".json") && !name.startsWith("."))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(MAIL_DIR, name), "utf8")) as Received)
      .filter((message) => message.rcpt_tos.includes(to));
    expect(found.length).toBeGreaterThanOrEqual(count);
  }).toPass({ timeout: 20_000 });
  return found;
}

/** The path of the first link starting with `prefix` in a message's plain-text part. */
export function linkIn(message: Received, prefix: string): string {
  const match = message.text.match(new RegExp(`https?://[^\\s)>]*(${prefix}[A-Za-z0-9_-]+)`));
  expect(match, message.text).not.toBeNull();
  return match![1];
}

