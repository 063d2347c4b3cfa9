import { mapConcurrent } from './concurrency.js';
import { EventError, type BranchUnknown, type CurrentCommit, type NothingToDo } from './github/event.js';
import { gitSourceReads, isOfRepository, type Candidate, type SelectionOptions } from './supersede.js';
import { VercelError, type VercelClient } from './vercel/client.js';
import { gitInfoFromMeta, gitInfoFromSource, mergeGitInfo, type GitInfo } from './vercel/git-metadata.js';
import { customEnvironmentOf, IN_PROGRESS_STATES, type Deployment, type ListedDeployment } from './vercel/schemas.js';

/** A safety cap on list pages (100 deployments each); reaching it is reported, never silent. */
export const MAX_PAGES = 50;

export interface Listing {
  deployments: Deployment[];
  /** Older in-progress deployments may not have been seen. Never silent: `stoppedBecause` says why. */
  truncated: boolean;
  stoppedBecause?: string;
}

function fromListItem(item: ListedDeployment): Deployment {
  const { uid, ...rest } = item;
  return { ...rest, id: uid };
}

/**
 * Every in-progress deployment in scope (GET /v6/deployments, newest first, following `until` to
 * the last page), each once. Paging never ends short in silence: a `next` it cannot follow, a page
 * that does not move back in time or the page cap end it `truncated`, with the reason.
 */
export async function listInProgress(client: VercelClient, projectId: string | undefined): Promise<Listing> {
  // No server-side filter beyond state and project, on purpose: none is proven not to drop a
  // candidate. `meta-githubCommitRef=<branch>` (what `vercel list -m` sends) drops a deployment whose
  // branch is only in its gitSource, and CLI deployments, whose branch is `gitCommitRef`; what the
  // documented `branch` parameter matches (meta, gitSource, the CLI's keys) is unconfirmed (the
  // project's notes on the Vercel API, §2); `target` is unconfirmed for previews (null) and custom
  // environments. A lost candidate is a build left running in silence; a larger listing only costs pages.
  const query: Record<string, string> = { state: IN_PROGRESS_STATES.join(','), limit: '100' };
  if (projectId) query.projectId = projectId;
  const deployments: Deployment[] = [];
  const seen = new Set<string>();
  const stopped = (stoppedBecause: string): Listing => ({ deployments, truncated: true, stoppedBecause });
  let until: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { deployments: items, next } = await client.listDeployments(until === undefined ? query : { ...query, until: String(until) });
    for (const item of items) {
      if (seen.has(item.uid)) continue;
      seen.add(item.uid);
      deployments.push(fromListItem(item));
    }
    if (next === null) return { deployments, truncated: false };
    if (typeof next !== 'number') return stopped(`Vercel's pagination.next was ${next.unusable}`);
    // `until` is exclusive and `next` is the createdAt of this page's last item, so `until = next`
    // (what Vercel's CLI pages with, `fetchPaginated` in vercel/vercel packages/cli/src/util/client.ts)
    // would skip the deployments created in that same millisecond that did not fit on this page.
    // `until = next + 1` asks for them again, as the CLI's `bisect` does to include a deployment
    // (packages/cli/src/commands/bisect/index.ts; the project's notes on the Vercel API, §8 "Paging
    // ties"); the ones already seen are dropped above.
    const following = next + 1;
    // A full page all in one millisecond (or a server that does not move on) would repeat forever.
    if (until !== undefined && following >= until) return stopped('paging did not move back in time');
    until = following;
  }
  return stopped(`${MAX_PAGES} pages at most`);
}

/** Meta keys that carry git metadata: the Git integrations' and the generic ones the CLI's `gitMetadata` becomes. */
const GIT_META_KEY = /^(git|github|gitlab|bitbucket)[A-Z]/;

/**
 * A CLI upload that carries no git metadata at all has no gitSource to read: the CLI's only git
 * input is the `gitMetadata` it sends, which Vercel keeps as `git*` meta keys (vercel/vercel
 * packages/cli/src/util/create-git-meta.ts; the project's notes on the Vercel API, §3 "CLI
 * deployments": no CLI deployment was ever seen with a gitSource).
 */
export const isCliUploadWithoutGit = (d: Pick<Deployment, 'source' | 'meta'>): boolean =>
  d.source === 'cli' && !Object.keys(d.meta ?? {}).some((key) => GIT_META_KEY.test(key));

/**
 * The deployments as selection candidates. Git info comes from `meta`; where it lacks what a
 * decision needs, one read with gitSource per deployment (in-progress ones only, as listed, and only
 * where the read can change a decision: supersede.ts `gitSourceReads`). The read also refreshes the
 * state. A rejected token is thrown; other read failures are kept as `unreadable` so the deployment
 * is skipped with the reason.
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
  const cliWithoutGit = new Set(base.filter((e) => isCliUploadWithoutGit(e.deployment)).map((e) => e.candidate.id));
  const toRead = gitSourceReads(
    base.map((e) => e.candidate),
    current,
    options,
    (c) => cliWithoutGit.has(c.id),
  );
  const reading = base.filter((e) => toRead.has(e.candidate.id));
  let fatal: VercelError | undefined;
  const read = await mapConcurrent(
    reading,
    concurrency,
    async (entry) => {
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
  const fresh = new Map(reading.map((entry, index) => [entry.candidate.id, read[index] ?? entry]));
  return base.map((entry) => fresh.get(entry.candidate.id) ?? entry);
}

/**
 * The branch of a commit that the event names without one (a GitHub deployment Vercel made for the
 * SHA). First the Vercel deployment the event points at (deployment_status' URL): its git metadata
 * names the branch and its project scopes the run, as a Vercel repository_dispatch's does. Else the
 * branch the commit's Vercel deployments name: one list request filtered on `meta-githubCommitSha`
 * (the filter `vercel list -m` sends), any state, since the build the event is about may have
 * finished. No branch is an error (the branch input must say); several, nothing to do.
 */
export async function branchOfCommit(
  client: VercelClient,
  reading: BranchUnknown,
  projectId: string | undefined,
): Promise<CurrentCommit | NothingToDo> {
  const { branchOfCommit: commit, deploymentHost } = reading;
  const short = commit.sha.slice(0, 7);
  const ofThisCommit = (git: GitInfo) => git.sha === commit.sha && git.branch !== undefined && isOfRepository(git.repo, commit.repository);

  if (deploymentHost && deploymentHost !== 'vercel.com') {
    try {
      const deployment = await client.getDeployment(deploymentHost, { withGitRepoInfo: true });
      const git = mergeGitInfo(gitInfoFromMeta(deployment.meta), gitInfoFromSource(deployment.gitSource));
      if (ofThisCommit(git)) {
        return {
          ...commit,
          branch: git.branch!,
          projectId: deployment.projectId ?? commit.projectId,
          decidedBy: `${commit.decidedBy}; the branch and project of that deployment (${deploymentHost})`,
        };
      }
    } catch (error) {
      if (error instanceof VercelError && error.tokenRejected) throw error;
      // Not readable (an alias that moved on, a URL Vercel does not serve): the commit's deployments say.
    }
  }

  const query: Record<string, string> = { 'meta-githubCommitSha': commit.sha, limit: '100' };
  if (projectId) query.projectId = projectId;
  const { deployments } = await client.listDeployments(query);
  const branches = [
    ...new Set(
      deployments
        .map((d) => gitInfoFromMeta(d.meta))
        .filter(ofThisCommit)
        .map((git) => git.branch!),
    ),
  ].sort();
  if (branches.length === 1) {
    return { ...commit, branch: branches[0]!, decidedBy: `${commit.decidedBy}; the branch from its Vercel deployment's git metadata` };
  }
  if (branches.length > 1) {
    return {
      nothing: `commit ${short} has Vercel deployments on ${branches.length} branches (${branches.join(', ')}) and the event does not say which: set the branch input to choose`,
    };
  }
  throw new EventError(
    `The event names commit ${short} but no branch, and Vercel has no deployment of commit ${short} that names its branch: set the branch input.`,
  );
}
