import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { listItemOf, listPage, VercelSimulator } from '../../simulator/vercel-api.js';
import { isCliUploadWithoutGit, listInProgress, MAX_PAGES, toCandidates } from '../../src/candidates.js';
import type { CurrentCommit } from '../../src/github/event.js';
import { VercelClient } from '../../src/vercel/client.js';

const TOKEN = 'vrc_candidates_token';
let sim: VercelSimulator;
let client: VercelClient;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN });
  client = new VercelClient({ apiUrl: await sim.start(), token: TOKEN, scope: {} });
});
afterEach(async () => {
  await sim.stop();
});

// Pages in the simulator's own list shape (which @vercel/sdk accepts: __tests__/integration/vercel/sdk.test.ts).
const page = (items: object[], next: number | null) => ({ status: 200, body: listPage(items, next) });
const item = (n: number) => listItemOf({ id: `dpl_${n}`, readyState: 'BUILDING', createdAt: n });

describe('listInProgress', () => {
  it('follows until to the last page and lists only in-progress states', async () => {
    const building = [];
    for (let i = 0; i < 250; i++) {
      const d = sim.addDeployment({ ownerId: 'user_alice', readyState: i % 2 ? 'BUILDING' : 'READY' });
      if (i % 2) building.push(d.id);
    }
    const listing = await listInProgress(client, undefined);
    expect(listing.truncated).toBe(false);
    expect(listing.deployments.map((d) => d.id).sort()).toEqual(building.sort());
    expect(sim.requests).toHaveLength(2); // 125 in progress, 100 a page
    expect(sim.requests[0]!.query).toEqual({ state: 'QUEUED,INITIALIZING,BUILDING', limit: '100' });

    sim.requests.length = 0;
    expect((await listInProgress(client, 'prj_other')).deployments).toHaveLength(0);
    expect(sim.requests[0]!.query.projectId).toBe('prj_other');
  });

  it('maps list items to deployments (uid -> id) across pages', async () => {
    sim.inject(({ attempt }: { attempt: number }) => (attempt === 1 ? page([item(30), item(20)], 20) : page([item(10)], null)));
    const listing = await listInProgress(client, undefined);
    expect(listing.deployments.map((d) => d.id)).toEqual(['dpl_30', 'dpl_20', 'dpl_10']);
    // until = next + 1: the page boundary's millisecond is asked for again (until is exclusive).
    expect(sim.requests.map((r) => r.query.until)).toEqual([undefined, '21']);
  });

  it('loses no deployment that shares the page boundary millisecond, and lists each once', async () => {
    // 103 in progress, newest first: 98 at their own times, then 5 created in the same millisecond,
    // which straddle the 100-item page boundary (3 on page 1, 2 on page 2).
    const ids: string[] = [];
    for (let i = 0; i < 98; i++) ids.push(sim.addDeployment({ ownerId: 'user_alice', createdAt: 10_000 + i }).id);
    for (let i = 0; i < 5; i++) ids.push(sim.addDeployment({ ownerId: 'user_alice', createdAt: 5_000 }).id);
    const listing = await listInProgress(client, undefined);
    expect(listing).toMatchObject({ truncated: false });
    expect(listing.deployments.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(listing.deployments).toHaveLength(103);
    expect(sim.requests.map((r) => r.query.until)).toEqual([undefined, '5001']);
  });

  it('follows a pagination.next sent as a string of digits', async () => {
    sim.inject(({ attempt }: { attempt: number }) =>
      attempt === 1 ? page([item(30), item(20)], '20' as unknown as number) : page([item(10)], null),
    );
    const listing = await listInProgress(client, undefined);
    expect(listing).toMatchObject({ truncated: false });
    expect(listing.deployments.map((d) => d.id)).toEqual(['dpl_30', 'dpl_20', 'dpl_10']);
    expect(sim.requests.map((r) => r.query.until)).toEqual([undefined, '21']);
  });

  it.each([
    ['next page', 'a string that is not a number'],
    ['', 'a string that is not a number'],
    [true, 'of type boolean'],
    [{ until: 20 }, 'of type object'],
    [[20], 'of type array'],
    [20.5, 'a number that is not a timestamp'],
    [-1, 'a number that is not a timestamp'],
  ])('a pagination.next of %p ends the listing as truncated, saying why, never as the last page', async (next, said) => {
    sim.inject(() => page([item(30), item(20)], next as number));
    const listing = await listInProgress(client, undefined);
    expect(listing.deployments.map((d) => d.id)).toEqual(['dpl_30', 'dpl_20']);
    expect(listing).toMatchObject({ truncated: true, stoppedBecause: `Vercel's pagination.next was ${said}` });
    expect(sim.requests).toHaveLength(1);
  });

  it(`stops at ${MAX_PAGES} pages and says the listing is truncated`, async () => {
    sim.inject(({ attempt }: { attempt: number }) => page([item(100_000 - attempt)], 100_000 - attempt));
    const listing = await listInProgress(client, undefined);
    expect(listing).toMatchObject({ truncated: true, stoppedBecause: `${MAX_PAGES} pages at most` });
    expect(sim.requests).toHaveLength(MAX_PAGES);
  });

  it('stops when paging does not move back in time, rather than looping', async () => {
    sim.inject(() => page([item(5)], 5));
    const listing = await listInProgress(client, undefined);
    expect(listing).toMatchObject({ truncated: true, stoppedBecause: 'paging did not move back in time' });
    expect(listing.deployments.map((d) => d.id)).toEqual(['dpl_5']);
    expect(sim.requests).toHaveLength(2);
  });
});

describe('toCandidates: gitSource is read only where it can change a decision', () => {
  const HEAD = 'a'.repeat(40);
  const OLD = 'b'.repeat(40);
  const current: CurrentCommit = {
    sha: HEAD,
    branch: 'main',
    repository: { id: '100', owner: 'acme', name: 'web' },
    closedPullRequest: false,
    decidedBy: 'test',
  };
  const git = (sha: string, ref?: string) => ({
    githubCommitSha: sha,
    ...(ref ? { githubCommitRef: ref } : {}),
    githubRepoId: '100',
    githubOrg: 'acme',
    githubRepo: 'web',
  });
  const reads = () => sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v13/deployments/')).map((r) => r.path);
  const add = (fields: Record<string, unknown>) => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', ...fields });

  it('without project-id: not a project where the current commit has no build, not a CLI upload without git metadata', async () => {
    const own = add({ projectId: 'prj_a', meta: git(HEAD, 'main') });
    // Its branch is in its gitSource only.
    const noBranchA = add({ projectId: 'prj_a', meta: git(OLD), gitSource: { type: 'github', repoId: 100, ref: 'main', sha: OLD } });
    const noBranchB = add({ projectId: 'prj_b', meta: git(OLD) }); // prj_b: no build of HEAD
    const cli = add({ projectId: 'prj_a', source: 'cli', meta: {}, gitSource: undefined });
    const listing = await listInProgress(client, undefined);
    sim.requests.length = 0;
    const entries = await toCandidates(client, listing.deployments, current, { target: 'all', projectScoped: false }, 10);

    expect(reads()).toEqual([`/v13/deployments/${noBranchA.id}`]);
    const byId = new Map(entries.map((e) => [e.candidate.id, e.candidate]));
    expect(byId.get(noBranchA.id)!.git.branch).toBe('main');
    expect(byId.get(noBranchB.id)!.git.branch).toBeUndefined();
    expect(byId.get(cli.id)!.git).toEqual({});
    expect(entries.map((e) => e.candidate.id).sort()).toEqual([own.id, noBranchA.id, noBranchB.id, cli.id].sort());
  });

  it('with project-id: every read the rule needs, the CLI upload included', async () => {
    add({ projectId: 'prj_a', meta: git(HEAD, 'main') });
    const noBranch = add({ projectId: 'prj_a', meta: git(OLD) });
    const cli = add({ projectId: 'prj_a', source: 'cli', meta: {}, gitSource: undefined });
    const listing = await listInProgress(client, 'prj_a');
    sim.requests.length = 0;
    await toCandidates(client, listing.deployments, current, { target: 'all', projectScoped: true }, 10);
    expect(reads().sort()).toEqual([`/v13/deployments/${noBranch.id}`, `/v13/deployments/${cli.id}`].sort());
  });

  it('isCliUploadWithoutGit: a CLI upload with no git key in its meta only', () => {
    expect(isCliUploadWithoutGit({ source: 'cli', meta: {} })).toBe(true);
    expect(isCliUploadWithoutGit({ source: 'cli', meta: { deployedBy: 'ci' } })).toBe(true);
    expect(isCliUploadWithoutGit({ source: 'cli' })).toBe(true);
    expect(isCliUploadWithoutGit({ source: 'cli', meta: { gitDirty: '1' } })).toBe(false);
    expect(isCliUploadWithoutGit({ source: 'cli', meta: { githubCommitSha: HEAD } })).toBe(false);
    expect(isCliUploadWithoutGit({ source: 'git', meta: {} })).toBe(false);
    expect(isCliUploadWithoutGit({ meta: {} })).toBe(false);
  });
});
