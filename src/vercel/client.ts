import type * as z from 'zod/mini';
import { DEFAULT_POLICY, RateGate, requestWithRetry, TransportError, type HttpResult, type RetryPolicy } from '../http/request.js';
import {
  DeploymentListSchema,
  DeploymentSchema,
  ErrorBodySchema,
  ProjectSchema,
  type Deployment,
  type ListedDeployment,
  type Project,
} from './schemas.js';

/** Team scope, sent as a query parameter on every request. */
export type Scope = { teamId: string } | { slug: string } | Record<string, never>;

export interface VercelClientOptions {
  apiUrl: string;
  token: string;
  scope: Scope;
  /** Timeouts, retries, the run's deadline. Default: DEFAULT_POLICY, 5 minutes, silent. */
  policy?: Partial<RetryPolicy>;
}

/**
 * A request that did not give the action what it needed. `status` is absent for network
 * failures and timeouts. Messages name the endpoint (method and path, never the query or headers).
 */
export class VercelError extends Error {
  readonly endpoint: string;
  readonly status?: number;
  readonly code?: string;
  /** Vercel's own message, when it sent one. */
  readonly vercelMessage?: string;
  /** 403/401 flagged invalidToken/missingToken: no other request can succeed either. */
  readonly tokenRejected: boolean;
  /**
   * Attempts made (0 when the time budget ran out before the first). Above 1, an earlier attempt may
   * have reached Vercel and been applied without its answer arriving (a timeout, a reset, a 5xx).
   */
  readonly attempts: number;
  /** An answer with this status came, but its body was not read (too large): the request may have been applied. */
  readonly unreadStatus?: number;
  /** Vercel's clock when it answered: the Date header in epoch ms (whole seconds), when it sent a valid one. */
  readonly serverDate?: number;
  /** This machine's time from just before the first attempt to this answer (monotonic ms). */
  readonly sinceFirstAttemptMs?: number;

  constructor(
    message: string,
    details: {
      endpoint: string;
      status?: number;
      code?: string;
      vercelMessage?: string;
      tokenRejected?: boolean;
      attempts?: number;
      unreadStatus?: number;
      serverDate?: number;
      sinceFirstAttemptMs?: number;
    },
  ) {
    super(message);
    this.name = 'VercelError';
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.code = details.code;
    this.vercelMessage = details.vercelMessage;
    this.tokenRejected = details.tokenRejected ?? false;
    this.attempts = details.attempts ?? 1;
    this.unreadStatus = details.unreadStatus;
    this.serverDate = details.serverDate;
    this.sinceFirstAttemptMs = details.sinceFirstAttemptMs;
  }
}

const USER_AGENT = 'vercel-cancel-deployment-action';

/**
 * Vercel's rate-limit windows: "Many of our APIs use 1 minute rate limit buckets" (vercel/vercel
 * packages/cli/src/util/client.ts, where the CLI adds up to 30 s of random skew after Retry-After).
 * After a 429 the retry adds a random skew of up to half of it (http/request.ts rateLimitDelay).
 */
export const VERCEL_RATE_LIMIT_WINDOW_MS = 60_000;

/** The only code that talks to Vercel. It knows nothing of GitHub. */
export class VercelClient {
  private readonly options: VercelClientOptions;
  private readonly policy: RetryPolicy;
  /** Vercel counts its rate limits per endpoint: one gate each, keyed by method and path template. */
  private readonly gates = new Map<string, RateGate>();

  constructor(options: VercelClientOptions) {
    this.options = options;
    this.policy = {
      ...DEFAULT_POLICY,
      rateLimitWindowMs: VERCEL_RATE_LIMIT_WINDOW_MS,
      deadline: Date.now() + 300_000,
      notice: () => undefined,
      ...options.policy,
    };
  }

  /** GET /v13/deployments/{idOrHostname}. */
  getDeployment(idOrHost: string, { withGitRepoInfo = false } = {}): Promise<Deployment> {
    const query: Record<string, string> = withGitRepoInfo ? { withGitRepoInfo: 'true' } : {};
    return this.request('GET', '/v13/deployments/{idOrUrl}', `/v13/deployments/${encodeURIComponent(idOrHost)}`, query, DeploymentSchema);
  }

  /** PATCH /v12/deployments/{id}/cancel: the deployment as it is after cancelling. */
  cancelDeployment(id: string): Promise<Deployment> {
    return this.request('PATCH', '/v12/deployments/{id}/cancel', `/v12/deployments/${encodeURIComponent(id)}/cancel`, {}, DeploymentSchema);
  }

  /** One page of GET /v6/deployments; `next` says where the following page starts (see nextPageOf). */
  async listDeployments(query: Record<string, string>): Promise<{ deployments: ListedDeployment[]; next: NextPage }> {
    const page = await this.request('GET', '/v6/deployments', '/v6/deployments', query, DeploymentListSchema);
    return { deployments: page.deployments, next: nextPageOf(page.pagination.next) };
  }

  /**
   * GET /v9/projects/{idOrName} (vercel/sdk `projectsGetProject`): the project, or a 404 VercelError.
   * Vercel's CLI resolves a project the same way before it lists, at /v8 (packages/cli/src/util/projects/
   * get-project-by-id-or-name.ts, which maps 404 to ProjectNotFound).
   */
  getProject(idOrName: string): Promise<Project> {
    return this.request('GET', '/v9/projects/{idOrName}', `/v9/projects/${encodeURIComponent(idOrName)}`, {}, ProjectSchema);
  }

  /** The gate for one endpoint ("PATCH /v12/deployments/{id}/cancel"), made on first use. */
  private gateFor(endpoint: string): RateGate {
    let gate = this.gates.get(endpoint);
    if (!gate) this.gates.set(endpoint, (gate = new RateGate('Vercel', undefined, endpoint)));
    return gate;
  }

  /** `template` names the endpoint for its rate limit; `path` is the one requested. */
  private async request<S extends z.ZodMiniType>(
    method: string,
    template: string,
    path: string,
    query: Record<string, string>,
    schema: S,
  ): Promise<z.infer<S>> {
    const endpoint = `${method} ${path}`;
    const url = new URL(this.options.apiUrl + path);
    for (const [key, value] of Object.entries({ ...this.options.scope, ...query })) url.searchParams.set(key, value);

    let result: HttpResult;
    try {
      result = await requestWithRetry(
        url,
        { method, headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json', 'User-Agent': USER_AGENT } },
        this.policy,
        this.gateFor(`${method} ${template}`),
      );
    } catch (error) {
      const why = error instanceof TransportError ? error.message : String(error);
      throw new VercelError(`${endpoint} failed: ${why}`, {
        endpoint,
        attempts: error instanceof TransportError ? error.attempts : undefined,
        unreadStatus: error instanceof TransportError ? error.unreadStatus : undefined,
      });
    }

    const body = parseJson(result.text);
    if (result.status < 200 || result.status > 299) throw httpError(endpoint, result, body);
    if (body === undefined) {
      throw new VercelError(`${endpoint} returned HTTP ${result.status} with a body that is not JSON`, {
        endpoint,
        status: result.status,
        attempts: result.attempts,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : '(body)';
      throw new VercelError(`${endpoint} returned a response the action cannot use: field \`${field}\`: ${issue.message}`, {
        endpoint,
        status: result.status,
        attempts: result.attempts,
      });
    }
    return parsed.data;
  }
}

/**
 * `pagination.next` of a list page: a ms timestamp, null on the last page, or `{ unusable }` when
 * it is neither, which paging cannot follow (said in words, never quoted: it is untrusted text).
 */
export type NextPage = number | null | { unusable: string };

/**
 * Vercel documents `next` as a number or null (SDK `src/models/pagination.ts`, see
 * /work/shared/vercel-api.md §2), but its generated client docs type it as a string
 * (vercel/vercel `packages/client/docs/models/operations/pagination.md`): a string of digits is the
 * same timestamp. Absent is the last page, as for Vercel's CLI (`fetchPaginated`).
 */
export function nextPageOf(next: unknown): NextPage {
  if (next === null || next === undefined) return null;
  const value = typeof next === 'string' && /^\s*\d+\s*$/.test(next) ? Number(next) : next;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'number') return { unusable: 'a number that is not a timestamp' };
  return {
    unusable: typeof next === 'string' ? 'a string that is not a number' : `of type ${Array.isArray(next) ? 'array' : typeof next}`,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function httpError(endpoint: string, result: HttpResult, body: unknown): VercelError {
  const { status, attempts, outOfBudget } = result;
  const detail = ErrorBodySchema.safeParse(body);
  const { code, message, invalidToken, missingToken } = detail.success ? detail.data : {};
  const tokenRejected = (status === 401 || status === 403) && Boolean(invalidToken || missingToken);
  const said = body === undefined ? 'a body that is not JSON' : [code, message].filter(Boolean).join(': ') || 'no error message';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const budget = outOfBudget ? '; the time budget allows no more' : '';
  const serverDate = Date.parse(result.headers.date ?? '');
  return new VercelError(`${endpoint} returned HTTP ${status} (${said})${tries}${budget}`, {
    endpoint,
    status,
    code,
    vercelMessage: message,
    tokenRejected,
    attempts,
    serverDate: Number.isNaN(serverDate) ? undefined : serverDate,
    sinceFirstAttemptMs: result.sinceFirstAttemptMs,
  });
}
