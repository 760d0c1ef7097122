// A real OpenID Provider for Vigil's tests: panva's certified `oidc-provider` (pinned in
// end2end/package.json), with its own tiny login page and test controls.
//
// Run (from end2end/, after `npm ci`):
//
//   node oidc/provider.mjs --port 3190 \
//     --client-id vigil-e2e --client-secret s3cret-for-tests \
//     --redirect-uri http://127.0.0.1:3100/auth/oidc/callback \
//     --post-logout-redirect-uri http://127.0.0.1:3100/login
//
// --redirect-uri and --post-logout-redirect-uri may be repeated. --port 0 picks a free port.
// The issuer is http://127.0.0.1:<port> (plain http, listening on 127.0.0.1 only). When ready it
// prints exactly one line to stdout, `READY <issuer>`; everything else (request log, library
// notices) goes to stderr. SIGTERM / SIGINT close it and exit 0.
//
// What it serves (discovery at <issuer>/.well-known/openid-configuration):
//   - one confidential client: client_secret_basic or client_secret_post, response_type code,
//     grant authorization_code, PKCE S256 required, scopes `openid email profile`, ID tokens RS256
//     (an RSA key generated at start-up; published at <issuer>/jwks).
//   - GET /interaction/<uid>: a plain HTML login form (no JavaScript): <input name="login">
//     (an email), <input name="password"> (must be `test-password`), button "Sign in". Consent
//     is granted automatically for the client (openid email profile).
//   - accounts: any email signs in. sub = "u-" + first 32 hex of sha256(lowercased email);
//     email = the email lowercased; email_verified = true, except when the local part starts
//     with "unverified" (then false); name = the part before "@". The claims are in the ID
//     token itself (conformIdTokenClaims: false) and at the userinfo endpoint.
//   - RP-initiated logout at <issuer>/session/end: always a plain HTML page with a form and a
//     "Sign out" button (no JavaScript auto-submit, whether or not the OP has a session);
//     submitting it ends the OP session and 303-redirects to the registered
//     post_logout_redirect_uri (with `state` if one was sent), or to a "Signed out" page.
//   - POST /__test/tamper with JSON {"claim": "aud"|"exp"|"nonce"|"iss"|"signature"|"none"}:
//     the NEXT token response carrying an id_token (one time only) gets that claim made wrong
//     and is re-signed with the provider's own key (signature valid): aud → "someone-else",
//     exp → 10 minutes ago (iat 70 minutes ago), nonce → "wrong-nonce",
//     iss → "http://127.0.0.1:1/evil". "signature" keeps the claims but breaks the signature.
//     "none" clears a pending tamper. GET /__test/tamper shows what is pending.
//   - GET /__test/health → 200 "ok".
//
// Proof it works without a browser: `node oidc/selftest.mjs` (from end2end/); in real Chromium,
// with and without JavaScript: `node oidc/browsercheck.mjs`.

import { createHash, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

// stdout carries only the READY line: send any library notice (console.info/log) to stderr.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '3190' },
    'client-id': { type: 'string', default: 'vigil-e2e' },
    'client-secret': { type: 'string', default: 's3cret-for-tests' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});

const PASSWORD = 'test-password';
const SCOPE = 'openid email profile';
const CLIENT_ID = args['client-id'];
const redirectUris = args['redirect-uri'] ?? ['http://127.0.0.1:3100/auth/oidc/callback'];
const postLogoutRedirectUris = args['post-logout-redirect-uri'] ?? [];
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`provider: invalid --port ${args.port}`);
  process.exit(2);
}

const log = (...a) => { if (!args.quiet) console.error('[oidc-op]', ...a); };

// --- keys -------------------------------------------------------------------------------------
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = `test-${randomBytes(6).toString('hex')}`;
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

// --- accounts ---------------------------------------------------------------------------------
const accounts = new Map(); // sub -> claims

function accountFor(email) {
  const normalized = email.trim().toLowerCase();
  const sub = `u-${createHash('sha256').update(normalized).digest('hex').slice(0, 32)}`;
  const local = normalized.split('@')[0];
  accounts.set(sub, {
    sub,
    email: normalized,
    email_verified: !local.startsWith('unverified'),
    name: local,
  });
  return sub;
}

// --- small helpers ----------------------------------------------------------------------------
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const page = (title, body) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#a00}</style>
</head>
<body>
${body}
</body>
</html>`;

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function resignIdToken(idToken, claim) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const now = Math.floor(Date.now() / 1000);
  switch (claim) {
    case 'aud': payload.aud = 'someone-else'; break;
    case 'exp': payload.iat = now - 4200; payload.exp = now - 600; break;
    case 'nonce': payload.nonce = 'wrong-nonce'; break;
    case 'iss': payload.iss = 'http://127.0.0.1:1/evil'; break;
    case 'signature': {
      const sig = Buffer.from(s, 'base64url');
      sig[0] ^= 0xff;
      sig[sig.length - 1] ^= 0xff;
      return `${h}.${p}.${b64url(sig)}`;
    }
    default: throw new Error(`unknown tamper ${claim}`);
  }
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  // RS256 = RSASSA-PKCS1-v1_5 with SHA-256, the same key and kid the provider signs with.
  return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), privateKey))}`;
}

const TAMPER_MODES = new Set(['aud', 'exp', 'nonce', 'iss', 'signature']);
let pendingTamper = null;

// --- HTML sources -----------------------------------------------------------------------------
function loginPage({ uid, clientId, login = '', error }) {
  return page('Sign in - test identity provider', `<h1>Test identity provider</h1>
<p>Signing in to <strong>${esc(clientId)}</strong>.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
  <label for="login">Email</label>
  <input id="login" name="login" type="text" inputmode="email" autocomplete="username" value="${esc(login)}" autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`);
}

function logoutPage(action, xsrf) {
  return page('Sign out - test identity provider', `<h1>Test identity provider</h1>
<p>Sign out of the test identity provider?</p>
<form id="op.logoutForm" method="post" action="${esc(action)}">
  <input type="hidden" name="xsrf" value="${esc(xsrf)}">
  <input type="hidden" name="logout" value="yes">
  <button type="submit">Sign out</button>
</form>`);
}

// --- the provider -----------------------------------------------------------------------------
const server = http.createServer();
server.listen(port, '127.0.0.1');
try {
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
} catch (err) {
  console.error(`provider: cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
}
const issuer = `http://127.0.0.1:${server.address().port}`;

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: args['client-secret'],
    client_name: CLIENT_ID,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    // client_secret_post is accepted as well (oidc-provider treats the two as one family).
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingJwk] },
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    // Cookies are per host, not per port: keep clear of the app's cookie names on 127.0.0.1.
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
    long: { httpOnly: true, sameSite: 'lax', secure: false },
    short: { httpOnly: true, sameSite: 'lax', secure: false },
  },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    dPoP: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        const action = /action="([^"]*)"/.exec(form)[1];
        const xsrf = /name="xsrf" value="([^"]*)"/.exec(form)[1];
        ctx.type = 'html';
        ctx.body = logoutPage(action, xsrf);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Signed out - test identity provider', '<h1>Test identity provider</h1>\n<p>You are signed out.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { ...account }; } };
  },
  // Consent is implied for the test client: a grant of openid email profile is made on demand.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) {
      const found = await oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    if (oidc.client.clientId === CLIENT_ID && oidc.session.accountId) {
      const grant = new oidc.provider.Grant({ clientId: CLIENT_ID, accountId: oidc.session.accountId });
      grant.addOIDCScope(SCOPE);
      grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    }
    return undefined;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error - test identity provider', `<h1>Test identity provider</h1>
${Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: <span class="error">${esc(v)}</span></p>`).join('\n')}`);
  },
  clientBasedCORS: () => false,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error',
  'userinfo.error', 'interaction.error', 'check_session.error']) {
  provider.on(event, (ctx, err) => {
    log(`${event}: ${err?.error ?? err?.name}: ${err?.error_description ?? err?.message}`);
  });
}

// Request log (stderr).
provider.use(async (ctx, next) => {
  const start = Date.now();
  try {
    await next();
  } finally {
    log(`${ctx.method} ${ctx.path} -> ${ctx.status} ${Date.now() - start}ms`);
  }
});

// Test controls.
provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/health' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
    ctx.type = 'text';
    ctx.body = 'ok';
    return;
  }
  if (ctx.path === '/__test/tamper') {
    if (ctx.method === 'GET') {
      ctx.body = { pending: pendingTamper };
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.body = { error: 'method not allowed' };
      return;
    }
    let claim;
    try {
      ({ claim } = JSON.parse(await readBody(ctx.req)));
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'body must be JSON {"claim": "aud"|"exp"|"nonce"|"iss"|"signature"|"none"}' };
      return;
    }
    if (claim !== 'none' && !TAMPER_MODES.has(claim)) {
      ctx.status = 400;
      ctx.body = { error: `unknown claim ${JSON.stringify(claim)}` };
      return;
    }
    pendingTamper = claim === 'none' ? null : claim;
    log(`tamper: next id_token ${pendingTamper ? `gets a wrong ${pendingTamper}` : 'is untouched'}`);
    ctx.body = { pending: pendingTamper };
    return;
  }
  await next();
});

// Tampering of the next token response; no-JS logout page when the OP has no session.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.method === 'POST' && ctx.path === '/token' && ctx.status === 200 && pendingTamper
      && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.id_token === 'string') {
    const claim = pendingTamper;
    pendingTamper = null;
    ctx.body = { ...ctx.body, id_token: resignIdToken(ctx.body.id_token, claim) };
    log(`tamper: id_token issued with a wrong ${claim}`);
  }
  // Without an OP session oidc-provider answers /session/end with a JavaScript auto-submit form
  // (a <noscript> "Continue" button otherwise). Show the same plain "Sign out" page instead.
  if (ctx.path === '/session/end' && ctx.status === 200 && typeof ctx.body === 'string'
      && ctx.body.includes('<title>Submitting Callback</title>')) {
    const action = /<form method="post" action="([^"]*)"/.exec(ctx.body)?.[1];
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(ctx.body)?.[1];
    if (action && xsrf) {
      ctx.remove('Content-Security-Policy');
      ctx.type = 'html';
      ctx.body = logoutPage(action.replace(/&amp;/g, '&'), xsrf);
    }
  }
});

// Interactions: our own login page; consent is automatic.
provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
  if (!m) {
    await next();
    return;
  }
  const [, uid, isLogin] = m;
  ctx.set('Cache-Control', 'no-store');
  try {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const { prompt, params } = details;

    if (prompt.name === 'consent') {
      // Not expected (loadExistingGrant grants), but never show a consent screen.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
      grant.addOIDCScope(SCOPE);
      const grantId = await grant.save();
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }

    if (!isLogin && ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = loginPage({ uid, clientId: params.client_id });
      return;
    }
    if (isLogin && ctx.method === 'POST') {
      const form = new URLSearchParams(await readBody(ctx.req));
      const login = (form.get('login') ?? '').trim();
      const password = form.get('password') ?? '';
      let error;
      if (!/^[^@\s]+@[^@\s]+$/.test(login)) error = 'Enter an email address.';
      else if (password !== PASSWORD) error = 'Wrong email or password.';
      if (error) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginPage({ uid, clientId: params.client_id, login, error });
        return;
      }
      const accountId = accountFor(login);
      log(`login: ${login.toLowerCase()} as ${accountId}`);
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
        login: { accountId, remember: false },
      }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    ctx.status = 405;
    ctx.body = 'method not allowed';
  } catch (err) {
    log(`interaction ${uid}: ${err.name}: ${err.message}`);
    ctx.status = err.status ?? 400;
    ctx.type = 'html';
    ctx.body = page('Error - test identity provider', `<h1>Test identity provider</h1>
<p class="error">This sign-in request has expired or is invalid (${esc(err.message)}). Start again from the application.</p>`);
  }
});

server.on('request', provider.callback());

let closing = false;
function shutdown(signal) {
  if (closing) return;
  closing = true;
  log(`${signal}: closing`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

process.stdout.write(`READY ${issuer}\n`);
