import { expect, test } from "@playwright/test";
import { COMPLIANCE, jsEnabled, open, signIn } from "./support";

test("a compliance admin sets an organisation detail and the courses that use it are published with it", async ({ page }, testInfo) => {
  // The disclosure page is used by one course only, which no other test edits.
  const value = `https://www.company.example/security/disclosure-${jsEnabled(testInfo) ? "js" : "no-js"}`;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/content/organisation", testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Organisation details" })).toBeVisible();
  await expect(page.getByLabel(/The security team's phone number/)).not.toHaveValue("");

  // A bad value is refused, with a sentence naming the detail.
  await page.getByLabel(/The security team's email address/).fill("not an address");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByRole("alert")).toContainText("The security team's email address must be an email address");

  await open(page, "/content/organisation", testInfo);
  await page.getByLabel(/The address of the vulnerability disclosure page/).fill(value);
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByText(/^Saved\. .*published again/)).toBeVisible();
  await expect(page.getByLabel(/The address of the vulnerability disclosure page/)).toHaveValue(value);

  // The course that names the page now has a version, not a material one, that shows it.
  await open(page, "/content/course/tracking-and-fixing-vulnerabilities", testInfo);
  const newest = page.getByRole("table", { name: "Version history" }).getByRole("row").nth(1);
  await expect(newest).toContainText("Organisation details changed");
  await newest.getByRole("link", { name: /^v\d+$/ }).click();
  await expect(page.getByText(value).first()).toBeVisible();
});

test("a compliance admin records a programme review and sees it listed", async ({ page }, testInfo) => {
  const reviewers = `Dana Okafor, Isa Officer (${testInfo.project.name})`;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/compliance/reviews", testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Programme reviews" })).toBeVisible();

  await page.getByLabel("Review date").fill(yesterday);
  await page.getByLabel("Reviewers").fill(reviewers);
  await page.getByLabel("What was reviewed and concluded").fill("Coverage and phishing results reviewed; courses still fit.");
  await page.getByRole("button", { name: "Record review" }).click();
  await expect(page.getByText("Review recorded.")).toBeVisible();
  const row = page.getByRole("table", { name: "Programme reviews" }).getByRole("row", { name: new RegExp(reviewers.replace(/[()]/g, "\\$&")) });
  await expect(row).toContainText(yesterday);
  await expect(row).toContainText("Dana Okafor");
});
