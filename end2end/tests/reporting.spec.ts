import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { COMPLIANCE, MANAGER, demo, jsEnabled, mailTo, open, signIn } from "./support";

const HEAD = demo("kwame.mensah"); // department head: Elena and Marcus report to him

/** The table of people on the team page. */
const peopleTable = (page: Page) => page.getByRole("table", { name: "People" });

test("a manager sees direct reports, and everyone below with the toggle", async ({ page }, testInfo) => {
  await signIn(page, HEAD, testInfo);
  await open(page, "/team", testInfo);
  await expect(peopleTable(page).getByRole("link", { name: "Elena Petrova" })).toBeVisible();
  await expect(peopleTable(page).getByRole("link", { name: "Ravi Patel" })).toHaveCount(0);
  await expect(page.locator("progress").first()).toBeVisible();

  await page.getByRole("link", { name: "Everyone below me" }).click();
  await expect(page).toHaveURL(/\/team\?scope=all$/);
  await expect(peopleTable(page).getByRole("link", { name: "Ravi Patel" })).toBeVisible();
  await expect(peopleTable(page).getByRole("link", { name: "Aisha Bello" })).toBeVisible();
});

test("a manager cannot open someone from another tree", async ({ page }, testInfo) => {
  // The department head can see Aisha (Marcus's team); Elena cannot.
  await signIn(page, HEAD, testInfo);
  await open(page, "/team?scope=all", testInfo);
  const href = await peopleTable(page).getByRole("link", { name: "Aisha Bello" }).getAttribute("href");
  expect(href).toMatch(/^\/team\/[0-9a-f-]+$/);

  await page.context().clearCookies();
  await signIn(page, MANAGER, testInfo);
  await open(page, "/team?scope=all", testInfo);
  await expect(peopleTable(page).getByRole("link", { name: "Aisha Bello" })).toHaveCount(0);
  const response = await page.goto(href!);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("That person was not found");
  await expect(page.getByText("Aisha Bello")).toHaveCount(0);
});

test("a manager sends a reminder, it is delivered, and the page says so only once it is", async ({ page }, testInfo) => {
  await signIn(page, MANAGER, testInfo);
  await open(page, "/team", testInfo);
  // A different report in each run, so that the once-a-day rule does not get in the way.
  const who = jsEnabled(testInfo) ? "Hannah Schmidt" : "Diego Alvarez";
  await peopleTable(page).getByRole("link", { name: who }).click();
  await expect(page.getByRole("heading", { level: 1, name: who })).toBeVisible();
  if (jsEnabled(testInfo)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
  const training = page.getByRole("table", { name: "Training" });
  const remind = training.getByRole("button", { name: "Send reminder" }).first();
  await expect(remind).toBeVisible();
  await remind.click();
  await expect(page.getByRole("status")).toContainText("Reminder queued");
  await expect(training.getByText(/^(Queued .*, not sent yet|Sent .*)$/)).toHaveCount(1);
  const [message] = await mailTo(demo(who.toLowerCase().replace(" ", ".")));
  expect(message.subject).toBe("Reminder from Elena Petrova: your security training");
  // The SMTP server has accepted it: after a reload the row says it was sent.
  await expect(async () => {
    await page.reload();
    await expect(training.getByText(/^Sent /)).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
});

test("the compliance dashboard keeps its filters in the URL and draws the trend on the server", async ({ page }, testInfo) => {
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/compliance", testInfo);
  await expect(page.getByRole("heading", { name: "Overall" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Share of training up to date at each month end" })).toBeVisible();
  await page.getByLabel("Department", { exact: true }).selectOption("Engineering");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/department=Engineering/);
  const shared = page.url();
  const overall = await page.locator("#overall + .completion .completion-label").textContent();

  // Someone opening the shared link sees the same view.
  await open(page, shared, testInfo);
  await expect(page.getByLabel("Department", { exact: true })).toHaveValue("Engineering");
  await expect(page.locator("#overall + .completion .completion-label")).toHaveText(overall!);
  await expect(page.getByRole("link", { name: "Clear filters" })).toBeVisible();

  // The status export downloads a CSV with the filter applied.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Current status (CSV)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^vigil-compliance-status-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("person,email,department,job_title,manager,roles,course,course_id,version,status,assigned_on,due_on,completed_on,valid_until");
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines.slice(1)) expect(line.split(",")[2]).toBe("Engineering");
});

test("an evidence pack downloaded in the browser verifies with the vigil command", async ({ page }, testInfo) => {
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/compliance/evidence", testInfo);
  const fingerprint = (await page.locator("code.hash").textContent())!;
  expect(fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/);

  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("First day").fill("2026-01-01");
  await page.getByLabel("Last day").fill(today);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the evidence pack" }).click()]);
  const path = await download.path();
  const out = execFileSync("../target/debug/vigil", ["evidence", "verify", path], { encoding: "utf8", env: { ...process.env, RUST_LOG: "error" } });
  expect(out).toContain("The pack is intact");
  expect(out).toContain(fingerprint);
});

test("a compliance administrator adds a witness for the ledger's checkpoints and removes it", async ({ page }, testInfo) => {
  const address = `witness-${testInfo.project.name}@example.com`;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/compliance/evidence", testInfo);
  const form = page.getByRole("form", { name: "Add a witness" });

  // A bad address is refused with a reason, and nothing is added.
  await form.getByLabel("Name").fill("Internal audit");
  await form.getByLabel("Email address or web address").fill("ftp://audit.example.com/");
  await form.getByRole("button", { name: "Add witness" }).click();
  await expect(page.getByRole("alert")).toContainText("A witness is an email address");

  await open(page, "/compliance/evidence", testInfo);
  await form.getByLabel("Name").fill("Internal audit");
  await form.getByLabel("Email address or web address").fill(address);
  await form.getByLabel("Send").selectOption("daily");
  await form.getByRole("button", { name: "Add witness" }).click();
  await expect(page.getByText("The witness is added")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: address });
  await expect(row).toContainText("Once a day by email");

  await row.getByLabel("Confirm").check();
  await row.getByRole("button", { name: "Stop sending" }).click();
  await expect(page.getByText("The witness is no longer sent checkpoints")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: address })).toHaveCount(0);
});
