import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CurrentCommit, Repository } from '../../src/github/event.js';
import type { Target } from '../../src/inputs.js';
import { commitsToCompare, decide, gitSourceReads, needsGitSource } from '../../src/supersede.js';
import type { Ancestry, Candidate, Decision, SelectionOptions } from '../../src/supersede.js';
import { mergeGitInfo, type GitInfo } from '../../src/vercel/git-metadata.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const OLD2 = 'c'.repeat(40);
const NEW = 'd'.repeat(40);

const REPO: Repository = { id: '100', owner: 'acme', name: 'web' };
const GH: NonNullable<GitInfo['repo']> = { provider: 'github', id: '100', owner: 'acme', name: 'web' };

function current(overrides: Partial<CurrentCommit> = {}): CurrentCommit {
  return { sha: HEAD, branch: 'main', repository: REPO, closedPullRequest: false, decidedBy: 'test', ...overrides };
}

let seq = 0;
function cand(overrides: Partial<Omit<Candidate, 'git'>> = {}, git: Partial<GitInfo> = {}): Candidate {
  seq += 1;
  return {
    id: `dpl_${seq}`,
    createdAt: 1000,
    readyState: 'BUILDING',
    target: null,
    ...overrides,
    git: { sha: OLD, branch: 'main', repo: GH, ...git },
  };
}
/** A candidate whose git info is exactly `git` (no defaults filled in). */
function bare(git: GitInfo, overrides: Partial<Omit<Candidate, 'git'>> = {}): Candidate {
  seq += 1;
  return { id: `dpl_${seq}`, createdAt: 1000, readyState: 'BUILDING', target: null, ...overrides, git };
}

const ALL: SelectionOptions = { target: 'all', projectScoped: false };
const opts = (o: Partial<SelectionOptions> = {}): SelectionOptions => ({ ...ALL, ...o });

const older = (...shas: string[]) => new Map<string, Ancestry>(shas.map((s) => [s, { relation: 'older' }]));
const NONE = new Map<string, Ancestry>();

/**
 * The decision for `c`, decided beside the current commit's own build in the same project (created
 * later), as in the usual run: without project-id, a build is superseded only in a project where the
 * current commit builds too (tested on its own below).
 */
function one(c: Candidate, cur = current(), o = ALL, ancestry: ReadonlyMap<string, Ancestry> = older(OLD, OLD2)): Decision {
  const ownBuild = bare(
    { sha: cur.sha, branch: cur.branch, repo: { provider: 'github', ...cur.repository } },
    { createdAt: 5000, projectId: c.projectId },
  );
  const ds = decide([c, ownBuild], cur, o, ancestry);
  expect(ds).toHaveLength(2);
  expect(ds[0]!.candidate).toBe(c);
  expect(ds[0]!.reason.trim()).not.toBe('');
  return ds[0]!;
}

// ---------------------------------------------------------------------------------------------
// decide: unit tests, one per rule
// ---------------------------------------------------------------------------------------------

describe('decide: in-progress deployments of the same branch and repository', () => {
  it.each(['QUEUED', 'INITIALIZING', 'BUILDING'])('cancels an older commit in state %s', (state) => {
    const d = one(cand({ readyState: state }));
    expect(d.cancel).toBe(true);
    expect(d.reason).toMatch(/ancestor/);
  });

  it.each(['READY', 'ERROR', 'CANCELED', 'DELETED', 'BLOCKED', 'SOMETHING_NEW', ''])(
    'never cancels a deployment in state %p (BLOCKED included: held back, not building)',
    (state) => {
      const d = one(cand({ readyState: state }));
      expect(d.cancel).toBe(false);
      expect(d.reason).toMatch(/not in progress/);
      if (state) expect(d.reason).toContain(state);
    },
  );

  it('never cancels a finished deployment, even on a closed pull request', () => {
    expect(one(cand({ readyState: 'READY' }), current({ closedPullRequest: true })).cancel).toBe(false);
  });
});

describe('decide: repository', () => {
  it('matches by id when both sides have one, whatever the names say', () => {
    const d = one(cand({}, { repo: { provider: 'github', id: '100', owner: 'renamed', name: 'other' } }));
    expect(d.cancel).toBe(true);
  });

  it('skips another repository id even when owner/name are equal', () => {
    const d = one(cand({}, { repo: { provider: 'github', id: '999', owner: 'acme', name: 'web' } }));
    expect(d.cancel).toBe(false);
    expect(d.reason).toMatch(/another repository/);
  });

  it('falls back to owner/name, case-insensitively, when the current repository has no id', () => {
    const cur = current({ repository: { owner: 'Acme', name: 'Web' } });
    expect(one(cand({}, { repo: { provider: 'github', id: '999', owner: 'ACME', name: 'web' } }), cur).cancel).toBe(true);
    expect(one(cand({}, { repo: { provider: 'github', owner: 'acme', name: 'WEB' } }), cur).cancel).toBe(true);
  });

  it('falls back to owner/name when the candidate has no id', () => {
    expect(one(cand({}, { repo: { provider: 'github', owner: 'ACME', name: 'Web' } })).cancel).toBe(true);
    const other = one(cand({}, { repo: { provider: 'github', owner: 'someone', name: 'web' } }));
    expect(other.cancel).toBe(false);
    expect(other.reason).toMatch(/another repository/);
    const otherName = one(cand({}, { repo: { provider: 'github', owner: 'acme', name: 'api' } }));
    expect(otherName.cancel).toBe(false);
  });

  it.each(['gitlab', 'bitbucket'])('never matches a %s repository, even with the same id or names', (provider) => {
    for (const projectScoped of [false, true]) {
      const d = one(cand({}, { repo: { provider, id: '100', owner: 'acme', name: 'web' } }), current(), opts({ projectScoped }));
      expect(d.cancel).toBe(false);
      expect(d.reason).toContain(provider);
    }
  });

  it('skips a candidate without repository info unless project-scoped, naming project-id', () => {
    const d = one(cand({}, { repo: undefined }));
    expect(d.cancel).toBe(false);
    expect(d.reason).toMatch(/project-id/);
  });

  it('counts a candidate without repository info when project-scoped', () => {
    const d = one(cand({}, { repo: undefined }), current(), opts({ projectScoped: true }));
    expect(d.cancel).toBe(true);
  });

  it('project scope does not make a known other repository match', () => {
    const d = one(cand({}, { repo: { provider: 'github', id: '999' } }), current(), opts({ projectScoped: true }));
    expect(d.cancel).toBe(false);
  });

  it('skips another repository on a closed pull request too', () => {
    const d = one(cand({}, { repo: { provider: 'github', id: '999' } }), current({ closedPullRequest: true }));
    expect(d.cancel).toBe(false);
  });
});

describe('decide: GitHub host (GitHub Enterprise Server)', () => {
  const GHES = 'ghe.example.com';
  const onGhes = (o: Partial<CurrentCommit> = {}) => current({ repository: { ...REPO, host: GHES }, ...o });

  it("a github-custom-host build on the workflow's own host is ours", () => {
    expect(one(cand({}, { repo: { ...GH, host: GHES } }), onGhes()).cancel).toBe(true);
  });

  it('a github-custom-host build on another host is not, whatever its id or name', () => {
    const d = one(cand({}, { repo: { ...GH, host: 'other-ghe.example.com' } }), onGhes());
    expect(d).toMatchObject({ cancel: false, reason: `a repository on other-ghe.example.com, not ${GHES}` });
    expect(one(cand({}, { repo: { ...GH, host: GHES } }), current()).reason).toBe(`a repository on ${GHES}, not github.com`);
  });

  it('a plain github build (github.com) never matches a workflow on a GitHub Enterprise Server', () => {
    expect(one(cand({}, { repo: { ...GH, host: 'github.com' } }), onGhes())).toMatchObject({
      cancel: false,
      reason: `a repository on github.com, not ${GHES}`,
    });
  });

  it('meta names no host: github.com on github.com; unknown on a GitHub Enterprise Server (read gitSource, or project-id)', () => {
    expect(one(cand({}, { repo: GH }), current()).cancel).toBe(true);
    const c = cand({}, { repo: GH });
    expect(needsGitSource(c, onGhes(), ALL)).toBe(true);
    expect(needsGitSource(c, current(), ALL)).toBe(false);
    expect(one(c, onGhes()).reason).toMatch(/does not say which GitHub host .* runs on ghe\.example\.com: pass project-id/);
    expect(one(cand({}, { repo: GH }), onGhes(), opts({ projectScoped: true })).cancel).toBe(true);
  });
});

describe('decide: target option', () => {
  const cases: Array<[Target, string | null, boolean]> = [
    ['production', 'production', true],
    ['production', null, false],
    ['production', 'staging', false],
    ['preview', null, true],
    ['preview', 'production', false],
    ['preview', 'staging', false],
    ['preview', 'preview', false], // a custom environment named "preview" is not a preview deployment
    ['all', 'production', true],
    ['all', null, true],
    ['all', 'staging', true],
    [{ customEnvironment: 'staging' }, 'staging', true], // an older shape: the environment's name in target
    [{ customEnvironment: 'staging' }, null, false],
    [{ customEnvironment: 'staging' }, 'production', false],
  ];
  it.each(cases)('target %s, deployment target %p: cancel %p', (target, deploymentTarget, cancel) => {
    const d = one(cand({ target: deploymentTarget }), current(), opts({ target }));
    expect(d.cancel).toBe(cancel);
    if (!cancel) expect(d.reason).toMatch(/target/);
  });

  // Vercel carries a custom environment in customEnvironment, with target null.
  const customCases: Array<[Target, string, boolean]> = [
    ['all', 'staging', true],
    [{ customEnvironment: 'staging' }, 'staging', true],
    [{ customEnvironment: 'staging' }, 'Staging', true],
    [{ customEnvironment: 'qa' }, 'staging', false],
    ['preview', 'staging', false],
    ['production', 'staging', false],
  ];
  it.each(customCases)('target %j, a build of custom environment %p (target null): cancel %p', (target, slug, cancel) => {
    const d = one(cand({ target: null, customEnvironment: slug }), current(), opts({ target }));
    expect(d.cancel).toBe(cancel);
    if (!cancel) expect(d.reason).toMatch(new RegExp(`^a deployment of custom environment ${slug}; target is `));
  });

  it('a preview target never takes a custom environment, and a custom one never a preview', () => {
    expect(one(cand({ target: null, customEnvironment: 'qa' }), current(), opts({ target: 'preview' })).reason).toBe(
      'a deployment of custom environment qa; target is preview',
    );
    expect(one(cand({ target: null }), current(), opts({ target: { customEnvironment: 'qa' } })).reason).toBe(
      'a preview deployment; target is qa',
    );
  });

  it('still applies on a closed pull request', () => {
    const d = one(cand({ target: 'production' }), current({ closedPullRequest: true }), opts({ target: 'preview' }));
    expect(d.cancel).toBe(false);
  });
});

describe('decide: never cancelled', () => {
  it("the current commit's own deployment", () => {
    const d = one(cand({}, { sha: HEAD }));
    expect(d.cancel).toBe(false);
    expect(d.reason).toMatch(/own/);
  });

  it('another branch, naming it', () => {
    const d = one(cand({}, { branch: 'feature/x' }));
    expect(d.cancel).toBe(false);
    expect(d.reason).toContain('feature/x');
  });

  it('a deployment whose metadata names no branch', () => {
    expect(one(cand({}, { branch: undefined })).cancel).toBe(false);
  });

  it('a deployment whose metadata names no commit', () => {
    expect(one(cand({}, { sha: undefined })).cancel).toBe(false);
  });

  it('another branch on a closed pull request', () => {
    expect(one(cand({}, { branch: 'other' }), current({ closedPullRequest: true })).cancel).toBe(false);
  });

  it('a newer commit', () => {
    const d = one(cand({}, { sha: NEW }), current(), ALL, new Map([[NEW, { relation: 'newer' }]]));
    expect(d.cancel).toBe(false);
    expect(d.reason).toMatch(/newer/);
  });

  it("a newer commit even when created before the current commit's own deployment", () => {
    const ds = decide(
      [cand({ createdAt: 10 }, { sha: NEW }), cand({ createdAt: 500 }, { sha: HEAD })],
      current(),
      ALL,
      new Map([[NEW, { relation: 'newer' }]]),
    );
    expect(ds.map((d) => d.cancel)).toEqual([false, false]);
  });
});

describe('decide: closed pull request', () => {
  const cur = current({ closedPullRequest: true });
  // The head's own builds and those of older commits are stale; a commit pushed to the branch after
  // the pull request's head (a long-lived branch like develop) is not, and is left alone.
  it("cancels the head's own builds and older commits' builds, never a newer commit's", () => {
    const cs = [
      cand({ createdAt: 2000 }, { sha: HEAD }),
      cand({}, { sha: OLD }),
      cand({}, { sha: NEW }),
      cand({ createdAt: 99999 }, { sha: OLD2 }),
    ];
    const ds = decide(
      cs,
      cur,
      ALL,
      new Map<string, Ancestry>([
        [OLD, { relation: 'older' }],
        [NEW, { relation: 'newer' }],
        [OLD2, { relation: 'older' }],
      ]),
    );
    expect(ds.map((d) => d.cancel)).toEqual([true, true, false, true]);
    expect(ds[0]!.reason).toMatch(/closed: its head's builds are no longer needed/);
    expect(ds[2]!.reason).toMatch(/newer than the current commit/);
  });

  it("compares every other commit, and not the head's own", () => {
    expect(commitsToCompare([cand({}, { sha: OLD }), cand({}, { sha: HEAD })], cur, ALL)).toEqual([OLD]);
  });
});

describe('decide: pull request from a fork', () => {
  const cur = current({ pullRequest: { number: 7, fromFork: true } });
  it('cancels only deployments linked to the pull request number', () => {
    expect(one(cand({}, { prId: 7 }), cur).cancel).toBe(true);
    const other = one(cand({}, { prId: 8 }), cur);
    expect(other.cancel).toBe(false);
    expect(other.reason).toMatch(/fork/);
    expect(one(cand({}, { prId: undefined }), cur).cancel).toBe(false);
  });

  it('applies on a closed fork pull request too', () => {
    const closed = current({ closedPullRequest: true, pullRequest: { number: 7, fromFork: true } });
    expect(one(cand({}, { prId: 7 }), closed).cancel).toBe(true);
    expect(one(cand({}, { prId: 8 }), closed).cancel).toBe(false);
  });

  it('a same-repository pull request ignores prId', () => {
    const same = current({ pullRequest: { number: 7, fromFork: false } });
    expect(one(cand({}, { prId: 8 }), same).cancel).toBe(true);
    expect(one(cand({}, { prId: undefined }), same).cancel).toBe(true);
  });
});

describe('decide: ancestry', () => {
  it("'older' cancels, with a reason naming the ancestor", () => {
    const d = one(cand({}, { sha: OLD }), current(), ALL, older(OLD));
    expect(d.cancel).toBe(true);
    expect(d.reason).toMatch(/ancestor/);
    expect(d.reason).toContain(OLD.slice(0, 7));
  });

  const unknown = (why = 'diverged') => new Map<string, Ancestry>([[OLD, { relation: 'unknown', why }]]);

  it("'unknown' cancels a deployment created before the current commit's own", () => {
    const ds = decide([cand({ createdAt: 100 }, { sha: OLD }), cand({ createdAt: 200 }, { sha: HEAD })], current(), ALL, unknown());
    expect(ds[0]!.cancel).toBe(true);
    expect(ds[0]!.reason).toMatch(/created before/);
    expect(ds[0]!.reason).toMatch(/unknown/);
    expect(ds[1]!.cancel).toBe(false);
  });

  it("'unknown' skips a deployment created after (or at the same time as) the current commit's own", () => {
    for (const createdAt of [300, 200]) {
      const ds = decide([cand({ createdAt }, { sha: OLD }), cand({ createdAt: 200 }, { sha: HEAD })], current(), ALL, unknown());
      expect(ds[0]!.cancel).toBe(false);
      expect(ds[0]!.reason).toMatch(/unknown/);
      expect(ds[0]!.reason).toMatch(/after/);
    }
  });

  it('compares with the earliest of the own deployments', () => {
    const ds = decide(
      [cand({ createdAt: 300 }, { sha: HEAD }), cand({ createdAt: 200 }, { sha: OLD }), cand({ createdAt: 100 }, { sha: HEAD })],
      current(),
      ALL,
      unknown(),
    );
    expect(ds[1]!.cancel).toBe(false);
  });

  it("'unknown' skips when the current commit has no in-progress deployment", () => {
    const [d] = decide([cand({ createdAt: 1 }, { sha: OLD })], current(), opts({ projectScoped: true }), unknown('no token'));
    expect(d!.cancel).toBe(false);
    expect(d!.reason).toMatch(/unknown/);
    expect(d!.reason).toMatch(/no in-progress deployment/);
  });

  it('a transient failure to answer (5xx, timeout) never falls back on creation order', () => {
    const transient = new Map<string, Ancestry>([[OLD, { relation: 'unknown', why: 'GitHub answered 502', transient: true }]]);
    const d = one(cand({ createdAt: 1 }, { sha: OLD }), current(), ALL, transient);
    expect(d.cancel).toBe(false);
    expect(d.reason).toBe(`could not check whether ${OLD.slice(0, 7)} is older (GitHub answered 502): left alone`);
  });

  it('a finished own deployment is no bound for the creation-time fallback', () => {
    const ds = decide(
      [cand({ createdAt: 100 }, { sha: OLD }), cand({ createdAt: 200, readyState: 'READY' }, { sha: HEAD })],
      current(),
      ALL,
      unknown(),
    );
    expect(ds[0]!.cancel).toBe(false);
  });

  it("the current sha on another branch or repository is not the current commit's own deployment", () => {
    for (const git of [
      { sha: HEAD, branch: 'other' },
      { sha: HEAD, repo: { provider: 'github', id: '999' } },
    ]) {
      const ds = decide([cand({ createdAt: 100 }, { sha: OLD }), cand({ createdAt: 200 }, git)], current(), ALL, unknown());
      expect(ds[0]!.cancel).toBe(false);
    }
  });

  it('a missing entry in the ancestry map counts as unknown', () => {
    const withOwn = decide([cand({ createdAt: 100 }, { sha: OLD }), cand({ createdAt: 200 }, { sha: HEAD })], current(), ALL, NONE);
    expect(withOwn[0]!.cancel).toBe(true);
    expect(withOwn[0]!.reason).toMatch(/unknown/);
    const without = decide([cand({ createdAt: 100 }, { sha: OLD })], current(), ALL, NONE);
    expect(without[0]!.cancel).toBe(false);
    expect(without[0]!.reason).toMatch(/unknown/);
  });

  // The fallback is bounded by the current commit's own in-progress deployments (same repo/branch,
  // sha === current sha), whatever their target: an own preview build dates the commit for production too.
  it('the own deployment bounds the fallback whatever its target', () => {
    const ds = decide(
      [cand({ createdAt: 100, target: 'production' }, { sha: OLD }), cand({ createdAt: 200, target: null }, { sha: HEAD })],
      current(),
      opts({ target: 'production' }),
      unknown(),
    );
    expect(ds[0]!.cancel).toBe(true);
  });

  // Same bound, fork pull request: an in-progress deployment of the current sha (same repo/branch) that is
  // not linked to the PR number is still the current commit's own deployment.
  it('on a fork pull request, an own deployment without the PR number still bounds the fallback', () => {
    const ds = decide(
      [cand({ createdAt: 100 }, { sha: OLD, prId: 1 }), cand({ createdAt: 200 }, { sha: HEAD })],
      current({ pullRequest: { number: 1, fromFork: true } }),
      ALL,
      unknown(),
    );
    expect(ds[0]!.cancel).toBe(true);
  });
});

describe('decide: decisions', () => {
  it('one decision per candidate, in input order, each with a non-empty reason', () => {
    const cs = [
      cand({}, { sha: HEAD }),
      cand({ readyState: 'READY' }),
      cand({}, { branch: 'dev' }),
      cand({}, { repo: undefined }),
      cand({}, { repo: { provider: 'gitlab', id: '1' } }),
      cand({ target: 'production' }),
      cand({}, { sha: NEW }),
      cand({}, { sha: OLD }),
      cand({}, { sha: OLD2 }),
    ];
    const ds = decide(
      cs,
      current(),
      opts({ target: 'preview' }),
      new Map([
        [NEW, { relation: 'newer' }],
        [OLD, { relation: 'older' }],
      ]),
    );
    expect(ds.map((d) => d.candidate)).toEqual(cs);
    ds.forEach((d, i) => expect(d.candidate).toBe(cs[i]));
    for (const d of ds) expect(d.reason.trim().length).toBeGreaterThan(0);
    expect(ds.map((d) => d.cancel)).toEqual([false, false, false, false, false, false, false, true, false]);
  });

  it('decides nothing for no candidates', () => {
    expect(decide([], current(), ALL, NONE)).toEqual([]);
    expect(commitsToCompare([], current(), ALL)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// commitsToCompare
// ---------------------------------------------------------------------------------------------

describe('decide: projects (monorepos)', () => {
  it('without project-id, supersedes only in projects where the current commit builds too', () => {
    const web = cand({ projectId: 'prj_web' }, { sha: OLD });
    const docs = cand({ projectId: 'prj_docs' }, { sha: OLD });
    const own = cand({ projectId: 'prj_web', createdAt: 5000 }, { sha: HEAD });
    const ds = decide([web, docs, own], current(), ALL, older(OLD));
    expect(ds.map((d) => d.cancel)).toEqual([true, false, false]);
    expect(ds[1]!.reason).toBe(
      'the current commit has no build in progress in project prj_docs: it may not build that project at all; pass project-id to cancel there regardless',
    );
  });

  it('with project-id, the project given is the one that counts', () => {
    const ds = decide([cand({ projectId: 'prj_docs' }, { sha: OLD })], current(), opts({ projectScoped: true }), older(OLD));
    expect(ds[0]!.cancel).toBe(true);
  });

  it('the creation-time fallback is bounded per project', () => {
    const ds = decide(
      [
        cand({ projectId: 'prj_web', createdAt: 300 }, { sha: OLD }),
        cand({ projectId: 'prj_web', createdAt: 200 }, { sha: HEAD }),
        cand({ projectId: 'prj_api', createdAt: 100 }, { sha: OLD }),
        cand({ projectId: 'prj_api', createdAt: 400 }, { sha: HEAD }),
      ],
      current(),
      ALL,
      new Map<string, Ancestry>([[OLD, { relation: 'unknown', why: 'no token' }]]),
    );
    expect(ds.map((d) => d.cancel)).toEqual([false, false, true, false]);
  });
});

describe("decide: builds of a fork's commits", () => {
  const fork = { forkCommit: true };
  it("a push to a branch never supersedes a fork pull request's build of a branch of the same name", () => {
    const d = one(cand({}, { ...fork, prId: 9 }));
    expect(d.cancel).toBe(false);
    expect(d.reason).toBe("a build of pull request #9 from a fork, which only that pull request's own runs may supersede");
    expect(one(cand({}, { ...fork })).reason).toMatch(/^a build of a pull request from a fork/);
  });

  it("that pull request's own runs do supersede it", () => {
    expect(one(cand({}, { ...fork, prId: 9 }), current({ pullRequest: { number: 9, fromFork: true } })).cancel).toBe(true);
  });
});

describe('commitsToCompare', () => {
  it('lists each ancestry-dependent commit once', () => {
    const cs = [
      cand({}, { sha: OLD }),
      cand({}, { sha: OLD }),
      cand({ readyState: 'QUEUED' }, { sha: OLD2 }),
      cand({}, { sha: OLD }),
      cand({}, { sha: HEAD }),
    ];
    const shas = commitsToCompare(cs, current(), ALL);
    expect([...shas].sort()).toEqual([OLD, OLD2]);
  });

  it('leaves out every candidate that is already decided', () => {
    const cs = [
      cand({}, { sha: HEAD }), // own
      cand({ readyState: 'READY' }, { sha: '1'.repeat(40) }),
      cand({ readyState: 'WHATEVER' }, { sha: '2'.repeat(40) }),
      cand({}, { sha: '3'.repeat(40), branch: 'dev' }),
      cand({}, { sha: '4'.repeat(40), repo: { provider: 'github', id: '999' } }),
      cand({}, { sha: '5'.repeat(40), repo: { provider: 'gitlab', id: '100' } }),
      cand({}, { sha: '6'.repeat(40), repo: undefined }),
      cand({ target: 'production' }, { sha: '7'.repeat(40) }),
      cand({}, { sha: undefined }),
      cand({}, { sha: OLD }),
    ];
    expect(commitsToCompare(cs, current(), opts({ target: 'preview' }))).toEqual([OLD]);
  });

  it('includes a candidate without repository info when project-scoped', () => {
    expect(commitsToCompare([cand({}, { repo: undefined })], current(), opts({ projectScoped: true }))).toEqual([OLD]);
  });

  it('leaves out fork pull request deployments not linked to the pull request', () => {
    const cur = current({ pullRequest: { number: 7, fromFork: true } });
    expect(
      commitsToCompare([cand({}, { sha: OLD, prId: 8 }), cand({}, { sha: OLD2, prId: 7 }), cand({}, { sha: HEAD })], cur, ALL),
    ).toEqual([OLD2]);
  });

  it('without project-id, leaves out projects where the current commit has no build (nothing to compare there)', () => {
    const cs = [
      cand({ projectId: 'prj_web' }, { sha: OLD }),
      cand({ projectId: 'prj_docs' }, { sha: OLD2 }),
      cand({ projectId: 'prj_web' }, { sha: HEAD }),
    ];
    expect(commitsToCompare(cs, current(), ALL)).toEqual([OLD]);
    expect([...commitsToCompare(cs, current(), opts({ projectScoped: true }))].sort()).toEqual([OLD, OLD2]);
  });
});

// ---------------------------------------------------------------------------------------------
// needsGitSource
// ---------------------------------------------------------------------------------------------

describe('needsGitSource', () => {
  const needs = (c: Candidate, o = ALL, cur = current()) => needsGitSource(c, cur, o);

  it('is false when meta says everything', () => {
    expect(needs(cand())).toBe(false);
    expect(needs(cand({}, { repo: undefined }), opts({ projectScoped: true }))).toBe(false);
  });

  it('is true when meta lacks the commit, the branch, or both', () => {
    expect(needs(cand({}, { sha: undefined }))).toBe(true);
    expect(needs(cand({}, { branch: undefined }))).toBe(true);
    expect(needs(bare({}))).toBe(true);
    expect(needs(bare({}), opts({ projectScoped: true }))).toBe(true);
  });

  it('is true when meta lacks the repository and that decides (not project-scoped)', () => {
    expect(needs(cand({}, { repo: undefined }))).toBe(true);
    expect(needs(cand({}, { repo: undefined }), opts({ projectScoped: true }))).toBe(false);
  });

  it('is false for a candidate already ruled out', () => {
    const noSha = { sha: undefined };
    expect(needs(cand({ readyState: 'READY' }, noSha))).toBe(false);
    expect(needs(cand({ readyState: 'UNKNOWN_STATE' }, noSha))).toBe(false);
    expect(needs(cand({ target: 'production' }, noSha), opts({ target: 'preview' }))).toBe(false);
    expect(needs(cand({ target: null }, noSha), opts({ target: 'production' }))).toBe(false);
    expect(needs(cand({}, { sha: undefined, branch: 'dev' }))).toBe(false);
    expect(needs(cand({}, { sha: undefined, repo: { provider: 'github', id: '999' } }))).toBe(false);
    expect(needs(cand({}, { sha: undefined, repo: { provider: 'github', owner: 'x', name: 'y' } }))).toBe(false);
    expect(needs(cand({}, { sha: undefined, repo: { provider: 'gitlab', id: '100' } }))).toBe(false);
    expect(needs(cand({ readyState: 'ERROR' }, { repo: undefined }))).toBe(false);
  });

  it('stays true for an in-progress candidate of the matching target', () => {
    expect(needs(cand({ target: 'production' }, { sha: undefined }), opts({ target: 'production' }))).toBe(true);
    expect(needs(cand({ target: null, readyState: 'QUEUED' }, { branch: undefined }), opts({ target: 'preview' }))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random commit graphs and deployment sets
// ---------------------------------------------------------------------------------------------

type NodeSpec = { kind: 'one' | 'merge' | 'root'; a: number; b: number };
type RepoKind = 'sameId' | 'sameNameUpper' | 'otherIdSameName' | 'sameIdOtherName' | 'otherName' | 'gitlab' | 'bitbucket' | 'none';

interface CandSpec {
  commit: number | null;
  branch: string | undefined;
  repo: RepoKind;
  state: string;
  target: string | null;
  createdAt: number;
  jitter: number;
  prId: number | undefined;
}

interface Scenario {
  nodes: NodeSpec[];
  currentPick: number;
  currentBranch: string;
  currentHasId: boolean;
  closedPullRequest: boolean;
  pullRequest: { number: number; fromFork: boolean } | undefined;
  options: SelectionOptions;
  candidates: CandSpec[];
  dropped: boolean[];
}

const BRANCHES = ['main', 'feature', 'dev'];
const STATES = ['QUEUED', 'INITIALIZING', 'BUILDING', 'READY', 'ERROR', 'CANCELED', 'DELETED', 'MYSTERY'];

const nodeArb: fc.Arbitrary<NodeSpec> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant('one' as const), weight: 6 },
    { arbitrary: fc.constant('merge' as const), weight: 2 },
    { arbitrary: fc.constant('root' as const), weight: 1 },
  ),
  a: fc.nat(),
  b: fc.nat(),
});

const candArb: fc.Arbitrary<CandSpec> = fc.record({
  commit: fc.option(fc.noBias(fc.nat({ max: 1000 })), { freq: 10 }),
  branch: fc.oneof(
    { arbitrary: fc.constant('main'), weight: 10 },
    { arbitrary: fc.constantFrom(...BRANCHES), weight: 3 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  ),
  repo: fc.oneof(
    { arbitrary: fc.constant('sameId' as const), weight: 12 },
    {
      arbitrary: fc.constantFrom<RepoKind>(
        'sameNameUpper',
        'otherIdSameName',
        'sameIdOtherName',
        'otherName',
        'gitlab',
        'bitbucket',
        'none',
      ),
      weight: 5,
    },
  ),
  state: fc.oneof({ arbitrary: fc.constantFrom(...STATES.slice(0, 3)), weight: 4 }, { arbitrary: fc.constantFrom(...STATES), weight: 1 }),
  target: fc.oneof(
    { arbitrary: fc.constantFrom<string | null>('production', null), weight: 6 },
    { arbitrary: fc.constant('staging'), weight: 1 },
  ),
  createdAt: fc.integer({ min: 0, max: 5000 }),
  jitter: fc.integer({ min: 0, max: 99 }),
  prId: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
});

const scenarioArb = (over: { closed?: boolean; dropRate?: number; target?: Target } = {}): fc.Arbitrary<Scenario> =>
  fc.record({
    nodes: fc.array(nodeArb, { maxLength: 11 }),
    currentPick: fc.noBias(fc.nat({ max: 1000 })),
    currentBranch: fc.oneof({ arbitrary: fc.constant('main'), weight: 4 }, { arbitrary: fc.constantFrom(...BRANCHES), weight: 1 }),
    currentHasId: fc.boolean(),
    closedPullRequest:
      over.closed === undefined
        ? fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 })
        : fc.constant(over.closed),
    pullRequest: fc.option(fc.record({ number: fc.integer({ min: 1, max: 2 }), fromFork: fc.boolean() }), { nil: undefined, freq: 2 }),
    options: fc.record({
      target: over.target === undefined ? fc.constantFrom<Target>('production', 'preview', 'all', 'all') : fc.constant(over.target),
      projectScoped: fc.boolean(),
    }),
    candidates: fc.array(candArb, { maxLength: 14 }),
    dropped: fc.array(
      fc.noBias(fc.integer({ min: 0, max: 99 })).map((x) => x < 100 * (over.dropRate ?? 0.3)),
      { minLength: 12, maxLength: 12 },
    ),
  });

/** A random DAG: commit i's parents are earlier commits (so index order is topological), mostly the previous one. */
function buildGraph(nodes: NodeSpec[]): number[][] {
  const parents: number[][] = [[]];
  nodes.forEach((n, k) => {
    const i = k + 1;
    if (n.kind === 'root') parents.push([]);
    else if (n.kind === 'merge' && i >= 2) parents.push([...new Set([i - 1 - (n.a % i), i - 1 - (n.b % i)])]);
    else parents.push([i - 1 - (n.a % i)]);
  });
  return parents;
}

/** Proper ancestors of each commit, by reachability. */
function ancestorsOf(parents: number[][]): Set<number>[] {
  return parents.map((_, i) => {
    const seen = new Set<number>();
    const stack = [...parents[i]!];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...parents[p]!);
    }
    return seen;
  });
}

const shaOf = (i: number) => (i + 1).toString(16).padStart(6, '0') + 'f'.repeat(34);

function repoOf(kind: RepoKind): GitInfo['repo'] {
  switch (kind) {
    case 'sameId':
      return { provider: 'github', id: '100', owner: 'acme', name: 'web' };
    case 'sameNameUpper':
      return { provider: 'github', owner: 'ACME', name: 'Web' };
    case 'otherIdSameName':
      return { provider: 'github', id: '200', owner: 'acme', name: 'web' };
    case 'sameIdOtherName':
      return { provider: 'github', id: '100', owner: 'renamed', name: 'web2' };
    case 'otherName':
      return { provider: 'github', owner: 'someone', name: 'web' };
    case 'gitlab':
      return { provider: 'gitlab', id: '100' };
    case 'bitbucket':
      return { provider: 'bitbucket', id: '100', owner: 'acme', name: 'web' };
    case 'none':
      return undefined;
  }
}

interface World {
  current: CurrentCommit;
  options: SelectionOptions;
  candidates: Candidate[];
  commitIndex: Map<string, number>;
  cur: number;
  truth: (sha: string) => 'older' | 'newer' | 'same' | 'diverged';
  ancestry: Map<string, Ancestry>;
  /** The spec's model of every rule except ancestry. */
  repoOk: (c: Candidate) => boolean;
  targetOk: (c: Candidate) => boolean;
  eligible: (c: Candidate) => boolean;
  /** The earliest of the current commit's own in-progress builds (same repository and branch), if any. */
  ownMin: number | undefined;
}

function world(s: Scenario, realisticTimes = false): World {
  const parents = buildGraph(s.nodes);
  const anc = ancestorsOf(parents);
  const n = parents.length;
  const cur = s.currentPick % n;
  const commitIndex = new Map(parents.map((_, i) => [shaOf(i), i]));
  const repository: Repository = { id: s.currentHasId ? '100' : undefined, owner: 'Acme', name: 'web' };
  const current: CurrentCommit = {
    sha: shaOf(cur),
    branch: s.currentBranch,
    repository,
    closedPullRequest: s.closedPullRequest,
    decidedBy: 'property test',
    ...(s.pullRequest ? { pullRequest: s.pullRequest } : {}),
  };
  const candidates: Candidate[] = s.candidates.map((c, k) => {
    const idx = c.commit === null ? null : c.commit % n;
    const git: GitInfo = {};
    if (idx !== null) git.sha = shaOf(idx);
    if (c.branch !== undefined) git.branch = c.branch;
    const repo = repoOf(c.repo);
    if (repo) git.repo = repo;
    if (c.prId !== undefined) git.prId = c.prId;
    const createdAt = realisticTimes && idx !== null ? idx * 100 + c.jitter : c.createdAt;
    return { id: `dpl_${k}`, createdAt, readyState: c.state, target: c.target, git };
  });

  const truth = (sha: string) => {
    const i = commitIndex.get(sha)!;
    if (i === cur) return 'same' as const;
    if (anc[cur]!.has(i)) return 'older' as const;
    if (anc[i]!.has(cur)) return 'newer' as const;
    return 'diverged' as const;
  };
  const ancestry = new Map<string, Ancestry>();
  for (let i = 0; i < n; i++) {
    if (i === cur || s.dropped[i]) continue;
    const t = truth(shaOf(i));
    ancestry.set(shaOf(i), t === 'diverged' ? { relation: 'unknown', why: 'diverged' } : { relation: t as 'older' | 'newer' });
  }

  // Spec model of repository matching.
  const repoVerdict = (r: GitInfo['repo']): 'match' | 'other' | 'none' => {
    if (!r) return 'none';
    if (r.provider !== 'github') return 'other';
    if (r.id !== undefined && repository.id !== undefined) return r.id === repository.id ? 'match' : 'other';
    return r.owner!.toLowerCase() === repository.owner.toLowerCase() && r.name!.toLowerCase() === repository.name.toLowerCase()
      ? 'match'
      : 'other';
  };
  const repoOk = (c: Candidate) => {
    const v = repoVerdict(c.git.repo);
    return v === 'match' || (v === 'none' && s.options.projectScoped);
  };
  const targetOk = (c: Candidate) =>
    s.options.target === 'all' || (s.options.target === 'production' ? c.target === 'production' : c.target === null);
  const inProgress = (c: Candidate) => ['QUEUED', 'INITIALIZING', 'BUILDING'].includes(c.readyState);
  const forkOk = (c: Candidate) => !current.pullRequest?.fromFork || c.git.prId === current.pullRequest.number;
  const eligible = (c: Candidate) =>
    inProgress(c) && repoOk(c) && targetOk(c) && c.git.branch === current.branch && forkOk(c) && c.git.sha !== undefined;

  const own = candidates
    .filter((c) => inProgress(c) && repoOk(c) && c.git.branch === current.branch && c.git.sha === current.sha)
    .map((c) => c.createdAt);
  const ownMin = own.length ? Math.min(...own) : undefined;
  return { current, options: s.options, candidates, commitIndex, cur, truth, ancestry, repoOk, targetOk, eligible, ownMin };
}

const RUNS = { numRuns: 500 };

describe('properties', () => {
  it('never cancels another branch, another repository, a finished deployment, the own commit (outside a closed PR), or a newer commit', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const w = world(s);
        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        for (const d of ds) {
          if (!d.cancel) continue;
          const c = d.candidate;
          expect(['QUEUED', 'INITIALIZING', 'BUILDING']).toContain(c.readyState);
          expect(c.git.branch).toBe(w.current.branch);
          expect(w.repoOk(c)).toBe(true);
          expect(c.git.repo?.provider ?? 'github').toBe('github');
          expect(w.targetOk(c)).toBe(true);
          if (w.current.pullRequest?.fromFork) expect(c.git.prId).toBe(w.current.pullRequest.number);
          expect(c.git.sha).toBeDefined();
          if (!w.current.closedPullRequest) expect(c.git.sha).not.toBe(w.current.sha);
          expect(w.ancestry.get(c.git.sha!)?.relation).not.toBe('newer');
        }
      }),
      RUNS,
    );
  });

  it('gives every candidate exactly one decision, in input order, with a non-empty reason', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const w = world(s);
        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        expect(ds).toHaveLength(w.candidates.length);
        ds.forEach((d, i) => {
          expect(d.candidate).toBe(w.candidates[i]);
          expect(typeof d.cancel).toBe('boolean');
          expect(typeof d.reason).toBe('string');
          expect(d.reason.trim().length).toBeGreaterThan(0);
        });
      }),
      RUNS,
    );
  });

  it('with every answer known (and no own deployment to fall back on), cancels exactly the eligible proper ancestors, with project-id', () => {
    fc.assert(
      fc.property(scenarioArb({ closed: false, dropRate: 0 }), (s) => {
        const w = world(s);
        // Diverged commits are 'unknown' by nature; without an own deployment the time fallback never fires,
        // and without project-id nothing is superseded in a project the current commit does not build.
        const candidates = w.candidates.filter((c) => c.git.sha !== w.current.sha);
        const ds = decide(candidates, w.current, w.options, w.ancestry);
        const expected = candidates.map((c) => w.options.projectScoped && w.eligible(c) && w.truth(c.git.sha!) === 'older');
        expect(ds.map((d) => d.cancel)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('with every answer known and a linear history, cancels exactly the eligible proper ancestors, own deployments present', () => {
    fc.assert(
      fc.property(scenarioArb({ closed: false, dropRate: 0 }), (s) => {
        const linear = { ...s, nodes: s.nodes.map(() => ({ kind: 'one' as const, a: 0, b: 0 })) };
        const w = world(linear); // every commit's parent is the previous one: all comparable
        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        const builds = w.options.projectScoped || w.ownMin !== undefined;
        const expected = w.candidates.map((c) => builds && w.eligible(c) && w.truth(c.git.sha!) === 'older');
        expect(ds.map((d) => d.cancel)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('matches the full rule, creation-time fallback included', () => {
    fc.assert(
      fc.property(scenarioArb({}), (s) => {
        const w = world(s);
        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        const { ownMin } = w;
        const expected = w.candidates.map((c) => {
          if (!w.eligible(c)) return false;
          // The current commit's own builds: canceled only when its pull request is closed.
          if (c.git.sha === w.current.sha) return w.current.closedPullRequest;
          // Without project-id, only where the current commit builds too (one project here).
          if (!w.options.projectScoped && ownMin === undefined) return false;
          const a = w.ancestry.get(c.git.sha!);
          if (a?.relation === 'older') return true;
          if (a?.relation === 'newer') return false;
          return ownMin !== undefined && c.createdAt < ownMin;
        });
        expect(ds.map((d) => d.cancel)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('with creation times that follow history, never cancels a truly newer commit, answers dropped or not', () => {
    fc.assert(
      fc.property(scenarioArb({ closed: false, dropRate: 0.5 }), (s) => {
        const w = world(s, true);
        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        for (const d of ds) {
          if (d.cancel) expect(w.truth(d.candidate.git.sha!)).not.toMatch(/^(newer|same)$/);
        }
      }),
      RUNS,
    );
  });

  it('commitsToCompare: no duplicates, exactly the ancestry-dependent commits, covering every ancestry-based cancel', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const w = world(s);
        const shas = commitsToCompare(w.candidates, w.current, w.options);
        expect(new Set(shas).size).toBe(shas.length);
        const builds = w.options.projectScoped || w.ownMin !== undefined;
        const expected = new Set(
          builds ? w.candidates.filter((c) => w.eligible(c) && c.git.sha !== w.current.sha).map((c) => c.git.sha!) : [],
        );
        expect(new Set(shas)).toEqual(expected);

        const ds = decide(w.candidates, w.current, w.options, w.ancestry);
        for (const d of ds) {
          if (d.cancel && d.candidate.git.sha !== w.current.sha) expect(shas).toContain(d.candidate.git.sha);
          if (d.cancel && /ancestor|created before/.test(d.reason)) expect(shas).toContain(d.candidate.git.sha);
        }
        // Ancestry answers only matter for listed commits: dropping all others changes nothing.
        const restricted = new Map([...w.ancestry].filter(([sha]) => shas.includes(sha)));
        expect(decide(w.candidates, w.current, w.options, restricted).map((d) => d.cancel)).toEqual(ds.map((d) => d.cancel));
      }),
      RUNS,
    );
  });

  it('needsGitSource is false for candidates whose meta is complete or that are already ruled out', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const w = world(s);
        for (const c of w.candidates) {
          const missing = !c.git.sha || !c.git.branch || (!c.git.repo && !w.options.projectScoped);
          const ruledOut =
            !['QUEUED', 'INITIALIZING', 'BUILDING'].includes(c.readyState) ||
            !w.targetOk(c) ||
            (c.git.branch !== undefined && c.git.branch !== w.current.branch) ||
            (c.git.repo !== undefined && !w.repoOk(c));
          expect(needsGitSource(c, w.current, w.options)).toBe(missing && !ruledOut);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// gitSourceReads: the reads it leaves out could not have changed any decision
// ---------------------------------------------------------------------------------------------

describe('gitSourceReads', () => {
  const reads = (cs: Candidate[], o = ALL, cur = current(), noSource: (c: Candidate) => boolean = () => false) =>
    [...gitSourceReads(cs, cur, o, noSource)].sort();
  const own = (projectId: string) => cand({ projectId }, { sha: HEAD });

  it('reads nothing in a project where the current commit has no build and cannot turn out to have one (without project-id)', () => {
    const noRepo = cand({ projectId: 'prj_b' }, { repo: undefined });
    const noBranch = cand({ projectId: 'prj_b' }, { branch: undefined });
    expect(reads([own('prj_a'), noRepo, noBranch])).toEqual([]);
    // A build of the current commit there (by meta) makes them matter.
    expect(reads([own('prj_a'), own('prj_b'), noRepo, noBranch])).toEqual([noBranch.id, noRepo.id].sort());
    // With project-id every project is the one listed: all that needsGitSource names are read.
    expect(reads([noBranch], opts({ projectScoped: true }))).toEqual([noBranch.id]);
  });

  it('keeps every read in a project where a build to be read may be the current commit own', () => {
    const mayBeOwn = cand({ projectId: 'prj_b' }, { sha: HEAD, branch: undefined });
    const noSha = cand({ projectId: 'prj_b' }, { sha: undefined });
    const other = cand({ projectId: 'prj_b' }, { branch: undefined });
    expect(reads([mayBeOwn, other])).toEqual([mayBeOwn.id, other.id].sort());
    expect(reads([noSha, other])).toEqual([noSha.id, other.id].sort());
  });

  it('keeps every read when a cancel needs no own build: a deleted branch, a closed pull request', () => {
    const other = cand({ projectId: 'prj_b' }, { branch: undefined });
    expect(reads([other], ALL, current({ branchDeleted: true }))).toEqual([other.id]);
    expect(reads([other], ALL, current({ closedPullRequest: true }))).toEqual([other.id]);
  });

  it('skips deployments known to have no gitSource without project-id only', () => {
    const cli = bare({}, { projectId: 'prj_a' });
    const noSource = (c: Candidate) => c.id === cli.id;
    expect(reads([own('prj_a'), cli])).toEqual([cli.id]);
    expect(reads([own('prj_a'), cli], ALL, current(), noSource)).toEqual([]);
    expect(reads([cli], opts({ projectScoped: true }), current(), noSource)).toEqual([cli.id]);
  });

  it('only ever leaves out what needsGitSource names', () => {
    const complete = cand({ projectId: 'prj_a' });
    expect(reads([complete, own('prj_a')])).toEqual([]);
  });

  // The hidden truth each candidate's read would reveal: a gitSource (or none, for a CLI upload
  // without git metadata: meta empty, no gitSource) and the state the read would find.
  interface Hidden {
    project: number;
    cli: boolean;
    /** What meta lacks besides what the scenario left out. */
    drop: 'none' | 'sha' | 'branch' | 'repo';
    /** 'current': the current commit, so that a read can reveal one of its builds. */
    source: { commit: number | 'current' | null; branch: string | undefined; repo: RepoKind; prId: number | undefined } | null;
    state: string | null;
  }
  const hiddenArb: fc.Arbitrary<Hidden> = fc.record({
    project: fc.integer({ min: 0, max: 2 }),
    drop: fc.constantFrom('none' as const, 'none' as const, 'sha' as const, 'branch' as const, 'repo' as const),
    cli: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
    source: fc.option(
      fc.record({
        commit: fc.oneof(
          { arbitrary: fc.constant('current' as const), weight: 2 },
          { arbitrary: fc.noBias(fc.nat({ max: 1000 })), weight: 3 },
          { arbitrary: fc.constant(null), weight: 1 },
        ),
        branch: fc.option(fc.constantFrom(...BRANCHES), { nil: undefined, freq: 6 }),
        repo: fc.oneof(
          { arbitrary: fc.constant('sameId' as const), weight: 6 },
          { arbitrary: fc.constantFrom<RepoKind>('otherName', 'gitlab', 'none'), weight: 1 },
        ),
        prId: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
      }),
      { freq: 6 },
    ),
    state: fc.option(fc.constantFrom(...STATES), { freq: 2 }),
  });

  it('property: reading only what gitSourceReads names gives the same cancels as reading all that needsGitSource names', () => {
    let skipped = 0;
    fc.assert(
      fc.property(
        scenarioArb({ dropRate: 0.2 }),
        fc.array(hiddenArb, { minLength: 14, maxLength: 14 }),
        fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
        (s, hidden, branchDeleted) => {
          const w = world(s);
          const n = w.commitIndex.size;
          const cur: CurrentCommit = { ...w.current, ...(branchDeleted ? { branchDeleted: true } : {}) };
          // Candidates as listed (a CLI upload without git metadata: meta says nothing), and as a read finds them.
          const listed = w.candidates.map((c, k): Candidate => {
            const h = hidden[k]!;
            const git = { ...c.git };
            if (h.drop !== 'none') delete git[h.drop];
            return { ...c, git: h.cli ? {} : git, projectId: `prj_${h.project}` };
          });
          const readOf = (c: Candidate, k: number): Candidate => {
            const h = hidden[k]!;
            const src = h.cli ? null : h.source;
            const fromSource: GitInfo = {};
            if (src) {
              if (src.commit === 'current') fromSource.sha = cur.sha;
              else if (src.commit !== null) fromSource.sha = shaOf(src.commit % n);
              if (src.branch !== undefined) fromSource.branch = src.branch;
              const repo = repoOf(src.repo);
              if (repo) fromSource.repo = repo;
              if (src.prId !== undefined) fromSource.prId = src.prId;
            }
            return { ...c, readyState: h.state ?? c.readyState, git: mergeGitInfo(c.git, fromSource) };
          };
          const isCli = (c: Candidate) => hidden[Number(c.id.slice('dpl_'.length))]!.cli;

          const before = listed.map((c, k) => (needsGitSource(c, cur, w.options) ? readOf(c, k) : c));
          const toRead = gitSourceReads(listed, cur, w.options, isCli);
          skipped += listed.filter((c) => needsGitSource(c, cur, w.options) && !toRead.has(c.id)).length;
          for (const id of toRead)
            expect(
              needsGitSource(
                listed.find((c) => c.id === id)!,
                cur,
                w.options,
              ),
            ).toBe(true);
          const after = listed.map((c, k) => (toRead.has(c.id) ? readOf(c, k) : c));

          const cancels = (cs: Candidate[]) => decide(cs, cur, w.options, w.ancestry).map((d) => d.cancel);
          expect(cancels(after)).toEqual(cancels(before));
          // No commit is compared on GitHub that reading everything would not have compared.
          const compared = new Set(commitsToCompare(before, cur, w.options));
          for (const sha of commitsToCompare(after, cur, w.options)) expect(compared.has(sha)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
    // The property is not vacuous: reads were left out.
    expect(skipped).toBeGreaterThan(100);
  });
});
