// "Did an earlier attempt of this run's cancel go through?" A pure rule, apart from the I/O.
//
// The case: a cancel is sent, its answer is lost (a timeout, a reset, a 5xx), the retry is refused
// with 400 because the deployment is no longer in progress, and a re-read shows it CANCELED. Either
// the lost attempt canceled it, or it was canceled before this run's first attempt. Vercel's
// `canceledAt` is on Vercel's clock; comparing it with this machine's clock reads a 10 s skew as
// "canceled before". So the rule uses Vercel's clock only: the refusal's Date header, taken back to
// the first attempt with a duration this machine measured (a monotonic clock, no skew involved).

/** What is known when a retried cancel was refused and the deployment was read again. */
export interface RefusedRetry {
  /** Cancel attempts made. Only above 1 can an earlier one have gone through unanswered. */
  attempts: number;
  /** The deployment's state as read after the refusal. */
  readyState: string;
  /** When Vercel recorded the cancel, on Vercel's clock (epoch ms), if it says. */
  canceledAt: number | null | undefined;
  /** Vercel's clock when it sent the refusal: its Date header (epoch ms, whole seconds), if any. */
  refusedAtServer: number | undefined;
  /** This machine's time from just before the first attempt was sent to the refusal's arrival (ms). */
  sinceFirstAttemptMs: number;
}

/**
 * Room for the Date header and `canceledAt` coming from two of Vercel's own machines (an edge and
 * the API), whose clocks are synchronised but not to the millisecond.
 */
export const VERCEL_CLOCKS_SLACK_MS = 1000;

export type Verdict = 'this-run' | 'before-this-run' | 'unknown';

/**
 * Whether the cancel Vercel recorded is this run's own, from an attempt whose answer was lost.
 *
 * The bound: the refusal left Vercel at server time S, and its Date header D is S truncated to the
 * second (or older, from a cached value), so D <= S. The first attempt left this machine
 * `sinceFirstAttemptMs` before the refusal arrived, which is at least as long as Vercel's clock
 * advanced between receiving that attempt and sending the refusal. So on Vercel's clock, the first
 * attempt arrived at or after D - sinceFirstAttemptMs, and a cancel it applied has a `canceledAt` at
 * or after that: this run's own cancel is never mistaken for an older one.
 * The price, the other way: a cancel by someone else at most ~1 s (the Date's truncation) + the
 * refusal's transit + the slack before the first attempt would be counted as this run's.
 * Without a Date header or a `canceledAt`, it cannot be told: 'unknown'.
 */
export function earlierAttemptWentThrough(evidence: RefusedRetry): Verdict {
  const { attempts, readyState, canceledAt, refusedAtServer, sinceFirstAttemptMs } = evidence;
  if (attempts <= 1 || readyState !== 'CANCELED') return 'before-this-run';
  if (typeof canceledAt !== 'number' || refusedAtServer === undefined || !Number.isFinite(refusedAtServer)) return 'unknown';
  const firstAttemptAtServer = refusedAtServer - Math.max(0, sinceFirstAttemptMs) - VERCEL_CLOCKS_SLACK_MS;
  return canceledAt >= firstAttemptAtServer ? 'this-run' : 'before-this-run';
}
