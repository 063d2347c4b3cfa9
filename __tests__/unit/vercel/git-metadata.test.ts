import { describe, expect, it } from '@jest/globals';
import { gitInfoFromMeta, gitInfoFromSource, mergeGitInfo } from '../../../src/vercel/git-metadata.js';
import type { GitInfo } from '../../../src/vercel/git-metadata.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const SHA_UPPER = SHA.toUpperCase();
const OTHER = 'f'.repeat(40);

describe('gitInfoFromMeta', () => {
  it('is empty without meta', () => {
    expect(gitInfoFromMeta(undefined)).toStrictEqual({});
    expect(gitInfoFromMeta({})).toStrictEqual({});
  });

  it('reads the github* keys of a Git-integration build', () => {
    const meta = {
      githubCommitSha: SHA,
      githubCommitRef: 'feature/login',
      githubRepoId: '100',
      githubOrg: 'acme',
      githubRepo: 'web',
      githubCommitOrg: 'acme',
      githubCommitRepo: 'web',
      githubCommitRepoId: '100',
      githubCommitMessage: 'fix',
      githubDeployment: '1',
    };
    expect(gitInfoFromMeta(meta)).toStrictEqual({
      sha: SHA,
      branch: 'feature/login',
      repo: { provider: 'github', id: '100', owner: 'acme', name: 'web' },
    });
  });

  it('falls back to the commit repository keys when the linked ones are absent', () => {
    const info = gitInfoFromMeta({
      githubCommitSha: SHA,
      githubCommitRef: 'main',
      githubCommitRepoId: '7',
      githubCommitOrg: 'o',
      githubCommitRepo: 'r',
    });
    expect(info.repo).toEqual({ provider: 'github', id: '7', owner: 'o', name: 'r' });
  });

  it('prefers the linked repository (githubRepoId/githubOrg/githubRepo) over the commit one (a fork on fork PRs)', () => {
    const info = gitInfoFromMeta({
      githubCommitSha: SHA,
      githubCommitRef: 'patch-1',
      githubRepoId: '100',
      githubOrg: 'acme',
      githubRepo: 'web',
      githubCommitRepoId: '555',
      githubCommitOrg: 'forker',
      githubCommitRepo: 'web-fork',
      githubPrId: '9',
    });
    expect(info.repo).toEqual({ provider: 'github', id: '100', owner: 'acme', name: 'web' });
    expect(info.prId).toBe(9);
  });

  it('names a github repository from the linked keys even without a commit sha', () => {
    expect(gitInfoFromMeta({ githubRepoId: '100', githubOrg: 'acme', githubRepo: 'web' }).repo).toEqual({
      provider: 'github',
      id: '100',
      owner: 'acme',
      name: 'web',
    });
    expect(gitInfoFromMeta({ githubOrg: 'acme', githubRepo: 'web' }).repo).toEqual({ provider: 'github', owner: 'acme', name: 'web' });
  });

  it('reads the generic git* keys of a CLI deployment: commit and branch, no repository', () => {
    const info = gitInfoFromMeta({ gitCommitSha: SHA, gitCommitRef: 'main', gitDirty: '1', gitCommitMessage: 'wip' });
    expect(info).toStrictEqual({ sha: SHA, branch: 'main' });
    expect(info.repo).toBeUndefined();
  });

  it('reads the GitLab keys, with the project id', () => {
    expect(
      gitInfoFromMeta({ gitlabCommitSha: SHA, gitlabCommitRef: 'main', gitlabProjectId: '4242', gitlabProjectNamespace: 'acme' }),
    ).toStrictEqual({
      sha: SHA,
      branch: 'main',
      repo: { provider: 'gitlab', id: '4242' },
    });
  });

  it('reads the Bitbucket keys, with the repository uuid', () => {
    expect(gitInfoFromMeta({ bitbucketCommitSha: SHA, bitbucketCommitRef: 'dev', bitbucketRepoUuid: '{abc}' })).toStrictEqual({
      sha: SHA,
      branch: 'dev',
      repo: { provider: 'bitbucket', id: '{abc}' },
    });
  });

  it('reads githubPrId "42" as the number 42, and ignores one that is not a number', () => {
    expect(gitInfoFromMeta({ githubCommitSha: SHA, githubPrId: '42' }).prId).toBe(42);
    expect(gitInfoFromMeta({ githubCommitSha: SHA, githubPrId: '' })).not.toHaveProperty('prId');
    expect(gitInfoFromMeta({ githubCommitSha: SHA, githubPrId: 'abc' })).not.toHaveProperty('prId');
    expect(gitInfoFromMeta({ githubCommitSha: SHA, githubPrId: '4.5' })).not.toHaveProperty('prId');
  });

  it('lowercases the sha, whichever key gives it', () => {
    expect(gitInfoFromMeta({ githubCommitSha: SHA_UPPER }).sha).toBe(SHA);
    expect(gitInfoFromMeta({ gitCommitSha: SHA_UPPER }).sha).toBe(SHA);
    expect(gitInfoFromMeta({ gitlabCommitSha: SHA_UPPER }).sha).toBe(SHA);
    expect(gitInfoFromMeta({ bitbucketCommitSha: SHA_UPPER }).sha).toBe(SHA);
  });

  it('ignores empty strings, falling back to the next key', () => {
    const info = gitInfoFromMeta({
      githubCommitSha: '',
      githubCommitRef: '',
      gitCommitSha: SHA,
      gitCommitRef: 'main',
      githubPrId: '',
    });
    expect(info).toStrictEqual({ sha: SHA, branch: 'main' });

    const repo = gitInfoFromMeta({
      githubCommitSha: SHA,
      githubRepoId: '',
      githubOrg: '',
      githubRepo: '',
      githubCommitRepoId: '7',
      githubCommitOrg: 'o',
      githubCommitRepo: 'r',
    }).repo;
    expect(repo).toEqual({ provider: 'github', id: '7', owner: 'o', name: 'r' });
  });

  it('names no repository from empty github keys', () => {
    expect(gitInfoFromMeta({ githubCommitSha: '', githubRepoId: '', githubOrg: '', gitCommitSha: SHA })).toStrictEqual({ sha: SHA });
    expect(gitInfoFromMeta({ gitlabCommitSha: '', gitlabProjectId: '1' })).toStrictEqual({});
  });

  // Empty strings are ignored: an empty githubRepoId must not hide a non-empty githubOrg.
  it('an empty githubRepoId does not hide githubOrg/githubRepo', () => {
    expect(
      gitInfoFromMeta({ githubRepoId: '', githubOrg: 'acme', githubRepo: 'web', gitCommitSha: SHA, gitCommitRef: 'main' }).repo,
    ).toEqual({
      provider: 'github',
      owner: 'acme',
      name: 'web',
    });
  });

  it('ignores values that are not strings', () => {
    expect(gitInfoFromMeta({ githubCommitSha: 123, gitCommitSha: SHA, gitCommitRef: null })).toStrictEqual({ sha: SHA });
  });
});

describe('gitInfoFromSource', () => {
  it('is empty without a gitSource', () => {
    expect(gitInfoFromSource(null)).toStrictEqual({});
    expect(gitInfoFromSource(undefined)).toStrictEqual({});
  });

  it('reads a GitHub source, the numeric repoId as a string', () => {
    expect(
      gitInfoFromSource({ type: 'github', ref: 'main', sha: SHA_UPPER, repoId: 123456, org: 'acme', repo: 'web', prId: 42 }),
    ).toStrictEqual({
      sha: SHA,
      branch: 'main',
      repo: { provider: 'github', id: '123456', owner: 'acme', name: 'web', host: 'github.com' },
      prId: 42,
    });
  });

  it('reads a GitHub Enterprise Server source (github-custom-host) with its host', () => {
    const info = gitInfoFromSource({ type: 'github-custom-host', host: 'GHE.example.com', ref: 'main', sha: SHA, repoId: 7 });
    expect(info.repo).toEqual({ provider: 'github', id: '7', host: 'ghe.example.com' });
    expect(gitInfoFromSource({ type: 'github-limited', sha: SHA, org: 'acme', repo: 'web' }).repo?.host).toBe('github.com');
  });

  it('leaves the host unknown for a custom host that names none', () => {
    expect(gitInfoFromSource({ type: 'github-custom-host', sha: SHA, repoId: 7 }).repo).toEqual({ provider: 'github', id: '7' });
  });

  it('keeps a string repoId, and drops a null ref and prId', () => {
    const info = gitInfoFromSource({ type: 'github', ref: null, sha: SHA, repoId: '99', org: 'acme', repo: 'web', prId: null });
    expect(info).not.toHaveProperty('branch');
    expect(info).not.toHaveProperty('prId');
    expect(info.repo).toEqual({ provider: 'github', id: '99', owner: 'acme', name: 'web', host: 'github.com' });
  });

  it('reads a GitLab source, with its projectId', () => {
    const info = gitInfoFromSource({ type: 'gitlab', ref: 'main', sha: SHA, projectId: 4242 });
    expect(info.sha).toBe(SHA);
    expect(info.branch).toBe('main');
    expect(info.repo).toEqual({ provider: 'gitlab', id: '4242' });
  });

  it('reads a Bitbucket source, with its repoUuid, owner and slug', () => {
    const info = gitInfoFromSource({
      type: 'bitbucket',
      ref: 'dev',
      sha: SHA,
      repoUuid: '{abc}',
      workspaceUuid: '{ws}',
      owner: 'acme',
      slug: 'web',
    });
    expect(info.sha).toBe(SHA);
    expect(info.branch).toBe('dev');
    expect(info.repo).toEqual({ provider: 'bitbucket', id: '{abc}', owner: 'acme', name: 'web' });
  });

  it('reads a Bitbucket source named by owner and slug only', () => {
    const info = gitInfoFromSource({ type: 'bitbucket', ref: 'dev', sha: SHA, owner: 'acme', slug: 'web' });
    expect(info.repo).toEqual({ provider: 'bitbucket', owner: 'acme', name: 'web' });
  });

  it('reads a cursor-origin source, with its repoId, owner and repo', () => {
    const info = gitInfoFromSource({ type: 'cursor-origin', ref: 'main', sha: SHA, repoId: 'r1', owner: 'acme', repo: 'web' });
    expect(info.repo).toEqual({ provider: 'cursor-origin', id: 'r1', owner: 'acme', name: 'web' });
  });

  it('never takes a GitLab or Bitbucket source for a GitHub one', () => {
    expect(gitInfoFromSource({ type: 'gitlab', sha: SHA, projectId: 1 }).repo?.provider).toBe('gitlab');
    expect(gitInfoFromSource({ type: 'bitbucket', sha: SHA, repoUuid: 'u' }).repo?.provider).toBe('bitbucket');
  });
});

describe('mergeGitInfo', () => {
  const meta: GitInfo = { sha: SHA, repo: { provider: 'github', owner: 'acme', name: 'web' } };
  const source: GitInfo = { sha: OTHER, branch: 'main', repo: { provider: 'github', id: '100', owner: 'x', name: 'y' }, prId: 3 };

  it('takes meta first and fills what it lacks from gitSource', () => {
    expect(mergeGitInfo(meta, source)).toStrictEqual({ sha: SHA, branch: 'main', repo: meta.repo, prId: 3 });
  });

  it('fills the GitHub host meta does not name from the gitSource of the same provider', () => {
    const ghes: GitInfo = { repo: { provider: 'github', id: '7', host: 'ghe.example.com' } };
    expect(mergeGitInfo(meta, ghes).repo).toEqual({ ...meta.repo, host: 'ghe.example.com' });
    expect(mergeGitInfo(meta, { repo: { provider: 'gitlab', id: '1' } }).repo).toEqual(meta.repo);
  });

  it('takes everything from gitSource when meta says nothing, and the reverse', () => {
    expect(mergeGitInfo({}, source)).toStrictEqual(source);
    expect(mergeGitInfo(source, {})).toStrictEqual(source);
    expect(mergeGitInfo({}, {})).toStrictEqual({});
  });

  it('keeps meta values over every gitSource value', () => {
    const full: GitInfo = { sha: SHA, branch: 'feature', repo: { provider: 'gitlab', id: '1' }, prId: 7 };
    expect(mergeGitInfo(full, source)).toStrictEqual(full);
  });
});

describe('forkCommit', () => {
  it('is set when the commit lives in another repository than the linked one (a fork pull request)', () => {
    expect(gitInfoFromMeta({ githubCommitSha: 'a'.repeat(40), githubRepoId: '1', githubCommitRepoId: '2' }).forkCommit).toBe(true);
    expect(
      gitInfoFromMeta({
        githubCommitSha: 'a'.repeat(40),
        githubOrg: 'acme',
        githubRepo: 'web',
        githubCommitOrg: 'someone',
        githubCommitRepo: 'web',
      }).forkCommit,
    ).toBe(true);
  });

  it('is absent for the linked repository itself, or when meta cannot tell', () => {
    expect(gitInfoFromMeta({ githubCommitSha: 'a'.repeat(40), githubRepoId: '1', githubCommitRepoId: '1' }).forkCommit).toBeUndefined();
    expect(
      gitInfoFromMeta({
        githubCommitSha: 'a'.repeat(40),
        githubOrg: 'Acme',
        githubRepo: 'web',
        githubCommitOrg: 'acme',
        githubCommitRepo: 'Web',
      }).forkCommit,
    ).toBeUndefined();
    expect(gitInfoFromMeta({ githubCommitSha: 'a'.repeat(40), githubRepoId: '1' }).forkCommit).toBeUndefined();
  });
});
