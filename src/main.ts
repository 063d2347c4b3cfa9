import * as core from '@actions/core';
import { cancelDeployments, DEFAULT_CONCURRENCY, type DeploymentResult } from './cancel.js';
import { listInProgress, MAX_PAGES, toCandidates } from './candidates.js';
import { compareCommits, preloadOctokit } from './github/ancestry.js';
import { currentCommit, EventError } from './github/event.js';
import type { RetryPolicy } from './http/request.js';
import { InputError, readInputs, type Inputs } from './inputs.js';
import { countsLine, report } from './report.js';
import { commitsToCompare, decide } from './supersede.js';
import { VercelClient, VercelError } from './vercel/client.js';

/** What a mode did: lines for the log and summary, a result per deployment, the one the outputs describe. */
interface ModeResult {
  lines: string[];
  results: DeploymentResult[];
  primary?: DeploymentResult;
  fatal?: VercelError;
}

/** By id: cancel the deployments the user named, in that order; the first one is the primary. */
async function cancelById(inputs: Inputs, client: VercelClient): Promise<ModeResult> {
  const { results, fatal } = await cancelDeployments(client, inputs.deployments.map((ref) => ({ ref })), { dryRun: inputs.dryRun });
  return { lines: [countsLine(results)], results, primary: results[0], fatal };
}

/** Superseded: cancel the in-progress deployments that the current commit replaces on its branch. */
async function cancelSuperseded(inputs: Inputs, client: VercelClient, policy: RetryPolicy): Promise<ModeResult> {
  const current = currentCommit(process.env, inputs);
  if ('nothing' in current) return { lines: [`Nothing to do: ${current.nothing}.`], results: [] };

  const event = current.closedPullRequest ? `closed pull request #${current.pullRequest?.number}` : process.env.GITHUB_EVENT_NAME ?? 'run';
  const lines = [`Current commit ${current.sha.slice(0, 7)} on branch ${current.branch} of ${current.repository.owner}/${current.repository.name} (${event}).`];
  const options = { target: inputs.target, projectScoped: Boolean(inputs.projectId) };

  // Load octokit while the deployments are listed; a failed load surfaces where it is awaited.
  if (inputs.githubToken) preloadOctokit().catch(() => undefined);
  const listing = await listInProgress(client, inputs.projectId);
  if (listing.truncated) {
    core.warning(`Listed ${listing.deployments.length} in-progress deployments and stopped (${MAX_PAGES} pages at most): older in-progress deployments were not considered.`);
  }
  const entries = await toCandidates(client, listing.deployments, current, options, DEFAULT_CONCURRENCY);
  const candidates = entries.map((e) => e.candidate);
  const ancestry = await compareCommits({
    token: inputs.githubToken,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    repository: current.repository,
    head: current.sha,
    shas: commitsToCompare(candidates, current, options),
    concurrency: DEFAULT_CONCURRENCY,
    policy,
  });
  const decisions = decide(candidates, current, options, ancestry);

  const deployments = new Map(entries.map((e) => [e.candidate.id, e.deployment]));
  const targets = decisions
    .filter((d) => d.cancel)
    .map((d) => ({ ref: { kind: 'id' as const, id: d.candidate.id }, known: deployments.get(d.candidate.id), why: d.reason }));
  const { results: acted, fatal } = await cancelDeployments(client, targets, { dryRun: inputs.dryRun });
  const skipped = decisions
    .filter((d) => !d.cancel)
    .map((d): DeploymentResult => {
      const deployment = deployments.get(d.candidate.id);
      return {
        id: d.candidate.id,
        url: deployment?.url ?? null,
        inspectorUrl: deployment?.inspectorUrl ?? null,
        stateBefore: d.candidate.readyState,
        readyState: d.candidate.readyState,
        canceledAt: null,
        createdAt: d.candidate.createdAt,
        outcome: 'skipped',
        reason: d.reason,
      };
    });
  // Newest first, as Vercel lists them; the outputs describe the most recently created one acted on.
  const results = [...acted, ...skipped].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  lines.push(countsLine(results));
  return { lines, results, primary: acted.slice().sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0], fatal };
}

/** The one line a failed run ends with. */
function failureMessage(error: unknown): string {
  if (error instanceof VercelError && error.tokenRejected) {
    return (
      `Vercel rejected the token (HTTP ${error.status}${error.vercelMessage ? `: ${error.vercelMessage}` : ''}): it is invalid, expired or revoked. ` +
      'Create a token at https://vercel.com/account/tokens and store it in the secret passed as the token input.'
    );
  }
  return error instanceof Error ? error.message : String(error);
}

/** The action: inputs -> mode -> report. The one place that turns errors into a failed step. */
export async function run(): Promise<void> {
  const started = Date.now();
  let failOnError = true;
  try {
    const inputs = readInputs();
    failOnError = inputs.failOnError;
    const policy: RetryPolicy = {
      retries: inputs.retries,
      timeoutMs: inputs.requestTimeoutMs,
      deadline: started + inputs.timeBudgetMs,
      baseDelayMs: 500,
      maxWaitMs: 60_000,
      notice: (message) => core.info(message),
    };
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope, policy });
    const outcome = inputs.deployments.length > 0 ? await cancelById(inputs, client) : await cancelSuperseded(inputs, client, policy);

    const title = inputs.dryRun ? 'Cancel Vercel deployments (dry run: nothing was canceled)' : 'Cancel Vercel deployments';
    await report(title, outcome.lines, outcome.results, outcome.primary, failOnError);

    if (outcome.fatal) throw outcome.fatal;
    const attempted = outcome.results.filter((r) => r.outcome !== 'skipped').length;
    const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
    if (failed > 0) throw new Error(`${failed} of ${attempted} deployments could not be canceled; the lines above say why.`);
  } catch (error) {
    // One line, no stack trace: every error the action raises carries a message written for the user.
    // fail-on-error: false keeps the step green on a failed cleanup, never on a bad configuration.
    if (failOnError || error instanceof InputError || error instanceof EventError) core.setFailed(failureMessage(error));
    else core.warning(`${failureMessage(error)} (fail-on-error is false: the step stays green)`);
  }
}
