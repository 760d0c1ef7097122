import { type Page, type TestInfo, expect, test } from "@playwright/test";
import { PLATFORM, jsEnabled, linkIn, mailTo, open, signIn } from "./support";

/** The platform admin adds a person with an invitation (the box is ticked by default). */
async function invite(page: Page, testInfo: TestInfo, name: string, email: string) {
  await signIn(page, PLATFORM, testInfo);
  await open(page, "/admin/people/new", testInfo);
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Hire date").fill("2026-11-02");
  await expect(page.getByLabel("Email them an invitation to choose a password")).toBeChecked();
  await page.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("status")).toContainText("Added. Their invitation is queued");
  await expect(page.getByText("Invitation email:")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
}

async function choosePassword(page: Page, testInfo: TestInfo, path: string, password: string, button: string) {
  await open(page, path, testInfo);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await page.getByRole("button", { name: button }).click();
}

const PASSWORD = "four unrelated words here";

test("an invited person follows the emailed link, chooses a password and is signed in, once", async ({ page }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const email = `ines.invited.${run}@example.com`;
  await invite(page, testInfo, `Ines Invited`, email);

  const [message] = await mailTo(email);
  expect(message.subject).toContain("invited");
  const link = linkIn(message, "/invite/");
  await open(page, link, testInfo);
  await expect(page.getByText("Hello Ines Invited.")).toBeVisible();
  await choosePassword(page, testInfo, link, PASSWORD, "Choose password and sign in");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ines" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Your password is set");

  await page.getByRole("button", { name: "Sign out" }).click();
  await open(page, link, testInfo);
  await expect(page.getByRole("alert")).toContainText("already been used");
  await expect(page.getByRole("link", { name: "Go to sign in" })).toBeVisible();
});

test("a password reset arrives, works once, and the old password stops working", async ({ page }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const email = `rhea.reset.${run}@example.com`;
  await invite(page, testInfo, "Rhea Reset", email);
  await choosePassword(page, testInfo, linkIn((await mailTo(email))[0], "/invite/"), PASSWORD, "Choose password and sign in");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Rhea" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  await open(page, "/login", testInfo);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Forgot your password?" })).toBeVisible();
  if (jsEnabled(testInfo)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByRole("status")).toContainText("If that address belongs to an active account");

  const reset = await mailTo(email, 2);
  const link = linkIn(reset[1], "/reset-password/");
  const newPassword = "five quite unrelated words now";
  await choosePassword(page, testInfo, link, newPassword, "Save password and sign in");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Rhea" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Your new password is saved");
  await page.getByRole("button", { name: "Sign out" }).click();

  await open(page, link, testInfo);
  await expect(page.getByRole("alert")).toContainText("already been used");
  await signIn(page, email, testInfo, newPassword);
});
