// End to end through dist/index.js (issue 12, items 3, 4 and 7): a deployment that is gone (410), a
// BLOCKED deployment, and the random skew after a 429; by id and in superseded mode.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubSimulator, linearHistory } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { pushEvent, repositoryPayload, runAction, type ActionRun } from '../support/run-action.js';

const TOKEN = 'vrc_e2e_skew_Pq73';
const GITHUB_TOKEN = 'ghs_e2e_skew_token';
const REPO = { id: 5151, owner: 'acme', name: 'web' };
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

type Row = { id: string; outcome: string; reason: string; readyState: string | null };
const rows = (result: ActionRun) => JSON.parse(result.outputs.deployments!) as Row[];
const requests = () => vercel.requests.map((r) => `${r.method} ${r.status}`);
const patches = () => vercel.requests.filter((r) => r.method === 'PATCH').length;

/** By id: `deployment-id` always given (an empty one would mean superseded mode). */
function byId(id: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ inputs: { token: TOKEN, 'api-url': vercelUrl, ...inputs, 'deployment-id': id } });
}

const gitMeta = (sha: string, branch: string) => ({
  githubCommitSha: sha,
  githubCommitRef: branch,
  githubRepoId: String(REPO.id),
  githubOrg: REPO.owner,
  githubRepo: REPO.name,
  githubDeployment: '1',
});
/** Superseded mode on a push of the newest of `n` commits on main; returns the commits' SHAs. */
function commits(n: number): string[] {
  const list = linearHistory(n);
  github.addCommits(REPO.owner, REPO.name, list);
  return list.map((c) => c.sha);
}
const deploy = (sha: string, readyState: string) => vercel.addDeployment({ ownerId: 'user_alice', readyState, meta: gitMeta(sha, 'main') });
function superseded(head: string): Promise<ActionRun> {
  return runAction({
    inputs: { token: TOKEN, 'api-url': vercelUrl, 'github-token': GITHUB_TOKEN, 'deployment-id': '' },
    env: { GITHUB_API_URL: githubUrl },
    event: pushEvent(head, 'main', repositoryPayload(REPO.id, `${REPO.owner}/${REPO.name}`)),
  });
}

describe('410 Gone: already finished, not a failure', () => {
  it('by id, removed before the run: one read answers 410, no cancel, the step stays green', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    vercel.removeDeployment(d.id);
    const result = await byId(d.id);
    expect(result.code).toBe(0);
    expect(rows(result)).toEqual([
      expect.objectContaining({
        id: d.id,
        outcome: 'already-finished',
        reason: 'gone (410): The deployment has been removed; nothing to cancel',
      }),
    ]);
    expect(requests()).toEqual(['GET 410']);
    expect(result.summary).toContain('1 already finished');
  });

  it('by id, removed between the read and the cancel: the cancel answers 410', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    vercel.inject(({ method }: { method: string }) => {
      if (method === 'PATCH') vercel.removeDeployment(d.id);
      return undefined;
    });
    const result = await byId(d.id);
    expect(result.code).toBe(0);
    expect(rows(result)).toEqual([expect.objectContaining({ id: d.id, outcome: 'already-finished', readyState: null })]);
    expect(rows(result)[0]!.reason).toMatch(/^gone \(410\): /);
    expect(requests()).toEqual(['GET 200', 'PATCH 410']);
  });

  it('superseded mode: an older build removed before its cancel is already finished, the step green', async () => {
    const [c0, c1] = commits(2) as [string, string];
    const old = deploy(c0, 'BUILDING');
    deploy(c1, 'BUILDING');
    vercel.inject(({ method }: { method: string }) => {
      if (method === 'PATCH') vercel.removeDeployment(old.id);
      return undefined;
    });
    const result = await superseded(c1);
    expect(result.code).toBe(0);
    const row = rows(result).find((r) => r.id === old.id)!;
    expect(row).toMatchObject({ outcome: 'already-finished', readyState: null });
    expect(row.reason).toMatch(/^gone \(410\): The deployment has been removed/);
    expect(patches()).toBe(1);
  });
});

describe('BLOCKED: never canceled, in either mode', () => {
  it('by id: skipped with the reason, not one PATCH, the step green', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BLOCKED' });
    const result = await byId(d.id);
    expect(result.code).toBe(0);
    expect(rows(result)).toEqual([
      expect.objectContaining({
        id: d.id,
        outcome: 'skipped',
        readyState: 'BLOCKED',
        reason: 'blocked (BLOCKED): Vercel holds it back without building it; this action does not cancel blocked deployments',
      }),
    ]);
    expect(patches()).toBe(0);
    expect(vercel.getDeployment(d.id).readyState).toBe('BLOCKED');
  });

  it('superseded mode: an older BLOCKED build is not listed (the state filter leaves it out) and not touched', async () => {
    const [c0, c1, c2] = commits(3) as [string, string, string];
    const blocked = deploy(c0, 'BLOCKED');
    const building = deploy(c1, 'BUILDING');
    deploy(c2, 'BUILDING');
    const result = await superseded(c2);
    expect(result.code).toBe(0);
    expect(vercel.getDeployment(blocked.id).readyState).toBe('BLOCKED');
    expect(vercel.getDeployment(building.id).readyState).toBe('CANCELED');
    expect(rows(result).map((r) => r.id)).not.toContain(blocked.id);
    const lists = vercel.requests.filter((r) => r.path === '/v6/deployments');
    expect(lists.map((r) => r.query.state)).toEqual(['QUEUED,INITIALIZING,BUILDING']);
  });

  it('superseded mode: a build listed QUEUED that is BLOCKED by the time of its cancel is skipped, not failed', async () => {
    const [c0, c1] = commits(2) as [string, string];
    const old = deploy(c0, 'QUEUED');
    deploy(c1, 'BUILDING');
    vercel.inject(({ method }: { method: string }) => {
      if (method === 'PATCH') vercel.getDeployment(old.id).readyState = 'BLOCKED';
      return undefined; // the simulator refuses to cancel a BLOCKED deployment (400)
    });
    const result = await superseded(c1);
    expect(result.code).toBe(0);
    expect(rows(result).find((r) => r.id === old.id)).toMatchObject({ outcome: 'skipped', readyState: 'BLOCKED' });
    expect(vercel.getDeployment(old.id).readyState).toBe('BLOCKED');
  });
});

describe('429: a random skew after the server-given wait, inside time-budget', () => {
  const SKEW = /HTTP 429; retrying in (\d+\.\d) s \((\d+\.\d) s of it a random skew, so that clients do not all return at once\)/;
  const rateLimitedOnce = (retryAfter: string) =>
    vercel.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? { status: 429, headers: { 'Retry-After': retryAfter }, body: { error: { code: 'rate_limited', message: 'Rate limit exceeded' } } }
        : undefined,
    );

  it('the skew is said, and never takes the time the retry needs (time-budget 10 s, request-timeout 8 s)', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    rateLimitedOnce('0');
    const result = await byId(d.id, { 'time-budget': '10', 'request-timeout': '8' });
    expect(result.code).toBe(0);
    expect(rows(result)[0]!.outcome).toBe('canceled');
    expect(patches()).toBe(2);
    const [, wait, skew] = SKEW.exec(result.stdout) ?? [];
    // Retry-After 0: the whole wait is skew, at most what 10 s leaves after one 8 s attempt.
    expect(Number(wait)).toBe(Number(skew));
    expect(Number(skew)).toBeLessThanOrEqual(2);
  });

  it('no room left for a skew: the server-given wait alone, still retried', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    rateLimitedOnce('1');
    const result = await byId(d.id, { 'time-budget': '10', 'request-timeout': '9' });
    expect(result.code).toBe(0);
    expect(patches()).toBe(2);
    expect(SKEW.exec(result.stdout)?.slice(1)).toEqual(['1.0', '0.0']);
  });
});
