// A certified OAuth server for the tests: panva's oidc-provider (OpenID Certified), pinned in
// package.json beside this file, configured for the device flow on 127.0.0.1.
//
// Run: node oidc_server.mjs '<json settings>'. It listens on a free loopback port and prints
// one JSON line {"issuer": "http://127.0.0.1:PORT"} on stdout once it accepts connections;
// it stops when its stdin closes (so a dead test run never leaves it behind).
//
// Settings: clients (see below); optional accessTokenTtl, refreshTokenTtl, deviceCodeTtl
// (seconds) and interval (seconds, announced in device authorization answers; default 1).
//
// What is oidc-provider's own: the device authorization endpoint, the user-code page and its
// confirmation (driven by the tests over HTTP like a browser), the development login and
// consent interactions, the token endpoint (device grant, refresh grant with rotation and
// replay detection: a rotated refresh token used again revokes the whole grant), RFC 7009
// revocation, and client authentication (client_secret_basic, client_secret_post, none).
//
// What this script adds, because oidc-provider 9 leaves it to deployments: the `interval` of
// RFC 8628 §3.2 in device authorization answers, and its enforcement: a poll sooner than the
// interval after the previous poll of the same device code is answered with oidc-provider's
// own SlowDown error (`slow_down`) instead of `authorization_pending`. And /_test/stats,
// what the server did (from oidc-provider's events, and which client authentication each
// request carried) for the tests to read.
//
// oidc-provider accepts a confidential client's secret by Basic or in the body whichever it
// registered, but refuses a confidential client that sends no authentication, and a public
// client that sends a secret.

import http from 'node:http';

import Provider, { errors } from 'oidc-provider';

const settings = JSON.parse(process.argv[2] || '{}');
const seconds = (name, fallback) => (settings[name] === undefined ? fallback : settings[name]);
const interval = seconds('interval', 1);

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
// settings.clients: [{client_id, client_secret?, token_endpoint_auth_method}], registered
// for the device and refresh grants only.
const clients = (settings.clients || []).map((client) => ({
  ...client,
  grant_types: [DEVICE_GRANT, 'refresh_token'],
  response_types: [],
  redirect_uris: [],
}));

const stats = {
  deviceAuthorizations: 0,
  refreshes: 0,
  deviceGrants: 0,
  grantErrors: [],
  revokedGrants: 0,
  revocations: 0,
  slowDowns: 0,
  clientAuth: [], // {path, sent: 'basic' | 'post' | 'none', status} per client request
};
const lastPoll = new Map(); // device code -> ms of its previous poll

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    features: {
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
    },
    scopes: ['openid', 'offline_access'],
    rotateRefreshToken: true,
    ttl: {
      AccessToken: seconds('accessTokenTtl', 3600),
      RefreshToken: seconds('refreshTokenTtl', 86400),
      DeviceCode: seconds('deviceCodeTtl', 600),
      Grant: 86400,
      Interaction: 600,
      Session: 86400,
    },
    cookies: { keys: ['ytsession-tests-cookie-key'] },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body?.device_code) {
      ctx.body.interval = interval;
    }
    if (ctx.path === '/token/revocation' && ctx.status === 200) stats.revocations += 1;
    if (['/device/auth', '/token', '/token/revocation'].includes(ctx.path)) {
      const sent = ctx.headers.authorization?.toLowerCase().startsWith('basic ') ? 'basic'
        : (ctx.oidc?.body?.client_secret ? 'post' : 'none');
      stats.clientAuth.push({ path: ctx.path, sent, status: ctx.status });
    }
    const deviceCode = ctx.path === '/token' ? ctx.oidc?.params?.device_code : undefined;
    if (deviceCode && ctx.body?.error === 'authorization_pending') {
      const now = Date.now();
      const previous = lastPoll.get(deviceCode);
      lastPoll.set(deviceCode, now);
      if (previous !== undefined && now - previous < interval * 1000) {
        const slowDown = new errors.SlowDown();
        stats.slowDowns += 1;
        ctx.status = slowDown.statusCode;
        ctx.body = { error: slowDown.error, error_description: slowDown.error_description };
      }
    }
  });
  provider.on('device_authorization.success', () => { stats.deviceAuthorizations += 1; });
  provider.on('grant.success', (ctx) => {
    const grantType = ctx.oidc.params.grant_type;
    if (grantType === 'refresh_token') stats.refreshes += 1;
    if (grantType === DEVICE_GRANT) stats.deviceGrants += 1;
  });
  provider.on('grant.error', (ctx, err) => {
    stats.grantErrors.push({
      grant_type: ctx.oidc?.params?.grant_type ?? null,
      error: err.error,
      error_description: err.error_description,
    });
  });
  provider.on('grant.revoked', () => { stats.revokedGrants += 1; });

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/_test/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
