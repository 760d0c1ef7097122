import { expect, test } from "@playwright/test";
import { COMPLIANCE, EMPLOYEE, jsEnabled, open, signIn } from "./support";

// Each project edits its own course so the two runs do not see each other's versions.
const courseFor = (js: boolean) =>
  js ? { slug: "acceptable-use", title: "Acceptable use of company technology" } : { slug: "reporting-incidents", title: "Reporting security incidents" };

test("a compliance admin edits a course in the browser, previews it and publishes a new version", async ({ page }, testInfo) => {
  const course = courseFor(jsEnabled(testInfo));
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/content", testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Content" })).toBeVisible();
  await page.getByRole("link", { name: course.title, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: course.title })).toBeVisible();
  await expect(page.getByRole("table", { name: "Version history" }).getByRole("link", { name: "v1" })).toBeVisible();
  const before = await page.getByRole("table", { name: "Version history" }).getByRole("row").nth(1).getByRole("link").first().innerText();
  const next = `v${Number(before.slice(1)) + 1}`;

  await page.getByRole("button", { name: "Edit in the browser" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Editing ${course.slug}` })).toBeVisible();
  await expect(page.getByText("No problems found.")).toBeVisible();

  const firstLesson = page.getByRole("textbox", { name: /^01-.*\.md$/ });
  const marker = `Checked in the browser ${testInfo.project.name}`;
  await firstLesson.fill((await firstLesson.inputValue()) + `\n\n> [!TIP]\n> ${marker}.\n`);
  await page.getByRole("button", { name: "Save and check" }).click();
  await expect(page.getByText("Saved. The checks and preview below are up to date.")).toBeVisible();
  await expect(page.locator(".preview .callout-tip", { hasText: marker })).toBeVisible();

  await page.getByLabel("Version notes: what changed?").fill("Added a tip on checking.");
  await page.getByLabel(/Material change/).check();
  await page.getByRole("button", { name: "Publish" }).click();

  await expect(page.getByText("Published. The new version is now what people are assigned.")).toBeVisible();
  const history = page.getByRole("table", { name: "Version history" });
  const newest = history.getByRole("row").nth(1);
  await expect(newest).toContainText(next);
  await expect(newest).toContainText("Material: retake required");
  await expect(newest).toContainText("Added a tip on checking.");
  await expect(newest).toContainText("Dana Okafor");

  await newest.getByRole("link", { name: next }).click();
  await expect(page.locator(".callout-tip", { hasText: marker })).toBeVisible();
});

test("problems in a draft are listed before anything is published", async ({ page }, testInfo) => {
  const slug = `draft-check-${testInfo.project.name}`;
  await signIn(page, COMPLIANCE, testInfo);
  await open(page, "/content", testInfo);
  await page.getByLabel("Course id").fill(slug);
  await page.getByRole("button", { name: "Start from a template" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Editing ${slug}` })).toBeVisible();

  const quiz = page.getByRole("textbox", { name: "quiz.md" });
  await quiz.fill("## A question without a right answer?\n\n- [ ] One\n- [ ] Two\n\n> Why.\n");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "was not published" })).toBeVisible();
  await expect(page.locator("#problems")).toContainText('quiz.md:1: question "A question without a right answer?" has no correct option');

  await open(page, "/content", testInfo);
  await expect(page.getByRole("link", { name: slug })).toBeVisible(); // listed under drafts
  await expect(page.getByRole("table")).not.toContainText(slug); // but not published
});

test("an employee has no content pages", async ({ page }, testInfo) => {
  await signIn(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ravi" })).toBeVisible();
  const response = await page.goto("/content/course/acceptable-use");
  expect(response?.status()).toBe(403);
});
