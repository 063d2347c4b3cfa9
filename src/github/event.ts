// "Which commit does this run speak for": the trigger event, read as GitHub documents it. GitHub sets
// GITHUB_SHA/GITHUB_REF to the default branch for many events ("Events that trigger workflows"), so
// each event names where its real commit and branch are; never silently the default branch's.
import { readFileSync } from 'node:fs';

/** The workflow's repository, as the deployments' git metadata names it. */
export interface Repository {
  /** github (the default), gitlab, bitbucket: as Vercel's git metadata names the provider. */
  provider?: string;
  id?: string;
  /** For GitLab, the namespace path (group/subgroup). */
  owner: string;
  name: string;
  /** The git server's host: github.com (when unset), or a GitHub Enterprise Server's, from GITHUB_SERVER_URL. */
  host?: string;
}

/** The commit this run speaks for, and what it supersedes. */
export interface CurrentCommit {
  /** '' when the branch was deleted and the event names no commit (`delete`). */
  sha: string;
  branch: string;
  repository: Repository;
  /** A closed pull request: every in-progress deployment of its branch is stale, the head's own included. */
  closedPullRequest: boolean;
  /** The branch is gone (deleted): every in-progress build of it in this repository is stale. */
  branchDeleted?: boolean;
  /** A pull request from a fork: its branch name means nothing in this repository, so deployments must carry its PR number. */
  pullRequest?: { number: number; fromFork: boolean };
  /** The Vercel project the event is about (Vercel's repository_dispatch): scopes like project-id. */
  projectId?: string;
  /** How the event decided, for the first log line: "push: GITHUB_SHA and the pushed branch". */
  decidedBy: string;
}

/** Nothing to supersede (a tag push, a release): the reason, for the log. */
export interface NothingToDo {
  nothing: string;
}

/**
 * The commit is known but its branch is not: a deployment made for a SHA (Vercel makes its GitHub
 * deployments that way). The branch is the one the git metadata of that commit's own Vercel
 * deployment names.
 */
export interface BranchUnknown {
  branchOfCommit: Omit<CurrentCommit, 'branch'>;
  /** The host of the Vercel deployment the event is about (deployment_status' environment_url or target_url). */
  deploymentHost?: string;
}

export type EventReading = CurrentCommit | NothingToDo | BranchUnknown;

/** The event names no commit or branch, or they cannot be read: a configuration error (exit 1, no request). */
export class EventError extends Error {}

interface PullRequest {
  number?: number;
  user?: { login?: string };
  head?: { sha?: string; ref?: string; repo?: { id?: number; full_name?: string } | null };
  base?: { repo?: { id?: number; full_name?: string } };
}

/** The parts of the payloads read here (GitHub's webhook payloads; anything may be missing). */
interface Payload {
  ref?: string;
  ref_type?: string;
  before?: string;
  deleted?: boolean;
  action?: string;
  repository?: { id?: number; full_name?: string };
  pull_request?: PullRequest;
  workflow_run?: {
    head_sha?: string;
    head_branch?: string | null;
    head_repository?: { id?: number; full_name?: string } | null;
    pull_requests?: Array<{ number?: number }>;
  };
  deployment?: { sha?: string; ref?: string };
  deployment_status?: { environment_url?: string; target_url?: string };
  client_payload?: { git?: { sha?: string; ref?: string }; project?: { id?: string } };
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);
/** Events GitHub runs for a branch the user chose (workflow_dispatch) or the default branch (schedule). */
const BRANCH_EVENTS = new Set(['workflow_dispatch', 'schedule']);
const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** What the event itself says, before the sha/branch inputs. */
type Found =
  | {
      sha?: string;
      branch?: string;
      decidedBy: string;
      closedPullRequest?: boolean;
      pullRequest?: CurrentCommit['pullRequest'];
      projectId?: string;
    }
  | { branchDeleted: string; sha?: string; decidedBy: string }
  | { nothing: string; sha?: string }
  | { branchFromVercel: true; sha?: string; deploymentHost?: string; decidedBy: string }
  | { unsupported: true };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const branchOfRef = (ref: string | undefined) => (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined);
const sameRepository = (a: { id?: number; full_name?: string } | null | undefined, b: Payload['repository']) =>
  a != null && (a.id !== undefined && b?.id !== undefined ? a.id === b.id : a.full_name === b?.full_name);

function fromEvent(eventName: string, payload: Payload, env: NodeJS.ProcessEnv): Found {
  if (PULL_REQUEST_EVENTS.has(eventName) && payload.pull_request) {
    // Never GITHUB_SHA here: it is GitHub's merge commit (or, for _target, the base branch's head).
    const pr = payload.pull_request;
    // A pull request whose head repository is gone (a deleted fork: head.repo is null) counts as from a fork.
    const fromFork = !sameRepository(pr.head?.repo, pr.base?.repo ?? payload.repository);
    return {
      sha: pr.head?.sha,
      branch: pr.head?.ref,
      closedPullRequest: payload.action === 'closed' && (eventName === 'pull_request' || eventName === 'pull_request_target'),
      pullRequest: typeof pr.number === 'number' ? { number: pr.number, fromFork } : undefined,
      decidedBy:
        payload.action === 'closed' && typeof pr.number === 'number'
          ? `${eventName}: closed pull request #${pr.number}, its head commit and branch`
          : `${eventName}: the pull request's head commit and branch`,
    };
  }
  switch (eventName) {
    case 'push': {
      const ref = payload.ref ?? env.GITHUB_REF ?? '';
      if (ref.startsWith('refs/tags/'))
        return { nothing: `the push is of tag ${ref}, not a branch: no branch builds to supersede`, sha: env.GITHUB_SHA };
      if (payload.deleted) {
        // GITHUB_SHA is the default branch's here; the deleted branch's last commit is `before`.
        return { branchDeleted: ref, sha: payload.before, decidedBy: `push that deleted ${ref}` };
      }
      return { sha: env.GITHUB_SHA, branch: branchOfRef(ref), decidedBy: 'push: GITHUB_SHA and the pushed branch' };
    }
    case 'delete':
      if (payload.ref_type === 'branch' && text(payload.ref)) {
        return { branchDeleted: `refs/heads/${payload.ref}`, decidedBy: `delete of branch ${payload.ref}` };
      }
      return { nothing: `the delete event is for ${payload.ref_type ?? 'a ref'} ${payload.ref ?? ''}, not a branch: nothing to supersede` };
    case 'release':
      return { nothing: 'a release is made from a tag, not a branch: no branch builds to supersede', sha: env.GITHUB_SHA };
    case 'merge_group':
      return { nothing: "a merge queue's temporary branch has no builds to supersede" };
    case 'workflow_run': {
      const run = payload.workflow_run ?? {};
      // A fork's workflow_run lists no pull requests (its pull_requests is empty for forks), so its
      // builds cannot be linked to one here: a fork's branch name means nothing in this repository.
      if (run.head_repository != null && !sameRepository(run.head_repository, payload.repository)) {
        return { nothing: "the workflow run is for a fork's branch, whose builds only its pull request's own runs may supersede" };
      }
      const number = run.pull_requests?.[0]?.number;
      return {
        sha: run.head_sha,
        branch: run.head_branch ?? undefined,
        pullRequest: typeof number === 'number' ? { number, fromFork: false } : undefined,
        decidedBy: "workflow_run: the triggering run's head commit and branch",
      };
    }
    case 'deployment':
    case 'deployment_status': {
      const { sha, ref } = payload.deployment ?? {};
      if (ref !== undefined && FULL_SHA.test(ref.toLowerCase())) {
        const status = payload.deployment_status;
        return {
          branchFromVercel: true,
          sha,
          deploymentHost: hostOf(status?.environment_url) ?? hostOf(status?.target_url),
          decidedBy: `${eventName}: the deployment's commit, made for a SHA`,
        };
      }
      if (ref?.startsWith('refs/tags/')) return { nothing: `the deployment is of tag ${ref}: no branch builds to supersede` };
      return { sha, branch: branchOfRef(ref) ?? ref, decidedBy: `${eventName}: the deployment's commit and ref` };
    }
    case 'repository_dispatch': {
      // Vercel's events: vercel.deployment.{pending,ready,...} with client_payload {git: {ref, sha}, project: {id}}.
      if (!payload.action?.startsWith('vercel.deployment.')) return { unsupported: true };
      const { git, project } = payload.client_payload ?? {};
      if (!text(git?.sha))
        return { nothing: `Vercel's ${payload.action} event names no commit (a deployment not made from git): nothing to supersede` };
      return {
        sha: git?.sha,
        branch: git?.ref,
        projectId: text(project?.id),
        decidedBy: `repository_dispatch ${payload.action}: Vercel's commit, branch and project`,
      };
    }
  }
  if (BRANCH_EVENTS.has(eventName)) {
    if (env.GITHUB_REF?.startsWith('refs/tags/')) {
      return { nothing: `the run is on tag ${env.GITHUB_REF}, not a branch: no branch builds to supersede`, sha: env.GITHUB_SHA };
    }
    return { sha: env.GITHUB_SHA, branch: branchOfRef(env.GITHUB_REF), decidedBy: `${eventName}: GITHUB_SHA and GITHUB_REF` };
  }
  return { unsupported: true };
}

/**
 * The commit this run speaks for, from the runner's environment and event payload. The `sha` and
 * `branch` inputs override what the event says. Read by hand: a few documented fields of the
 * payload, nothing to load for by-id runs.
 */
export function currentCommit(env: NodeJS.ProcessEnv, overrides: { sha?: string; branch?: string }): EventReading {
  const eventName = env.GITHUB_EVENT_NAME || 'run';
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const repository = repositoryOf(env, payload);
  const found = fromEvent(eventName, payload, env);
  const given = overrides.sha !== undefined || overrides.branch !== undefined;

  if ('unsupported' in found && !(overrides.sha && overrides.branch)) {
    throw new EventError(
      `The ${eventName} event names no branch or commit of its own (GitHub runs it on the default branch): ` +
        'set both the sha and branch inputs to the commit and branch whose superseded builds should be canceled.',
    );
  }
  if (!given) {
    if ('nothing' in found) return { nothing: found.nothing };
    if ('branchDeleted' in found) {
      const branch = found.branchDeleted.replace(/^refs\/heads\//, '');
      return {
        sha: found.sha && FULL_SHA.test(found.sha) ? found.sha : '',
        branch,
        repository,
        closedPullRequest: false,
        branchDeleted: true,
        decidedBy: `${found.decidedBy}: every in-progress build of the branch is stale`,
      };
    }
  }

  const sha = (overrides.sha ?? ('sha' in found ? found.sha : undefined))?.toLowerCase();
  const decidedBy = decidedByOf(found, overrides);
  if (!sha || !FULL_SHA.test(sha)) {
    throw new EventError(
      `The ${eventName} event names no commit: set the sha input to the commit whose superseded deployments should be canceled.`,
    );
  }
  const base = {
    sha,
    repository,
    closedPullRequest: 'closedPullRequest' in found ? Boolean(found.closedPullRequest) : false,
    pullRequest: 'pullRequest' in found ? found.pullRequest : undefined,
    projectId: 'projectId' in found ? found.projectId : undefined,
    decidedBy,
  };
  if (!overrides.branch && 'branchFromVercel' in found) return { branchOfCommit: base, deploymentHost: found.deploymentHost };
  const branch = overrides.branch ?? ('branch' in found ? found.branch : undefined);
  if (!branch) {
    throw new EventError(`The ${eventName} event (ref ${JSON.stringify(env.GITHUB_REF ?? '')}) names no branch: set the branch input.`);
  }
  return { ...base, branch };
}

/** How the commit was chosen, for the first log line: the event, or the inputs over it. */
function decidedByOf(found: Found, overrides: { sha?: string; branch?: string }): string {
  const event = 'decidedBy' in found ? found.decidedBy : undefined;
  const inputs = [overrides.sha !== undefined && 'sha', overrides.branch !== undefined && 'branch'].filter(Boolean);
  if (inputs.length === 0) return event ?? '';
  const named = inputs.length === 2 ? 'the sha and branch inputs' : `the ${inputs[0]} input`;
  return event ? `${named}, over ${event}` : named;
}

/** One `if:` for the step that skips every run without secrets: forks' pull requests and Dependabot's. */
export const SKIP_RUNS_WITHOUT_SECRETS =
  "if: github.actor != 'dependabot[bot]' && (!github.event.pull_request || github.event_name == 'pull_request_target' || github.event.pull_request.head.repo.full_name == github.repository)";

/**
 * Events whose Dependabot-triggered runs get Dependabot secrets instead of Actions secrets (GitHub
 * docs, "Troubleshooting Dependabot on GitHub Actions"; pull_request_target only when Dependabot
 * made the pull request). Other events (workflow_run, schedule, ...) do get Actions secrets.
 */
const DEPENDABOT_WITHOUT_SECRETS = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'push',
  'create',
  'deployment',
  'deployment_status',
]);

/**
 * Why this run gets no Actions secrets, if it is one that cannot: a pull request from a fork (fork
 * pull requests get no secrets), or a run Dependabot triggered on one of the events above.
 * pull_request_target (but for Dependabot's own pull requests) and workflow_run runs do get them.
 */
export function secretsWithheld(env: NodeJS.ProcessEnv): string | undefined {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let payload: Payload;
  try {
    payload = readPayload(env.GITHUB_EVENT_PATH);
  } catch {
    return undefined;
  }
  const dependabot = env.GITHUB_ACTOR === 'dependabot[bot]';
  if (dependabot && DEPENDABOT_WITHOUT_SECRETS.has(eventName)) {
    return 'Dependabot triggered this run, and such runs get Dependabot secrets, not Actions secrets';
  }
  if (eventName === 'pull_request_target' && dependabot && payload.pull_request?.user?.login === 'dependabot[bot]') {
    return "Dependabot made this pull request, and pull_request_target runs for Dependabot's pull requests get no Actions secrets";
  }
  if (!PULL_REQUEST_EVENTS.has(eventName) || eventName === 'pull_request_target') return undefined;
  const pr = payload.pull_request;
  if (!pr || sameRepository(pr.head?.repo, pr.base?.repo ?? payload.repository)) return undefined;
  return `pull request #${pr.number} comes from a fork, and GitHub gives runs for forks' pull requests no secrets`;
}

/** The host name of an http(s) URL ("https://ghe.example.com" -> "ghe.example.com"), or undefined. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
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
  const host = hostOf(env.GITHUB_SERVER_URL);
  return { id: id === undefined || id === '' ? undefined : String(id), owner, name, ...(host ? { host } : {}) };
}
