import { expect, test } from "@playwright/test";
import { EMPLOYEE, attemptSignIn, jsEnabled, open, signIn, watchForViolations } from "./support";

test("signing in lands on the home page and signing out returns to sign-in", async ({ page }, testInfo) => {
  const problems = watchForViolations(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F$/);

  await signIn(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ravi" })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My training" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
  await expect(page.getByText("You have been signed out.")).toBeVisible();

  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
  expect(problems).toEqual([]);
});

test("a wrong password is refused with a clear message", async ({ page }, testInfo) => {
  await attemptSignIn(page, EMPLOYEE, testInfo, "definitely not the password");
  await expect(page.getByRole("alert")).toContainText("The email address or password is not right");
  await expect(page).toHaveURL(/\/login/);
});

test("after signing in, people return to the page they asked for", async ({ page }, testInfo) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
  if (jsEnabled(testInfo)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  await page.getByLabel("Email address").fill(EMPLOYEE);
  await page.getByLabel("Password").fill("vigil-demo-2026");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
});

test("someone already signed in who opens the sign-in page goes where they were headed", async ({ page }, testInfo) => {
  await signIn(page, EMPLOYEE, testInfo);
  await open(page, "/login?next=%2Ftraining", testInfo);
  await expect(page).toHaveURL(/\/training$/);
  await expect(page.getByRole("heading", { level: 1, name: "My training" })).toBeVisible();
  // Only a path on this site: anything else goes home.
  await open(page, "/login?next=https%3A%2F%2Fevil.example%2F", testInfo);
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
});

test("the page is hydrated only when JavaScript is on", async ({ page }, testInfo) => {
  await page.goto("/login");
  const hydrated = page.locator("body[data-hydrated]");
  if (jsEnabled(testInfo)) {
    await expect(hydrated).toHaveCount(1, { timeout: 30_000 });
  } else {
    await page.waitForLoadState("load");
    await expect(hydrated).toHaveCount(0);
  }
});

test("keyboard users can skip to the main content", async ({ page }, testInfo) => {
  await open(page, "/login", testInfo);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});
