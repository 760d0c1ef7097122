import { expect, type Page, type TestInfo } from "@playwright/test";

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
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits until the home page is shown (so the session cookie is set). */
export async function signIn(page: Page, email: string, testInfo: TestInfo, password = DEMO_PASSWORD) {
  await attemptSignIn(page, email, testInfo, password);
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome, / })).toBeVisible();
}
