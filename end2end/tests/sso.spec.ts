import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { OIDC_ISSUER } from "../playwright.config";
import { COMPLIANCE, EMPLOYEE, demo, open, signIn, watchForViolations } from "./support";

// Single sign-on through a real OpenID Provider (npm oidc-provider), with and without
// JavaScript: the button on the sign-in page, the provider's own login form, and back.

const PROVIDER_PASSWORD = "test-password";

/** From Vigil's sign-in page through the provider's login form; returns the callback URL seen. */
async function signInAtProvider(page: Page, email: string, testInfo: TestInfo): Promise<string> {
  let callback = "";
  page.on("request", (request) => {
    if (request.url().includes("/auth/oidc/callback")) callback = request.url();
  });
  await open(page, "/login", testInfo);
  await page.getByRole("button", { name: "Sign in with Test ID" }).click();
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/interaction/`));
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill(PROVIDER_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  return callback;
}

/** Makes the provider's next ID token wrong in one claim (re-signed with its own key). */
async function tamper(page: Page, claim: string) {
  const response = await page.request.post(`${OIDC_ISSUER}/__test/tamper`, { data: { claim } });
  expect(response.ok()).toBeTruthy();
}

async function expectRefused(page: Page, reason: RegExp) {
  await expect(page.getByRole("heading", { level: 1, name: "Sign-in refused" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText(reason);
  await expect(page.getByRole("link", { name: "Back to sign-in" })).toBeVisible();
}

test("a person signs in with the identity provider and signing out ends both sessions", async ({ page }, testInfo) => {
  const problems = watchForViolations(page);
  await signInAtProvider(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome, Ravi/ })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  // RP-initiated logout: the provider asks, then sends the browser back to Vigil's sign-in page.
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/session/end`));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/training");
  await expect(page).toHaveURL(/\/login/);
  expect(problems).toEqual([]);
});

test("a replayed callback is refused", async ({ page, browser }, testInfo) => {
  const callback = await signInAtProvider(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome, Ravi/ })).toBeVisible();
  expect(callback).toContain("state=");
  // The same browser again, and another browser that never started this sign-in.
  await page.goto(callback);
  await expectRefused(page, /not started in this browser, or it has already finished/);
  const other = await browser.newPage();
  await other.goto(callback);
  await expectRefused(other, /not started in this browser/);
  await other.close();
});

for (const [claim, reason] of [
  ["aud", /Invalid audiences/],
  ["exp", /Expired/],
  ["nonce", /Invalid nonce/],
  ["iss", /Invalid issuer/],
  ["signature", /Signature verification failed/],
] as const) {
  test(`an ID token with a wrong ${claim} is refused`, async ({ page }, testInfo) => {
    await tamper(page, claim);
    await signInAtProvider(page, EMPLOYEE, testInfo);
    await expectRefused(page, reason);
    await page.goto("/training");
    await expect(page).toHaveURL(/\/login/);
  });
}

test("an unverified email, an unknown person and a deactivated person are refused", async ({ page }, testInfo) => {
  for (const [email, reason] of [
    [demo("unverified.ravi"), /has not verified your email address/],
    [demo("nobody.here"), /Vigil has no account for nobody\.here@demo\.vigil\.example/],
    [demo("peter.novak"), /deactivated/],
  ] as const) {
    await page.context().clearCookies();
    await signInAtProvider(page, email, testInfo);
    await expectRefused(page, reason);
  }
});

test("single sign-ons and refusals are in the audit log", async ({ page }, testInfo) => {
  await signInAtProvider(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome, Ravi/ })).toBeVisible();
  await page.context().clearCookies();
  await signInAtProvider(page, demo("nobody.here"), testInfo);
  await expectRefused(page, /no account/);
  await page.context().clearCookies();
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/compliance/audit?action=account.sign_in", testInfo);
  await expect(page.getByRole("cell", { name: `person:${EMPLOYEE}` }).first()).toBeVisible();
  await expect(page.getByText(/"method":\s*"oidc"/).first()).toBeVisible();
  await open(page, "/compliance/audit?action=account.sign_in_refused", testInfo);
  await expect(page.getByText(/Vigil has no account for nobody\.here/).first()).toBeVisible();
});
