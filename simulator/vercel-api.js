// A local stand-in for the Vercel REST API, for tests and `npm run demo`.
//
// Plain JavaScript ES module, no dependencies beyond node: built-ins. It speaks HTTP on 127.0.0.1
// and implements the endpoints the action uses, with the status codes and bodies that the
// project's notes on the Vercel API describe:
//   GET   /v13/deployments/{idOrUrl}     one deployment, by id or hostname
//   PATCH /v12/deployments/{id}/cancel   cancel an in-progress deployment
//   GET   /v6/deployments                list, newest first, paged with `until` (also /v7, the same)
//   GET   /v9/projects/{idOrName}        one project (it exists once added or once a deployment names it)
//
// Usage:
//   const sim = new VercelSimulator();
//   sim.addUser({ id: 'user_1', token: 'tok', teams: [{ id: 'team_1', slug: 'acme' }] });
//   const dep = sim.addDeployment({ ownerId: 'team_1', name: 'web', readyState: 'BUILDING' });
//   const baseUrl = await sim.start();
//   ... fetch(`${baseUrl}/v12/deployments/${dep.id}/cancel?teamId=team_1`, { method: 'PATCH', ... })
//   await sim.stop();
// Bodies for fault injection: `listItemOf(d)` and `listPage(items, next)` (module functions) and
// `sim.deploymentBody(d)` give the shapes the simulator itself serves, so injected answers pass the
// `@vercel/sdk` schemas too (__tests__/integration/vercel/sdk.test.ts checks the simulator with the SDK).
//
// Vercel facts modelled, each with its source (SDK = vercel/sdk 1.28.35, generated from Vercel's
// OpenAPI document; CLI = vercel/vercel packages/cli):
//   - The list is served at /v6 (CLI `commands/list/index.ts`, docs page "List deployments") and at
//     /v7 (SDK `src/funcs/deploymentsGetDeployments.ts`, since 2026-06); both answer the same body,
//     which the SDK's /v7 schema (`GetDeploymentsResponseBody`) accepts.
//   - List items need `uid`, `name`, `url`, `created`, `createdAt`, `readyState`, `type`, `creator`,
//     `inspectorUrl`, `projectId`; they carry `meta` and `customEnvironment` but no `gitSource`
//     (SDK `src/models/getdeploymentsop.ts`, type `Deployments`).
//   - List filters: `state` (comma-separated; CLI `commands/list/index.ts`), `projectId` (id or name),
//     `projectIds` (not together with `projectId`: 400; docs page "List deployments"), `target`,
//     `branch`, `sha` (SDK `GetDeploymentsRequest`), `meta-<key>=<value>` (exact, AND-combined; CLI
//     `vercel list -m`), `app`, `users`, `from`/`to`/`since`/`until`, `limit` 1..100 (CLI
//     `util/get-pagination-opts.ts`). Paging: `pagination.next` is the last item's `createdAt` and
//     `until` is exclusive (CLI `util/client.ts` `fetchPaginated`, `commands/bisect/index.ts`).
//   - GET /v13 takes an id or a hostname (SDK `deploymentsGetDeployment.ts`: "unique identifier or
//     hostname"; CLI `util/get-deployment.ts`).
//   - Cancel answers the full deployment with `readyState: CANCELED`, or 400 for one that is not
//     building (SDK `deploymentsCancelDeployment.ts` doc comment); the body passes the SDK's
//     `CancelDeploymentResponseBody` (the fixture in __fixtures__ supplies the many required fields).
//   - Errors are `{ error: { code, message } }`: `bad_request`, `forbidden` (`invalidToken`/
//     `missingToken` on a bad token, CLI `util/projects/link.ts`), `not_found`, `rate_limited` with
//     `limit: {remaining, reset, resetMs, total}` and Retry-After (https://vercel.com/docs/rest-api/errors;
//     CLI `util/client.ts` reads Retry-After).
//   - Rate limits are counted per endpoint (https://vercel.com/docs/rest-api/errors, "rate_limited";
//     vercel/docs 2020 `errors/generic.mdx`): one bucket per method and path template.
//   - `gitSource` is one of the SDK's variants (SDK `CancelDeploymentGitSource`, 19 schemas): every
//     variant names its repository (`repoId`, `org`+`repo`, `projectId`, `repoUuid`, `owner`+`slug`,
//     `gitUrl`); one that names none is refused when added.
//   - Custom environments: `customEnvironment: {id, slug}` with `target` null; `target` itself is only
//     `production`, `staging` or null (SDK enums; vercel/vercel `packages/client/src/deploy.ts` sends a
//     non-production target as `customEnvironmentSlugOrId`; `vercel list` shows `customEnvironment?.slug`,
//     CLI `commands/list/index.ts`).
//   - A removed deployment (`sim.removeDeployment(id)`, or one added with `deletedAt`) answers 410 to
//     GET /v13 and to cancel: both list 410 among their failures (SDK `deploymentsGetDeployment.ts`
//     `M.fail([400, 403, 404, 410, 429, "4XX"])`, `deploymentsCancelDeployment.ts` `[400, 401, 403,
//     404, 410]`), and Vercel's CLI words a 410 "The deployment has been removed" (CLI
//     `util/dev/errors.ts`). It stays listed with readyState DELETED (SDK `GetDeploymentsReadyState`).
//   - BLOCKED (a list `state` value and readyState, SDK `getdeploymentsop.ts`,
//     `canceldeploymentservicesdeploymentsarchitecture.ts`) is not a build in progress: cancel refuses
//     it with 400 like a finished deployment. Vercel's CLI never counts it in progress (CLI
//     `util/deploy/is-deploying.ts`: QUEUED, BUILDING, INITIALIZING) and a blocked deployment's builds
//     can be READY (vercel/vercel issue #16379); the SDK describes cancel as stopping a build in progress.
//   - GET /v9/projects/{idOrName} answers the project or 404 `not_found` (SDK
//     `src/funcs/projectsGetProject.ts`; CLI `util/projects/get-project-by-id-or-name.ts`, which calls
//     the same resource at /v8 and maps 404 to ProjectNotFound).
//
// Deliberate choices (where the real API is unknown or conflicting, the simulator is strict so
// that client mistakes show up in tests):
//   - `gitSource` is returned by GET /v13 only with `withGitRepoInfo=true`; never on list items.
//   - the cancel path accepts an id only; a hostname there is 404.
//   - a hostname is matched exactly (case-insensitive); a full URL (`https://...`) is 404.
//   - UNCONFIRMED how Vercel matches `branch`/`sha`: here against the `*CommitRef`/`*CommitSha` meta
//     keys (github, generic git, gitlab, bitbucket) or `gitSource.ref`/`sha`.
//   - UNCONFIRMED how `target` filters custom environments: here `preview` is target null without a
//     custom environment, and any other value than production/preview/staging names a custom
//     environment by slug or id.
//   - an unknown `projectId` lists nothing (UNCONFIRMED what Vercel answers).
//   - UNCONFIRMED: the 410 body (here Vercel's usual error shape, code `gone`) and whether Vercel's
//     cancel accepts a BLOCKED deployment (here 400, the action's decision: README "What it does, exactly").

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

// The states cancel accepts: a build under way. BLOCKED is refused like a finished one (see the header).
const IN_PROGRESS_STATES = new Set(['QUEUED', 'INITIALIZING', 'BUILDING']);
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
const projectNotFound = () => apiError(404, 'not_found', 'Project not found');
const deploymentGone = () => apiError(410, 'gone', 'The deployment has been removed');
/** @param {string} message */
const badRequest = (message) => apiError(400, 'bad_request', message);

export class VercelSimulator {
  /** @type {Map<string, User>} token -> user */
  #usersByToken = new Map();
  /** @type {Map<string, Deployment>} id -> deployment, in insertion order */
  #deployments = new Map();
  /** @type {Map<string, string>} `${ownerId}/${name}` -> projectId */
  #projectIds = new Map();
  /** @type {Map<string, { id: string, name: string, ownerId: string, createdAt: number }>} projectId -> project */
  #projects = new Map();
  #addedCount = 0;
  /**
   * When deployments added without `createdAt` were created: an hour before the simulator was made
   * (by its clock), one second apart, so that build times read like real ones.
   */
  #createdBase = 0;
  #server = new SimulatorServer({
    route: (request) => this.#route(request),
    bugBody: (message) => errorBody('internal_server_error', message),
    record: (entry) => this.requests.push(entry),
    latencyMs: () => this.latencyMs,
    rateLimit: () => this.rateLimit,
    authSchemes: ['Bearer'],
    now: () => this.#now(),
    rateBucket: (method, path) => `${method} ${endpointOf(path)}`,
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
    this.#createdBase = Math.floor((Date.now() + this.clockOffsetMs) / 1000) * 1000 - 3_600_000;
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
   * Adds a project (GET /v9/projects/{idOrName} finds it by id or name). Projects also come into
   * being when a deployment names them (its `projectId` and `name`).
   * @param {{ ownerId?: string, name: string, id?: string }} project
   * @returns {{ id: string, name: string, ownerId: string }}
   */
  addProject({ ownerId = this.#defaultOwnerId(), name, id }) {
    if (!name) throw new Error('addProject: name is required');
    const projectId = id ?? this.#projectIdFor(ownerId, name);
    this.#projectIds.set(`${ownerId}/${name}`, projectId);
    return this.#rememberProject(projectId, name, ownerId);
  }

  /**
   * Adds a deployment, filling missing fields with realistic defaults. Pass a key with the value
   * `undefined` (e.g. `gitSource: undefined`) to leave that field out. When `gitSource` is not given
   * and `meta.githubCommitSha` is, a GitHub `gitSource` is derived from the `meta` git keys (when
   * they name the repository). A deployment no Vercel response could hold is refused with an Error:
   * a `gitSource` naming no repository, a `target` other than production/staging/null (a custom
   * environment goes in `customEnvironment: { slug, id? }`, the id made up when not given).
   * @param {Record<string, any>} [fields]
   * @returns {Deployment} the stored object (the simulator mutates it, e.g. on cancel)
   */
  addDeployment(fields = {}) {
    const index = this.#addedCount++;
    const ownerId = fields.ownerId ?? this.#defaultOwnerId();
    const ownerSlug = this.#ownerSlug(ownerId);
    const name = fields.name ?? 'my-app';
    const id = fields.id ?? `dpl_${randomString(24)}`;
    const createdAt = fields.createdAt ?? fields.created ?? this.#createdBase + index * 1000;
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
    if (d.customEnvironment) d.customEnvironment = customEnvironmentOf(d.customEnvironment);
    checkDeployment(d);
    this.#rememberProject(d.projectId, d.name, ownerId);
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
   * Removes a deployment as Vercel does when one is deleted: it stays listed as DELETED (a list
   * readyState, SDK `GetDeploymentsReadyState`), and GET /v13 and cancel answer 410 Gone.
   * @param {string} id
   * @returns {Deployment}
   */
  removeDeployment(id) {
    const d = this.getDeployment(id);
    d.readyState = 'DELETED';
    d.status = 'DELETED';
    d.deletedAt = this.#now();
    return d;
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
  #route({ method, path, query, token, overLimit, rate }) {
    if (overLimit && this.rateLimit.enforce) {
      const { limit, resetAt } = rate;
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
    } else if (seg.length === 3 && (seg[1] === 'v6' || seg[1] === 'v7') && seg[2] === 'deployments') {
      allowed = 'GET';
      run = (scopeId) => this.#list(scopeId, query);
    } else if (seg.length === 4 && seg[1] === 'v9' && seg[2] === 'projects' && seg[3]) {
      const idOrName = decodeSegment(seg[3]);
      allowed = 'GET';
      run = (scopeId) => this.#getProject(idOrName, scopeId);
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
    checkDeployment(d); // a test may have changed the stored object since
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
    return { status: 200, body: this.deploymentBody(d) };
  }

  /**
   * @param {string} idOrName
   * @param {string} scopeId
   */
  #getProject(idOrName, scopeId) {
    const project = this.#projects.get(idOrName) ?? [...this.#projects.values()].find((p) => p.name === idOrName && p.ownerId === scopeId);
    if (!project || project.ownerId !== scopeId) throw projectNotFound();
    return { status: 200, body: projectBody(project) };
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
    if (query.projectId !== undefined && query.projectIds !== undefined) {
      throw badRequest('Invalid request: `projectId` and `projectIds` cannot be used together');
    }
    const projectIds = query.projectIds ? new Set(query.projectIds.split(',').map((s) => s.trim())) : null;
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
      .filter((d) => !projectIds || projectIds.has(d.projectId) || projectIds.has(d.name))
      .filter((d) => !query.branch || branchesOf(d).includes(query.branch))
      .filter((d) => !query.sha || shasOf(d).includes(query.sha.toLowerCase()))
      .filter((d) => !query.app || d.name === query.app)
      .filter((d) => !query.target || matchesTarget(d, query.target))
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
        deployments: page.map(listItemOf),
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
    if (d.deletedAt !== undefined && d.deletedAt !== null) throw deploymentGone();
    return d;
  }

  /**
   * The full private deployment object (the cancel response's shape, which GET /v13 shares): fixture
   * keys as defaults, then values computed from the deployment, then the deployment's own fields.
   * For injected answers that must look like the real thing.
   * @param {Deployment} d
   */
  deploymentBody(d) {
    const defaults = Object.fromEntries(Object.entries(clone(cancelFixture())).filter(([k]) => !FIXTURE_KEYS_NOT_DEFAULTS.has(k)));
    const ownerSlug = this.#ownerSlug(d.ownerId);
    const team = this.#findTeam(d.ownerId);
    const environment = d.customEnvironment?.slug ?? d.target ?? 'preview';
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
   * @param {string} id
   * @param {string} name
   * @param {string} ownerId
   */
  #rememberProject(id, name, ownerId) {
    let project = this.#projects.get(id);
    if (!project) {
      project = { id, name, ownerId, createdAt: BASE_CREATED_AT - 86_400_000 };
      this.#projects.set(id, project);
    }
    return project;
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
 * A GitHub gitSource built from the git-integration meta keys, or undefined (no commit, or no repository named).
 * @param {Record<string, string>} meta
 */
function gitSourceFromMeta(meta) {
  if (!meta || typeof meta.githubCommitSha !== 'string') return undefined;
  const repoId = Number(meta.githubRepoId ?? meta.githubCommitRepoId);
  const org = meta.githubCommitOrg ?? meta.githubOrg;
  const repo = meta.githubCommitRepo ?? meta.githubRepo;
  const hasRepoId = Number.isFinite(repoId) && repoId > 0;
  // Every GitHub variant names its repository: meta that names none derives no gitSource.
  if (!hasRepoId && !(org && repo)) return undefined;
  const prId = meta.githubPrId ? Number(meta.githubPrId) : null;
  return {
    type: 'github',
    ...(hasRepoId ? { repoId } : { org, repo }),
    ref: meta.githubCommitRef ?? null,
    sha: meta.githubCommitSha,
    prId: Number.isFinite(prId) ? prId : null,
  };
}

/**
 * @param {Deployment} d
 * @param {string} wanted query value
 */
function matchesTarget(d, wanted) {
  const target = d.target ?? null;
  if (wanted === 'production' || wanted === 'staging') return target === wanted;
  if (wanted === 'preview') return target === null && !d.customEnvironment;
  return Boolean(d.customEnvironment) && (d.customEnvironment.slug === wanted || d.customEnvironment.id === wanted);
}

const REF_KEYS = ['githubCommitRef', 'gitCommitRef', 'gitlabCommitRef', 'bitbucketCommitRef'];
const SHA_KEYS = ['githubCommitSha', 'gitCommitSha', 'gitlabCommitSha', 'bitbucketCommitSha'];

/** @param {Deployment} d the branch names its meta and gitSource give */
function branchesOf(d) {
  return [...REF_KEYS.map((k) => d.meta?.[k]), d.gitSource?.ref].filter((v) => typeof v === 'string');
}

/** @param {Deployment} d the commits its meta and gitSource give, lower-case */
function shasOf(d) {
  return [...SHA_KEYS.map((k) => d.meta?.[k]), d.gitSource?.sha].filter((v) => typeof v === 'string').map((v) => v.toLowerCase());
}

/**
 * The endpoint a path belongs to, for its rate-limit bucket: ids replaced by their parameter name.
 * @param {string} path
 */
function endpointOf(path) {
  return path
    .replace(/^\/v13\/deployments\/[^/]+$/, '/v13/deployments/{idOrUrl}')
    .replace(/^\/v12\/deployments\/[^/]+\/cancel$/, '/v12/deployments/{id}/cancel')
    .replace(/^\/v9\/projects\/[^/]+$/, '/v9/projects/{idOrName}');
}

/**
 * `{ id, slug }`, an id made up when only a slug is given.
 * @param {{ id?: string, slug?: string }} env
 */
function customEnvironmentOf(env) {
  const id = env.id ?? `env_${randomString(24)}`;
  return env.slug === undefined ? { id } : { id, slug: env.slug };
}

/**
 * What every SDK variant of `gitSource` requires: a known type, and its repository named.
 * (SDK `CancelDeploymentGitSource1..9`, `GitSource10..19` in `src/models/canceldeploymentresourceconfig.ts`.)
 */
const GIT_SOURCE_REPOSITORY = {
  github: (g) => g.repoId !== undefined || (g.org && g.repo),
  'github-limited': (g) => g.repoId !== undefined || (g.org && g.repo),
  'github-custom-host': (g) => typeof g.host === 'string' && (g.repoId !== undefined || (g.org && g.repo)),
  gitlab: (g) => g.projectId !== undefined,
  bitbucket: (g) => g.repoUuid !== undefined || (g.owner && g.slug),
  custom: (g) => typeof g.gitUrl === 'string',
  vercel: (g) => typeof g.sha === 'string',
  'cursor-origin': (g) => typeof g.repoId === 'string',
};

/**
 * Refuses what no Vercel response can hold: a gitSource naming no repository, a `target` outside
 * the SDK's enum (a custom environment goes in `customEnvironment`), a customEnvironment without id.
 * Throws Error: the test built an impossible deployment.
 * @param {Deployment} d
 */
function checkDeployment(d) {
  const g = d.gitSource;
  if (g !== undefined && g !== null) {
    const names = /** @type {Record<string, (g: any) => unknown>} */ (GIT_SOURCE_REPOSITORY)[g.type];
    if (!names) throw new Error(`simulator: gitSource type ${JSON.stringify(g.type)} is none of Vercel's`);
    if (!names(g)) throw new Error(`simulator: a ${g.type} gitSource must name its repository (${JSON.stringify(g)})`);
  }
  if (d.target !== null && d.target !== undefined && d.target !== 'production' && d.target !== 'staging') {
    throw new Error(
      `simulator: target is production, staging or null; a custom environment goes in customEnvironment, not ${JSON.stringify(d.target)}`,
    );
  }
  if (d.customEnvironment && typeof d.customEnvironment.id !== 'string') throw new Error('simulator: customEnvironment needs an id');
}

/**
 * A project as GET /v9/projects/{idOrName} answers it: the fields the SDK's `GetProjectResponseBody` requires.
 * @param {{ id: string, name: string, ownerId: string, createdAt: number }} p
 */
function projectBody(p) {
  return {
    id: p.id,
    name: p.name,
    accountId: p.ownerId,
    createdAt: p.createdAt,
    updatedAt: p.createdAt,
    alias: [],
    directoryListing: false,
    defaultResourceConfig: { functionDefaultRegions: ['iad1'] },
    deploymentExpiration: {},
    framework: null,
    nodeVersion: '22.x',
    resourceConfig: { functionDefaultRegions: ['iad1'] },
    env: [],
    latestDeployments: [],
  };
}

/**
 * A list page as GET /v6 (and /v7) answers it.
 * @param {Array<Record<string, any>>} items list items (see listItemOf)
 * @param {number | null} next the `until` of the next page, or null
 */
export function listPage(items, next) {
  return { pagination: { count: items.length, next, prev: null }, deployments: items };
}

/**
 * The list item shape: `uid` instead of `id`, `state` mirror, no `gitSource`. Fields not given
 * (for an injected item) get the simulator's defaults.
 * @param {Partial<Deployment>} d
 */
export function listItemOf(d) {
  const id = d.id ?? d.uid ?? `dpl_${randomString(24)}`;
  const name = d.name ?? 'my-app';
  const createdAt = d.createdAt ?? BASE_CREATED_AT;
  return clone({
    uid: id,
    name,
    url: d.url ?? `${name}-${randomString(9, LOWER_ALNUM)}.vercel.app`,
    created: createdAt,
    createdAt,
    state: d.readyState ?? 'BUILDING',
    readyState: d.readyState ?? 'BUILDING',
    type: d.type ?? 'LAMBDAS',
    creator: d.creator ?? { uid: 'user_simulator' },
    inspectorUrl: d.inspectorUrl ?? null,
    target: d.target ?? null,
    ...(d.customEnvironment ? { customEnvironment: d.customEnvironment } : {}),
    meta: d.meta ?? {},
    projectId: d.projectId ?? 'prj_simulator',
    source: d.source ?? 'git',
    buildingAt: d.buildingAt ?? createdAt + 210,
  });
}

/** @param {string} s */
function decodeSegment(s) {
  return decode(s, () => badRequest('Invalid request: the path contains a malformed escape sequence'));
}
