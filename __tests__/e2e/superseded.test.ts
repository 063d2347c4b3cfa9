// End to end, superseded mode: dist/index.js as a child process with event payload files, against
// the Vercel API simulation and the GitHub API simulation (list commits, compare) on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubSimulator, linearHistory, randomSha } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { pullRequestEvent, pushEvent, repositoryPayload, runAction, type ActionRun, type Trigger } from '../support/run-action.js';

const TOKEN = 'vrc_superseded_token';
const GITHUB_TOKEN = 'ghs_superseded_token';
const REPO = { id: 4242, owner: 'acme', name: 'web' };

let vercel: VercelSimulator;
let github: GitHubSimulator;
let vercelUrl: string;
let githubUrl: string;

beforeEach(async () => {
  vercel = new VercelSimulator();
  vercel.addUser({ id: 'user_alice', token: TOKEN });
  github = new GitHubSimulator();
  github.addRepo({ owner: REPO.owner, repo: REPO.name, id: REPO.id, token: GITHUB_TOKEN });
  [vercelUrl, githubUrl] = await Promise.all([vercel.start(), github.start()]);
});
afterEach(async () => {
  await Promise.all([vercel.stop(), github.stop()]);
});

/** Git-integration meta for a commit of this repository. */
const gitMeta = (sha: string, branch: string, repoId = REPO.id) => ({
  githubCommitSha: sha,
  githubCommitRef: branch,
  githubRepoId: String(repoId),
  githubOrg: REPO.owner,
  githubRepo: REPO.name,
  githubDeployment: '1',
});
const deploy = (sha: string, branch: string, fields: Record<string, unknown> = {}) =>
  vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: gitMeta(sha, branch), ...fields });

function history(n: number): string[] {
  const commits = linearHistory(n);
  github.addCommits(REPO.owner, REPO.name, commits);
  return commits.map((c) => c.sha);
}

const repository = repositoryPayload(REPO.id, `${REPO.owner}/${REPO.name}`);
const push = (sha: string, branch: string) => pushEvent(sha, branch, repository);
const pullRequest = (head: string, branch: string, action = 'synchronize') => pullRequestEvent(head, branch, { action, repository });

async function run(trigger: Trigger, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { token: TOKEN, 'api-url': vercelUrl, 'github-token': GITHUB_TOKEN, ...inputs },
    env: { GITHUB_API_URL: githubUrl },
    event: trigger,
  });
}

const outcomes = (result: ActionRun) =>
  Object.fromEntries((JSON.parse(result.outputs.deployments!) as Array<{ id: string; outcome: string }>).map((d) => [d.id, d.outcome]));
const reasonOf = (result: ActionRun, id: string) =>
  (JSON.parse(result.outputs.deployments!) as Array<{ id: string; reason: string }>).find((d) => d.id === id)!.reason;
const state = (id: string) => vercel.getDeployment(id).readyState;

describe('superseded mode', () => {
  it("push: cancels the older commits' builds on the branch, and nothing else", async () => {
    const [c0, c1, c2, c3] = history(4) as [string, string, string, string];
    const old0 = deploy(c0, 'main', { readyState: 'READY' });
    const old1 = deploy(c1, 'main');
    const old2 = deploy(c2, 'main', { readyState: 'QUEUED' });
    const own = deploy(c3, 'main');
    const otherBranch = deploy(c2, 'feature');
    const otherRepo = deploy(c1, 'main', { meta: gitMeta(c1, 'main', 999) });

    const result = await run(push(c3, 'main'));

    expect(result.code).toBe(0);
    expect([state(old1.id), state(old2.id)]).toEqual(['CANCELED', 'CANCELED']);
    expect([state(own.id), state(otherBranch.id), state(otherRepo.id), state(old0.id)]).toEqual([
      'BUILDING',
      'BUILDING',
      'BUILDING',
      'READY',
    ]);
    expect(outcomes(result)).toEqual({
      [old1.id]: 'canceled',
      [old2.id]: 'canceled',
      [own.id]: 'skipped',
      [otherBranch.id]: 'skipped',
      [otherRepo.id]: 'skipped',
    });
    expect(reasonOf(result, old1.id)).toBe(`canceled by this run: superseded: ${c1.slice(0, 7)} is an ancestor of ${c3.slice(0, 7)}`);
    expect(reasonOf(result, own.id)).toBe(`the current commit's own deployment (${c3.slice(0, 7)})`);
    expect(reasonOf(result, otherBranch.id)).toBe('branch feature, not main');
    expect(reasonOf(result, otherRepo.id)).toMatch(/^another repository \(id 999\)/);
    // The most recently created deployment acted on: old2.
    expect(result.outputs['ready-state']).toBe('CANCELED');
    expect(result.outputs['canceled-at']).toBe(String(vercel.getDeployment(old2.id).canceledAt));
    expect(result.outputs['canceled-ids']).toBe(`${old2.id},${old1.id}`);
    expect(result.outputs['canceled-count']).toBe('2');
    // One list page; one cancel each; one page of the current commit's history answers both c1 and c2.
    expect(vercel.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      ['GET /v6/deployments', `PATCH /v12/deployments/${old1.id}/cancel`, `PATCH /v12/deployments/${old2.id}/cancel`].sort(),
    );
    expect(vercel.requests[0]!.query).toMatchObject({ state: 'QUEUED,INITIALIZING,BUILDING', limit: '100' });
    expect(github.requests.map((r) => ({ path: r.path, query: r.query }))).toEqual([
      { path: '/repos/acme/web/commits', query: { sha: c3, per_page: '100' } },
    ]);
    expect(result.stdout).toContain(
      `Current commit ${c3.slice(0, 7)} on branch main of acme/web (push: GITHUB_SHA and the pushed branch).`,
    );
    expect(result.summary).toContain('5 deployments: 2 canceled, 3 skipped.');
    expect(result.summary).toContain('branch feature, not main');
  });

  it('pull_request: uses the head commit and branch, not GITHUB_SHA (the merge commit)', async () => {
    const [base] = history(1) as [string];
    const [f1, f2] = linearHistory(2, base);
    github.addCommits(REPO.owner, REPO.name, [f1, f2]);
    const older = deploy(f1.sha, 'feature');
    const own = deploy(f2.sha, 'feature');
    const main = deploy(base, 'main');

    const result = await run(pullRequest(f2.sha, 'feature'));

    expect(result.code).toBe(0);
    expect(outcomes(result)).toEqual({ [older.id]: 'canceled', [own.id]: 'skipped', [main.id]: 'skipped' });
    expect(github.requests.map((r) => r.path)).toEqual([`/repos/acme/web/compare/${f1.sha}...${f2.sha}`]);
  });

  it("pull_request closed: cancels the head's own builds and older ones, never a newer commit's", async () => {
    const [f1, f2, f3] = history(3) as [string, string, string];
    const older = deploy(f1, 'feature');
    const own = deploy(f2, 'feature');
    const newer = deploy(f3, 'feature'); // pushed to the branch after the pull request's head
    const main = deploy(f1, 'main');

    const result = await run(pullRequest(f2, 'feature', 'closed'));

    expect(result.code).toBe(0);
    expect(outcomes(result)).toEqual({ [older.id]: 'canceled', [own.id]: 'canceled', [newer.id]: 'skipped', [main.id]: 'skipped' });
    expect(reasonOf(result, own.id)).toBe("canceled by this run: pull request #7 closed: its head's builds are no longer needed");
    expect(reasonOf(result, newer.id)).toMatch(/is newer than the current commit/);
    // f1 is in f2's history; f3 is not, and only a compare tells newer from diverged.
    expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/web/commits', `/repos/acme/web/compare/${f3}...${f2}`]);
  });

  it('a closed pull request from a deleted fork cancels nothing of the base branch', async () => {
    const [c1, c2] = history(2) as [string, string];
    const production = deploy(c1, 'main', { target: 'production' });
    const event = pullRequest(c2, 'main', 'closed');
    (event.payload as { pull_request: { head: { repo: unknown } } }).pull_request.head.repo = null;
    const result = await run(event);
    expect(result.code).toBe(0);
    expect(outcomes(result)[production.id]).toBe('skipped');
    expect(reasonOf(result, production.id)).toBe('pull request #7 comes from a fork, and this deployment is not linked to it');
    expect(state(production.id)).toBe('BUILDING');
  });

  it("a push leaves alone a fork pull request's build of a branch with the same name", async () => {
    const [c1, c2] = history(2) as [string, string];
    const forkBuild = vercel.addDeployment({
      ownerId: 'user_alice',
      readyState: 'BUILDING',
      meta: { ...gitMeta(c1, 'main'), githubCommitRepoId: '777', githubCommitOrg: 'someone', githubPrId: '12' },
    });
    deploy(c2, 'main');
    const result = await run(push(c2, 'main'));
    expect(outcomes(result)[forkBuild.id]).toBe('skipped');
    expect(reasonOf(result, forkBuild.id)).toMatch(/^a build of pull request #12 from a fork/);
  });

  it('without project-id, leaves alone the projects the current commit does not build (monorepos)', async () => {
    const [c1, c2] = history(2) as [string, string];
    const web = deploy(c1, 'main', { projectId: 'prj_web' });
    const docs = deploy(c1, 'main', { projectId: 'prj_docs' });
    deploy(c2, 'main', { projectId: 'prj_web' });
    const result = await run(push(c2, 'main'));
    expect(outcomes(result)).toMatchObject({ [web.id]: 'canceled', [docs.id]: 'skipped' });
    expect(reasonOf(result, docs.id)).toMatch(/no build in progress in project prj_docs/);
    expect(github.requests).toHaveLength(1);
  });

  it('finds candidates on the third page of the list', async () => {
    const [c1, c2] = history(2) as [string, string];
    const stale = deploy(c1, 'main'); // created first: the oldest, listed last
    for (let i = 0; i < 230; i++)
      vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: gitMeta(randomSha(), `other-${i}`) });
    deploy(c2, 'main'); // the current commit's own build

    const result = await run(push(c2, 'main'));

    expect(result.code).toBe(0);
    expect(state(stale.id)).toBe('CANCELED');
    const lists = vercel.requests.filter((r) => r.path === '/v6/deployments');
    expect(lists).toHaveLength(3);
    expect(lists[0]!.query.until).toBeUndefined();
    expect(lists[2]!.query.until).toBeDefined();
    expect(result.outputs['canceled-ids']).toBe(stale.id);
  });

  it('CLI deployments (git* meta, no repository): counted with project-id, skipped without it', async () => {
    const [c1, c2] = history(2) as [string, string];
    const cliMeta = (sha: string) => ({ gitCommitSha: sha, gitCommitRef: 'main', gitDirty: '0' });
    const cli = vercel.addDeployment({
      ownerId: 'user_alice',
      readyState: 'BUILDING',
      source: 'cli',
      projectId: 'prj_web',
      meta: cliMeta(c1),
      gitSource: undefined,
    });
    vercel.addDeployment({
      ownerId: 'user_alice',
      readyState: 'BUILDING',
      source: 'cli',
      projectId: 'prj_web',
      meta: cliMeta(c2),
      gitSource: undefined,
    });

    const without = await run(push(c2, 'main'), { 'dry-run': 'true' });
    expect(outcomes(without)[cli.id]).toBe('skipped');
    expect(reasonOf(without, cli.id)).toMatch(/names no repository.*pass project-id/);

    const withProject = await run(push(c2, 'main'), { 'project-id': 'prj_web' });
    expect(withProject.code).toBe(0);
    expect(outcomes(withProject)[cli.id]).toBe('canceled');
    expect(vercel.requests.filter((r) => r.path === '/v6/deployments').at(-1)!.query.projectId).toBe('prj_web');
  });

  it('reads gitSource for a deployment whose meta lacks the commit', async () => {
    const [c1, c2] = history(2) as [string, string];
    const bare = vercel.addDeployment({
      ownerId: 'user_alice',
      readyState: 'BUILDING',
      meta: {},
      gitSource: { type: 'github', repoId: REPO.id, ref: 'main', sha: c1, prId: null },
    });
    deploy(c2, 'main');

    const result = await run(push(c2, 'main'));

    expect(outcomes(result)[bare.id]).toBe('canceled');
    const read = vercel.requests.find((r) => r.path === `/v13/deployments/${bare.id}`)!;
    expect(read.query).toEqual({ withGitRepoInfo: 'true' });
    // Only that deployment was read one by one.
    expect(vercel.requests.filter((r) => r.path.startsWith('/v13/'))).toHaveLength(1);
  });

  it('dry-run: reports would-cancel and cancels nothing', async () => {
    const [c1, c2] = history(2) as [string, string];
    const stale = deploy(c1, 'main');
    deploy(c2, 'main');
    const result = await run(push(c2, 'main'), { 'dry-run': 'true' });
    expect(result.code).toBe(0);
    expect(outcomes(result)[stale.id]).toBe('would-cancel');
    expect(state(stale.id)).toBe('BUILDING');
    expect(vercel.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(result.outputs['ready-state']).toBe('BUILDING');
    expect(result.outputs['canceled-count']).toBe('0');
  });

  it('target=preview leaves production deployments alone', async () => {
    const [c1, c2] = history(2) as [string, string];
    const preview = deploy(c1, 'main', { target: null });
    const production = deploy(c1, 'main', { target: 'production' });
    deploy(c2, 'main');
    const result = await run(push(c2, 'main'), { target: 'preview' });
    expect(outcomes(result)).toMatchObject({ [preview.id]: 'canceled', [production.id]: 'skipped' });
    expect(reasonOf(result, production.id)).toBe('a production deployment; target is preview');
    expect(state(production.id)).toBe('BUILDING');
  });

  it("a delayed run for an older commit leaves the newer commit's build alone", async () => {
    const [c1, c2, c3] = history(3) as [string, string, string];
    const ownOld = deploy(c1, 'main');
    const newer2 = deploy(c2, 'main');
    const newer3 = deploy(c3, 'main');

    const result = await run(push(c1, 'main'));

    expect(result.code).toBe(0);
    expect([state(ownOld.id), state(newer2.id), state(newer3.id)]).toEqual(['BUILDING', 'BUILDING', 'BUILDING']);
    expect(reasonOf(result, newer3.id)).toBe(`${c3.slice(0, 7)} is newer than the current commit ${c1.slice(0, 7)}: left to its own run`);
    expect(result.outputs['canceled-count']).toBe('0');
    expect(result.outputs['ready-state']).toBe('');
  });

  it("without ancestry (no github-token): cancels only builds created before the current commit's own", async () => {
    const [c1, c2, c3] = history(3) as [string, string, string];
    const before = deploy(c1, 'main');
    const own = deploy(c2, 'main');
    const after = deploy(c3, 'main');

    const result = await run(push(c2, 'main'), { 'github-token': '' });

    expect(outcomes(result)).toEqual({ [before.id]: 'canceled', [own.id]: 'skipped', [after.id]: 'skipped' });
    expect(reasonOf(result, before.id)).toMatch(/created before the current commit's deployment \(ancestry of .* unknown: no github-token/);
    expect(reasonOf(result, after.id)).toMatch(/unknown \(no github-token.*\), and created after the current commit's deployment/);
    expect(github.requests).toHaveLength(0);
  });

  it('after a force-push (diverged history): falls back to creation order', async () => {
    const [root] = history(1) as [string];
    const [gone] = linearHistory(1, root); // the commit the force-push replaced
    const [current] = linearHistory(1, root);
    github.addCommits(REPO.owner, REPO.name, [gone, current]);
    const replaced = deploy(gone.sha, 'main');
    deploy(current.sha, 'main');

    const result = await run(push(current.sha, 'main'));
    expect(outcomes(result)[replaced.id]).toBe('canceled');
    expect(reasonOf(result, replaced.id)).toMatch(/ancestry of .* unknown: history diverged/);
  });

  it("with neither ancestry nor the current commit's own build: skips, saying why", async () => {
    const [c1, c2] = history(2) as [string, string];
    const older = deploy(c1, 'main', { projectId: 'prj_web' });
    const result = await run(push(c2, 'main'), { 'github-token': 'ghs_wrong', 'project-id': 'prj_web' });
    expect(outcomes(result)[older.id]).toBe('skipped');
    expect(reasonOf(result, older.id)).toMatch(
      /GitHub rejected github-token \(401\).*no in-progress deployment to compare creation times with/,
    );
    expect(state(older.id)).toBe('BUILDING');
  });

  it('a compare API that fails (5xx after retries) leaves the build alone, with a warning', async () => {
    const [c1, c2] = history(2) as [string, string];
    const older = deploy(c1, 'main');
    deploy(c2, 'main');
    github.inject(() => ({ status: 503, body: 'unavailable' }));
    const result = await run(push(c2, 'main'), { retries: '0' });
    expect(result.code).toBe(0);
    expect(outcomes(result)[older.id]).toBe('skipped');
    expect(reasonOf(result, older.id)).toMatch(/^could not check whether .* is older \(GitHub's compare API answered 503\): left alone$/);
    expect(result.stdout).toMatch(/^::warning::Could not check the ancestry of 1 commit/m);
    expect(state(older.id)).toBe('BUILDING');
  });

  it('makes exactly the requests needed: one list page, one GitHub request, one cancel per stale build', async () => {
    const shas = history(51);
    const stale = shas.slice(0, 50).map((sha) => deploy(sha, 'main').id);
    deploy(shas[50]!, 'main');

    const result = await run(push(shas[50]!, 'main'));

    expect(result.code).toBe(0);
    expect(result.outputs['canceled-count']).toBe('50');
    expect(stale.every((id) => state(id) === 'CANCELED')).toBe(true);
    const count = (method: string, prefix: string) =>
      vercel.requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;
    expect([count('GET', '/v6/deployments'), count('GET', '/v13/'), count('PATCH', '/v12/'), github.requests.length]).toEqual([
      1, 0, 50, 1,
    ]);
  });

  it('compares only the commits older than the last 100 of the current commit', async () => {
    const shas = history(150);
    const recent = deploy(shas[120]!, 'main');
    const ancient = deploy(shas[10]!, 'main');
    deploy(shas[149]!, 'main');

    const result = await run(push(shas[149]!, 'main'));

    expect(outcomes(result)).toMatchObject({ [recent.id]: 'canceled', [ancient.id]: 'canceled' });
    expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/web/commits', `/repos/acme/web/compare/${shas[10]}...${shas[149]}`]);
  });
});

describe('superseded mode under GitHub rate limits', () => {
  /**
   * The case that went wrong: the run of an older commit (c1), whose own build was created after the
   * newer commit's (c2), while GitHub's rate limit for the token is used up for the next hour.
   */
  function olderCommitsRun() {
    const [c0, c1, c2] = history(3) as [string, string, string];
    const stale = deploy(c0, 'main');
    const newer = deploy(c2, 'main'); // created before c1's own build
    deploy(c1, 'main');
    return { c1, c2, stale, newer };
  }
  const inAnHour = () => String(Math.floor(Date.now() / 1000) + 3600);

  it.each([
    ['403, x-ratelimit-remaining 0', 403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'X-RateLimit-Remaining': '0' }],
    ['429, x-ratelimit-remaining 0', 429, { message: 'API rate limit exceeded' }, { 'X-RateLimit-Remaining': '0' }],
    [
      '403, secondary limit with retry-after',
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'Retry-After': '3600' },
    ],
  ])('%s: leaves the builds alone and says so, never cancelling the newer commit', async (_name, status, body, headers) => {
    const { c1, stale, newer } = olderCommitsRun();
    github.inject(() => ({ status, body, headers: { 'X-RateLimit-Reset': inAnHour(), ...headers } }));

    const result = await run(push(c1, 'main'));

    expect(result.code).toBe(0);
    expect([state(stale.id), state(newer.id)]).toEqual(['BUILDING', 'BUILDING']);
    expect(outcomes(result)).toMatchObject({ [stale.id]: 'skipped', [newer.id]: 'skipped' });
    expect(reasonOf(result, newer.id)).toMatch(
      /^could not check whether \w{7} is older \((github-token's rate limit is used up|GitHub's secondary rate limit was hit)/,
    );
    expect(result.stdout).toMatch(
      /^::warning::Could not check the ancestry of 2 commits \(.*rate limit.*\): their builds were left alone\.$/m,
    );
    // A limit that lifts in an hour is not waited for, and no compare follows the refused history request.
    expect(github.requests).toHaveLength(1);
    expect(vercel.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('a secondary limit that lifts at once is waited for, then the history answers', async () => {
    const { c1, c2, stale, newer } = olderCommitsRun();
    github.inject(({ path, attempt }: { path: string; attempt: number }) =>
      path.endsWith('/commits') && attempt === 1
        ? { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'Retry-After': '0' } }
        : undefined,
    );

    const result = await run(push(c1, 'main'));

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/GET \/repos\/acme\/web\/commits: rate limited \(HTTP 403\); retrying in/);
    expect(outcomes(result)).toMatchObject({ [stale.id]: 'canceled', [newer.id]: 'skipped' });
    expect(state(newer.id)).toBe('BUILDING');
    expect(github.requests.map((r) => r.path)).toEqual([
      '/repos/acme/web/commits',
      '/repos/acme/web/commits',
      `/repos/acme/web/compare/${c2}...${c1}`,
    ]);
  });

  it('a 403 without rate-limit signs is a refusal: creation order stands in, as before', async () => {
    const { c1, stale, newer } = olderCommitsRun();
    github.inject(() => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));

    const result = await run(push(c1, 'main'));

    expect(result.code).toBe(0);
    // Both were created before c1's own build: the weaker rule cancels both, and says why.
    expect(outcomes(result)).toMatchObject({ [stale.id]: 'canceled', [newer.id]: 'canceled' });
    expect(reasonOf(result, newer.id)).toMatch(
      /created before the current commit's deployment \(ancestry of \w{7} unknown: github-token may not read acme\/web \(403\)/,
    );
    expect(result.stdout).toMatch(/^::warning::The ancestry of 2 commits could not be established/m);
    expect(github.requests).toHaveLength(1);
  });
});
