import { readFileSync } from "node:fs";
import { expect, test, type Locator } from "@playwright/test";
import { demo, jsEnabled, open, signIn } from "./support";

const COURSE = "passwords-and-mfa";

/** Correct options by question, read from the course's own quiz.md. */
function answerKey(): Map<string, string[]> {
  const key = new Map<string, string[]>();
  let prompt = "";
  for (const line of readFileSync(`../content/${COURSE}/quiz.md`, "utf8").split("\n")) {
    const heading = line.match(/^## (.*?)(\s*\{[^}]*\})?\s*$/);
    if (heading) {
      prompt = normalise(heading[1]);
      key.set(prompt, []);
    }
    const option = line.match(/^- \[x\] (.*)$/);
    if (option && prompt) key.get(prompt)!.push(normalise(option[1]));
  }
  return key;
}

/** Markdown as the reader sees it: no emphasis, code or link markup, single spaces. */
function normalise(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

async function answer(questions: Locator, correctly: boolean) {
  const key = answerKey();
  const count = await questions.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const question = questions.nth(i);
    const legendText = (await question.locator("legend").textContent()) ?? "";
    const legend = normalise(legendText.replace(/^\s*Question \d+\s*/, "").replace(/Select all that apply\.\s*$/, ""));
    const prompt = [...key.keys()].find((p) => legend.startsWith(p));
    expect(prompt, `question "${legend}" is in quiz.md`).toBeDefined();
    const correct = key.get(prompt!)!;
    const options = question.locator(".option");
    for (let j = 0; j < (await options.count()); j++) {
      const option = options.nth(j);
      const label = normalise((await option.locator("label").textContent()) ?? "");
      if (correct.includes(label) === correctly) {
        await option.locator("input").check();
        if (!correctly) break; // one wrong answer per question is enough to fail
      }
    }
  }
}

test("a new starter reads, fails the quiz, retakes it, passes and gets a certificate", async ({ page }, testInfo) => {
  const learner = jsEnabled(testInfo) ? demo("yuki.tanaka") : demo("zara.ahmed");
  await signIn(page, learner, testInfo);

  await open(page, "/training", testInfo);
  const course = page.getByRole("link", { name: "Passwords and multi-factor authentication" });
  await expect(course).toBeVisible();
  await course.click();
  // With JavaScript the list stays until the course page's code has arrived (pages load lazily).
  await expect(page.getByRole("heading", { level: 1, name: "Passwords and multi-factor authentication" })).toBeVisible();
  await expect(page.getByText("Not started")).toBeVisible();

  await page.getByRole("link", { name: "Start reading" }).click();
  // textContent, not innerText: the label is styled in capitals.
  const lessons = (await page.locator(".eyebrow", { hasText: /Lesson \d+ of \d+/ }).textContent()) ?? "";
  const total = Number(lessons.match(/of (\d+)/)![1]);
  for (let n = 1; n <= total; n++) {
    await expect(page.getByText(`Lesson ${n} of ${total}`)).toBeVisible();
    await page.getByRole("button", { name: /^Mark as read and (continue|finish)$/ }).click();
  }
  await expect(page.getByText("You have read every lesson.")).toBeVisible();
  await expect(page.getByText("In progress")).toBeVisible();

  await page.getByRole("button", { name: "Take the quiz" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quiz" })).toBeVisible();
  await answer(page.locator("fieldset.question"), false);
  await page.getByRole("button", { name: "Submit my answers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Not passed this time" })).toBeVisible();
  // With attempts left, the result does not give the right answers away.
  await expect(page.getByText("The right answers and explanations are shown once you pass")).toBeVisible();
  await expect(page.getByText(/^Correct answer:/)).toHaveCount(0);

  await page.getByRole("button", { name: "Retake the quiz" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quiz" })).toBeVisible();
  await answer(page.locator("fieldset.question"), true);
  await page.getByRole("button", { name: "Submit my answers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "You passed" })).toBeVisible();
  await expect(page.locator(".explanation").first()).toBeVisible();

  await page.getByRole("link", { name: "View your certificate" }).click();
  await expect(page.getByRole("heading", { level: 1, name: learner === demo("yuki.tanaka") ? "Yuki Tanaka" : "Zara Ahmed" })).toBeVisible();
  await expect(page.getByText(/^Valid until/)).toBeVisible();
  const certificateUrl = page.url();

  // The verification link works for anyone, signed in or not.
  await page.context().clearCookies();
  await page.goto(certificateUrl);
  await expect(page.getByText(/^Valid until/)).toBeVisible();
  await expect(page.getByText("Passwords and multi-factor authentication")).toBeVisible();

  await signIn(page, learner, testInfo);
  await open(page, "/training", testInfo);
  await expect(page.getByRole("list", { name: "Completed" }).getByRole("link", { name: "Passwords and multi-factor authentication" })).toBeVisible();
});

test("an employee acknowledges the information security policy after reading it", async ({ page }, testInfo) => {
  // A different new starter in each run: reading time counts from the first opening, and the
  // other run may have opened it minutes ago.
  await signIn(page, demo(jsEnabled(testInfo) ? "julia.svensson" : "zara.ahmed"), testInfo);
  await open(page, "/training/information-security-policy", testInfo);
  await page.getByRole("button", { name: "Open the policy" }).click();

  await expect(page.locator("#document")).toContainText("Information security policy");
  await page.getByLabel("I have read and understood the information security policy, and I will follow it.").check();
  await page.getByRole("button", { name: "Record my acknowledgement" }).click();
  // The policy asks for two minutes of reading; the server refuses an instant acknowledgement.
  await expect(page.getByRole("alert")).toContainText("Please take the time to read the whole text");
});

test("a threat bulletin shows on every page until it is acknowledged", async ({ page }, testInfo) => {
  await signIn(page, demo("yuki.tanaka"), testInfo);
  const notice = page.getByRole("complementary", { name: "Threat bulletins" });
  await expect(notice).toContainText("Threat bulletin: supplier payment-redirection emails");
  await open(page, "/account", testInfo);
  await expect(notice).toBeVisible();
});
