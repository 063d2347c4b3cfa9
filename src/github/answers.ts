// What GitHub's answers mean for ancestry. Pure: status, headers and body in, a meaning out, no I/O.
import type { HeaderMap } from '../http/transport.js';
import type { Ancestry } from '../supersede.js';

const short = (sha: string) => sha.slice(0, 7);

/** GitHub's documented wait when a secondary rate limit names no time: "wait for at least one minute". */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

/** An answer that is no answer: a rate limit, and how long until it lifts (Infinity: unknown or not soon). */
export interface RateLimit {
  kind: 'primary' | 'secondary';
  waitMs: number;
  /** Epoch ms when the primary limit resets, when GitHub said so. */
  resetAt?: number;
}

function messageOf(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch seconds as epoch ms, or undefined for a value no clock can hold (Date's range is ±8.64e15 ms). */
function epochSecondsToMs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const ms = Number(value) * 1000;
  return ms <= 8.64e15 ? ms : undefined;
}

/**
 * Whether GitHub's answer is a rate limit rather than a verdict, per GitHub's docs ("Rate limits for
 * the REST API", Exceeding the rate limit — github/docs
 * content/rest/using-the-rest-api/rate-limits-for-the-rest-api.md): "If you exceed your primary rate
 * limit, you will receive a 403 or 429 response, and the x-ratelimit-remaining header will be 0 ...
 * not retry until after the time specified by the x-ratelimit-reset header"; a secondary limit is "a
 * 403 or 429 response and an error message that indicates that you exceeded a secondary rate limit.
 * If the retry-after response header is present, you should not retry ... until after that many
 * seconds ... Otherwise, wait for at least one minute". Any 429, and a 403 whose message speaks of a
 * rate limit, count too: reading a limit as a refusal is what must never happen (a refusal lets
 * creation order stand in for ancestry), while the reverse only leaves builds alone.
 */
export function rateLimitOf(status: number, headers: HeaderMap, text: string, now: number): RateLimit | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const message = messageOf(text) ?? '';
  const retryAfter = headers['retry-after'];
  const exhausted = headers['x-ratelimit-remaining']?.trim() === '0';
  const mentions = /rate limit/i.test(message);
  if (status === 403 && !exhausted && !mentions && retryAfter === undefined) return undefined;

  const kind = exhausted && !/secondary/i.test(message) ? 'primary' : 'secondary';
  if (retryAfter !== undefined && /^\s*\d+\s*$/.test(retryAfter)) return { kind, waitMs: Number(retryAfter) * 1000 };
  if (exhausted) {
    const resetAt = epochSecondsToMs(headers['x-ratelimit-reset']);
    return resetAt === undefined ? { kind, waitMs: Infinity } : { kind, waitMs: Math.max(0, resetAt - now), resetAt };
  }
  return { kind, waitMs: SECONDARY_LIMIT_WAIT_MS };
}

/** Why ancestry stays unknown under a rate limit: transient, so the builds are left alone. */
export function rateLimitedAncestry(limit: RateLimit): Ancestry {
  const until =
    limit.resetAt !== undefined
      ? ` until ${new Date(limit.resetAt).toISOString()}`
      : Number.isFinite(limit.waitMs)
        ? ` for ${Math.ceil(limit.waitMs / 1000)} s`
        : '';
  const which = limit.kind === 'primary' ? "github-token's rate limit is used up" : "GitHub's secondary rate limit was hit";
  return { relation: 'unknown', why: `${which}${until}`, transient: true };
}

/** What a compare's `status` says about BASE (a candidate's commit) against HEAD (the current commit). */
export function relationOfCompare(status: unknown, sha: string, head: string): Ancestry {
  switch (status) {
    case 'ahead':
      return { relation: 'older' };
    case 'behind':
      return { relation: 'newer' };
    case 'identical':
      return { relation: 'same' };
    case 'diverged':
      return { relation: 'unknown', why: `history diverged between ${short(sha)} and ${short(head)} (a force-push?)` };
    default:
      return { relation: 'unknown', why: `GitHub compared ${short(sha)} with status ${JSON.stringify(status)}` };
  }
}

/**
 * What a failed answer (not 2xx, not a rate limit) means. A 404 (the commit is gone, e.g. force-pushed
 * away, or the repository is not visible to the token) and a refused token are facts the creation-time
 * fallback may stand in for; a 5xx or anything else unexpected is transient.
 */
export function refusalOf(status: number, api: string, repository: string, subject: string): Ancestry {
  if (status === 404) return { relation: 'unknown', why: `${subject} not found in ${repository}` };
  if (status === 401) return { relation: 'unknown', why: 'GitHub rejected github-token (401)' };
  if (status === 403) return { relation: 'unknown', why: `github-token may not read ${repository} (403): grant it contents: read` };
  return { relation: 'unknown', why: `GitHub's ${api} answered ${status}`, transient: true };
}

/**
 * The candidates that the current commit's recent history answers: a commit listed there is the
 * current commit or one of its ancestors (the list follows every parent, so commits of merged
 * branches are ancestors too). The others need a compare. Shas are matched without regard to case.
 */
export function answeredByHistory(
  listed: readonly string[],
  head: string,
  shas: readonly string[],
): { answers: Map<string, Ancestry>; rest: string[] } {
  const inHistory = new Set(listed.map((sha) => sha.toLowerCase()));
  const answers = new Map<string, Ancestry>();
  const rest: string[] = [];
  for (const sha of shas) {
    const key = sha.toLowerCase();
    if (key === head.toLowerCase()) answers.set(sha, { relation: 'same' });
    else if (inHistory.has(key)) answers.set(sha, { relation: 'older' });
    else rest.push(sha);
  }
  return { answers, rest };
}
