// GET requests to GitHub's REST API through the action's own HTTP layer: the same timeouts, retries,
// proxy support and rate-limit handling as for Vercel, and no client library to load.
import { RateGate, requestWithRetry, TransportError, type RetryPolicy } from '../http/request.js';
import type { HeaderMap } from '../http/transport.js';
import { rateLimitOf, type RateLimit } from './answers.js';

export interface GitHubApi {
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  token: string;
  policy: RetryPolicy;
  /** One per run: GitHub counts a token's requests in one primary bucket ("core"). */
  gate: RateGate;
}

export type GitHubAnswer =
  | { kind: 'ok'; body: unknown }
  /** A 403 or 429 that is a rate limit, still there after the waits the policy allows. */
  | { kind: 'rate-limited'; limit: RateLimit }
  /** Any other non-2xx answer, after the retries the policy allows (5xx included). */
  | { kind: 'failed'; status: number; headers: HeaderMap }
  /** No answer at all: network failures, timeouts, no time left. */
  | { kind: 'no-answer'; message: string };

// GitHub requires a User-Agent on every request ("Getting started with the REST API", User agent:
// "Requests with no User-Agent header will be rejected"); the version header pins the documented API.
const HEADERS = {
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
  'User-Agent': 'vercel-cancel-deployment-action',
};

export function gitHubApi(options: { apiUrl: string; token: string; policy: RetryPolicy }): GitHubApi {
  return { ...options, gate: new RateGate('GitHub') };
}

/** `path` is already encoded; the token goes in the Authorization header only. */
export async function githubGet(api: GitHubApi, path: string, query: Record<string, string> = {}): Promise<GitHubAnswer> {
  const url = new URL(`${api.apiUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  try {
    const result = await requestWithRetry(
      url,
      { method: 'GET', headers: { ...HEADERS, Authorization: `Bearer ${api.token}` } },
      api.policy,
      api.gate,
      (response, now) => rateLimitOf(response.status, response.headers, response.text, now)?.waitMs,
    );
    const limit = rateLimitOf(result.status, result.headers, result.text, Date.now());
    if (limit) return { kind: 'rate-limited', limit };
    if (result.status < 200 || result.status > 299) return { kind: 'failed', status: result.status, headers: result.headers };
    try {
      return { kind: 'ok', body: JSON.parse(result.text) as unknown };
    } catch {
      return { kind: 'failed', status: result.status, headers: result.headers };
    }
  } catch (error) {
    if (error instanceof TransportError) return { kind: 'no-answer', message: error.message };
    throw error;
  }
}
