import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../../../simulator/vercel-api.js';
import { VercelClient, VercelError } from '../../../src/vercel/client.js';
import { closedPort } from '../../support/run-action.js';

const TOKEN = 'vrc_client_test_token';
let sim: VercelSimulator;
let apiUrl: string;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN, teams: [{ id: 'team_acme', slug: 'acme' }] });
  apiUrl = await sim.start();
});
afterEach(async () => {
  await sim.stop();
});

// No retries here: the fault-injection suite tests them.
const client = (options: Partial<ConstructorParameters<typeof VercelClient>[0]> = {}) =>
  new VercelClient({ apiUrl, token: TOKEN, scope: {}, policy: { retries: 0 }, ...options });

async function errorOf(promise: Promise<unknown>): Promise<VercelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VercelError);
    return error as VercelError;
  }
  throw new Error('expected the request to fail');
}

describe('VercelClient', () => {
  it('gets a deployment by id and by hostname, with the team scope on the query', async () => {
    const d = sim.addDeployment({ ownerId: 'team_acme', readyState: 'BUILDING' });
    const scoped = client({ scope: { teamId: 'team_acme' } });
    expect(await scoped.getDeployment(d.id)).toMatchObject({ id: d.id, readyState: 'BUILDING', url: d.url });
    expect(await scoped.getDeployment(d.url)).toMatchObject({ id: d.id });
    expect(sim.requests.map((r) => r.query)).toEqual([{ teamId: 'team_acme' }, { teamId: 'team_acme' }]);
    expect(sim.requests.every((r) => r.authorization)).toBe(true);
  });

  it('asks for gitSource with withGitRepoInfo=true', async () => {
    const gitSource = { type: 'github', ref: 'main', sha: 'a'.repeat(40), repoId: 42, prId: null };
    const d = sim.addDeployment({ ownerId: 'user_alice', gitSource });
    expect((await client().getDeployment(d.id, { withGitRepoInfo: true })).gitSource).toMatchObject(gitSource);
    expect(sim.requests[0]!.query).toEqual({ withGitRepoInfo: 'true' });
  });

  it('cancels, returning the deployment as it is afterwards', async () => {
    const d = sim.addDeployment({ ownerId: 'user_alice', readyState: 'QUEUED' });
    const after = await client().cancelDeployment(d.id);
    expect(after.readyState).toBe('CANCELED');
    expect(after.canceledAt).toBe(sim.getDeployment(d.id).canceledAt);
  });

  it('encodes path segments', async () => {
    await errorOf(client().getDeployment('a/../b?c'));
    expect(sim.requests[0]!.path).toBe('/v13/deployments/a%2F..%2Fb%3Fc');
  });

  it('maps a 400, a 404 and both kinds of 403', async () => {
    const ready = sim.addDeployment({ ownerId: 'user_alice', readyState: 'READY' });
    const refused = await errorOf(client().cancelDeployment(ready.id));
    expect(refused).toMatchObject({ status: 400, code: 'bad_request', tokenRejected: false });
    expect(refused.message).toMatch(new RegExp(`^PATCH /v12/deployments/${ready.id}/cancel returned HTTP 400 \\(bad_request: `));

    expect(await errorOf(client().getDeployment('dpl_nope'))).toMatchObject({ status: 404, code: 'not_found', tokenRejected: false });
    expect(await errorOf(client({ token: 'vrc_wrong' }).getDeployment('dpl_nope'))).toMatchObject({
      status: 403,
      tokenRejected: true,
      vercelMessage: 'Not authorized',
    });
    expect(await errorOf(client({ scope: { teamId: 'team_other' } }).getDeployment('dpl_nope'))).toMatchObject({
      status: 403,
      tokenRejected: false,
    });
  });

  it('reads the `err` error shape some endpoints use', async () => {
    sim.inject(() => ({ status: 409, body: { err: { code: 'conflict', message: 'busy' } } }));
    expect((await errorOf(client().getDeployment('dpl_a'))).message).toBe('GET /v13/deployments/dpl_a returned HTTP 409 (conflict: busy)');
  });

  it('names the endpoint and status for a body that is not JSON', async () => {
    sim.inject(() => ({ status: 502, body: '<html><body>Bad gateway</body></html>' }));
    expect((await errorOf(client().getDeployment('dpl_a'))).message).toBe(
      'GET /v13/deployments/dpl_a returned HTTP 502 (a body that is not JSON)',
    );
    sim.inject(() => ({ status: 200, body: '{"id":"dpl_a",' }));
    expect((await errorOf(client().getDeployment('dpl_a'))).message).toBe(
      'GET /v13/deployments/dpl_a returned HTTP 200 with a body that is not JSON',
    );
  });

  it('names the missing field, and tolerates unknown fields and states', async () => {
    const malformedDeployment = { id: 'dpl_a' }; // deliberately malformed: no readyState
    sim.inject(() => ({ status: 200, body: malformedDeployment }));
    expect((await errorOf(client().getDeployment('dpl_a'))).message).toMatch(
      /^GET \/v13\/deployments\/dpl_a returned a response the action cannot use: field `readyState`/,
    );
    // Deliberately off Vercel's schema (an unknown state and field, wrong types): the action must cope.
    const offSchemaDeployment = { id: 'dpl_a', readyState: 'HIBERNATING', brandNew: { x: 1 }, url: 42, canceledAt: 'soon' };
    sim.inject(() => ({ status: 200, body: offSchemaDeployment }));
    expect(await client().getDeployment('dpl_a')).toMatchObject({
      id: 'dpl_a',
      readyState: 'HIBERNATING',
      url: undefined,
      canceledAt: undefined,
    });
  });

  it('reports network failures and timeouts without throwing anything else', async () => {
    const refused = await errorOf(
      new VercelClient({ apiUrl: `http://127.0.0.1:${await closedPort()}`, token: TOKEN, scope: {}, policy: { retries: 0 } }).getDeployment(
        'dpl_a',
      ),
    );
    expect(refused.message).toBe('GET /v13/deployments/dpl_a failed: network error ECONNREFUSED');
    expect(refused.status).toBeUndefined();

    sim.inject(() => ({ delayMs: 2000 }));
    const slow = await errorOf(client({ policy: { retries: 0, timeoutMs: 100 } }).getDeployment('dpl_a'));
    expect(slow.message).toBe('GET /v13/deployments/dpl_a failed: no response within 0.1 s');

    sim.inject(() => 'reset');
    expect((await errorOf(client().getDeployment('dpl_a'))).message).toMatch(/^GET \/v13\/deployments\/dpl_a failed: network error/);
  });

  it('says how many attempts an error took, for an answer and for none', async () => {
    const ready = sim.addDeployment({ ownerId: 'user_alice', readyState: 'READY' });
    const retrying = client({ policy: { retries: 2, baseDelayMs: 1 } });
    expect(await errorOf(retrying.cancelDeployment(ready.id))).toMatchObject({ status: 400, attempts: 1 });

    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt <= 2 ? { status: 503, body: { error: { code: 'unavailable' } } } : undefined,
    );
    // Two 503s, then the 400 on the third attempt.
    const other = sim.addDeployment({ ownerId: 'user_alice', readyState: 'READY' });
    expect(await errorOf(retrying.cancelDeployment(other.id))).toMatchObject({ status: 400, attempts: 3 });

    sim.inject(() => 'reset');
    expect(await errorOf(retrying.getDeployment('dpl_a'))).toMatchObject({ status: undefined, attempts: 3 });
  });

  it('pages the list with until', async () => {
    for (let i = 0; i < 3; i++) sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    const first = await client().listDeployments({ limit: '2' });
    expect(first.deployments).toHaveLength(2);
    expect(first.next).toBe(first.deployments[1]!.createdAt);
    if (typeof first.next !== 'number') throw new Error('expected a next page');
    const second = await client().listDeployments({ limit: '2', until: String(first.next) });
    expect(second.deployments).toHaveLength(1);
    expect(second.next).toBeNull();
  });
});
