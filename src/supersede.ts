// The rule that picks the deployments a commit supersedes. Pure: data in, decisions out, no I/O.
import type { CurrentCommit, Repository } from './github/event.js';
import type { Target } from './inputs.js';
import { GITHUB_COM, type GitInfo } from './vercel/git-metadata.js';
import { IN_PROGRESS_STATES } from './vercel/schemas.js';

/** An in-progress deployment, with what its git metadata says. */
export interface Candidate {
  id: string;
  createdAt: number;
  readyState: string;
  /** 'production', null for a preview (or a custom environment's build), or what else Vercel put there. */
  target: string | null;
  /** The custom environment it was built for (its slug; its id when Vercel gives no slug). Then `target` is null. */
  customEnvironment?: string;
  git: GitInfo;
  /** The Vercel project it belongs to. */
  projectId?: string;
  /** Its metadata lacked git info and reading its gitSource failed: why. */
  unreadable?: string;
}

/** How a candidate's commit relates to the current commit, by git ancestry. */
export type Ancestry =
  | { relation: 'older' | 'newer' | 'same' }
  /**
   * Not established, `why` says why. A fact about the history (diverged after a force-push, an
   * unknown commit, no usable token) lets creation order stand in; a `transient` failure to answer
   * (a 5xx or timeout after retries) does not: the deployment is left alone.
   */
  | { relation: 'unknown'; why: string; transient?: boolean };

export interface SelectionOptions {
  target: Target;
  /** project-id was given: the list holds that project's deployments only, so ones without repository info belong to it. */
  projectScoped: boolean;
}

export interface Decision {
  candidate: Candidate;
  cancel: boolean;
  reason: string;
}

/** A build under way (schemas.ts IN_PROGRESS_STATES): BLOCKED is not one, and never canceled (schemas.ts BLOCKED_STATES). */
const IN_PROGRESS: ReadonlySet<string> = new Set<string>(IN_PROGRESS_STATES);
const short = (sha: string) => sha.slice(0, 7);

/** Whether git metadata names the workflow's repository. */
export const isOfRepository = (repo: GitInfo['repo'], current: Repository) => repositoryMismatch(repo, current) === undefined;

/** The metadata does not say which repository (or, for GitHub, which host): why, for the log. */
interface Unknown {
  unknown: string;
}
const NO_REPOSITORY: Unknown = {
  unknown: "its git metadata names no repository (a CLI deployment?): pass project-id to include the project's deployments that lack it",
};

/**
 * GitHub ids and names mean nothing across hosts: a repository on a GitHub Enterprise Server is not
 * github.com's, whatever its id or name. `meta`'s github* keys name no host: they count as
 * github.com's, where Vercel's GitHub integration lives; on a GitHub Enterprise Server runner only
 * the gitSource can tell (type github-custom-host with its host).
 */
function hostMismatch(repo: NonNullable<GitInfo['repo']>, current: Repository): string | Unknown | undefined {
  if (repo.provider !== 'github') return undefined;
  const ours = current.host ?? GITHUB_COM;
  const theirs = repo.host ?? (ours === GITHUB_COM ? GITHUB_COM : undefined);
  if (theirs === undefined) {
    return {
      unknown: `its git metadata does not say which GitHub host its repository is on, and this workflow runs on ${ours}: pass project-id to include the project's deployments regardless`,
    };
  }
  return theirs === ours ? undefined : `a repository on ${theirs}, not ${ours}`;
}

/** Why a candidate's repository is not the workflow's, or undefined when it is; Unknown when the metadata does not say. */
function repositoryMismatch(repo: GitInfo['repo'], current: Repository): string | Unknown | undefined {
  if (!repo) return NO_REPOSITORY;
  const provider = current.provider ?? 'github';
  if (repo.provider !== provider) return `a ${repo.provider} repository, not ${current.owner}/${current.name}`;
  const host = hostMismatch(repo, current);
  if (host !== undefined) return host;
  if (repo.id !== undefined && current.id !== undefined) {
    return repo.id === current.id ? undefined : `another repository (id ${repo.id}), not ${current.owner}/${current.name}`;
  }
  if (repo.owner !== undefined && repo.name !== undefined) {
    const same = repo.owner.toLowerCase() === current.owner.toLowerCase() && repo.name.toLowerCase() === current.name.toLowerCase();
    return same ? undefined : `another repository (${repo.owner}/${repo.name}), not ${current.owner}/${current.name}`;
  }
  return NO_REPOSITORY;
}

const isUnknown = (mismatch: string | Unknown | undefined): mismatch is Unknown => typeof mismatch === 'object';

/**
 * The environment rule. Vercel carries a custom environment in `customEnvironment` with `target`
 * null (vercel/sdk enums: target is production, staging or null; `vercel list` shows
 * `customEnvironment?.slug`): such a build is matched by `all` and by a target naming its slug, never
 * by `preview`. Any other `target` value is an environment of that name too.
 */
function targetMismatch(c: Pick<Candidate, 'target' | 'customEnvironment'>, wanted: Target): string | undefined {
  if (wanted === 'all') return undefined;
  const wantedName = typeof wanted === 'string' ? wanted : wanted.customEnvironment;
  const environment = c.customEnvironment ?? (c.target === null || c.target === 'production' ? undefined : c.target);
  if (environment !== undefined) {
    const named = typeof wanted === 'object' && environment.toLowerCase() === wanted.customEnvironment;
    return named ? undefined : `a deployment of custom environment ${environment}; target is ${wantedName}`;
  }
  const kind = c.target === 'production' ? 'production' : 'preview';
  return kind === wantedName ? undefined : `a ${kind} deployment; target is ${wantedName}`;
}

type Settled = { verdict: 'skip' | 'cancel' | 'own'; reason: string } | { verdict: 'compare' };

/**
 * The checks that need nothing but the candidate and the current commit: they settle the decision,
 * or leave it to git ancestry ('compare': another commit of the same branch and repository).
 */
function settle(c: Candidate, current: CurrentCommit, options: SelectionOptions): Settled {
  const skip = (reason: string): Settled => ({ verdict: 'skip', reason });
  if (!IN_PROGRESS.has(c.readyState)) return skip(`not in progress (${c.readyState})`);
  if (c.unreadable) return skip(`its git metadata is incomplete and reading its gitSource failed: ${c.unreadable}`);

  const repo = repositoryMismatch(c.git.repo, current.repository);
  if (isUnknown(repo) && !options.projectScoped) return skip(repo.unknown);
  if (typeof repo === 'string') return skip(repo);

  const target = targetMismatch(c, options.target);
  if (target) return skip(target);

  if (!c.git.branch) return skip('its git metadata names no branch');
  if (c.git.branch !== current.branch) return skip(`branch ${c.git.branch}, not ${current.branch}`);

  // A fork's branch name means nothing here: builds of a fork's pull request go with that pull request only.
  const pr = current.pullRequest;
  if (pr?.fromFork && c.git.prId !== pr.number) {
    return skip(`pull request #${pr.number} comes from a fork, and this deployment is not linked to it`);
  }
  if (c.git.forkCommit && (c.git.prId === undefined || c.git.prId !== pr?.number)) {
    const which = c.git.prId === undefined ? 'a pull request' : `pull request #${c.git.prId}`;
    return skip(`a build of ${which} from a fork, which only that pull request's own runs may supersede`);
  }
  if (current.branchDeleted) return { verdict: 'cancel', reason: `branch ${current.branch} was deleted: its builds are no longer needed` };
  if (!c.git.sha) return skip('its git metadata names no commit');

  if (c.git.sha === current.sha) {
    return current.closedPullRequest
      ? { verdict: 'cancel', reason: `pull request #${pr?.number} closed: its head's builds are no longer needed` }
      : { verdict: 'own', reason: `the current commit's own deployment (${short(current.sha)})` };
  }
  return { verdict: 'compare' };
}

/** An in-progress deployment of the current commit, on its branch, in its repository. */
function isOwnBuild(c: Candidate, current: CurrentCommit, options: SelectionOptions): boolean {
  if (!IN_PROGRESS.has(c.readyState) || c.git.sha !== current.sha || c.git.branch !== current.branch) return false;
  const repo = repositoryMismatch(c.git.repo, current.repository);
  return repo === undefined || (isUnknown(repo) && options.projectScoped);
}

/**
 * Whether reading the deployment's gitSource could change its decision: `meta` lacks the commit or
 * branch (or the repository, when that decides), and nothing else already rules it out.
 */
export function needsGitSource(c: Candidate, current: CurrentCommit, options: SelectionOptions): boolean {
  const hostUnknown = c.git.repo !== undefined && isUnknown(hostMismatch(c.git.repo, current.repository));
  const missing = !c.git.sha || !c.git.branch || ((!c.git.repo || hostUnknown) && !options.projectScoped);
  if (!missing || !IN_PROGRESS.has(c.readyState) || targetMismatch(c, options.target)) return false;
  if (c.git.branch && c.git.branch !== current.branch) return false;
  return typeof repositoryMismatch(c.git.repo, current.repository) !== 'string';
}

/**
 * Which candidates' gitSource to read (their ids): those `needsGitSource` names, less the ones whose
 * decision no read can change.
 * - `withoutGitSource` (without project-id only): deployments known to have no gitSource, so a read
 *   returns nothing new (toCandidates: CLI uploads whose meta carries no git metadata at all).
 * - Without project-id, the builds in a project where the current commit has no build and cannot
 *   turn out to have one. There nothing is canceled, read or not: a build of another commit is
 *   canceled only after ancestry, which needs an own build in its project (`needsOwnBuild`), and the
 *   only cancels that do not (a deleted branch, a closed pull request) keep every read. A project
 *   "may have" an own build when a candidate in it is one by its meta, or is to be read and what meta
 *   says does not rule it out (its commit unknown or the current one): then every read in it stays,
 *   exactly as before. A read only fills what meta lacks (`mergeGitInfo`), so a known commit never
 *   changes; the state it refreshes can only end a build, never make one an own build.
 */
export function gitSourceReads(
  candidates: readonly Candidate[],
  current: CurrentCommit,
  options: SelectionOptions,
  withoutGitSource: (c: Candidate) => boolean = () => false,
): Set<string> {
  const wanted = candidates.filter((c) => needsGitSource(c, current, options) && (options.projectScoped || !withoutGitSource(c)));
  if (options.projectScoped || current.branchDeleted || current.closedPullRequest) return new Set(wanted.map((c) => c.id));
  const projectOf = (c: Candidate) => c.projectId ?? '';
  const mayHaveOwnBuild = new Set<string>();
  for (const c of candidates) if (isOwnBuild(c, current, options)) mayHaveOwnBuild.add(projectOf(c));
  for (const c of wanted) if (c.git.sha === undefined || c.git.sha === current.sha) mayHaveOwnBuild.add(projectOf(c));
  return new Set(wanted.filter((c) => mayHaveOwnBuild.has(projectOf(c))).map((c) => c.id));
}

/**
 * When the current commit's own in-progress builds started, per project (the earliest: the safe
 * bound). With project-id they all count for the one project listed.
 */
function ownBuilds(
  candidates: readonly Candidate[],
  current: CurrentCommit,
  options: SelectionOptions,
): (c: Candidate) => number | undefined {
  const since = new Map<string, number>();
  for (const c of candidates) {
    if (!isOwnBuild(c, current, options)) continue;
    const key = options.projectScoped ? '' : (c.projectId ?? '');
    since.set(key, Math.min(since.get(key) ?? Infinity, c.createdAt));
  }
  return (c) => since.get(options.projectScoped ? '' : (c.projectId ?? ''));
}

/**
 * Another commit of the same branch, left to ancestry, needs (without project-id) a build of the
 * current commit in its own project: in a monorepo, a commit that does not build a project (an
 * ignored build step) must not cancel that project's last build of the changes before it.
 */
function needsOwnBuild(c: Candidate, ownSince: number | undefined, options: SelectionOptions): string | undefined {
  if (options.projectScoped || ownSince !== undefined) return undefined;
  return `the current commit has no build in progress in project ${c.projectId ?? '(unknown)'}: it may not build that project at all; pass project-id to cancel there regardless`;
}

/** The distinct commits whose ancestry against the current commit the decision needs. */
export function commitsToCompare(candidates: readonly Candidate[], current: CurrentCommit, options: SelectionOptions): string[] {
  const own = ownBuilds(candidates, current, options);
  const shas = candidates
    .filter((c) => settle(c, current, options).verdict === 'compare' && !needsOwnBuild(c, own(c), options))
    .map((c) => c.git.sha!);
  return [...new Set(shas)];
}

/**
 * Which candidates the current commit supersedes. Never selected: finished deployments, other
 * repositories and branches, the current commit's own (outside a closed pull request), and commits
 * newer than the current one. Where ancestry cannot be established, only deployments created before
 * the current commit's own deployment are selected; where that is unknown too, or GitHub failed to
 * answer, none.
 */
export function decide(
  candidates: readonly Candidate[],
  current: CurrentCommit,
  options: SelectionOptions,
  ancestry: ReadonlyMap<string, Ancestry>,
): Decision[] {
  const own = ownBuilds(candidates, current, options);
  return candidates.map((candidate) => {
    const settled = settle(candidate, current, options);
    if (settled.verdict !== 'compare') return { candidate, cancel: settled.verdict === 'cancel', reason: settled.reason };
    const ownSince = own(candidate);
    const noOwnBuild = needsOwnBuild(candidate, ownSince, options);
    if (noOwnBuild) return { candidate, cancel: false, reason: noOwnBuild };
    const sha = candidate.git.sha!;
    const answer = ancestry.get(sha) ?? { relation: 'unknown', why: 'not compared' };
    switch (answer.relation) {
      case 'older':
        return { candidate, cancel: true, reason: `superseded: ${short(sha)} is an ancestor of ${short(current.sha)}` };
      case 'newer':
        return {
          candidate,
          cancel: false,
          reason: `${short(sha)} is newer than the current commit ${short(current.sha)}: left to its own run`,
        };
      case 'same':
        return { candidate, cancel: false, reason: `the current commit's own deployment (${short(current.sha)})` };
      case 'unknown':
        if (answer.transient) {
          return { candidate, cancel: false, reason: `could not check whether ${short(sha)} is older (${answer.why}): left alone` };
        }
        if (ownSince === undefined) {
          return {
            candidate,
            cancel: false,
            reason: `ancestry of ${short(sha)} unknown (${answer.why}), and the current commit has no in-progress deployment to compare creation times with`,
          };
        }
        return candidate.createdAt < ownSince
          ? {
              candidate,
              cancel: true,
              reason: `created before the current commit's deployment (ancestry of ${short(sha)} unknown: ${answer.why})`,
            }
          : {
              candidate,
              cancel: false,
              reason: `ancestry of ${short(sha)} unknown (${answer.why}), and created after the current commit's deployment`,
            };
    }
  });
}
