// A local stand-in for the Vercel REST API, for tests and `npm run demo`.
//
// Plain JavaScript ES module, no dependencies beyond node: built-ins. It speaks HTTP on 127.0.0.1
// and implements the three endpoints the action uses, with the status codes and bodies that
// the project's notes on the Vercel API describe:
//   GET   /v13/deployments/{idOrUrl}     one deployment, by id or hostname
//   PATCH /v12/deployments/{id}/cancel   cancel an in-progress deployment
//   GET   /v6/deployments                list, newest first, paged with `until`
//
// Usage:
//   const sim = new VercelSimulator();
//   sim.addUser({ id: 'user_1', token: 'tok', teams: [{ id: 'team_1', slug: 'acme' }] });
//   const dep = sim.addDeployment({ ownerId: 'team_1', name: 'web', readyState: 'BUILDING' });
//   const baseUrl = await sim.start();
//   ... fetch(`${baseUrl}/v12/deployments/${dep.id}/cancel?teamId=team_1`, { method: 'PATCH', ... })
//   await sim.stop();
//
// Deliberate choices (where the real API is unknown or conflicting, the simulator is strict so
// that client mistakes show up in tests):
//   - `gitSource` is returned by GET /v13 only with `withGitRepoInfo=true`; never on list items.
//   - the cancel path accepts an id only; a hostname there is 404.
//   - a hostname is matched exactly (case-insensitive); a full URL (`https://...`) is 404.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';

/**
 * A deployment as stored by the simulator (realistic fields; any extra fields are kept).
 * @typedef {Record<string, any>} Deployment
 */
/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, status: number, authorization: boolean }} RecordedRequest
 * `status` is 0 until the response is sent, and stays 0 for a request answered by a connection reset.
 */
/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, attempt: number }} InjectContext
 */
/**
 * @typedef {undefined | null | void | 'reset' | { delayMs: number } | { status: number, headers?: Record<string, string>, body?: string | object }} InjectResult
 */
/**
 * @typedef {(ctx: InjectContext) => InjectResult | Promise<InjectResult>} InjectHandler
 */
/**
 * @typedef {{ id: string, slug: string }} Team
 */
/**
 * @typedef {{ id: string, token: string, username?: string, teams: Team[] }} User
 */

export const BASE_CREATED_AT = 1767225600000; // 2026-01-01T00:00:00Z
/** Requests per rate-limit window unless the constructor says otherwise: high, so ordinary tests never run low. */
export const RATE_LIMIT = 1000;

const IN_PROGRESS_STATES = new Set(['QUEUED', 'INITIALIZING', 'BUILDING', 'BLOCKED']);
const CANCELED_REASON = 'Deployment canceled via the API';
const JSON_TYPE = 'application/json; charset=utf-8';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Fixture keys that describe another deployment's life (errors, deletion, aliasing, git repo) and
// would be wrong on a simulated deployment: not used as defaults for the cancel response.
const FIXTURE_KEYS_NOT_DEFAULTS = new Set([
  'gitSource',
  'gitRepo',
  'team',
  'project',
  'oidcTokenClaims',
  'alias',
  'aliasFinal',
  'automaticAliases',
  'userAliases',
  'aliasAssignedAt',
  'aliasError',
  'aliasWarning',
  'errorCode',
  'errorLink',
  'errorMessage',
  'errorStep',
  'buildErrorAt',
  'deletedAt',
  'undeletedAt',
  'ready',
  'lambdas',
  'buildArtifactUrls',
]);

/** @type {Record<string, any> | undefined} */
let fixtureCache;

/** The cancel response fixture (read once, from __fixtures__ next to this folder). */
function cancelFixture() {
  if (!fixtureCache) {
    const url = new URL('../__fixtures__/cancel-deployment-response.json', import.meta.url);
    fixtureCache = JSON.parse(readFileSync(url, 'utf8'));
  }
  return /** @type {Record<string, any>} */ (fixtureCache);
}

/**
 * @param {number} n
 * @param {string} [alphabet]
 */
function randomString(n, alphabet = ALNUM) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** @param {unknown} v */
function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/**
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 */
function errorBody(code, message, extra = {}) {
  return { error: { code, message, ...extra } };
}

class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [extra]
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, extra, headers) {
    super(message);
    this.status = status;
    this.body = errorBody(code, message, extra);
    this.headers = headers ?? {};
  }
}

const notFoundEndpoint = () => new HttpError(404, 'not_found', 'The requested endpoint was not found');
const deploymentNotFound = () => new HttpError(404, 'not_found', 'Deployment not found');
/** @param {string} message */
const badRequest = (message) => new HttpError(400, 'bad_request', message);

export class VercelSimulator {
  /** @type {Map<string, User>} token -> user */
  #usersByToken = new Map();
  /** @type {Map<string, Deployment>} id -> deployment, in insertion order */
  #deployments = new Map();
  /** @type {Map<string, string>} `${ownerId}/${name}` -> projectId */
  #projectIds = new Map();
  /** @type {Map<string, number>} `${method} ${path}` -> requests so far */
  #attempts = new Map();
  #addedCount = 0;
  #rateLimitRemaining = RATE_LIMIT;
  #rateLimitResetAt = 0;
  /** @type {InjectHandler | null} */
  #injectHandler = null;
  /** @type {http.Server | null} */
  #server = null;
  /** @type {string | null} */
  #baseUrl = null;
  /** @type {Set<import('node:net').Socket>} */
  #sockets = new Set();
  /** @type {Set<{ timer: NodeJS.Timeout, resolve: () => void }>} */
  #sleeps = new Set();
  #stopping = false;

  /**
   * @param {{ latencyMs?: number, rateLimit?: { limit?: number, windowMs?: number, enforce?: boolean } }} [options]
   *   rateLimit: requests allowed per window (X-RateLimit-* headers); with `enforce`, a request past the
   *   limit gets Vercel's 429 `rate_limited` with Retry-After, X-RateLimit-Reset and `error.limit`.
   */
  constructor(options = {}) {
    /** Artificial delay added to every response, in ms. */
    this.latencyMs = Math.max(0, Number(options.latencyMs ?? 0) || 0);
    this.rateLimit = { limit: RATE_LIMIT, windowMs: 60_000, enforce: false, ...options.rateLimit };
    this.#rateLimitRemaining = this.rateLimit.limit;
    /**
     * Every request received, in arrival order. The token is never stored.
     * @type {RecordedRequest[]}
     */
    this.requests = [];
  }

  // ---------------------------------------------------------------- accounts and data

  /**
   * A user owning `token`; its personal scope id is `id`. `username` (optional) is used in URLs.
   * @param {{ id: string, token: string, username?: string, teams?: Array<{ id: string, slug: string }> }} user
   */
  addUser({ id, token, username, teams = [] }) {
    if (!id || !token) throw new Error('addUser: id and token are required');
    this.#usersByToken.set(token, {
      id,
      token,
      username,
      teams: teams.map((t) => ({ id: t.id, slug: t.slug })),
    });
  }

  /**
   * Adds a deployment, filling missing fields with realistic defaults. Pass a key with the value
   * `undefined` (e.g. `gitSource: undefined`) to leave that field out. When `gitSource` is not given
   * and `meta.githubCommitSha` is, a GitHub `gitSource` is derived from the `meta` git keys.
   * @param {Record<string, any>} [fields]
   * @returns {Deployment} the stored object (the simulator mutates it, e.g. on cancel)
   */
  addDeployment(fields = {}) {
    const index = this.#addedCount++;
    const ownerId = fields.ownerId ?? this.#defaultOwnerId();
    const ownerSlug = this.#ownerSlug(ownerId);
    const name = fields.name ?? 'my-app';
    const id = fields.id ?? `dpl_${randomString(24)}`;
    const createdAt = fields.createdAt ?? fields.created ?? BASE_CREATED_AT + index * 1000;
    const readyState = fields.readyState ?? 'BUILDING';
    const meta = fields.meta ?? {};
    const creatorUid = this.#userIdForOwner(ownerId) ?? ownerId;
    const user = [...this.#usersByToken.values()].find((u) => u.id === creatorUid);

    /** @type {Deployment} */
    const d = {
      id,
      url: `${name}-${randomString(9, LOWER_ALNUM)}-${ownerSlug}.vercel.app`,
      name,
      projectId: fields.projectId ?? this.#projectIdFor(ownerId, name),
      ownerId,
      createdAt,
      created: createdAt,
      buildingAt: createdAt + 210,
      bootedAt: createdAt + 150,
      readyState,
      status: fields.status ?? readyState,
      target: null,
      meta,
      inspectorUrl: `https://vercel.com/${ownerSlug}/${name}/${id.replace(/^dpl_/, '')}`,
      creator: { uid: creatorUid, ...(user?.username ? { username: user.username } : {}) },
      type: 'LAMBDAS',
      source: 'git',
      alias: [],
      regions: ['iad1'],
      routes: null,
      version: 2,
      plan: 'pro',
      public: false,
      env: [],
      build: { env: [] },
      projectSettings: {},
      isInConcurrentBuildsQueue: false,
      isInSystemBuildsQueue: false,
    };
    if (!('gitSource' in fields)) {
      const derived = gitSourceFromMeta(meta);
      if (derived) d.gitSource = derived;
    }
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete d[k];
      else d[k] = v;
    }
    this.#deployments.set(d.id, d);
    return d;
  }

  /**
   * The stored deployment (the live object). Throws for an unknown id: a test asked for one it never added.
   * @param {string} id
   * @returns {Deployment}
   */
  getDeployment(id) {
    const deployment = this.#deployments.get(id);
    if (!deployment) throw new Error(`simulator: no deployment ${id}`);
    return deployment;
  }

  /**
   * Sets (or clears, with null) the fault-injection handler.
   * @param {InjectHandler | null} handler
   */
  inject(handler) {
    this.#injectHandler = handler ?? null;
  }

  // ---------------------------------------------------------------- server lifecycle

  /**
   * Listens on 127.0.0.1, on `port` or (0, the default) a random free one.
   * @param {number} [port]
   * @returns {Promise<string>} base URL, e.g. 'http://127.0.0.1:41234'
   */
  async start(port = 0) {
    if (this.#server && this.#baseUrl) return this.#baseUrl;
    this.#stopping = false;
    const server = http.createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        // #handle already answers 500 on errors; this only guards against a failure while doing so.
        safeDestroy(res);
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
    });
    server.on('clientError', (_err, socket) => {
      try {
        socket.destroy();
      } catch {
        // ignore
      }
    });
    this.#server = server;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(undefined);
      });
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    this.#baseUrl = `http://127.0.0.1:${address.port}`;
    return this.#baseUrl;
  }

  /**
   * Closes the server, destroys every open socket and cancels pending delays. Safe to call twice.
   * @returns {Promise<void>}
   */
  async stop() {
    const server = this.#server;
    this.#stopping = true;
    for (const s of this.#sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.#sleeps.clear();
    if (!server) return;
    this.#server = null;
    this.#baseUrl = null;
    await new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections?.();
      for (const socket of this.#sockets) socket.destroy();
      this.#sockets.clear();
    });
  }

  // ---------------------------------------------------------------- request handling

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async #handle(req, res) {
    /** @type {RecordedRequest | undefined} */
    let record;
    try {
      req.resume(); // the API ignores request bodies; drain them
      const method = (req.method ?? 'GET').toUpperCase();
      const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = parsed.pathname;
      /** @type {Record<string, string>} */
      const query = Object.fromEntries(parsed.searchParams);
      const authHeader = req.headers.authorization;
      const token = typeof authHeader === 'string' ? /^Bearer\s+(\S.*)$/i.exec(authHeader.trim())?.[1]?.trim() : undefined;

      record = { method, path, query, status: 0, authorization: token !== undefined };
      this.requests.push(record);
      const now = Date.now();
      if (now >= this.#rateLimitResetAt) {
        this.#rateLimitResetAt = now + this.rateLimit.windowMs;
        this.#rateLimitRemaining = this.rateLimit.limit;
      }
      const overLimit = this.#rateLimitRemaining === 0;
      this.#rateLimitRemaining = Math.max(0, this.#rateLimitRemaining - 1);
      const attemptKey = `${method} ${path}`;
      const attempt = (this.#attempts.get(attemptKey) ?? 0) + 1;
      this.#attempts.set(attemptKey, attempt);

      if (this.#injectHandler) {
        const injected = await this.#injectHandler({ method, path, query: { ...query }, attempt });
        if (injected === 'reset') {
          safeDestroy(res);
          return;
        }
        if (injected && typeof injected === 'object') {
          if ('status' in injected && typeof injected.status === 'number') {
            await this.#sleep(this.latencyMs);
            const { body } = injected;
            const isRaw = typeof body === 'string' || body === undefined || body === null;
            const text = isRaw ? (body ?? '') : JSON.stringify(body);
            /** @type {Record<string, string>} */
            const headers = { 'Content-Type': isRaw ? 'text/plain; charset=utf-8' : JSON_TYPE };
            this.#send(res, record, injected.status, text, { ...headers, ...(injected.headers ?? {}) });
            return;
          }
          if ('delayMs' in injected && typeof injected.delayMs === 'number') {
            await this.#sleep(injected.delayMs);
          }
        }
      }

      if (overLimit && this.rateLimit.enforce) {
        const resetMs = this.#rateLimitResetAt;
        throw new HttpError(
          429,
          'rate_limited',
          'Rate limit exceeded',
          {
            limit: { remaining: 0, reset: Math.ceil(resetMs / 1000), resetMs, total: this.rateLimit.limit },
          },
          { 'Retry-After': String(Math.max(1, Math.ceil((resetMs - Date.now()) / 1000))) },
        );
      }
      const { status, body } = this.#route(method, path, query, token);
      await this.#sleep(this.latencyMs);
      this.#send(res, record, status, JSON.stringify(body), { 'Content-Type': JSON_TYPE });
    } catch (err) {
      if (err instanceof HttpError) {
        await this.#sleep(this.latencyMs);
        this.#send(res, record, err.status, JSON.stringify(err.body), { 'Content-Type': JSON_TYPE, ...err.headers });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) {
        this.#send(res, record, 500, JSON.stringify(errorBody('internal_server_error', `Simulator bug: ${message}`)), {
          'Content-Type': JSON_TYPE,
        });
      } else {
        safeDestroy(res);
      }
    }
  }

  /**
   * @param {http.ServerResponse} res
   * @param {RecordedRequest | undefined} record
   * @param {number} status
   * @param {string} text
   * @param {Record<string, string>} headers
   */
  #send(res, record, status, text, headers) {
    if (this.#stopping || res.destroyed || res.writableEnded || res.headersSent) return;
    if (record) record.status = status;
    /** @type {Record<string, string>} */
    const all = {
      'X-RateLimit-Limit': String(this.rateLimit.limit),
      'X-RateLimit-Remaining': String(this.#rateLimitRemaining),
      'X-RateLimit-Reset': String(Math.ceil(this.#rateLimitResetAt / 1000)),
      ...headers,
      'Content-Length': String(Buffer.byteLength(text)),
    };
    res.writeHead(status, all);
    res.end(text);
  }

  /**
   * Waits `ms` without blocking other requests; stop() ends every pending wait at once.
   * @param {number} ms
   * @returns {Promise<void>}
   */
  #sleep(ms) {
    if (!(ms > 0) || this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#sleeps.delete(entry);
          resolve();
        }, ms),
        resolve: () => resolve(),
      };
      this.#sleeps.add(entry);
    });
  }

  /**
   * Routes a request; throws HttpError for error answers.
   * @param {string} method
   * @param {string} path
   * @param {Record<string, string>} query
   * @param {string | undefined} token
   * @returns {{ status: number, body: unknown }}
   */
  #route(method, path, query, token) {
    const seg = path.split('/');
    // seg[0] is '' (path starts with '/')
    /** @type {string} */
    let allowed;
    /** @type {(scopeId: string) => { status: number, body: unknown }} */
    let run;
    if (seg.length === 4 && seg[1] === 'v13' && seg[2] === 'deployments' && seg[3]) {
      const idOrUrl = decodeSegment(seg[3]);
      allowed = 'GET';
      run = (scopeId) => this.#getDeployment(idOrUrl, scopeId, query);
    } else if (seg.length === 5 && seg[1] === 'v12' && seg[2] === 'deployments' && seg[3] && seg[4] === 'cancel') {
      const id = decodeSegment(seg[3]);
      allowed = 'PATCH';
      run = (scopeId) => this.#cancel(id, scopeId);
    } else if (seg.length === 3 && seg[1] === 'v6' && seg[2] === 'deployments') {
      allowed = 'GET';
      run = (scopeId) => this.#list(scopeId, query);
    } else {
      throw notFoundEndpoint();
    }
    if (method !== allowed) {
      throw new HttpError(405, 'method_unknown', `This endpoint only responds to ${allowed}`, {}, { Allow: allowed });
    }
    const scopeId = this.#authorize(token, query);
    return run(scopeId);
  }

  /**
   * Checks the token and the team scope; returns the scope id (team id, or the user's id).
   * @param {string | undefined} token
   * @param {Record<string, string>} query
   */
  #authorize(token, query) {
    if (token === undefined) {
      throw new HttpError(403, 'forbidden', 'The request is missing an authentication token', { missingToken: true });
    }
    const user = this.#usersByToken.get(token);
    if (!user) throw new HttpError(403, 'forbidden', 'Not authorized', { invalidToken: true });
    const hasTeamId = 'teamId' in query;
    const hasSlug = 'slug' in query;
    if (hasTeamId && hasSlug) throw badRequest('Invalid request: only one of `teamId` and `slug` may be set');
    if (hasTeamId || hasSlug) {
      const value = hasTeamId ? query.teamId : query.slug;
      const key = hasTeamId ? 'teamId' : 'slug';
      if (!value) throw badRequest(`Invalid request: \`${key}\` should NOT be shorter than 1 characters`);
      const team = user.teams.find((t) => (hasTeamId ? t.id === value : t.slug === value));
      if (!team) throw new HttpError(403, 'forbidden', 'Not authorized');
      return team.id;
    }
    return user.id;
  }

  /**
   * @param {string} idOrUrl
   * @param {string} scopeId
   * @param {Record<string, string>} query
   */
  #getDeployment(idOrUrl, scopeId, query) {
    const d = this.#find(idOrUrl, scopeId, true);
    const body = /** @type {Deployment} */ (clone(d));
    body.status = d.readyState;
    if (query.withGitRepoInfo !== 'true') {
      delete body.gitSource;
      delete body.gitRepo;
    }
    return { status: 200, body };
  }

  /**
   * @param {string} id
   * @param {string} scopeId
   */
  #cancel(id, scopeId) {
    const d = this.#find(id, scopeId, false);
    const state = String(d.readyState);
    if (!IN_PROGRESS_STATES.has(state)) {
      throw badRequest(`Cannot cancel a deployment that is not building (readyState: ${state})`);
    }
    d.readyState = 'CANCELED';
    d.status = 'CANCELED';
    d.canceledAt = Date.now();
    d.readyStateReason = CANCELED_REASON;
    return { status: 200, body: this.#fullDeployment(d) };
  }

  /**
   * @param {string} scopeId
   * @param {Record<string, string>} query
   */
  #list(scopeId, query) {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('Invalid request: `limit` should be an integer >= 1');
    if (limit > 100) throw badRequest('Invalid request: `limit` should be <= 100');
    /** @param {string} key */
    const numberParam = (key) => {
      if (query[key] === undefined) return undefined;
      const n = Number(query[key]);
      if (query[key] === '' || !Number.isFinite(n)) throw badRequest(`Invalid request: \`${key}\` should be a number`);
      return n;
    };
    const until = numberParam('until');
    const to = numberParam('to');
    const since = numberParam('since');
    const from = numberParam('from');
    const states = query.state
      ? new Set(
          query.state
            .split(',')
            .map((s) => s.trim().toUpperCase())
            .filter(Boolean),
        )
      : null;
    const users = query.users ? new Set(query.users.split(',').map((s) => s.trim())) : null;
    const metaFilters = Object.entries(query)
      .filter(([k]) => k.startsWith('meta-') && k.length > 5)
      .map(([k, v]) => [k.slice(5), v]);

    const matching = [...this.#deployments.values()]
      .filter((d) => d.ownerId === scopeId)
      .filter((d) => until === undefined || d.createdAt < until)
      .filter((d) => to === undefined || d.createdAt < to)
      .filter((d) => since === undefined || d.createdAt > since)
      .filter((d) => from === undefined || d.createdAt > from)
      .filter((d) => !states || states.has(String(d.readyState)))
      .filter((d) => !query.projectId || d.projectId === query.projectId || d.name === query.projectId)
      .filter((d) => !query.app || d.name === query.app)
      .filter((d) => !query.target || matchesTarget(d.target, query.target))
      .filter((d) => !users || users.has(d.creator?.uid))
      .filter((d) => metaFilters.every(([k, v]) => (d.meta ?? {})[/** @type {string} */ (k)] === v))
      .sort((a, b) => b.createdAt - a.createdAt);

    const page = matching.slice(0, limit);
    const more = matching.length > page.length;
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        pagination: { count: page.length, next: more && last ? last.createdAt : null, prev: null },
        deployments: page.map(listItem),
      },
    };
  }

  /**
   * Finds a visible deployment by id, or (when `byHost`) by url / alias hostname; else throws 404.
   * @param {string} idOrUrl
   * @param {string} scopeId
   * @param {boolean} byHost
   * @returns {Deployment}
   */
  #find(idOrUrl, scopeId, byHost) {
    let d = this.#deployments.get(idOrUrl);
    if (!d && byHost && idOrUrl.includes('.')) {
      const host = idOrUrl.toLowerCase();
      d = [...this.#deployments.values()].find(
        (x) =>
          (typeof x.url === 'string' && x.url.toLowerCase() === host) ||
          (Array.isArray(x.alias) && x.alias.some((a) => typeof a === 'string' && a.toLowerCase() === host)),
      );
    }
    if (!d || d.ownerId !== scopeId) throw deploymentNotFound();
    return d;
  }

  /**
   * The full private deployment object (cancel response): fixture keys as defaults, then values
   * computed from the deployment, then the deployment's own fields.
   * @param {Deployment} d
   */
  #fullDeployment(d) {
    const defaults = Object.fromEntries(Object.entries(clone(cancelFixture())).filter(([k]) => !FIXTURE_KEYS_NOT_DEFAULTS.has(k)));
    const ownerSlug = this.#ownerSlug(d.ownerId);
    const team = this.#findTeam(d.ownerId);
    const environment = d.target ?? 'preview';
    /** @type {Record<string, any>} */
    const computed = {
      project: { id: d.projectId, name: d.name, framework: defaults.projectSettings?.framework ?? null },
      oidcTokenClaims: {
        iss: `https://oidc.vercel.com/${ownerSlug}`,
        sub: `owner:${ownerSlug}:project:${d.name}:environment:${environment}`,
        scope: `owner:${ownerSlug}:project:${d.name}:environment:${environment}`,
        aud: `https://vercel.com/${ownerSlug}`,
        owner: ownerSlug,
        owner_id: d.ownerId,
        project: d.name,
        project_id: d.projectId,
        environment,
      },
      alias: [],
      automaticAliases: [],
      userAliases: [],
      aliasAssigned: false,
      lambdas: [],
      buildArtifactUrls: [],
      createdIn: 'iad1',
    };
    if (team) computed.team = { id: team.id, name: team.slug, slug: team.slug };
    const body = { ...defaults, ...computed, ...clone(d) };
    body.status = d.readyState;
    return body;
  }

  // ---------------------------------------------------------------- helpers

  #defaultOwnerId() {
    const first = this.#usersByToken.values().next();
    return first.done ? 'user_simulator' : first.value.id;
  }

  /** @param {string} ownerId */
  #findTeam(ownerId) {
    for (const u of this.#usersByToken.values()) {
      const t = u.teams.find((x) => x.id === ownerId);
      if (t) return t;
    }
    return undefined;
  }

  /** @param {string} ownerId a user id, or a team id; returns a user id that can act for it */
  #userIdForOwner(ownerId) {
    for (const u of this.#usersByToken.values()) {
      if (u.id === ownerId || u.teams.some((t) => t.id === ownerId)) return u.id;
    }
    return undefined;
  }

  /** @param {string} ownerId */
  #ownerSlug(ownerId) {
    const team = this.#findTeam(ownerId);
    if (team) return team.slug;
    const user = [...this.#usersByToken.values()].find((u) => u.id === ownerId);
    const raw = user?.username ?? ownerId;
    return (
      String(raw)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '') || 'personal'
    );
  }

  /**
   * @param {string} ownerId
   * @param {string} name
   */
  #projectIdFor(ownerId, name) {
    const key = `${ownerId}/${name}`;
    let id = this.#projectIds.get(key);
    if (!id) {
      id = `prj_${randomString(28)}`;
      this.#projectIds.set(key, id);
    }
    return id;
  }
}

/**
 * A GitHub gitSource built from the git-integration meta keys, or undefined.
 * @param {Record<string, string>} meta
 */
function gitSourceFromMeta(meta) {
  if (!meta || typeof meta.githubCommitSha !== 'string') return undefined;
  const repoId = Number(meta.githubRepoId ?? meta.githubCommitRepoId);
  const prId = meta.githubPrId ? Number(meta.githubPrId) : null;
  return {
    type: 'github',
    ...(Number.isFinite(repoId) && repoId > 0
      ? { repoId }
      : { org: meta.githubCommitOrg ?? meta.githubOrg, repo: meta.githubCommitRepo ?? meta.githubRepo }),
    ref: meta.githubCommitRef ?? null,
    sha: meta.githubCommitSha,
    prId: Number.isFinite(prId) ? prId : null,
  };
}

/**
 * @param {unknown} target deployment target (null = preview)
 * @param {string} wanted query value
 */
function matchesTarget(target, wanted) {
  if (wanted === 'preview') return target === null || target === undefined || target === 'preview';
  return target === wanted;
}

/**
 * The v6 list item shape: `uid` instead of `id`, `state` mirror, no `gitSource`.
 * @param {Deployment} d
 */
function listItem(d) {
  return clone({
    uid: d.id,
    name: d.name,
    url: d.url ?? null,
    created: d.createdAt,
    createdAt: d.createdAt,
    state: d.readyState,
    readyState: d.readyState,
    type: d.type ?? 'LAMBDAS',
    creator: d.creator,
    inspectorUrl: d.inspectorUrl ?? null,
    target: d.target ?? null,
    meta: d.meta ?? {},
    projectId: d.projectId,
    source: d.source,
    buildingAt: d.buildingAt,
  });
}

/** @param {string} s */
function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest('Invalid request: the path contains a malformed escape sequence');
  }
}

/** @param {http.ServerResponse} res */
function safeDestroy(res) {
  try {
    res.socket?.destroy();
    res.destroy();
  } catch {
    // ignore
  }
}
