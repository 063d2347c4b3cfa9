import type { Deployment } from './schemas.js';

/** What a deployment says of its commit, branch and repository. Every part may be missing. */
export interface GitInfo {
  sha?: string;
  branch?: string;
  /**
   * provider: github, gitlab, bitbucket, ... ; ids and names as that provider gives them. `host`, for
   * GitHub: github.com, or a GitHub Enterprise Server's host; undefined when the metadata does not say.
   */
  repo?: { provider: string; id?: string; owner?: string; name?: string; host?: string };
  /** The pull request number, when Vercel knows it. */
  prId?: number;
  /** The commit lives in another repository than the linked one: a build of a fork's pull request. */
  forkCommit?: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * From `meta`: `github*` keys for Git-integration builds, the generic `git*` keys that CLI
 * deployments get, and the GitLab/Bitbucket keys. The linked repository (githubRepoId, githubOrg)
 * comes before the commit's (githubCommitRepoId), which is a fork's on fork pull requests.
 */
export function gitInfoFromMeta(meta: Record<string, unknown> | undefined): GitInfo {
  if (!meta) return {};
  const sha = text(meta.githubCommitSha) ?? text(meta.gitCommitSha) ?? text(meta.gitlabCommitSha) ?? text(meta.bitbucketCommitSha);
  const branch = text(meta.githubCommitRef) ?? text(meta.gitCommitRef) ?? text(meta.gitlabCommitRef) ?? text(meta.bitbucketCommitRef);
  let repo: GitInfo['repo'];
  if (text(meta.githubCommitSha) ?? text(meta.githubRepoId) ?? text(meta.githubOrg)) {
    repo = {
      provider: 'github',
      id: text(meta.githubRepoId) ?? text(meta.githubCommitRepoId),
      owner: text(meta.githubOrg) ?? text(meta.githubCommitOrg),
      name: text(meta.githubRepo) ?? text(meta.githubCommitRepo),
    };
  } else if (text(meta.gitlabCommitSha)) {
    repo = { provider: 'gitlab', id: text(meta.gitlabProjectId) };
  } else if (text(meta.bitbucketCommitSha)) {
    repo = { provider: 'bitbucket', id: text(meta.bitbucketRepoUuid) };
  }
  const prId = Number(text(meta.githubPrId) ?? NaN);
  return strip({ sha: sha?.toLowerCase(), branch, repo, prId: Number.isInteger(prId) ? prId : undefined, forkCommit: forkCommit(meta) });
}

/** githubCommitRepoId/Org/Repo name the repository the commit lives in; githubRepoId/Org/Repo the linked one. */
function forkCommit(meta: Record<string, unknown>): true | undefined {
  const linkedId = text(meta.githubRepoId);
  const commitId = text(meta.githubCommitRepoId);
  if (linkedId && commitId) return linkedId !== commitId ? true : undefined;
  const linked = [text(meta.githubOrg), text(meta.githubRepo)];
  const commit = [text(meta.githubCommitOrg), text(meta.githubCommitRepo)];
  if (linked.every(Boolean) && commit.every(Boolean)) {
    return linked.join('/').toLowerCase() !== commit.join('/').toLowerCase() ? true : undefined;
  }
  return undefined;
}

export const GITHUB_COM = 'github.com';

/**
 * The host of a GitHub gitSource: `github-custom-host` is GitHub Enterprise Server at its `host`;
 * `github` and `github-limited` are github.com (vercel/sdk gitSource variants: only
 * github-custom-host has a `host`). Undefined for other providers, or a custom host that names none.
 */
function githubHost(type: string, host: string | undefined): string | undefined {
  if (type === 'github-custom-host') return text(host)?.toLowerCase();
  return type === 'github' || type === 'github-limited' ? GITHUB_COM : undefined;
}

/**
 * From `gitSource` (GET /v13/deployments/{id}?withGitRepoInfo=true). The repository is `repoId` or
 * `org`+`repo` (GitHub), `projectId` (GitLab), `repoUuid` or `owner`+`slug` (Bitbucket),
 * `repoId`+`owner`+`repo` (cursor-origin): vercel/sdk `CancelDeploymentGitSource1..9`, `GitSource10..19`.
 */
export function gitInfoFromSource(source: Deployment['gitSource']): GitInfo {
  if (!source) return {};
  const type = source.type ?? 'unknown';
  const provider = type.startsWith('github') ? 'github' : type;
  const id = source.repoId ?? source.projectId ?? source.repoUuid;
  const repo = {
    provider,
    id: id === undefined ? undefined : String(id),
    owner: text(source.org) ?? text(source.owner),
    name: text(source.repo) ?? text(source.slug),
    host: githubHost(type, source.host),
  };
  return strip({
    sha: source.sha?.toLowerCase(),
    branch: source.ref ?? undefined,
    repo: strip(repo),
    prId: typeof source.prId === 'number' ? source.prId : undefined,
  });
}

/** `meta` first; `gitSource` fills what it lacks. */
export function mergeGitInfo(meta: GitInfo, source: GitInfo): GitInfo {
  return strip({
    sha: meta.sha ?? source.sha,
    branch: meta.branch ?? source.branch,
    repo: meta.repo ? withHost(meta.repo, source.repo) : source.repo,
    prId: meta.prId ?? source.prId,
    forkCommit: meta.forkCommit,
  });
}

/** `meta` names no GitHub host: the gitSource of the same provider does. */
function withHost(repo: NonNullable<GitInfo['repo']>, source: GitInfo['repo']): NonNullable<GitInfo['repo']> {
  if (repo.host !== undefined || source?.provider !== repo.provider || source.host === undefined) return repo;
  return { ...repo, host: source.host };
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
