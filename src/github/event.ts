import { readFileSync } from 'node:fs';

/** The workflow's repository, as the deployments' git metadata names it. */
export interface Repository {
  /** github (the default), gitlab, bitbucket: as Vercel's git metadata names the provider. */
  provider?: string;
  id?: string;
  /** For GitLab, the namespace path (group/subgroup). */
  owner: string;
  name: string;
}

/** The commit this run speaks for, and what it supersedes. */
export interface CurrentCommit {
  sha: string;
  branch: string;
  repository: Repository;
  /** A closed pull request: every in-progress deployment of its branch is stale, the head's own included. */
  closedPullRequest: boolean;
  /** A pull request from a fork: its branch name means nothing in this repository, so deployments must carry its PR number. */
  pullRequest?: { number: number; fromFork: boolean };
}

/** Nothing to supersede (a tag push, a deleted branch): the reason, for the log. */
export interface NothingToDo {
  nothing: string;
}

interface Payload {
  deleted?: boolean;
  action?: string;
  repository?: { id?: number; full_name?: string };
  pull_request?: {
    number?: number;
    head?: { sha?: string; ref?: string; repo?: { id?: number } | null };
    base?: { repo?: { id?: number } };
  };
}

export class EventError extends Error {}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * Read the current commit, branch and repository from the runner's environment and event payload.
 * `sha` and `branch` (the inputs) override what the event says. Read by hand rather than through
 * @actions/github's context, which loads octokit: by-id runs never need it.
 */
export function currentCommit(env: NodeJS.ProcessEnv, overrides: { sha?: string; branch?: string }): CurrentCommit | NothingToDo {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const repository = repositoryOf(env, payload);

  let sha: string | undefined;
  let branch: string | undefined;
  let closedPullRequest = false;
  let pullRequest: CurrentCommit['pullRequest'];

  if (PULL_REQUEST_EVENTS.has(eventName) && payload.pull_request) {
    // Never GITHUB_SHA here: it is GitHub's merge commit (or, for _target, the base branch's head).
    const pr = payload.pull_request;
    sha = pr.head?.sha;
    branch = pr.head?.ref;
    closedPullRequest = payload.action === 'closed';
    // A pull request whose head repository is gone (a deleted fork: head.repo is null) counts as from a fork.
    const headRepo = pr.head?.repo;
    const baseRepo = pr.base?.repo?.id ?? payload.repository?.id;
    if (typeof pr.number === 'number') {
      const fromFork = headRepo == null || (headRepo.id !== undefined && baseRepo !== undefined && headRepo.id !== baseRepo);
      pullRequest = { number: pr.number, fromFork };
    }
  } else {
    const ref = env.GITHUB_REF ?? '';
    if (eventName === 'push' && payload.deleted) return { nothing: `the push deleted ${ref || 'a branch'}: no build to supersede` };
    if (!overrides.branch && ref.startsWith('refs/tags/'))
      return { nothing: `${ref} is a tag, not a branch: no branch deployments to supersede` };
    sha = env.GITHUB_SHA;
    branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  }

  sha = overrides.sha ?? sha?.toLowerCase();
  branch = overrides.branch ?? branch;
  if (!sha || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new EventError(
      `The ${eventName || 'current'} event names no commit: set the sha input to the commit whose superseded deployments should be canceled.`,
    );
  }
  if (!branch) {
    throw new EventError(
      `The ${eventName || 'current'} event (ref ${JSON.stringify(env.GITHUB_REF ?? '')}) names no branch: set the branch input.`,
    );
  }
  return { sha, branch, repository, closedPullRequest, pullRequest };
}

function readPayload(path: string | undefined): Payload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Payload;
  } catch {
    throw new EventError(`Cannot read the event payload at GITHUB_EVENT_PATH (${path}): is this running in GitHub Actions?`);
  }
}

function repositoryOf(env: NodeJS.ProcessEnv, payload: Payload): Repository {
  const fullName = payload.repository?.full_name ?? env.GITHUB_REPOSITORY ?? '';
  const [owner, name] = fullName.split('/');
  if (!owner || !name) throw new EventError('The repository is unknown: GITHUB_REPOSITORY is not set. Run this action in GitHub Actions.');
  const id = payload.repository?.id ?? env.GITHUB_REPOSITORY_ID;
  return { id: id === undefined || id === '' ? undefined : String(id), owner, name };
}
