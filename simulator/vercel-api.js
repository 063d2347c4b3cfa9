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

import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { HttpError, SimulatorServer, decodeSegment as decode } from './http-server.js';

/**
 * A deployment as stored by the simulator (realistic fields; any extra fields are kept).
 * @typedef {Record<string, any>} Deployment
 */
/** @typedef {import('./http-server.js').RecordedRequest} RecordedRequest */
/** @typedef {import('./http-server.js').InjectContext} InjectContext */
/** @typedef {import('./http-server.js').InjectResult} InjectResult */
/** @typedef {import('./http-server.js').InjectHandler} InjectHandler */
/** @typedef {import('./http-server.js').RouteRequest} RouteRequest */
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

/**
 * An error answer with Vercel's `{ error: { code, message, ... } }` body.
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 * @param {Record<string, string>} [headers]
 */
function apiError(status, code, message, extra, headers) {
  return new HttpError(status, errorBody(code, message, extra), headers);
}

const notFoundEndpoint = () => apiError(404, 'not_found', 'The requested endpoint was not found');
const deploymentNotFound = () => apiError(404, 'not_found', 'Deployment not found');
/** @param {string} message */
const badRequest = (message) => apiError(400, 'bad_request', message);

export class VercelSimulator {
  /** @type {Map<string, User>} token -> user */
  #usersByToken = new Map();
  /** @type {Map<string, Deployment>} id -> deployment, in insertion order */
  #deployments = new Map();
  /** @type {Map<string, string>} `${ownerId}/${name}` -> projectId */
  #projectIds = new Map();
  #addedCount = 0;
  #server = new SimulatorServer({
    route: (request) => this.#route(request),
    bugBody: (message) => errorBody('internal_server_error', message),
    record: (entry) => this.requests.push(entry),
    latencyMs: () => this.latencyMs,
    rateLimit: () => this.rateLimit,
    authSchemes: ['Bearer'],
    now: () => this.#now(),
  });

  /**
   * @param {{ latencyMs?: number, clockOffsetMs?: number, rateLimit?: { limit?: number, windowMs?: number, enforce?: boolean } }} [options]
   *   rateLimit: requests allowed per window (X-RateLimit-* headers); with `enforce`, a request past the
   *   limit gets Vercel's 429 `rate_limited` with Retry-After, X-RateLimit-Reset and `error.limit`.
   *   clockOffsetMs: Vercel's clock minus this machine's (for `canceledAt` and the Date header).
   */
  constructor(options = {}) {
    /** Vercel's clock minus this machine's, in ms: a skewed server clock. */
    this.clockOffsetMs = Number(options.clockOffsetMs ?? 0) || 0;
    /** Artificial delay added to every response, in ms. */
    this.latencyMs = Math.max(0, Number(options.latencyMs ?? 0) || 0);
    this.rateLimit = { limit: RATE_LIMIT, windowMs: 60_000, enforce: false, ...options.rateLimit };
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
    this.#server.inject(handler);
  }

  /** Vercel's clock (epoch ms). */
  #now() {
    return Date.now() + this.clockOffsetMs;
  }

  // ---------------------------------------------------------------- server lifecycle

  /**
   * Listens on 127.0.0.1, on `port` or (0, the default) a random free one.
   * @param {number} [port]
   * @returns {Promise<string>} base URL, e.g. 'http://127.0.0.1:41234'
   */
  start(port = 0) {
    return this.#server.start(port);
  }

  /**
   * Closes the server, destroys every open socket and cancels pending delays. Safe to call twice.
   * @returns {Promise<void>}
   */
  stop() {
    return this.#server.stop();
  }

  // ---------------------------------------------------------------- request handling

  /**
   * Routes a request; throws HttpError for error answers (429 when the rate limit is enforced and used up).
   * @param {RouteRequest} request
   * @returns {{ status: number, body: unknown }}
   */
  #route({ method, path, query, token, overLimit }) {
    if (overLimit && this.rateLimit.enforce) {
      const { limit, resetAt } = this.#server.rate;
      throw apiError(
        429,
        'rate_limited',
        'Rate limit exceeded',
        { limit: { remaining: 0, reset: Math.ceil(resetAt / 1000), resetMs: resetAt, total: limit } },
        { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))) },
      );
    }
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
      throw apiError(405, 'method_unknown', `This endpoint only responds to ${allowed}`, {}, { Allow: allowed });
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
      throw apiError(403, 'forbidden', 'The request is missing an authentication token', { missingToken: true });
    }
    const user = this.#usersByToken.get(token);
    if (!user) throw apiError(403, 'forbidden', 'Not authorized', { invalidToken: true });
    const hasTeamId = 'teamId' in query;
    const hasSlug = 'slug' in query;
    if (hasTeamId && hasSlug) throw badRequest('Invalid request: only one of `teamId` and `slug` may be set');
    if (hasTeamId || hasSlug) {
      const value = hasTeamId ? query.teamId : query.slug;
      const key = hasTeamId ? 'teamId' : 'slug';
      if (!value) throw badRequest(`Invalid request: \`${key}\` should NOT be shorter than 1 characters`);
      const team = user.teams.find((t) => (hasTeamId ? t.id === value : t.slug === value));
      if (!team) throw apiError(403, 'forbidden', 'Not authorized');
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
    d.canceledAt = this.#now();
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
  return decode(s, () => badRequest('Invalid request: the path contains a malformed escape sequence'));
}
