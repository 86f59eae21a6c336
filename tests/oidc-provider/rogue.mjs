// A misbehaving OpenID Provider for fed-broker's tests: it signs anybody in at once and hands
// out an id_token that is wrong in one chosen way, so that the broker's refusal of each can be
// tested. Its discovery document and keys are right, else discovery itself would fail.
//
// Environment:
//   PORT           the port to listen on, on 127.0.0.1 (0: any; the chosen one is printed)
//   CLIENT_ID      the broker's client id, the id_token's audience
//   CLIENT_SECRET  its secret (the `symmetric` mode signs with it)
//   MODE           what is wrong with the id_token:
//     good             nothing: a well-formed token for alice, proving the harness works
//     wrong_issuer     `iss` is another issuer
//     wrong_audience   `aud` is another client
//     extra_audience   `aud` is the broker and another client
//     expired          `exp` has passed
//     wrong_nonce      `nonce` is not the one the authorization request sent
//     unknown_key      signed with a key whose id is not in the published keys
//     forged           signed with another key under the published key's id
//     symmetric        signed with HS256 and the client secret
//     none             `alg: none`, no signature
//     unverified_email `email_verified` is false
//     unstated_email   `email_verified` is left out
//     many_groups      nothing wrong, and alice is in 300 groups (engineering among them)
//     hang_token       the token request is never answered
//
// It prints `listening on http://127.0.0.1:PORT` once it serves, then one line per request.

import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, generateKeyPair, exportJWK } from 'jose';

const env = (name, fallback) => process.env[name] ?? fallback;
const MODES = [
  'good', 'wrong_issuer', 'wrong_audience', 'extra_audience', 'expired', 'wrong_nonce',
  'unknown_key', 'forged', 'symmetric', 'none', 'unverified_email', 'unstated_email',
  'many_groups', 'hang_token',
];
const mode = env('MODE', 'good');
if (!MODES.includes(mode)) {
  console.error(`unknown MODE ${mode}; one of: ${MODES.join(', ')}`);
  process.exit(2);
}
const clientId = env('CLIENT_ID', 'fed-broker');
const clientSecret = env('CLIENT_SECRET', 'secret');

const KEY_ID = 'rogue-key';
const published = await generateKeyPair('RS256');
// The key of the two modes whose signature is not the published key's.
const other = ['unknown_key', 'forged'].includes(mode) ? await generateKeyPair('RS256') : undefined;
const jwk = { ...(await exportJWK(published.publicKey)), kid: KEY_ID, use: 'sig', alg: 'RS256' };

const server = createServer();
await new Promise((resolve) => server.listen(Number(env('PORT', '0')), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

// The nonce of each code handed out, as the authorization request sent it.
const nonces = new Map();

async function idToken(nonce) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: 'alice',
    email: 'alice@example.com',
    ...(mode === 'unstated_email' ? {} : { email_verified: mode !== 'unverified_email' }),
    groups: mode === 'many_groups'
      ? [...Array.from({ length: 299 }, (_, i) => `team-${String(i).padStart(3, '0')}-of-a-large-organisation`), 'engineering']
      : ['engineering', 'on-call'],
    nonce: mode === 'wrong_nonce' ? 'another-nonce' : nonce,
  };
  const audience = {
    wrong_audience: 'another-client',
    extra_audience: [clientId, 'another-client'],
  }[mode] ?? clientId;
  const jwt = (token) => token
    .setIssuer(mode === 'wrong_issuer' ? `${issuer}/another` : issuer)
    .setAudience(audience)
    .setIssuedAt(mode === 'expired' ? now - 7200 : now)
    .setExpirationTime(mode === 'expired' ? now - 3600 : now + 300);
  switch (mode) {
    case 'none':
      return jwt(new UnsecuredJWT(claims)).encode();
    case 'symmetric':
      return jwt(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }))
        .sign(new TextEncoder().encode(clientSecret));
    case 'unknown_key':
      return jwt(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'another-key' }))
        .sign(other.privateKey);
    case 'forged':
      return jwt(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KEY_ID }))
        .sign(other.privateKey);
    default:
      return jwt(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KEY_ID }))
        .sign(published.privateKey);
  }
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  console.log(`${req.method} ${url.pathname}`);
  try {
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'groups'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      return json(res, 200, { keys: [jwk] });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      // Anybody is signed in at once.
      const code = randomBytes(16).toString('hex');
      nonces.set(code, url.searchParams.get('nonce'));
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = await body(req);
      // Never answered: the connection stays open until the client gives up.
      if (mode === 'hang_token') return;
      const code = form.get('code');
      if (!nonces.has(code)) return json(res, 400, { error: 'invalid_grant' });
      const nonce = nonces.get(code);
      nonces.delete(code);
      return json(res, 200, {
        access_token: randomBytes(16).toString('hex'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: await idToken(nonce),
      });
    }
    res.writeHead(404);
    res.end();
  } catch (err) {
    console.error(err);
    res.writeHead(500);
    res.end();
  }
});

console.log(`listening on ${issuer}`);
