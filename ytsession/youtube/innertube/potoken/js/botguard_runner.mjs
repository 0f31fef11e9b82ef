// ytsession's BotGuard runner: mints proof-of-origin (PO) tokens with Google's BotGuard
// challenge, run in a jsdom window through the bgutils-js helper library.
//
// Protocol: one JSON request on stdin, one JSON answer line on stdout. Anything else the
// challenge prints goes to stderr. The request:
//   {"protocol": 1, "action": "mint" | "check", "node_dir": "...", "identifiers": [...],
//    "base_url": null | "http://127.0.0.1:PORT", "request_key": "...",
//    "use_youtube_api": true, "user_agent": "...", "proxy": null | "http://host:port",
//    "timeout_ms": 30000}
// The answer: {"ok": true, "tokens": {identifier: token}, "integrity_token_ttl": s,
//              "mint_refresh_threshold": s, "versions": {...}}
//          or {"ok": false, "error": {"code": "...", "message": "..."}}
// With a base_url every request goes there (same path and query) and never to Google.
// With a proxy (an http:// forward proxy, as Python's session uses) every request goes
// through it, and every request carries the user agent.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import tls from 'node:tls';

const PROTOCOL = 1;
const STDOUT_WRITE = process.stdout.write.bind(process.stdout);

// The challenge may log; keep stdout for the one answer line.
for (const method of ['log', 'info', 'debug', 'warn', 'trace', 'dir']) {
  console[method] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

class RunnerError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

let answered = false;
function answer(data) {
  if (answered) return;
  answered = true;
  STDOUT_WRITE(JSON.stringify(data) + '\n', () => process.exit(data.ok ? 0 : 1));
}

function fail(code, message) {
  answer({ ok: false, error: { code, message } });
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function packageVersion(nodeDir, name) {
  try {
    const file = path.join(nodeDir, 'node_modules', name, 'package.json');
    return JSON.parse(readFileSync(file, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

function loadModules(nodeDir) {
  const requireFrom = createRequire(path.join(nodeDir, 'package.json'));
  try {
    return { bgutils: requireFrom('bgutils-js'), jsdom: requireFrom('jsdom') };
  } catch (error) {
    throw new RunnerError(
      'not_installed',
      `the BotGuard packages (bgutils-js, jsdom) are not installed in ${nodeDir} ` +
        `(${error.code ?? error.message}); run \`ytsession botguard-setup\``,
    );
  }
}

// One request through an http:// forward proxy: absolute-form for http targets, a CONNECT
// tunnel for https ones. Node's own fetch has no proxy support.
function proxiedFetch(proxy, url, init, signal) {
  const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
  const body = init.body ?? null;
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return Promise.reject(new Error('the proxied fetch sends string and byte bodies only'));
  }
  const method = init.method ?? 'GET';
  if (body !== null) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const finish = (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const empty = [101, 204, 205, 304].includes(response.statusCode);
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const item of Array.isArray(value) ? value : [value]) answerHeaders.append(name, item);
        }
        resolve(
          new Response(empty ? null : Buffer.concat(chunks), {
            status: response.statusCode,
            statusText: response.statusMessage,
            headers: answerHeaders,
          }),
        );
      });
    };
    const options = { method, headers: { ...headers, host: url.host }, signal };
    let request;
    if (url.protocol === 'http:') {
      request = http.request(
        { ...options, host: proxy.hostname, port: proxy.port || 80, path: url.href },
        finish,
      );
    } else {
      const port = url.port || 443;
      const tunnel = http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method: 'CONNECT',
        path: `${url.hostname}:${port}`,
        headers: { host: `${url.hostname}:${port}` },
        signal,
      });
      tunnel.on('error', reject);
      tunnel.on('connect', (answer, socket) => {
        if (answer.statusCode !== 200) {
          socket.destroy();
          reject(new Error(`the proxy refused the tunnel (HTTP ${answer.statusCode})`));
          return;
        }
        const secure = tls.connect({ socket, servername: url.hostname });
        request = https.request(
          { ...options, host: url.hostname, port, path: url.pathname + url.search,
            createConnection: () => secure },
          finish,
        );
        request.on('error', reject);
        if (body !== null) request.write(body);
        request.end();
      });
      tunnel.end();
      return;
    }
    request.on('error', reject);
    if (body !== null) request.write(body);
    request.end();
  });
}

// Sends every request to baseUrl when one is given, else where the library points it;
// through the proxy when one is given; always with the user agent.
function makeFetch(baseUrl, deadline, { proxy = null, userAgent = null } = {}) {
  const base = baseUrl ? new URL(baseUrl) : null;
  const prefix = base ? base.pathname.replace(/\/+$/, '') : '';
  const proxyUrl = proxy ? new URL(proxy) : null;
  if (proxyUrl && proxyUrl.protocol !== 'http:') {
    throw new RunnerError(
      'challenge',
      `the BotGuard runner can use http:// proxies only, not ${proxyUrl.protocol}//`,
    );
  }
  return async (input, init = {}) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let url = new URL(raw.startsWith('//') ? `https:${raw}` : raw);
    if (base) url = new URL(`${base.origin}${prefix}${url.pathname}${url.search}`);
    const left = Math.max(1, deadline - Date.now());
    const headers = new Headers(init.headers ?? {});
    if (userAgent) headers.set('user-agent', userAgent);
    const signal = AbortSignal.timeout(left);
    try {
      if (proxyUrl) return await proxiedFetch(proxyUrl, url, { ...init, headers }, signal);
      return await fetch(url, { ...init, headers, signal });
    } catch (error) {
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        throw new RunnerError('timeout', `${url.origin} did not answer in time`);
      }
      const why = error.cause?.code ?? error.message;
      throw new RunnerError('challenge', `could not reach ${url.origin} (${why})`);
    }
  };
}

function installWindow(JSDOM, userAgent) {
  const dom = new JSDOM(
    '<!DOCTYPE html><html lang="en"><head><title></title></head><body></body></html>',
    { url: 'https://www.youtube.com/', referrer: 'https://www.youtube.com/', userAgent },
  );
  const { window } = dom;
  Object.assign(globalThis, {
    window,
    document: window.document,
    location: window.location,
    origin: window.origin,
  });
  if (!Reflect.has(globalThis, 'navigator')) {
    Object.defineProperty(globalThis, 'navigator', { value: window.navigator, configurable: true });
  }
  return dom;
}

async function interpreterSource(challenge, routedFetch) {
  const inline = challenge.interpreterJavascript?.privateDoNotAccessOrElseSafeScriptWrappedValue;
  if (inline) return inline;
  const url = challenge.interpreterJavascript?.privateDoNotAccessOrElseTrustedResourceUrlWrappedValue;
  if (!url) throw new RunnerError('challenge', 'the challenge holds neither a script nor its URL');
  const response = await routedFetch(url);
  if (!response.ok) {
    throw new RunnerError('challenge', `the challenge script answered HTTP ${response.status}`);
  }
  return await response.text();
}

async function mint(request, modules) {
  const { BG, buildURL, getHeaders } = modules.bgutils;
  const deadline = Date.now() + (request.timeout_ms ?? 30000);
  const userAgent = request.user_agent || modules.bgutils.USER_AGENT;
  const routedFetch = makeFetch(request.base_url, deadline, {
    proxy: request.proxy || null,
    userAgent,
  });
  const useYouTubeAPI = request.use_youtube_api !== false;
  const identifiers = request.identifiers ?? [];
  if (!Array.isArray(identifiers) || identifiers.length === 0) {
    throw new RunnerError('protocol', 'no identifiers to mint tokens for');
  }
  installWindow(modules.jsdom.JSDOM, userAgent);
  const bgConfig = {
    fetch: routedFetch,
    globalObj: globalThis,
    identifier: identifiers[0],
    requestKey: request.request_key,
    useYouTubeAPI,
  };

  let challenge;
  try {
    challenge = await BG.Challenge.create(bgConfig);
  } catch (error) {
    if (error instanceof RunnerError) throw error;
    throw new RunnerError('challenge', `could not get the challenge (${error.message})`);
  }
  if (!challenge || !challenge.program || !challenge.globalName) {
    throw new RunnerError('challenge', 'the challenge answer is not of the known shape');
  }
  const source = await interpreterSource(challenge, routedFetch);
  try {
    new Function(source)();
  } catch (error) {
    throw new RunnerError('vm', `the challenge script failed to load (${error.message})`);
  }

  let botguardResponse;
  const webPoSignalOutput = [];
  try {
    const client = await BG.BotGuardClient.create({
      program: challenge.program,
      globalName: challenge.globalName,
      globalObj: globalThis,
    });
    botguardResponse = await client.snapshot(
      { webPoSignalOutput },
      Math.max(1, deadline - Date.now()),
    );
  } catch (error) {
    throw new RunnerError('vm', `the challenge program failed (${error.message})`);
  }

  const itResponse = await routedFetch(buildURL('GenerateIT', useYouTubeAPI), {
    method: 'POST',
    headers: getHeaders(),
    body: JSON.stringify([request.request_key, botguardResponse]),
  });
  if (!itResponse.ok) {
    throw new RunnerError('integrity', `GenerateIT answered HTTP ${itResponse.status}`);
  }
  let itData;
  try {
    itData = await itResponse.json();
  } catch {
    throw new RunnerError('integrity', 'GenerateIT did not answer JSON');
  }
  const [integrityToken, estimatedTtlSecs, mintRefreshThreshold, websafeFallbackToken] =
    Array.isArray(itData) ? itData : [];
  if (typeof integrityToken !== 'string' || !integrityToken) {
    throw new RunnerError('integrity', 'GenerateIT gave no integrity token');
  }

  const tokens = {};
  try {
    const minter = await BG.WebPoMinter.create(
      { integrityToken, estimatedTtlSecs, mintRefreshThreshold, websafeFallbackToken },
      webPoSignalOutput,
    );
    for (const identifier of identifiers) {
      tokens[identifier] = await minter.mintAsWebsafeString(identifier);
    }
  } catch (error) {
    throw new RunnerError('vm', `minting failed (${error.message})`);
  }
  return {
    tokens,
    integrity_token_ttl: Number(estimatedTtlSecs) || null,
    mint_refresh_threshold: Number(mintRefreshThreshold) || null,
  };
}

async function main() {
  let request;
  try {
    request = JSON.parse(await readStdin());
  } catch (error) {
    return fail('protocol', `the request on stdin is not JSON (${error.message})`);
  }
  if (request.protocol !== PROTOCOL) {
    return fail('protocol', `this runner speaks protocol ${PROTOCOL}, not ${request.protocol}`);
  }
  const nodeDir = request.node_dir;
  if (typeof nodeDir !== 'string' || !nodeDir) return fail('protocol', 'node_dir is missing');
  const timeout = setTimeout(
    () => fail('timeout', `the challenge did not finish within ${request.timeout_ms / 1000} s`),
    request.timeout_ms ?? 30000,
  );
  timeout.unref();
  const versions = {
    node: process.versions.node,
    'bgutils-js': packageVersion(nodeDir, 'bgutils-js'),
    jsdom: packageVersion(nodeDir, 'jsdom'),
  };
  try {
    const modules = loadModules(nodeDir);
    if (request.action === 'check') return answer({ ok: true, versions });
    const result = await mint(request, modules);
    answer({ ok: true, ...result, versions });
  } catch (error) {
    if (error instanceof RunnerError) return fail(error.code, error.message);
    fail('vm', `unexpected failure (${error?.message ?? error})`);
  }
}

process.on('unhandledRejection', (error) => fail('vm', `unexpected failure (${error?.message ?? error})`));
main();
