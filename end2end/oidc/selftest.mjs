// Self-test of oidc/provider.mjs without a browser: `node oidc/selftest.mjs` (from end2end/).
// Starts the provider on a free port and acts as the relying party would: authorization code +
// PKCE (S256) + state + nonce, the plain-HTML login form with cookies, the code exchange with
// client_secret_basic (and _post), the ID token's RS256 signature checked against the JWKS and
// its claims checked; then each tamper mode, the unverified account, userinfo, SSO, and
// RP-initiated logout. Prints "ok - ..." lines and "N passed, N failed"; exits non-zero on failure.

import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify as cryptoVerify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { strict as assert } from 'node:assert';

const CLIENT_ID = 'vigil-e2e';
const CLIENT_SECRET = 's3cret-for-tests';
const REDIRECT_URI = 'http://127.0.0.1:3100/auth/oidc/callback';
const POST_LOGOUT = 'http://127.0.0.1:3100/login';
const PASSWORD = 'test-password';

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n  ')}`);
  }
}

// --- start the provider -----------------------------------------------------------------------
const providerPath = fileURLToPath(new URL('./provider.mjs', import.meta.url));
const child = spawn(process.execPath, [providerPath,
  '--port', '0', '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET,
  '--redirect-uri', 'http://127.0.0.1:3100/other', '--redirect-uri', REDIRECT_URI,
  '--post-logout-redirect-uri', POST_LOGOUT], { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => { stderr += d; });
let stdout = '';
const issuer = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no READY line in 20s; stderr:\n${stderr}`)), 20000);
  child.stdout.on('data', (d) => {
    stdout += d;
    const m = /^READY (\S+)\n/.exec(stdout);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  child.once('exit', (code) => reject(new Error(`provider exited ${code}; stderr:\n${stderr}`)));
});
console.log(`# provider ready: ${issuer}`);

// --- a tiny browser: cookie jar + manual redirects ---------------------------------------------
class Browser {
  constructor() { this.jar = new Map(); }

  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a))
        || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      // (Paths are ignored: the provider's cookies are distinctly named.)
      assert(!attrs.some((a) => /^\s*secure\s*$/i.test(a)), `cookie ${name} is Secure on http`);
      if (expired || value === '') this.jar.delete(name); else this.jar.set(name, value);
    }
  }

  async request(url, { method = 'GET', form, headers = {} } = {}) {
    const init = { method, redirect: 'manual', headers: { ...headers } };
    if (this.jar.size) init.headers.cookie = this.cookieHeader();
    if (form) {
      init.body = new URLSearchParams(form).toString();
      init.headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(url, issuer), init);
    this.store(res);
    return res;
  }

  // Follows redirects while they stay on the provider; returns the last response and its URL.
  async follow(url, opts) {
    let res = await this.request(url, opts);
    let current = new URL(url, issuer).href;
    for (let i = 0; i < 10 && [302, 303].includes(res.status); i += 1) {
      const next = new URL(res.headers.get('location'), current).href;
      if (!next.startsWith(`${issuer}/`)) return { res, url: current, location: next };
      current = next;
      res = await this.request(next);
    }
    return { res, url: current, location: res.headers.get('location') };
  }
}

const b64url = (b) => Buffer.from(b).toString('base64url');
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const jwks = await (await fetch(discovery.jwks_uri)).json();

function verifyJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert(jwk, `no JWKS key for kid ${header.kid}`);
  assert.equal(header.alg, 'RS256');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const valid = cryptoVerify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  return { header, payload, valid };
}

function formOf(html) {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
    .map((m) => [m[1], m[2]]));
  return { action, hidden };
}

function authUrl({ state, nonce, challenge, extra = {} }) {
  const u = new URL(discovery.authorization_endpoint);
  const params = {
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI,
    scope: 'openid email profile', state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

// One sign-in as the relying party would do it. Returns what the RP would have.
async function signIn(browser, email, { expectLoginForm = true, auth = 'basic' } = {}) {
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());

  let step = await browser.follow(authUrl({ state, nonce, challenge }));
  if (expectLoginForm) {
    assert.equal(step.res.status, 200, `expected the login page at ${step.url}`);
    const html = await step.res.text();
    assert.match(step.url, /\/interaction\/[^/]+$/);
    assert.match(html, /<input[^>]*name="login"/);
    assert.match(html, /<input[^>]*name="password"/);
    assert.match(html, /<button type="submit">Sign in<\/button>/);
    assert.doesNotMatch(html, /<script/i, 'login page must work without JavaScript');
    const { action } = formOf(html);
    step = await browser.follow(new URL(action, step.url).href, {
      method: 'POST', form: { login: email, password: PASSWORD },
    });
  }
  assert(step.location?.startsWith(`${REDIRECT_URI}?`), `expected a redirect to the RP, got ${step.res.status} ${step.location}`);
  const cb = new URL(step.location);
  assert.equal(cb.searchParams.get('error'), null, `authorization error: ${cb.search}`);
  assert.equal(cb.searchParams.get('state'), state, 'state round-trips');
  assert.equal(cb.searchParams.get('iss'), issuer, 'iss in the authorization response');
  const code = cb.searchParams.get('code');
  assert(code, 'code present');

  const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
  } else {
    Object.assign(body, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  }
  const tokenRes = await fetch(discovery.token_endpoint, { method: 'POST', headers, body: new URLSearchParams(body) });
  const tokens = await tokenRes.json();
  assert.equal(tokenRes.status, 200, `token endpoint: ${JSON.stringify(tokens)}`);
  assert.equal(tokens.token_type, 'Bearer');
  const { header, payload, valid } = verifyJwt(tokens.id_token);
  return { tokens, header, payload, valid, nonce, state };
}

function assertGoodIdToken(r, email, verified = true) {
  const now = Math.floor(Date.now() / 1000);
  assert(r.valid, 'ID token signature verifies with the JWKS');
  assert.equal(r.payload.iss, issuer);
  assert.equal(r.payload.aud, CLIENT_ID);
  assert(r.payload.exp > now && r.payload.iat <= now + 5, `exp/iat sane: ${r.payload.iat}..${r.payload.exp}`);
  assert.equal(r.payload.nonce, r.nonce);
  assert.equal(r.payload.email, email.toLowerCase());
  assert.equal(r.payload.email_verified, verified);
  assert.equal(r.payload.name, email.toLowerCase().split('@')[0]);
  assert.match(r.payload.sub, /^u-[0-9a-f]{32}$/);
}

const tamper = async (claim) => {
  const res = await fetch(`${issuer}/__test/tamper`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ claim }),
  });
  assert.equal(res.status, 200, await res.text());
};

// --- checks -----------------------------------------------------------------------------------
await check('discovery document', async () => {
  assert.equal(discovery.issuer, issuer);
  assert.equal(discovery.authorization_endpoint, `${issuer}/auth`);
  assert.equal(discovery.token_endpoint, `${issuer}/token`);
  assert.equal(discovery.userinfo_endpoint, `${issuer}/me`);
  assert.equal(discovery.jwks_uri, `${issuer}/jwks`);
  assert.equal(discovery.end_session_endpoint, `${issuer}/session/end`);
  assert.deepEqual(discovery.response_types_supported, ['code']);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['RS256']);
  assert.deepEqual(discovery.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
  for (const s of ['openid', 'email', 'profile']) assert(discovery.scopes_supported.includes(s));
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].d, undefined, 'JWKS is public only');
});

await check('health endpoint', async () => {
  const res = await fetch(`${issuer}/__test/health`);
  assert.equal(res.status, 200);
});

let alice;
const aliceBrowser = new Browser();
await check('code + PKCE + state + nonce flow; ID token verified; claims in the ID token', async () => {
  alice = await signIn(aliceBrowser, 'Alice.Smith@Example.test');
  assertGoodIdToken(alice, 'Alice.Smith@Example.test');
  console.log(`#   id_token header ${JSON.stringify(alice.header)}`);
  console.log(`#   id_token claims ${JSON.stringify(alice.payload)}`);
});

await check('sub is stable for the same email', async () => {
  const again = await signIn(new Browser(), 'alice.smith@example.test');
  assert.equal(again.payload.sub, alice.payload.sub);
});

await check('userinfo with the access token', async () => {
  const res = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${alice.tokens.access_token}` } });
  const info = await res.json();
  assert.equal(res.status, 200, JSON.stringify(info));
  assert.deepEqual(info, {
    sub: alice.payload.sub, email: 'alice.smith@example.test', email_verified: true, name: 'alice.smith',
  });
});

await check('client_secret_post works too', async () => {
  const r = await signIn(new Browser(), 'post@example.test', { auth: 'post' });
  assertGoodIdToken(r, 'post@example.test');
});

await check('SSO: a second request in the same browser skips the login form (and consent)', async () => {
  const r = await signIn(aliceBrowser, 'Alice.Smith@Example.test', { expectLoginForm: false });
  assertGoodIdToken(r, 'Alice.Smith@Example.test');
});

await check('unverified account has email_verified false', async () => {
  const r = await signIn(new Browser(), 'unverified.bob@example.test');
  assertGoodIdToken(r, 'unverified.bob@example.test', false);
});

const expectedTamper = {
  aud: (p) => assert.equal(p.aud, 'someone-else'),
  exp: (p) => {
    const now = Math.floor(Date.now() / 1000);
    assert(p.exp < now - 60, `exp ${p.exp} is in the past`);
    assert(p.iat < p.exp, 'iat older than exp');
  },
  nonce: (p) => assert.equal(p.nonce, 'wrong-nonce'),
  iss: (p) => assert.equal(p.iss, 'http://127.0.0.1:1/evil'),
};
for (const [claim, expect] of Object.entries(expectedTamper)) {
  await check(`tamper ${claim}: claim wrong, signature still valid, other claims intact, one time only`, async () => {
    await tamper(claim);
    const r = await signIn(new Browser(), `tamper-${claim}@example.test`);
    assert(r.valid, 'signature still verifies');
    expect(r.payload);
    const good = { ...r.payload };
    if (claim !== 'aud') assert.equal(good.aud, CLIENT_ID);
    if (claim !== 'iss') assert.equal(good.iss, issuer);
    if (claim !== 'nonce') assert.equal(good.nonce, r.nonce);
    assert.equal(good.email, `tamper-${claim}@example.test`);
    const next = await signIn(new Browser(), `after-${claim}@example.test`);
    assertGoodIdToken(next, `after-${claim}@example.test`);
  });
}

await check('tamper signature: signature does not verify', async () => {
  await tamper('signature');
  const r = await signIn(new Browser(), 'sig@example.test');
  assert.equal(r.valid, false);
});

await check('tamper none clears a pending tamper; unknown claim is 400', async () => {
  await tamper('aud');
  await tamper('none');
  const r = await signIn(new Browser(), 'cleared@example.test');
  assertGoodIdToken(r, 'cleared@example.test');
  const bad = await fetch(`${issuer}/__test/tamper`, { method: 'POST', body: '{"claim":"sub"}' });
  assert.equal(bad.status, 400);
});

await check('wrong password re-renders the form with an error', async () => {
  const b = new Browser();
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const step = await b.follow(authUrl({ state: 's', nonce: 'n', challenge }));
  const { action } = formOf(await step.res.text());
  const res = await b.request(new URL(action, step.url).href, { method: 'POST', form: { login: 'x@example.test', password: 'nope' } });
  assert.equal(res.status, 401);
  const html = await res.text();
  assert.match(html, /Wrong email or password/);
  assert.match(html, /value="x@example.test"/);
});

await check('PKCE is required', async () => {
  const step = await new Browser().follow(authUrl({ state: 's', nonce: 'n', challenge: undefined, extra: { code_challenge_method: undefined } }));
  const loc = new URL(step.location);
  assert.equal(loc.origin + loc.pathname, REDIRECT_URI);
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
});

await check('a wrong code_verifier is rejected (invalid_grant)', async () => {
  const b = new Browser();
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  let step = await b.follow(authUrl({ state: 's', nonce: 'n', challenge }));
  const { action } = formOf(await step.res.text());
  step = await b.follow(new URL(action, step.url).href, { method: 'POST', form: { login: 'pkce@example.test', password: PASSWORD } });
  const code = new URL(step.location).searchParams.get('code');
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: b64url(randomBytes(32)) }),
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, 'invalid_grant');
});

await check('a wrong client secret is rejected (invalid_client)', async () => {
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43) }),
  });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error, 'invalid_client');
});

async function logout(browser, idTokenHint) {
  const u = new URL(discovery.end_session_endpoint);
  if (idTokenHint) u.searchParams.set('id_token_hint', idTokenHint);
  else u.searchParams.set('client_id', CLIENT_ID);
  u.searchParams.set('post_logout_redirect_uri', POST_LOGOUT);
  u.searchParams.set('state', 'bye-123');
  const page = await browser.follow(u.href);
  assert.equal(page.res.status, 200);
  const html = await page.res.text();
  assert.doesNotMatch(html, /<script/i, 'logout page must work without JavaScript');
  assert.match(html, /<button type="submit">Sign out<\/button>/);
  const { action, hidden } = formOf(html);
  assert.equal(hidden.logout, 'yes');
  assert(hidden.xsrf);
  const done = await browser.follow(new URL(action, page.url).href, { method: 'POST', form: hidden });
  assert.equal(done.res.status, 303);
  return done.location;
}

await check('RP-initiated logout (with OP session): plain "Sign out" form, then 303 to post_logout_redirect_uri', async () => {
  const location = await logout(aliceBrowser, alice.tokens.id_token);
  assert.equal(location, `${POST_LOGOUT}?state=bye-123`);
  // The OP session is gone: a new sign-in asks for the login form again.
  const r = await signIn(aliceBrowser, 'Alice.Smith@Example.test');
  assertGoodIdToken(r, 'Alice.Smith@Example.test');
});

await check('RP-initiated logout without an OP session: same plain form, same redirect', async () => {
  const location = await logout(new Browser(), undefined);
  assert.equal(location, `${POST_LOGOUT}?state=bye-123`);
});

await check('an unregistered post_logout_redirect_uri is refused', async () => {
  const u = new URL(discovery.end_session_endpoint);
  u.searchParams.set('client_id', CLIENT_ID);
  u.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:3100/evil');
  const res = await fetch(u);
  assert.equal(res.status, 400);
});

await check('SIGTERM: exits 0, nothing on stdout but READY', async () => {
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.equal(stdout, `READY ${issuer}\n`);
});

if (process.env.SELFTEST_SHOW_LOG) console.log(stderr.replace(/^/gm, '# op: '));
console.log(`${passed} passed, ${failed} failed`);
if (child.exitCode === null) child.kill('SIGTERM');
process.exit(failed ? 1 : 0);
