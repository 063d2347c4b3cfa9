// The two modes of the action, free of @actions/core: the GitHub Action (main.ts) and the command
// line (cli.ts) run the same code and differ only in how they read inputs and write the report.
import { cancelDeployments, DEFAULT_CONCURRENCY, resultOf, type DeploymentResult } from './cancel.js';
import { branchOfCommit, listInProgress, toCandidates } from './candidates.js';
import { countsLine } from './format.js';
import { checkAncestry } from './github/ancestry.js';
import { branchGone } from './github/branch.js';
import { EventError, type CurrentCommit, type EventReading } from './github/event.js';
import { DEFAULT_POLICY, type RetryPolicy } from './http/request.js';
import { InputError, type Inputs } from './inputs.js';
import { commitsToCompare, decide, type Ancestry } from './supersede.js';
import { VercelError, type VercelClient } from './vercel/client.js';
import { verifyProject } from './vercel/project.js';

/** What a mode did: lines for the log and summary, a result per deployment, the one the outputs describe. */
export interface ModeResult {
  lines: string[];
  results: DeploymentResult[];
  primary?: DeploymentResult;
  fatal?: VercelError;
}

/** By id: cancel the deployments the user named, in that order; the first one is the primary. */
export async function cancelById(inputs: Inputs, client: VercelClient): Promise<ModeResult> {
  const { results, fatal } = await cancelDeployments(
    client,
    inputs.deployments.map((ref) => ({ ref })),
    { dryRun: inputs.dryRun },
  );
  return { lines: [countsLine(results)], results, primary: results[0], fatal };
}

/** How superseded mode reaches the world beyond Vercel: GitHub for ancestry, a log for warnings. */
export interface SupersededContext {
  /** What the trigger event (or the command line) says the current commit is. */
  current: EventReading;
  policy: RetryPolicy;
  githubApiUrl: string;
  warn: (message: string) => void;
}

/** The first log line: the commit (or deleted branch) this run speaks for, and what decided it. */
function currentLine(current: CurrentCommit): string {
  const repo = `${current.repository.owner}/${current.repository.name}`;
  if (current.branchDeleted) return `Branch ${current.branch} of ${repo} was deleted (${current.decidedBy}).`;
  return `Current commit ${current.sha.slice(0, 7)} on branch ${current.branch} of ${repo} (${current.decidedBy}).`;
}

/** Superseded: cancel the in-progress deployments that the current commit replaces on its branch. */
export async function cancelSuperseded(inputs: Inputs, client: VercelClient, context: SupersededContext): Promise<ModeResult> {
  const { policy } = context;
  const reading = context.current;
  if ('nothing' in reading) return { lines: [`Nothing to do: ${reading.nothing}.`], results: [] };
  // A project-id the user typed is checked; one a Vercel event names is Vercel's own (README: "project-id").
  if (inputs.projectId) await verifyProject(client, inputs.projectId);
  const resolved = 'branchOfCommit' in reading ? await branchOfCommit(client, reading, inputs.projectId) : reading;
  if ('nothing' in resolved) return { lines: [`Nothing to do: ${resolved.nothing}.`], results: [] };
  const current = resolved;
  if (current.branchDeleted) {
    const gone = await branchGone({
      token: inputs.githubToken,
      apiUrl: context.githubApiUrl,
      repository: current.repository,
      branch: current.branch,
      policy,
    });
    if (gone !== 'gone') return { lines: [currentLine(current), `Nothing to do: ${gone.leftAlone}.`], results: [] };
  }
  // A Vercel event names its project: it scopes like project-id, unless project-id says otherwise.
  const projectId = inputs.projectId ?? current.projectId;

  const lines = [currentLine(current)];
  const options = { target: inputs.target, projectScoped: Boolean(projectId) };

  const listing = await listInProgress(client, projectId);
  if (listing.truncated) {
    context.warn(
      `Listed ${listing.deployments.length} in-progress deployments and stopped (${listing.stoppedBecause}): older in-progress deployments were not considered.`,
    );
  }
  const entries = await toCandidates(client, listing.deployments, current, options, DEFAULT_CONCURRENCY);
  const candidates = entries.map((e) => e.candidate);
  const ancestry = await checkAncestry({
    token: inputs.githubToken,
    apiUrl: context.githubApiUrl,
    repository: current.repository,
    head: current.sha,
    shas: commitsToCompare(candidates, current, options),
    concurrency: DEFAULT_CONCURRENCY,
    policy,
  });
  const decisions = decide(candidates, current, options, ancestry);
  warnAboutAncestry(ancestry, context.warn);

  const deployments = new Map(entries.map((e) => [e.candidate.id, e.deployment]));
  const targets = decisions
    .filter((d) => d.cancel)
    .map((d) => ({ ref: { kind: 'id' as const, id: d.candidate.id }, known: deployments.get(d.candidate.id), why: d.reason }));
  const { results: acted, fatal } = await cancelDeployments(client, targets, { dryRun: inputs.dryRun });
  const skipped = decisions
    .filter((d) => !d.cancel)
    .map((d) => resultOf(deployments.get(d.candidate.id), { id: d.candidate.id, outcome: 'skipped', reason: d.reason }));
  // Newest first, as Vercel lists them; the outputs describe the most recently created one acted on.
  const results = [...acted, ...skipped].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  lines.push(countsLine(results));
  return { lines, results, primary: results.find((r) => r.outcome !== 'skipped'), fatal };
}

/** The retry policy the inputs ask for; the run's deadline counts from `started`. */
export function retryPolicy(inputs: Inputs, started: number, notice: (message: string) => void): RetryPolicy {
  return {
    ...DEFAULT_POLICY,
    retries: inputs.retries,
    timeoutMs: inputs.requestTimeoutMs,
    deadline: started + inputs.timeBudgetMs,
    notice,
  };
}

/** The error a finished mode ends with: a rejected token, or deployments that could not be canceled. */
export function failureOf(outcome: ModeResult, seeWhy: string): Error | undefined {
  if (outcome.fatal) return outcome.fatal;
  const attempted = outcome.results.filter((r) => r.outcome !== 'skipped').length;
  const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
  return failed > 0 ? new Error(`${failed} of ${attempted} deployments could not be canceled; ${seeWhy}.`) : undefined;
}

/** The one line a failed run ends with. `tokenHint` says where the token comes from in this entry. */
export function failureMessage(error: unknown, tokenHint: string): string {
  if (error instanceof VercelError && error.tokenRejected) {
    return (
      `Vercel rejected the token (HTTP ${error.status}${error.vercelMessage ? `: ${error.vercelMessage}` : ''}): it is invalid, expired or revoked. ` +
      `Create a token at https://vercel.com/account/tokens and ${tokenHint}.`
    );
  }
  return error instanceof Error ? error.message : String(error);
}

/** Say when ancestry could not be checked: never silently weaker. */
function warnAboutAncestry(ancestry: ReadonlyMap<string, Ancestry>, warn: (message: string) => void): void {
  const unknown = [...ancestry.values()].filter((a) => a.relation === 'unknown');
  const transient = unknown.filter((a) => a.transient);
  const fallback = unknown.filter((a) => !a.transient);
  const commits = (n: number) => (n === 1 ? '1 commit' : `${n} commits`);
  if (transient.length > 0) {
    warn(`Could not check the ancestry of ${commits(transient.length)} (${transient[0]!.why}): their builds were left alone.`);
  }
  if (fallback.length > 0) {
    warn(
      `The ancestry of ${commits(fallback.length)} could not be established (${fallback[0]!.why}): creation order stood in, ` +
        "cancelling only builds created before the current commit's own. Give the job contents: read for the stronger rule.",
    );
  }
}

/**
 * Whether an error fails the run. fail-on-error false keeps a failed cleanup green, never a bad
 * configuration: invalid input, an event that names no commit, or a configuration Vercel refuses
 * outright (a wrong team, project or parameter when listing).
 */
export function failsTheRun(error: unknown, failOnError: boolean): boolean {
  const refused = error instanceof VercelError && !error.tokenRejected && [400, 403, 404].includes(error.status ?? 0);
  return failOnError || refused || error instanceof InputError || error instanceof EventError;
}
