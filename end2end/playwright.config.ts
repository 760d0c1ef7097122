import { defineConfig } from "@playwright/test";

// The server under test: the debug build (or VIGIL_E2E_BINARY with the site in VIGIL_E2E_SITE:
// `make test-e2e-release` runs the optimized build, whose pages load lazily), a fresh SQLite
// database with the demo organisation, on its own port so it never collides with `make run`.
const BINARY = process.env.VIGIL_E2E_BINARY ?? "../target/debug/vigil";
const SITE = process.env.VIGIL_E2E_SITE ?? "../target/site";
export const PORT = 3100;
export const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".vigil-e2e";
// A real SMTP server (aiosmtpd) that stores each message it accepts as JSON in MAIL_DIR.
export const SMTP_PORT = 3125;
export const MAIL_DIR = `${DATA_DIR}/mail`;
// A real OpenID Provider (npm oidc-provider, oidc/provider.mjs) that Vigil signs people in with.
export const OIDC_PORT = 3190;
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
const OIDC_CLIENT_SECRET = "s3cret-for-tests";

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  // One worker: the tests share one server and one organisation, and the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "with-js", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: `rm -rf ${MAIL_DIR} && mkdir -p ${MAIL_DIR} && ../target/test-tools/venv/bin/python3 ../server/tests/support/smtp_sink.py --port ${SMTP_PORT} --dir ${MAIL_DIR}`,
      port: SMTP_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `node oidc/provider.mjs --port ${OIDC_PORT} --client-id vigil-e2e --client-secret ${OIDC_CLIENT_SECRET} --redirect-uri ${BASE_URL}/auth/oidc/callback --post-logout-redirect-uri ${BASE_URL}/login`,
      url: `${OIDC_ISSUER}/__test/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
    // Vigil discovers the provider at start-up, so it starts after it.
    command: `mkdir -p ${DATA_DIR} && rm -f ${DATA_DIR}/vigil.db* ${DATA_DIR}/evidence-key.pem && printf '%s' ${OIDC_CLIENT_SECRET} > ${DATA_DIR}/oidc-client-secret && ${BINARY} serve`,
    url: `${BASE_URL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: `sqlite://${DATA_DIR}/vigil.db`,
      VIGIL_LISTEN: `127.0.0.1:${PORT}`,
      VIGIL_SITE_ROOT: SITE,
      VIGIL_CONTENT_DIR: "../content",
      VIGIL_DEMO: "true",
      VIGIL_EVIDENCE_KEY_FILE: `${DATA_DIR}/evidence-key.pem`,
      VIGIL_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}?tls=none`,
      VIGIL_MAIL_FROM: "Vigil <vigil@vigil.test>",
      VIGIL_MAIL_POLL_SECS: "1",
      VIGIL_RUN_SCHEDULED_REMINDERS: "false",
      VIGIL_OIDC_ISSUER: OIDC_ISSUER,
      VIGIL_OIDC_CLIENT_ID: "vigil-e2e",
      VIGIL_OIDC_CLIENT_SECRET_FILE: `${DATA_DIR}/oidc-client-secret`,
      VIGIL_OIDC_NAME: "Test ID",

      RUST_LOG: "warn",
    },
  },
  ],
});
