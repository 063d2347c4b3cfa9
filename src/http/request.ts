// The one HTTP layer under every call the action makes (Vercel and GitHub):
// a timeout per attempt, bounded retries with backoff and jitter, rate-limit waits, a run-wide deadline.
import { ExchangeError, send, type Exchange, type HeaderMap, type RawResponse } from './transport.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Per attempt, body included. */
  timeoutMs: number;
  /** Epoch ms: no attempt starts and no wait runs past it. */
  deadline: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** The cap of any one wait, whatever a Retry-After asks for. */
  maxWaitMs: number;
  /**
   * How long the service's rate-limit windows last, when known: after a 429 (or a server-given wait)
   * a random skew of up to half of it is added (see rateLimitDelay). Unset: a skew of up to 250 ms.
   */
  rateLimitWindowMs?: number;
  /** One line for the log: retries, rate-limit slow-downs. */
  notice: (message: string) => void;
}

export const DEFAULT_POLICY: Omit<RetryPolicy, 'deadline' | 'notice'> = {
  retries: 3,
  timeoutMs: 30_000,
  baseDelayMs: 500,
  maxWaitMs: 60_000,
};

export interface HttpResult {
  status: number;
  headers: HeaderMap;
  text: string;
  attempts: number;
  /**
   * This machine's monotonic time from just before the first attempt was sent to the arrival of
   * this answer: with the answer's Date header, it places the first attempt on the server's clock.
   */
  sinceFirstAttemptMs: number;
  /** Set when retrying stopped early because the run's time budget would be exceeded. */
  outOfBudget?: boolean;
}

/** No response at all (network failure, timeout), after every attempt; or no time left to try. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    /** The status of an answer whose body was not read (too large): the request may have been applied. */
    readonly unreadStatus?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds until a time given as Retry-After (seconds or an HTTP date), or undefined. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The latest a rate-limit window can plausibly end: GitHub's windows last an hour, Vercel's a
 * minute. A reset further ahead than this (99999999999999, a time in ms taken for seconds) says
 * nothing usable; taken at its word it would also be past what a Date can hold.
 */
const MAX_RESET_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * A window's end as epoch ms, from epoch seconds (X-RateLimit-Reset, `error.limit.reset`) or ms
 * (`error.limit.resetMs`); undefined when it is not a plausible time: not a non-negative finite
 * number, or further ahead than any window lasts.
 */
export function plausibleResetMs(value: unknown, unit: 's' | 'ms', now: number): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return undefined;
  const ms = unit === 's' ? number * 1000 : number;
  return ms <= now + MAX_RESET_AHEAD_MS ? ms : undefined;
}

/** What a 429 (or 503) says about when to come back: Retry-After, X-RateLimit-Reset, or the body's error.limit. */
export function rateLimitWaitMs(status: number, headers: HeaderMap, text: string, now: number): number | undefined {
  const retryAfter = retryAfterMs(headers['retry-after'] ?? null, now);
  if (retryAfter !== undefined || status !== 429) return retryAfter;
  const reset = plausibleResetMs(headers['x-ratelimit-reset'], 's', now);
  if (reset !== undefined) return Math.max(0, reset - now);
  try {
    const limit = (JSON.parse(text) as { error?: { limit?: { resetMs?: unknown; reset?: unknown } } }).error?.limit;
    const resetMs = plausibleResetMs(limit?.resetMs, 'ms', now) ?? plausibleResetMs(limit?.reset, 's', now);
    if (resetMs !== undefined) return Math.max(0, resetMs - now);
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

/** The skew's spread when the service's rate-limit window is not known: a little, so parallel requests do not return at once. */
const SMALL_SKEW_WINDOW_MS = 500;

/**
 * The wait before retrying a rate-limited answer (a 429, or any answer naming a time to come back):
 * the server's time, plus a random skew of up to half the rate-limit window. Vercel's CLI does the
 * same, 30 s after Retry-After "to prevent creating a thundering herd" since "many of our APIs use 1
 * minute rate limit buckets" (vercel/vercel packages/cli/src/util/client.ts, `randomSkewMs`): clients
 * told the same Retry-After would otherwise all return at the one moment a token frees up.
 * The skew never pushes the wait past `maxWaitMs` (nor cuts the server's time), and it never takes the
 * time the retry itself needs: it uses at most what the budget leaves after the server's time and one
 * full attempt (`attemptMs`). Pure: `random` is in [0, 1).
 */
export function rateLimitDelay({
  hintMs,
  windowMs = SMALL_SKEW_WINDOW_MS,
  random,
  maxWaitMs,
  budgetLeftMs,
  attemptMs,
}: {
  hintMs: number;
  windowMs?: number;
  random: number;
  maxWaitMs: number;
  budgetLeftMs: number;
  attemptMs: number;
}): { waitMs: number; skewMs: number } {
  if (hintMs >= maxWaitMs) return { waitMs: maxWaitMs, skewMs: 0 };
  const room = Math.min(maxWaitMs - hintMs, budgetLeftMs - hintMs - attemptMs);
  const skewMs = Math.max(0, Math.min((random * windowMs) / 2, room));
  return { waitMs: hintMs + skewMs, skewMs };
}

/** Why there was no response: a line for the user, never the URL or headers. */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors come from Node's own realm, so instanceof Error is not reliable.
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error instanceof ExchangeError) return error.message;
  if (e.name === 'TimeoutError') return `no response within ${timeoutMs / 1000} s`;
  const code = e.code ?? e.cause?.code;
  if (code) return `network error ${code}`;
  return `network error (${e.cause?.message ?? e.message ?? String(error)})`;
}

/**
 * Watches X-RateLimit-Remaining and, when it runs low, spaces request starts over what is left of
 * the window instead of letting concurrent requests collect 429s. Says so once. One gate per
 * rate-limit bucket: Vercel counts each endpoint separately, so its client keeps a gate per endpoint.
 */
export class RateGate {
  private remaining?: number;
  private limit?: number;
  private resetAt?: number;
  private nextStart = 0;
  private said = false;

  /** `endpoint`, when the limit is per endpoint, is named in the notice: "PATCH /v12/deployments/{id}/cancel". */
  constructor(
    private readonly service: string,
    private readonly lowWater = 10,
    private readonly endpoint?: string,
  ) {}

  update(headers: HeaderMap): void {
    const remaining = Number(headers['x-ratelimit-remaining'] ?? NaN);
    // An absurd reset (past what a Date holds, or days ahead) is no information, not a reason to wait.
    const resetAt = plausibleResetMs(headers['x-ratelimit-reset'], 's', Date.now());
    if (!Number.isFinite(remaining) || resetAt === undefined) return;
    // Responses arrive out of order: within one window, the lowest count is the latest. A response
    // from another window (a new one, or a bucket that resets sooner than thought) is taken as it is.
    if (this.resetAt === resetAt && this.remaining !== undefined) this.remaining = Math.min(this.remaining, remaining);
    else {
      this.resetAt = resetAt;
      this.remaining = remaining;
      this.nextStart = 0;
    }
    const limit = Number(headers['x-ratelimit-limit'] ?? NaN);
    if (Number.isFinite(limit)) this.limit = limit;
  }

  /** Wait, if need be, before starting a request; never past `deadline`, nor longer than `maxWaitMs` in all. */
  async beforeRequest(policy: Pick<RetryPolicy, 'deadline' | 'maxWaitMs' | 'notice'>): Promise<void> {
    const began = Date.now();
    // Re-checked after every wait: responses that arrived meanwhile may have lowered the count.
    for (;;) {
      const now = Date.now();
      if (this.remaining === undefined || this.resetAt === undefined || now >= this.resetAt) return;
      if (this.remaining > this.lowWater) {
        this.remaining--;
        return;
      }
      if (!this.said) {
        this.said = true;
        const of = this.limit ? ` of ${this.limit}` : '';
        policy.notice(
          `${this.service}'s rate limit${this.endpoint ? ` for ${this.endpoint}` : ''} is nearly used up (${this.remaining}${of} requests left until ${new Date(this.resetAt).toISOString()}): slowing down.`,
        );
      }
      // Spread what is left over the rest of the window, one start per slot; with nothing left, wait for the reset.
      if (this.remaining > 0 && now >= this.nextStart) {
        this.nextStart = now + (this.resetAt - now) / this.remaining;
        this.remaining--;
        return;
      }
      const until = this.remaining > 0 ? this.nextStart : this.resetAt;
      const wait = Math.min(until - now, began + policy.maxWaitMs - now, policy.deadline - now);
      if (wait <= 0) return;
      await sleep(wait);
    }
  }
}

/**
 * A service's own reading of a rate-limited answer, for a service that signals one with more than a
 * 429 (GitHub also answers 403): undefined when `response` is not one, else the milliseconds from
 * `now` until the limit lifts (Infinity when unknown or not soon).
 */
export type RateLimitReader = (response: RawResponse, now: number) => number | undefined;

/**
 * fetch with the policy: retries 429, 500, 502, 503, 504, network failures and timeouts; returns the
 * last response (retryable or not) with its body read, or throws TransportError when none came.
 */
export async function requestWithRetry(
  url: URL,
  init: Omit<Exchange, 'timeoutMs'>,
  policy: RetryPolicy,
  gate?: RateGate,
  readRateLimit?: RateLimitReader,
): Promise<HttpResult> {
  const what = `${init.method} ${url.pathname}`;
  let firstSent: number | undefined;
  for (let attempt = 1; ; attempt++) {
    await gate?.beforeRequest(policy);
    const budget = policy.deadline - Date.now();
    if (budget <= 0) throw new TransportError('the time budget ran out before this request', attempt - 1);
    const timeoutMs = Math.min(policy.timeoutMs, budget);

    let result: HttpResult | undefined;
    let failure: string;
    let limitedForMs: number | undefined;
    try {
      firstSent ??= performance.now();
      const response = await send(url, { ...init, timeoutMs });
      gate?.update(response.headers);
      result = { ...response, attempts: attempt, sinceFirstAttemptMs: performance.now() - firstSent };
      limitedForMs = readRateLimit?.(response, Date.now());
      if (!RETRYABLE_STATUS.has(response.status) && limitedForMs === undefined) return result;
      failure = limitedForMs === undefined ? `HTTP ${response.status}` : `rate limited (HTTP ${response.status})`;
    } catch (error) {
      failure = describeNetworkError(error, timeoutMs);
      // An answer too large to read, a proxy's 407: another attempt would meet the same.
      if (error instanceof ExchangeError && !error.retryable) {
        const tries = attempt === 1 ? '' : ` (${attempt} attempts)`;
        throw new TransportError(`${failure}${tries}`, attempt, error.unreadStatus);
      }
    }

    const giveUp = (outOfBudget: boolean): HttpResult => {
      if (result) return { ...result, outOfBudget };
      const tries = attempt === 1 ? '' : ` (${attempt} attempts)`;
      throw new TransportError(`${failure}${tries}${outOfBudget ? ', and the time budget allows no more' : ''}`, attempt);
    };
    if (attempt > policy.retries) return giveUp(false);
    // A limit that lifts later than any one wait may last: waiting cannot help, the caller decides.
    if (limitedForMs !== undefined && !(limitedForMs <= policy.maxWaitMs)) return giveUp(false);

    const now = Date.now();
    const hint = limitedForMs ?? (result ? rateLimitWaitMs(result.status, result.headers, result.text, now) : undefined);
    const backoff = Math.min(policy.maxWaitMs, policy.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter on the backoff. A rate limit (a 429, or a server-given time) waits for the server's
    // time, or the backoff when it named none, plus a skew spread over the window (rateLimitDelay).
    let wait = backoff / 2 + (Math.random() * backoff) / 2;
    let skew = '';
    if (hint !== undefined || result?.status === 429) {
      const delay = rateLimitDelay({
        hintMs: hint ?? wait,
        windowMs: policy.rateLimitWindowMs,
        random: Math.random(),
        maxWaitMs: policy.maxWaitMs,
        budgetLeftMs: policy.deadline - now,
        attemptMs: timeoutMs,
      });
      wait = delay.waitMs;
      // Said only where the window is known (Vercel's): elsewhere the skew is the usual little jitter.
      if (policy.rateLimitWindowMs !== undefined)
        skew = ` (${(delay.skewMs / 1000).toFixed(1)} s of it a random skew, so that clients do not all return at once)`;
    }
    if (now + wait >= policy.deadline) return giveUp(true);
    policy.notice(
      `${what}: ${failure}; retrying in ${(wait / 1000).toFixed(1)} s${skew} (attempt ${attempt + 1} of ${policy.retries + 1}).`,
    );
    await sleep(wait);
  }
}
