// The simulator checked against Vercel's own SDK: @vercel/sdk is generated from Vercel's OpenAPI
// document and validates every 200 body with zod. A body it rejects raises ResponseValidationError,
// which these tests never catch: any answer the SDK rejects fails the test. Error answers (4xx) are
// SDKError with the raw body, which the tests read as Vercel's `{ error: { code, message } }`.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Vercel } from '@vercel/sdk';
import { ResponseValidationError } from '@vercel/sdk/models/responsevalidationerror.js';
import { SDKError } from '@vercel/sdk/models/sdkerror.js';
import { listItemOf, listPage, VercelSimulator } from '../../../simulator/vercel-api.js';

const TOKEN = 'vrc_sdk_token';
const TEAM = 'team_acme';
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
let sim: VercelSimulator;
let vercel: Vercel;
let apiUrl: string;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN, username: 'alice', teams: [{ id: TEAM, slug: 'acme' }] });
  // No retries (the SDK's default), so a 429 reaches the test as it was sent.
  apiUrl = await sim.start();
  vercel = new Vercel({ bearerToken: TOKEN, serverURL: apiUrl });
});
afterEach(async () => {
  await sim.stop();
});

const gitMeta = (sha: string, branch: string) => ({ githubCommitSha: sha, githubCommitRef: branch, githubRepoId: '4242' });
const add = (fields: Record<string, unknown> = {}) => sim.addDeployment({ ownerId: TEAM, name: 'web', ...fields });

/** The error answer the SDK raised: its status and Vercel's error body. */
async function errorOf(call: Promise<unknown>): Promise<{ status: number; error: { code: string; message: string } }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SDKError); // not ResponseValidationError: that would be a rejected body
  const sdkError = error as SDKError;
  const body = JSON.parse(sdkError.body) as { error: { code: string; message: string } };
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  return { status: sdkError.statusCode, error: body.error };
}

describe('list (the SDK calls GET /v7/deployments)', () => {
  it('filters by state, projectId, target, branch and sha, and the SDK accepts every item', async () => {
    const building = add({ meta: gitMeta(SHA_A, 'main') });
    add({ readyState: 'READY', meta: gitMeta(SHA_B, 'main') });
    const production = add({ target: 'production', meta: gitMeta(SHA_B, 'release') });
    const staging = add({ customEnvironment: { slug: 'staging-eu' }, meta: gitMeta(SHA_B, 'develop') });
    const other = add({ name: 'docs', meta: gitMeta(SHA_A, 'feature/x') });

    const ids = async (request: Parameters<Vercel['deployments']['getDeployments']>[0]) =>
      (await vercel.deployments.getDeployments({ teamId: TEAM, ...request })).deployments.map((d) => d.uid).sort();

    expect(await ids({ state: 'BUILDING,QUEUED' })).toEqual([building.id, production.id, staging.id, other.id].sort());
    expect(await ids({ projectId: 'docs' })).toEqual([other.id]);
    expect(await ids({ projectId: building.projectId, state: 'BUILDING' })).toEqual([building.id, production.id, staging.id].sort());
    expect(await ids({ target: 'production' })).toEqual([production.id]);
    expect(await ids({ target: 'staging-eu' })).toEqual([staging.id]);
    expect(await ids({ branch: 'feature/x' })).toEqual([other.id]);
    expect(await ids({ sha: SHA_A })).toEqual([building.id, other.id].sort());
    expect(sim.requests.every((r) => r.path === '/v7/deployments' && r.status === 200)).toBe(true);

    const [listed] = (await vercel.deployments.getDeployments({ teamId: TEAM, target: 'staging-eu' })).deployments;
    expect(listed!.customEnvironment).toEqual({ id: staging.customEnvironment.id, slug: 'staging-eu' });
    expect(listed!.target).toBeNull();
  });

  it('pages with until, newest first, each page accepted', async () => {
    const all = Array.from({ length: 7 }, () => add().id).reverse();
    const seen: string[] = [];
    let until: number | undefined;
    for (;;) {
      const page = await vercel.deployments.getDeployments({ teamId: TEAM, limit: 3, ...(until ? { until } : {}) });
      seen.push(...page.deployments.map((d) => d.uid));
      if (page.pagination.next === null || page.pagination.next === undefined) break;
      until = page.pagination.next;
    }
    expect(seen).toEqual(all);
    expect(sim.requests.map((r) => r.query.until)).toEqual([undefined, expect.any(String), expect.any(String)]);
  });

  it('answers 400 to projectIds together with projectId, and to a limit over 100', async () => {
    const both = await errorOf(vercel.deployments.getDeployments({ teamId: TEAM, projectId: 'web', projectIds: ['docs'] }));
    expect(both).toEqual({ status: 400, error: expect.objectContaining({ code: 'bad_request' }) });
    expect((await errorOf(vercel.deployments.getDeployments({ teamId: TEAM, limit: 101 }))).status).toBe(400);
  });
});

describe('get one (GET /v13/deployments/{idOrUrl})', () => {
  it('by id, with gitSource, and by hostname', async () => {
    const d = add({ meta: gitMeta(SHA_A, 'main') });
    const byId = await vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM, withGitRepoInfo: 'true' });
    expect(byId).toMatchObject({ id: d.id, readyState: 'BUILDING', gitSource: { type: 'github', repoId: 4242, sha: SHA_A } });
    const byHost = await vercel.deployments.getDeployment({ idOrUrl: d.url, slug: 'acme' });
    expect(byHost.id).toBe(d.id);
  });

  it.each([
    [
      'github-custom-host (GitHub Enterprise Server)',
      { type: 'github-custom-host', host: 'ghe.example.com', repoId: 7, ref: 'main', sha: SHA_A },
    ],
    ['bitbucket by owner and slug', { type: 'bitbucket', owner: 'acme', slug: 'web', ref: 'main', sha: SHA_A }],
    ['bitbucket by uuid', { type: 'bitbucket', repoUuid: '{1}', workspaceUuid: '{2}', ref: 'main', sha: SHA_A }],
    ['gitlab', { type: 'gitlab', projectId: 99, ref: 'main', sha: SHA_A }],
    ['cursor-origin', { type: 'cursor-origin', repoId: 'r1', owner: 'acme', repo: 'web', ref: 'main', sha: SHA_A }],
  ])('a %s gitSource, as served', async (_name, gitSource) => {
    const d = add({ gitSource });
    const got = await vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM, withGitRepoInfo: 'true' });
    expect('gitSource' in got && got.gitSource).toMatchObject(gitSource);
  });

  it('a custom environment: customEnvironment {id, slug}, target null', async () => {
    const d = add({ customEnvironment: { slug: 'qa' } });
    const got = await vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM });
    expect(got.target).toBeNull();
    expect('customEnvironment' in got && got.customEnvironment).toMatchObject({ id: d.customEnvironment.id });
  });

  it('refuses to store a gitSource that names no repository, and a custom environment in target', () => {
    expect(() => add({ gitSource: { type: 'github', ref: 'main', sha: SHA_A } })).toThrow(/must name its repository/);
    expect(() => add({ gitSource: { type: 'github-custom-host', repoId: 1, sha: SHA_A } })).toThrow(/must name its repository/);
    expect(() => add({ target: 'qa' })).toThrow(/customEnvironment/);
  });

  it('answers 404 for an unknown id, another team, or a full URL; 403 for a bad token or a foreign team', async () => {
    const d = add();
    expect(await errorOf(vercel.deployments.getDeployment({ idOrUrl: 'dpl_missing', teamId: TEAM }))).toEqual({
      status: 404,
      error: { code: 'not_found', message: 'Deployment not found' },
    });
    expect((await errorOf(vercel.deployments.getDeployment({ idOrUrl: d.id }))).status).toBe(404);
    expect((await errorOf(vercel.deployments.getDeployment({ idOrUrl: `https://${d.url}`, teamId: TEAM }))).status).toBe(404);
    expect((await errorOf(vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: 'team_other' }))).error.code).toBe('forbidden');
    const stranger = new Vercel({ bearerToken: 'vrc_wrong', serverURL: apiUrl });
    const rejected = await errorOf(stranger.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM }));
    expect(rejected).toEqual({ status: 403, error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
  });
});

describe('cancel (PATCH /v12/deployments/{id}/cancel)', () => {
  it.each(['QUEUED', 'INITIALIZING', 'BUILDING'])('a %s deployment: the full deployment, CANCELED', async (readyState) => {
    const d = add({ readyState, meta: gitMeta(SHA_A, 'main') });
    const canceled = await vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM });
    expect(canceled).toMatchObject({ id: d.id, readyState: 'CANCELED', status: 'CANCELED', url: d.url });
  });

  it('a custom-environment and a production deployment', async () => {
    for (const fields of [{ customEnvironment: { slug: 'qa' } }, { target: 'production' }]) {
      const d = add(fields);
      expect((await vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM })).readyState).toBe('CANCELED');
    }
  });

  it.each(['READY', 'BLOCKED'])('answers 400 for a %s deployment (BLOCKED is not a build in progress)', async (readyState) => {
    const d = add({ readyState });
    expect(await errorOf(vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM }))).toEqual({
      status: 400,
      error: expect.objectContaining({ code: 'bad_request' }),
    });
    // BLOCKED is a state filter value and a readyState the SDK accepts in a list and a get.
    const { deployments } = await vercel.deployments.getDeployments({ teamId: TEAM, state: readyState });
    expect(deployments.map((x) => x.uid)).toEqual([d.id]);
    expect(await vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM })).toMatchObject({ readyState });
  });

  it('a removed deployment: 410 Gone to get and cancel (both list 410), listed as DELETED', async () => {
    const d = add({ readyState: 'BUILDING' });
    sim.removeDeployment(d.id);
    const gone = { status: 410, error: { code: 'gone', message: 'The deployment has been removed' } };
    expect(await errorOf(vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM }))).toEqual(gone);
    expect(await errorOf(vercel.deployments.getDeployment({ idOrUrl: d.url, teamId: TEAM }))).toEqual(gone);
    expect(await errorOf(vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM }))).toEqual(gone);
    const { deployments } = await vercel.deployments.getDeployments({ teamId: TEAM });
    expect(deployments).toEqual([expect.objectContaining({ uid: d.id, readyState: 'DELETED' })]);
  });
});

describe('projects (GET /v9/projects/{idOrName})', () => {
  it('finds a project by id or name (added, or named by a deployment), else 404', async () => {
    const d = add();
    const added = sim.addProject({ ownerId: TEAM, name: 'empty' });
    expect(await vercel.projects.getProject({ idOrName: d.projectId, teamId: TEAM })).toMatchObject({ id: d.projectId, name: 'web' });
    expect(await vercel.projects.getProject({ idOrName: 'empty', teamId: TEAM })).toMatchObject({ id: added.id, name: 'empty' });
    expect(await errorOf(vercel.projects.getProject({ idOrName: 'nope', teamId: TEAM }))).toEqual({
      status: 404,
      error: { code: 'not_found', message: 'Project not found' },
    });
    expect((await errorOf(vercel.projects.getProject({ idOrName: 'web' }))).status).toBe(404); // another scope
  });
});

describe('rate limits', () => {
  it('429 rate_limited with error.limit, counted per endpoint', async () => {
    await sim.stop();
    sim = new VercelSimulator({ rateLimit: { limit: 2, windowMs: 60_000, enforce: true } });
    sim.addUser({ id: 'user_alice', token: TOKEN, teams: [{ id: TEAM, slug: 'acme' }] });
    vercel = new Vercel({ bearerToken: TOKEN, serverURL: await sim.start() });
    const d = add();

    await vercel.deployments.getDeployments({ teamId: TEAM });
    await vercel.deployments.getDeployments({ teamId: TEAM });
    const limited = await errorOf(vercel.deployments.getDeployments({ teamId: TEAM }));
    expect(limited).toEqual({
      status: 429,
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        limit: { remaining: 0, reset: expect.any(Number), resetMs: expect.any(Number), total: 2 },
      },
    });
    // Another endpoint has its own bucket.
    expect((await vercel.deployments.getDeployment({ idOrUrl: d.id, teamId: TEAM })).id).toBe(d.id);
    expect((await vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM })).readyState).toBe('CANCELED');
  });
});

describe("bodies for fault injection, built from the simulator's shapes", () => {
  it('listPage(listItemOf(...)) passes the SDK', async () => {
    sim.inject(() => ({ status: 200, body: listPage([listItemOf({ id: 'dpl_injected', createdAt: 5 })], 5) }));
    const page = await vercel.deployments.getDeployments({ teamId: TEAM });
    expect(page.deployments.map((d) => d.uid)).toEqual(['dpl_injected']);
    expect(page.pagination.next).toBe(5);
  });

  it('deploymentBody(d) passes the SDK as a cancel answer', async () => {
    const d = add();
    sim.inject(() => ({ status: 200, body: sim.deploymentBody({ ...d, readyState: 'CANCELED' }) }));
    expect((await vercel.deployments.cancelDeployment({ id: d.id, teamId: TEAM })).readyState).toBe('CANCELED');
    expect(d.readyState).toBe('BUILDING'); // injected: the stored deployment is untouched
  });

  it('the check has teeth: a deliberately malformed list item (no creator, no type) is rejected', async () => {
    const malformed: Record<string, unknown> = listItemOf({ id: 'dpl_malformed' });
    delete malformed.creator;
    delete malformed.type;
    sim.inject(() => ({ status: 200, body: listPage([malformed], null) }));
    await expect(vercel.deployments.getDeployments({ teamId: TEAM })).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
