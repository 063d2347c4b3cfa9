import { mapConcurrent } from './concurrency.js';
import type { DeploymentRef } from './inputs.js';
import { VercelError, type VercelClient } from './vercel/client.js';
import { FINISHED_STATES, type Deployment } from './vercel/schemas.js';

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

/** Requests in flight at once: 50 deployments take 5 rounds. */
export const DEFAULT_CONCURRENCY = 10;

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

/** A `failed` result for the target; a rejected token is thrown instead, to stop the run. */
function failedResult(target: CancelTarget, error: unknown, known?: Deployment): DeploymentResult {
  if (error instanceof VercelError && error.tokenRejected) throw error;
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

/** Cancel one deployment, or (dry run) say whether it would be. Throws only when the token is rejected. */
async function cancelOne(client: VercelClient, target: CancelTarget, dryRun: boolean): Promise<DeploymentResult> {
  const { what } = named(target.ref);
  const failed = (error: unknown, known?: Deployment) => failedResult(target, error, known);
  const finished = (d: Deployment, before = d.readyState): DeploymentResult =>
    resultOf(d, { stateBefore: before, outcome: 'already-finished', reason: `already finished (${d.readyState}): nothing to cancel` });
  const why = target.why ? `: ${target.why}` : '';

  // A dry run reads first: the state decides. (Hostnames were resolved before, in cancelDeployments.)
  let known = target.known;
  if (!known && dryRun) {
    try {
      known = await client.getDeployment(what);
    } catch (error) {
      return failed(error);
    }
  }
  if (known && FINISHED_STATES.has(known.readyState)) return finished(known);
  if (dryRun) {
    const because = target.why ? `${target.why}; ` : '';
    return resultOf(known, { outcome: 'would-cancel', reason: `dry run: ${because}in progress (${known!.readyState}), would be canceled` });
  }

  const id = known?.id ?? what;
  // Before the first attempt: a cancel Vercel records from this moment on may be this run's own.
  const firstSent = Date.now();
  try {
    const after = await client.cancelDeployment(id);
    return resultOf(after, {
      stateBefore: known?.readyState ?? null,
      canceledAt: after.canceledAt ?? null,
      outcome: 'canceled',
      reason: `canceled by this run${why}`,
    });
  } catch (error) {
    // 400: Vercel refuses to cancel a finished deployment. Read it again to tell "finished" from a real error.
    if (!(error instanceof VercelError) || error.status !== 400) return failed(error, known);
    let now: Deployment;
    try {
      now = await client.getDeployment(id);
    } catch {
      return failed(error, known);
    }
    // A 400 on a retry, for a deployment canceled since this run's first attempt: that attempt went
    // through (a timeout, a reset or a 5xx hid its answer), so this run canceled it.
    if (error.attempts > 1 && now.readyState === 'CANCELED' && typeof now.canceledAt === 'number' && now.canceledAt >= firstSent) {
      return resultOf(now, {
        stateBefore: known?.readyState ?? null,
        canceledAt: now.canceledAt,
        outcome: 'canceled',
        reason: `canceled by this run${why} (an earlier attempt went through without an answer; the retry found it canceled)`,
      });
    }
    if (FINISHED_STATES.has(now.readyState)) return finished(now, known?.readyState ?? now.readyState);
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
  { dryRun, concurrency = DEFAULT_CONCURRENCY }: { dryRun: boolean; concurrency?: number },
): Promise<CancelRun> {
  let fatal: VercelError | undefined;
  // Runs `work`, turning a rejected token (the only thing thrown) into the run's fatal error.
  const guarded = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      fatal ??= error as VercelError;
      return undefined;
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
    ({ index, host }) => guarded(() => resolveTarget(client, targets[index]!, host)),
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
      (entry) => guarded(() => cancelOne(client, entry.target, dryRun)),
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
