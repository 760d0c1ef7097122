import { expect, test } from "@playwright/test";
import { COMPLIANCE, EMPLOYEE, MANAGER, PLATFORM, signIn } from "./support";

const cases = [
  { who: "an employee", email: EMPLOYEE, sees: ["Home", "My training", "Account"], hidden: ["My team", "Compliance", "People"] },
  { who: "a manager", email: MANAGER, sees: ["My team"], hidden: ["Compliance", "People"] },
  { who: "a compliance admin", email: COMPLIANCE, sees: ["Compliance", "Content", "People"], hidden: [] },
  { who: "a platform admin", email: PLATFORM, sees: ["People"], hidden: ["Compliance"] },
];

for (const { who, email, sees, hidden } of cases) {
  test(`${who} sees the navigation for their permissions`, async ({ page }, testInfo) => {
    await signIn(page, email, testInfo);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    for (const label of sees) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    for (const label of hidden) await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
  });
}

test("an employee who opens an admin page is told they have no access", async ({ page }, testInfo) => {
  await signIn(page, EMPLOYEE, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ravi" })).toBeVisible();
  const response = await page.goto("/admin/people");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
});

test("the navigation fits a phone screen", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, COMPLIANCE, testInfo);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Compliance" })).toBeVisible();
  for (const region of [nav, page.getByRole("main"), page.getByRole("button", { name: "Sign out" })]) {
    const box = await region.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  }
});

test("unknown addresses show the not-found page", async ({ page }) => {
  const response = await page.goto("/definitely/not/here");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
