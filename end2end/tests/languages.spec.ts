import { expect, test } from "@playwright/test";
import { MANAGER, demo, jsEnabled, open, signIn } from "./support";

// Each project signs in as its own learner, so that the other tests' learners keep English.
const learnerFor = (js: boolean) => (js ? demo("hannah.schmidt") : demo("diego.alvarez"));

test("a learner chooses German and reads the baseline course in German", async ({ page }, testInfo) => {
  await signIn(page, learnerFor(jsEnabled(testInfo)), testInfo);
  await open(page, "/account", testInfo);
  await expect(page.getByRole("heading", { level: 2, name: "Course language" })).toBeVisible();
  await page.getByLabel("Take courses in").selectOption({ label: "Deutsch" });
  await page.getByRole("button", { name: "Save language" }).click();
  await expect(page.getByText("Your course language was saved.")).toBeVisible();
  await expect(page.getByLabel("Take courses in")).toHaveValue("de");

  await open(page, "/training/security-basics/lesson/1", testInfo);
  const article = page.locator("article.prose");
  await expect(article).toHaveAttribute("lang", "de");
  await expect(article.getByRole("heading", { level: 1 })).toHaveText("Warum Angreifer es auf Sie abgesehen haben");
  await expect(page.getByRole("link", { name: "Grundlagen der Informationssicherheit" })).toBeVisible();

  // Back to each course's own language.
  await open(page, "/account", testInfo);
  await page.getByLabel("Take courses in").selectOption({ value: "" });
  await page.getByRole("button", { name: "Save language" }).click();
  await expect(page.getByText("Your course language was saved.")).toBeVisible();
  await open(page, "/training/security-basics/lesson/1", testInfo);
  await expect(page.locator("article.prose")).toHaveAttribute("lang", "en");
});

test("a manager opens the facilitator pack of the managers' course", async ({ page }, testInfo) => {
  await signIn(page, MANAGER, testInfo);
  await open(page, "/team", testInfo);
  await page.getByRole("link", { name: "Facilitator packs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Facilitator packs" })).toBeVisible();
  await page.getByRole("link", { name: "Handling sensitive data" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Handling sensitive data: facilitator pack" })).toBeVisible();
  await expect(page.getByRole("region", { name: /^Slide 1 of \d+: Handling sensitive data$/ })).toBeVisible();
  await expect(page.getByRole("article", { name: /discussion/i })).toBeVisible();
  await expect(page.getByRole("article", { name: /checklist/i })).toBeVisible();
});
