import { expect, test } from "@playwright/test";
import { COMPLIANCE, EMPLOYEE, PLATFORM, jsEnabled, open, signIn } from "./support";

const HEADER = "email,name,department,job_title,hire_date,manager_email,roles,compliance_admin,platform_admin";

test("an admin adds a person, changes their roles and deactivates them", async ({ page }, testInfo) => {
  const run = testInfo.project.name;
  const email = `pat.newcomer.${run}@example.com`;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/admin/people", testInfo);
  await page.getByRole("link", { name: "Add a person" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add a person" })).toBeVisible();
  if (jsEnabled(testInfo)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  await page.getByLabel("Full name").fill(`Pat Newcomer ${run}`);
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Department", { exact: true }).fill("Operations");
  await page.getByLabel("Job title", { exact: true }).fill("Analyst");
  await page.getByLabel("Hire date").fill("2026-11-02");
  await page.getByLabel("Manager", { exact: true }).selectOption({ label: "Elena Petrova <elena.petrova@demo.vigil.example>" });
  await page.getByLabel("Security operations engineer").check();
  await page.getByRole("button", { name: "Add person" }).click();

  await expect(page.getByRole("status")).toContainText("Added. Their invitation is queued");
  await expect(page.getByRole("heading", { level: 1, name: `Pat Newcomer ${run}` })).toBeVisible();
  await expect(page.getByLabel("Security operations engineer")).toBeChecked();
  await expect(page.getByLabel("Manager", { exact: true })).toHaveValue("elena.petrova@demo.vigil.example");

  // Deactivation needs the box ticked; then it happens and says what it means.
  await page.getByLabel("I understand this person will no longer be able to sign in.").check();
  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByRole("status")).toContainText("Deactivated.");
  await expect(page.getByText("This person is deactivated")).toBeVisible();

  // Every change is in the audit log.
  await open(page, `/compliance/audit?action=person.add`, testInfo);
  await expect(page.getByRole("cell", { name: `person:${email}` })).toBeVisible();
});

test("a CSV import with one bad line shows the line and imports nobody; a good file imports", async ({ page }, testInfo) => {
  const run = testInfo.project.name;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/admin/people/import", testInfo);
  const bad = `${HEADER}\nkim.one.${run}@example.com,Kim One,Operations,Analyst,2026-10-01,,employee,,\nlee.two.${run}@example.com,Lee Two,Operations,Analyst,1 Oct 2026,,employee,,\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check the import" })).toBeVisible();
  await expect(page.getByText("1 line(s) have problems, so nothing will be imported.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Problems" }).getByRole("row", { name: /3 Hire date must be a date written as YYYY-MM-DD\./ })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Import/ })).toHaveCount(0);
  await open(page, "/admin/people", testInfo);
  await expect(page.getByText(`kim.one.${run}@example.com`)).toHaveCount(0);

  await open(page, "/admin/people/import", testInfo);
  const good = `${HEADER}\nkim.one.${run}@example.com,Kim One ${run},Operations,Analyst,2026-10-01,elena.petrova@demo.vigil.example,employee,,\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByText("Every line is good: 1 to add, 0 to update.")).toBeVisible();
  if (jsEnabled(testInfo)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  await page.getByRole("button", { name: "Import 1 people" }).click();
  await expect(page.getByRole("status")).toContainText("Import finished: 1 added, 0 updated, 0 invitation(s) queued");
  await expect(page.getByRole("link", { name: `Kim One ${run}` })).toBeVisible();
});

test("each administrator sees only the rights they may grant, and none on their own page", async ({ page }, testInfo) => {
  const compliance = page.getByLabel("Compliance admin: content, rules, reports and evidence");
  const platform = page.getByLabel("Platform admin: people and accounts");
  const editPerson = async (email: string, name: string) => {
    await open(page, "/admin/people", testInfo);
    await page.getByRole("link", { name, exact: true }).click();
    await expect(page.getByLabel("Email address", { exact: true })).toHaveValue(email);
  };

  await signIn(page, COMPLIANCE, testInfo);
  await editPerson(EMPLOYEE, "Ravi Patel");
  await expect(compliance).toBeVisible();
  await expect(platform).toHaveCount(0);
  await expect(page.getByText("Platform admin: no")).toBeVisible();
  await editPerson(COMPLIANCE, "Dana Okafor");
  await expect(compliance).toHaveCount(0);
  await expect(platform).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, PLATFORM, testInfo);
  await editPerson(EMPLOYEE, "Ravi Patel");
  await expect(platform).toBeVisible();
  await expect(compliance).toHaveCount(0);
  await expect(page.getByText("Compliance admin: no")).toBeVisible();
});

test("an admin makes an API token, sees it once, and a script can use it until it is revoked", async ({ page, request }, testInfo) => {
  const name = `Audit export ${testInfo.project.name}`;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/admin/people", testInfo);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Allowed to").selectOption("reports:read");
  await form.getByLabel("Expires after (days)").fill("30");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Copy the new token now")).toBeVisible();
  const secret = await page.getByLabel("New token").inputValue();
  expect(secret).toMatch(/^vigil_[A-Za-z0-9_-]{43}$/);

  // A script with only the token (no cookie) exports.
  const base = new URL(page.url()).origin;
  const exported = await request.post(`${base}/exports/compliance-status.csv`, { headers: { Authorization: `Bearer ${secret}` }, form: { course: "" } });
  expect(exported.status()).toBe(200);
  expect(await exported.text()).toContain("person,email");

  // Shown once: a reload does not show it again.
  await open(page, "/admin/tokens", testInfo);
  await expect(page.getByText("Copy the new token now")).toHaveCount(0);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await row.getByLabel("Confirm").check();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("The token is revoked")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Revoked");
  const refused = await request.post(`${base}/exports/compliance-status.csv`, { headers: { Authorization: `Bearer ${secret}` }, form: { course: "" } });
  expect(refused.status()).toBe(401);
});
