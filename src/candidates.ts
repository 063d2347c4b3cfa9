import { mapConcurrent } from './concurrency.js';
import { EventError, type CurrentCommit } from './github/event.js';
import { isOfRepository, needsGitSource, type Candidate, type SelectionOptions } from './supersede.js';
import { VercelError, type VercelClient } from './vercel/client.js';
import { gitInfoFromMeta, gitInfoFromSource, mergeGitInfo } from './vercel/git-metadata.js';
import { customEnvironmentOf, IN_PROGRESS_STATES, type Deployment, type ListedDeployment } from './vercel/schemas.js';

/** A safety cap on list pages (100 deployments each); reaching it is reported, never silent. */
export const MAX_PAGES = 50;

export interface Listing {
  deployments: Deployment[];
  /** The cap was reached or paging did not advance: older in-progress deployments were not seen. */
  truncated: boolean;
}

function fromListItem(item: ListedDeployment): Deployment {
  const { uid, ...rest } = item;
  return { ...rest, id: uid };
}

/** Every in-progress deployment in scope (GET /v6/deployments, following `until` to the last page). */
export async function listInProgress(client: VercelClient, projectId: string | undefined): Promise<Listing> {
  const query: Record<string, string> = { state: IN_PROGRESS_STATES.join(','), limit: '100' };
  if (projectId) query.projectId = projectId;
  const deployments: Deployment[] = [];
  let until: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { deployments: items, next } = await client.listDeployments(until === undefined ? query : { ...query, until: String(until) });
    deployments.push(...items.map(fromListItem));
    if (next === null) return { deployments, truncated: false };
    if (until !== undefined && next >= until) return { deployments, truncated: true };
    until = next;
  }
  return { deployments, truncated: true };
}

/**
 * The deployments as selection candidates. Git info comes from `meta`; where it lacks what the
 * decision needs, one read with gitSource per deployment (in-progress ones only, as listed).
 * The read also refreshes the state. A rejected token is thrown; other read failures are kept as
 * `unreadable` so the deployment is skipped with the reason.
 */
export async function toCandidates(
  client: VercelClient,
  deployments: readonly Deployment[],
  current: CurrentCommit,
  options: SelectionOptions,
  concurrency: number,
): Promise<Array<{ candidate: Candidate; deployment: Deployment }>> {
  const base = deployments.map((deployment) => ({
    deployment,
    candidate: {
      id: deployment.id,
      createdAt: deployment.createdAt ?? 0,
      readyState: deployment.readyState,
      target: deployment.target ?? null,
      customEnvironment: customEnvironmentOf(deployment),
      projectId: deployment.projectId,
      git: gitInfoFromMeta(deployment.meta),
    },
  }));
  let fatal: VercelError | undefined;
  const read = await mapConcurrent(
    base,
    concurrency,
    async (entry) => {
      if (!needsGitSource(entry.candidate, current, options)) return entry;
      try {
        const fresh = await client.getDeployment(entry.deployment.id, { withGitRepoInfo: true });
        const git = mergeGitInfo(entry.candidate.git, gitInfoFromSource(fresh.gitSource));
        return {
          deployment: { ...entry.deployment, readyState: fresh.readyState },
          candidate: { ...entry.candidate, readyState: fresh.readyState, git },
        };
      } catch (error) {
        if (error instanceof VercelError && error.tokenRejected) fatal ??= error;
        const unreadable = error instanceof Error ? error.message : String(error);
        return { ...entry, candidate: { ...entry.candidate, unreadable } };
      }
    },
    () => fatal !== undefined,
  );
  if (fatal) throw fatal;
  return read.map((entry, index) => entry ?? base[index]!);
}

/**
 * The branch of a commit that the event names without one (a GitHub deployment Vercel made for the
 * SHA): the branch its own Vercel deployments' git metadata names. One list request, filtered on
 * `meta-githubCommitSha` (the filter `vercel list -m` sends); any state, since the build the event
 * is about may have finished. No branch, or more than one: the branch input must say.
 */
export async function branchOfCommit(
  client: VercelClient,
  commit: Omit<CurrentCommit, 'branch'>,
  projectId: string | undefined,
): Promise<CurrentCommit> {
  const query: Record<string, string> = { 'meta-githubCommitSha': commit.sha, limit: '100' };
  if (projectId) query.projectId = projectId;
  const { deployments } = await client.listDeployments(query);
  const branches = new Set(
    deployments
      .map((d) => gitInfoFromMeta(d.meta))
      .filter((git) => git.sha === commit.sha && git.branch && isOfRepository(git.repo, commit.repository))
      .map((git) => git.branch!),
  );
  const short = commit.sha.slice(0, 7);
  if (branches.size === 1) {
    const [branch] = branches as Set<string> & [string];
    return { ...commit, branch, decidedBy: `${commit.decidedBy}; the branch from its Vercel deployment's git metadata` };
  }
  const found =
    branches.size === 0
      ? `Vercel has no deployment of commit ${short} that names its branch`
      : `commit ${short} has Vercel deployments on ${branches.size} branches (${[...branches].sort().join(', ')})`;
  throw new EventError(`The event names commit ${short} but no branch, and ${found}: set the branch input.`);
}
