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
  /** In the order of the targets. */
  results: DeploymentResult[];
  /** Set when the token was rejected: the run stopped, the rest were not attempted. */
  fatal?: VercelError;
}

/** Requests in flight at once: 50 deployments take 5 rounds. */
export const DEFAULT_CONCURRENCY = 10;

function resultOf(
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

/** Cancel one deployment, or (dry run) say whether it would be. Throws only when the token is rejected. */
async function cancelOne(client: VercelClient, target: CancelTarget, dryRun: boolean): Promise<DeploymentResult> {
  const { ref } = target;
  const what = ref.kind === 'id' ? ref.id : ref.host;
  const url = ref.kind === 'host' ? ref.host : null;
  const failed = (error: unknown, known?: Deployment): DeploymentResult => {
    if (error instanceof VercelError && error.tokenRejected) throw error;
    return {
      ...resultOf(known, { outcome: 'failed', reason: failureReason(error, what) }),
      id: known?.id ?? (ref.kind === 'id' ? ref.id : null),
      url: known?.url ?? url,
    };
  };
  const finished = (d: Deployment, before = d.readyState): DeploymentResult =>
    resultOf(d, { stateBefore: before, outcome: 'already-finished', reason: `already finished (${d.readyState}): nothing to cancel` });

  // Read first when the state is needed to decide (dry run) or a URL must become an id.
  let known = target.known;
  if (!known && (dryRun || ref.kind === 'host')) {
    try {
      known = await client.getDeployment(what);
    } catch (error) {
      return failed(error);
    }
  }
  if (known && FINISHED_STATES.has(known.readyState)) return finished(known);
  if (dryRun) {
    const why = target.why ? `${target.why}; ` : '';
    return resultOf(known, { outcome: 'would-cancel', reason: `dry run: ${why}in progress (${known!.readyState}), would be canceled` });
  }

  const id = known?.id ?? what;
  try {
    const after = await client.cancelDeployment(id);
    return resultOf(after, {
      stateBefore: known?.readyState ?? null,
      canceledAt: after.canceledAt ?? null,
      outcome: 'canceled',
      reason: target.why ? `canceled by this run: ${target.why}` : 'canceled by this run',
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
    if (FINISHED_STATES.has(now.readyState)) return finished(now, known?.readyState ?? now.readyState);
    return failed(error, now);
  }
}

/**
 * Cancel the targets, at most `concurrency` at a time; one outcome per target, in target order.
 * One failure does not stop the rest; a rejected token stops everything not yet started.
 */
export async function cancelDeployments(
  client: VercelClient,
  targets: CancelTarget[],
  { dryRun, concurrency = DEFAULT_CONCURRENCY }: { dryRun: boolean; concurrency?: number },
): Promise<CancelRun> {
  let fatal: VercelError | undefined;
  const results = await mapConcurrent(
    targets,
    concurrency,
    async (target) => {
      try {
        return await cancelOne(client, target, dryRun);
      } catch (error) {
        fatal ??= error as VercelError; // cancelOne throws only for a rejected token
        return undefined;
      }
    },
    () => fatal !== undefined,
  );

  const filled = targets.map((target, index) => {
    const result = results[index];
    if (result) return result;
    const ref = target.ref;
    return resultOf(target.known, {
      id: target.known?.id ?? (ref.kind === 'id' ? ref.id : null),
      url: target.known?.url ?? (ref.kind === 'host' ? ref.host : null),
      outcome: 'skipped',
      reason: 'not attempted: Vercel rejected the token',
    });
  });
  return { results: filled, fatal };
}
