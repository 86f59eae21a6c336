// A real OpenID Provider for fed-broker's tests: oidc-provider (OpenID Certified) with a
// small login page, fixed users and their groups.
//
// Environment:
//   PORT           the port to listen on, on 127.0.0.1 (0: any; the chosen one is printed)
//   CLIENT_ID      the broker's client id
//   CLIENT_SECRET  its secret
//   REDIRECT_URIS  the broker's redirect URIs, separated by spaces
//   KEY_ID         the id of the signing key (a new RSA key is made at each start)
//
// It prints `listening on http://127.0.0.1:PORT` once it serves.
//
// Users (password = user name): alice (engineering, on-call), bob (engineering),
// carol (finance), and dana (in 50 groups, team-000 to team-049, for the broker's benchmark).

import { createServer } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const USERS = {
  alice: { email: 'alice@example.com', groups: ['engineering', 'on-call'] },
  bob: { email: 'bob@example.com', groups: ['engineering'] },
  carol: { email: 'carol@example.com', groups: ['finance'] },
  dana: {
    email: 'dana@example.com',
    groups: Array.from({ length: 50 }, (_, i) => `team-${String(i).padStart(3, '0')}`),
  },
};

const env = (name, fallback) => process.env[name] ?? fallback;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: env('KEY_ID', 'key-1'), use: 'sig', alg: 'RS256' };

const server = createServer();
await new Promise((resolve) => server.listen(Number(env('PORT', '0')), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('CLIENT_ID', 'fed-broker'),
      client_secret: env('CLIENT_SECRET', 'secret'),
      redirect_uris: env('REDIRECT_URIS', 'http://localhost:8080/callback').split(' '),
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  scopes: ['openid', 'email', 'groups'],
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['fed-test-provider-cookie-key'] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = USERS[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, email: user.email, email_verified: true, groups: user.groups }) };
  },
});

// Plain http on loopback is fine for tests.
provider.proxy = false;

const page = (uid, error) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Company sign-in</title></head>
<body><h1>Company sign-in</h1>${error ? `<p id="error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>User <input name="login" id="login" autofocus></label>
<label>Password <input name="password" id="password" type="password"></label>
<button type="submit" id="submit">Sign in</button>
</form></body></html>`;

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return Object.fromEntries(new URLSearchParams(text));
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (ctx.method === 'POST' && match[2]) {
      const form = await body(ctx.req);
      if (USERS[form.login] && form.password === form.login) {
        ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: form.login } }));
        return;
      }
      ctx.type = 'html';
      ctx.body = page(details.uid, 'Unknown user or wrong password');
      return;
    }
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return;
  }
  // Consent is given at once: the broker is the company's own application.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true }));
});

server.on('request', provider.callback());
console.log(`listening on ${issuer}`);
