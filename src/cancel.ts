import { mapConcurrent } from './concurrency.js';
import { earlierAttemptWentThrough } from './earlier-attempt.js';
import type { DeploymentRef } from './inputs.js';
import { VercelError, type VercelClient } from './vercel/client.js';
import { BLOCKED_STATES, FINISHED_STATES, type Deployment } from './vercel/schemas.js';

export type Outcome = 'canceled' | 'already-finished' | 'would-cancel' | 'skipped' | 'failed';

/** One deployment the action acted on, as the outputs and the summary report it. */
export interface DeploymentResult {
  /** Null only when a URL given by the user could not be resolved to a deployment. */
  id: string | null;
  url: string | null;
  inspectorUrl: string | null;
  /** The state the action saw before acting; null when it did not read it. */
  stateBefore: string | null;
  /** The state after the action ran, as the API reported it; null when unknown. */
  readyState: string | null;
  /** Set only when this run canceled the deployment. */
  canceledAt: number | null;
  createdAt: number | null;
  outcome: Outcome;
  reason: string;
}

/** A deployment to act on: what the user named, and what is already known of it. */
export interface CancelTarget {
  ref: DeploymentRef;
  known?: Deployment;
  /** Why it is to be canceled, for the report (superseded mode). */
  why?: string;
}

export interface CancelRun {
  /** One per deployment, in the order of the targets (a deployment named twice: at its first position). */
  results: DeploymentResult[];
  /** Set when the token was rejected: the run stopped, the rest were not attempted. */
  fatal?: VercelError;
}

/** Requests in flight at once for reads (gitSource, ancestry): 50 deployments take 5 rounds. */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Cancels in flight at once: 50 deployments (the issue 11 target) go in one round, more in
 * ⌈n/50⌉. Still a bound, and each request still passes the client's per-endpoint rate-limit gate
 * (src/http/request.ts): once Vercel's X-RateLimit-* headers say the window is spent, the rest
 * wait for it. Vercel's CLI and SDK give no number for parallel cancels; `rate_limited` answers
 * are retried after their reset.
 */
export const CANCEL_CONCURRENCY = 50;

/** A result for a deployment as read, with the fields given; `canceledAt` is set only by a cancel. */
export function resultOf(
  d: Deployment | undefined,
  fields: Partial<DeploymentResult> & Pick<DeploymentResult, 'outcome' | 'reason'>,
): DeploymentResult {
  return {
    id: d?.id ?? null,
    url: d?.url ?? null,
    inspectorUrl: d?.inspectorUrl ?? null,
    stateBefore: d?.readyState ?? null,
    readyState: d?.readyState ?? null,
    canceledAt: null,
    createdAt: d?.createdAt ?? null,
    ...fields,
  };
}

/** The failure line for a deployment, with the hint that fits the status. */
function failureReason(error: unknown, what: string): string {
  if (!(error instanceof VercelError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 404) {
    return `Vercel found no deployment ${what} (404). Check the id or URL, and that team-id/team-slug names the team that owns it (without either, the token's personal account is searched).`;
  }
  if (error.status === 403) {
    return `Vercel refused access to ${what} (403${error.vercelMessage ? `: ${error.vercelMessage}` : ''}). Check that team-id/team-slug names the deployment's team and that the token's scope includes that team.`;
  }
  return error.message;
}

/** What the user named: the id or hostname as given, and the URL to show when it was a hostname. */
function named(ref: DeploymentRef): { what: string; url: string | null } {
  return ref.kind === 'id' ? { what: ref.id, url: null } : { what: ref.host, url: ref.host };
}

/**
 * 410 Gone, which vercel/sdk lists among the failures of get and cancel (deploymentsGetDeployment.ts
 * `M.fail([400, 403, 404, 410, 429, "4XX"])`, deploymentsCancelDeployment.ts `[400, 401, 403, 404, 410]`):
 * the deployment was removed (Vercel's CLI words a 410 "The deployment has been removed",
 * packages/cli/src/util/dev/errors.ts). Nothing is left to cancel: already finished, not a failure.
 */
export const isGone = (error: unknown): error is VercelError => error instanceof VercelError && error.status === 410;

function goneResult(target: CancelTarget, error: VercelError, known?: Deployment): DeploymentResult {
  const { ref } = target;
  const { url } = named(ref);
  const said = error.vercelMessage ?? 'Vercel says the deployment no longer exists';
  return {
    ...resultOf(known, { outcome: 'already-finished', reason: `gone (410): ${said}; nothing to cancel` }),
    id: known?.id ?? (ref.kind === 'id' ? ref.id : null),
    url: known?.url ?? url,
    readyState: null,
  };
}

/** A blocked deployment (BLOCKED_STATES): left alone, never sent a cancel. */
function heldResult(d: Deployment, before = d.readyState): DeploymentResult {
  return resultOf(d, {
    stateBefore: before,
    outcome: 'skipped',
    reason: `blocked (${d.readyState}): Vercel holds it back without building it; this action does not cancel blocked deployments`,
  });
}

/** A `failed` result for the target (`already-finished` for a 410); a rejected token is thrown instead, to stop the run. */
function failedResult(target: CancelTarget, error: unknown, known?: Deployment): DeploymentResult {
  if (error instanceof VercelError && error.tokenRejected) throw error;
  if (isGone(error)) return goneResult(target, error, known);
  const { ref } = target;
  const { what, url } = named(ref);
  return {
    ...resultOf(known, { outcome: 'failed', reason: failureReason(error, what) }),
    id: known?.id ?? (ref.kind === 'id' ? ref.id : null),
    url: known?.url ?? url,
  };
}

/**
 * A hostname becomes a deployment (one GET), so that duplicates can be told apart before any cancel.
 * Returns the target with what was read, or a `failed` result; throws only when the token is rejected.
 */
async function resolveTarget(client: VercelClient, target: CancelTarget, host: string): Promise<CancelTarget | DeploymentResult> {
  try {
    return { ...target, known: await client.getDeployment(host) };
  } catch (error) {
    return failedResult(target, error);
  }
}

/** Whether Vercel reports `d` canceled, and it is the deployment asked for. */
function isCanceled(d: Deployment, id: string): boolean {
  return d.id === id && d.readyState === 'CANCELED';
}

/** What a cancel's answer said, when it did not show the deployment canceled. */
function answerSaid(after: Deployment, id: string): string {
  return after.id !== id ? 'named another deployment' : `said ${after.readyState}, not CANCELED`;
}

/**
 * Cancel one deployment, or (dry run) say whether it would be. Throws only when the token is rejected
 * before anything was sent; once a cancel was sent, its row is always returned (`stopRun` is told
 * of a token rejected afterwards).
 */
async function cancelOne(
  client: VercelClient,
  target: CancelTarget,
  dryRun: boolean,
  stopRun: (error: VercelError) => void,
): Promise<DeploymentResult> {
  const { what } = named(target.ref);
  const failed = (error: unknown, known?: Deployment) => failedResult(target, error, known);
  const finished = (d: Deployment, before = d.readyState): DeploymentResult =>
    resultOf(d, { stateBefore: before, outcome: 'already-finished', reason: `already finished (${d.readyState}): nothing to cancel` });
  const why = target.why ? `: ${target.why}` : '';

  // Read first: the state decides, and a blocked deployment is never sent a cancel (BLOCKED_STATES).
  // (Hostnames were resolved before, in cancelDeployments; superseded mode knows its deployments.)
  let known = target.known;
  if (!known) {
    try {
      known = await client.getDeployment(what);
    } catch (error) {
      return failed(error);
    }
  }
  if (BLOCKED_STATES.has(known.readyState)) return heldResult(known);
  if (FINISHED_STATES.has(known.readyState)) return finished(known);
  if (dryRun) {
    const because = target.why ? `${target.why}; ` : '';
    return resultOf(known, { outcome: 'would-cancel', reason: `dry run: ${because}in progress (${known.readyState}), would be canceled` });
  }

  const id = known.id;
  const stateBefore = known.readyState;
  const canceled = (d: Deployment, how = ''): DeploymentResult =>
    resultOf(d, { stateBefore, canceledAt: d.canceledAt ?? null, outcome: 'canceled', reason: `canceled by this run${why}${how}` });

  /**
   * The cancel's answer did not show the deployment canceled: only what Vercel reports counts, so
   * read it once more and report that. `said` is what the answer was, for the reason.
   */
  const readAgain = async (said: string): Promise<DeploymentResult> => {
    let now: Deployment;
    try {
      now = await client.getDeployment(id);
    } catch (error) {
      if (error instanceof VercelError && error.tokenRejected) stopRun(error);
      if (isGone(error)) return { ...goneResult(target, error, known), stateBefore };
      const why = error instanceof Error ? error.message : String(error);
      return { ...failed(new Error(`${said}; reading it again failed: ${why}`), known), stateBefore };
    }
    if (now.id !== id) return { ...failed(new Error(`${said}; reading it again named another deployment`), known), stateBefore };
    if (isCanceled(now, id)) return canceled(now, ` (${said}; reading it again found it CANCELED)`);
    if (BLOCKED_STATES.has(now.readyState)) return heldResult(now, stateBefore);
    if (FINISHED_STATES.has(now.readyState)) return finished(now, stateBefore);
    return resultOf(now, {
      stateBefore,
      outcome: 'failed',
      reason: `${said}; reading it again found it still ${now.readyState}: the cancel did not take effect (yet)`,
    });
  };

  try {
    const after = await client.cancelDeployment(id);
    if (isCanceled(after, id)) return canceled(after);
    return await readAgain(`Vercel answered the cancel with HTTP 200 but ${answerSaid(after, id)}`);
  } catch (error) {
    if (!(error instanceof VercelError)) return failed(error, known);
    // An answer came but could not be read (too large): the cancel may have been applied.
    if (error.unreadStatus !== undefined) return await readAgain(error.message);
    // 400: Vercel refuses to cancel a finished deployment. Read it again to tell "finished" from a real error.
    if (error.status !== 400) return failed(error, known);
    let now: Deployment;
    try {
      now = await client.getDeployment(id);
    } catch (again) {
      return isGone(again) ? { ...goneResult(target, again, known), stateBefore } : failed(error, known);
    }
    if (now.id !== id) return failed(error, known);
    // A 400 on a retry for a deployment now CANCELED: the attempt whose answer was lost (a timeout,
    // a reset, a 5xx) may have gone through. Decided on Vercel's clock alone (earlier-attempt.ts).
    const verdict = earlierAttemptWentThrough({
      attempts: error.attempts,
      readyState: now.readyState,
      canceledAt: now.canceledAt,
      refusedAtServer: error.serverDate,
      sinceFirstAttemptMs: error.sinceFirstAttemptMs ?? 0,
    });
    if (verdict === 'this-run') {
      return canceled(now, ' (an earlier attempt went through without an answer; the retry found it canceled)');
    }
    if (verdict === 'unknown') {
      return resultOf(now, {
        stateBefore,
        outcome: 'already-finished',
        reason:
          'already finished (CANCELED): nothing to cancel. An earlier attempt of this run, whose answer was lost, may have canceled it; Vercel did not say when (no Date header or canceledAt) to tell.',
      });
    }
    if (BLOCKED_STATES.has(now.readyState)) return heldResult(now, stateBefore);
    if (FINISHED_STATES.has(now.readyState)) return finished(now, stateBefore);
    return failed(error, now);
  }
}

/** The deployment a target names, when known without asking: its id, or the id a hostname resolved to. */
function idOf(target: CancelTarget): string | undefined {
  return target.known?.id ?? (target.ref.kind === 'id' ? target.ref.id : undefined);
}

/**
 * Cancel the targets, at most `concurrency` at a time; one outcome per deployment, in target order.
 * Hostnames are resolved first (one GET each), so a deployment named twice (its id and its URL) is
 * acted on and reported once, at its first position. A hostname that cannot be resolved is a
 * `failed` row in its place. One failure does not stop the rest; a rejected token stops everything
 * not yet started.
 */
export async function cancelDeployments(
  client: VercelClient,
  targets: CancelTarget[],
  { dryRun, concurrency = CANCEL_CONCURRENCY }: { dryRun: boolean; concurrency?: number },
): Promise<CancelRun> {
  let fatal: VercelError | undefined;
  const stopRun = (error: VercelError) => (fatal ??= error);
  // Runs `work` for one target. A rejected token becomes the run's fatal error (the target is then
  // reported not attempted); anything else thrown is that target's failure alone: the other
  // targets' results, cancels that went through included, always stand.
  const guarded = async <T>(target: CancelTarget, work: () => Promise<T>): Promise<T | DeploymentResult | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof VercelError && error.tokenRejected) {
        stopRun(error);
        return undefined;
      }
      return failedResult(target, error);
    }
  };

  // 1. Hostnames to deployments. Ids need no request; only hostnames take a slot.
  const resolved: Array<CancelTarget | DeploymentResult | undefined> = [...targets];
  const toResolve = targets.flatMap((target, index) =>
    !target.known && target.ref.kind === 'host' ? [{ index, host: target.ref.host }] : [],
  );
  for (const { index } of toResolve) resolved[index] = undefined;
  const lookups = await mapConcurrent(
    toResolve,
    concurrency,
    ({ index, host }) => guarded(targets[index]!, () => resolveTarget(client, targets[index]!, host)),
    () => fatal !== undefined,
  );
  toResolve.forEach(({ index }, i) => (resolved[index] = lookups[i]));

  // 2. One entry per deployment, at its first position. A later duplicate may bring what it read.
  const entries: Array<{ target: CancelTarget; result?: DeploymentResult }> = [];
  const byId = new Map<string, { target: CancelTarget }>();
  targets.forEach((original, index) => {
    const item = resolved[index];
    if (item && !('ref' in item)) {
      entries.push({ target: original, result: item });
      return;
    }
    // Not resolved (the token was rejected first): no id to compare, and it will be skipped anyway.
    const target = item ?? original;
    const id = item ? idOf(target) : undefined;
    const first = id === undefined ? undefined : byId.get(id);
    if (first) first.target.known ??= target.known;
    else {
      const entry = { target: { ...target } };
      entries.push(entry);
      if (id !== undefined) byId.set(id, entry);
    }
  });

  // 3. Cancel (or, dry run, read) each deployment once.
  if (!fatal) {
    const pending = entries.filter((entry) => !entry.result);
    const outcomes = await mapConcurrent(
      pending,
      concurrency,
      (entry) => guarded(entry.target, () => cancelOne(client, entry.target, dryRun, stopRun)),
      () => fatal !== undefined,
    );
    pending.forEach((entry, i) => (entry.result = outcomes[i]));
  }

  const results = entries.map(({ target, result }) => {
    if (result) return result;
    const ref = target.ref;
    return resultOf(target.known, {
      id: target.known?.id ?? (ref.kind === 'id' ? ref.id : null),
      url: target.known?.url ?? (ref.kind === 'host' ? ref.host : null),
      outcome: 'skipped',
      reason: 'not attempted: Vercel rejected the token',
    });
  });
  return { results, fatal };
}
