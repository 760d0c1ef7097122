// Optional check of oidc/provider.mjs in real Chromium (Debian's /usr/bin/chromium), with and without
// JavaScript: `node oidc/browsercheck.mjs` (from end2end/). A stand-in RP on a free port receives the
// callbacks. Signs in (wrong password first), SSO, RP-initiated logout ("Sign out"), sign-in again,
// logout without an OP session. Not part of the Playwright suite.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
const rp = http.createServer((req, res) => { res.setHeader('content-type', 'text/html'); res.end(`<p id="rp">RP got ${req.url}</p>`); });
await new Promise((r) => rp.listen(0, '127.0.0.1', r));
const RP = `http://127.0.0.1:${rp.address().port}`;
const child = spawn(process.execPath, ['oidc/provider.mjs', '--port', '0', '--redirect-uri', `${RP}/auth/oidc/callback`, '--post-logout-redirect-uri', `${RP}/login`], { stdio: ['ignore', 'pipe', 'ignore'] }); child.on('exit', (c, s) => console.log('PROVIDER EXIT', c, s));
const issuer = await new Promise((r) => child.stdout.on('data', (d) => { const m = /READY (\S+)/.exec(String(d)); if (m) r(m[1]); }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const b64 = (b) => Buffer.from(b).toString('base64url');
let fail = 0;
for (const js of [false, true]) {
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const page = await ctx.newPage();
  const signIn = async (email, expectForm = true) => {
    const v = b64(randomBytes(32));
    const u = new URL(`${issuer}/auth`);
    Object.entries({ response_type: 'code', client_id: 'vigil-e2e', redirect_uri: `${RP}/auth/oidc/callback`, scope: 'openid email profile', state: 'st1', nonce: 'n1', code_challenge: b64(createHash('sha256').update(v).digest()), code_challenge_method: 'S256' }).forEach(([k, x]) => u.searchParams.set(k, x));
    await page.goto(u.href);
    if (expectForm) {
      if (!js) await page.screenshot({ path: '/tmp/bc/login.png' });
      await page.fill('input[name="login"]', email);
      await page.fill('input[name="password"]', 'wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForLoadState();
      if (!(await page.getByRole('alert').textContent()).includes('Wrong')) { fail++; console.log('no error shown'); }
      await page.fill('input[name="password"]', 'test-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.waitForURL((u) => u.href.startsWith(`${RP}/auth/oidc/callback?code=`));
    console.log(`js=${js} signed in -> ${page.url().replace(/code=[^&]+/, 'code=…')}`);
  };
  await signIn('Carol@Example.test');
  await signIn('Carol@Example.test', false); // SSO
  await page.goto(`${issuer}/session/end?client_id=vigil-e2e&post_logout_redirect_uri=${encodeURIComponent(`${RP}/login`)}&state=bye`);
  if (!js) await page.screenshot({ path: '/tmp/bc/logout.png' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${RP}/login?state=bye`);
  console.log(`js=${js} logged out -> ${page.url()}`);
  await signIn('Carol@Example.test', true); // session gone: form again
  await ctx.close();
  // logout with no OP session at all
  const ctx2 = await browser.newContext({ javaScriptEnabled: js });
  const p2 = await ctx2.newPage();
  await p2.goto(`${issuer}/session/end?client_id=vigil-e2e&post_logout_redirect_uri=${encodeURIComponent(`${RP}/login`)}`);
  await p2.getByRole('button', { name: 'Sign out' }).click();
  await p2.waitForURL(`${RP}/login`);
  console.log(`js=${js} no-session logout -> ${p2.url()}`);
  await ctx2.close();
}
await browser.close();
child.kill('SIGTERM'); rp.close();
console.log(fail ? 'FAIL' : 'BROWSER CHECK OK'); process.exit(fail ? 1 : 0);
