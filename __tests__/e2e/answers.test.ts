// End to end (dist/index.js as the runner starts it): answers that are too large, or that do not
// show the deployment canceled, never crash the run nor lose or invent a cancel.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { everythingVisible, runAction, type ActionRun } from '../support/run-action.js';

const TOKEN = 'vrc_e2e_answers_Tk9';
let sim: VercelSimulator;
let apiUrl: string;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN });
  apiUrl = await sim.start();
});
afterEach(async () => {
  await sim.stop();
});

const run = (ids: string[]) => runAction({ inputs: { token: TOKEN, 'api-url': apiUrl, 'deployment-id': ids.join('\n'), retries: '1' } });
const rows = (result: ActionRun) => JSON.parse(result.outputs.deployments!) as Array<Record<string, unknown>>;
const building = () => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });

function expectOneLineErrors(result: ActionRun): void {
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(result.stderr).toBe('');
  expect(everythingVisible(result)).not.toContain(TOKEN);
}

describe('a 600 MB answer', () => {
  it('fails that deployment with one line; the cancels that went through are all in the outputs and summary', async () => {
    const [a, b, c] = [building(), building(), building()];
    // Every answer about b but the first read (before the cancel) is 600 MB, streamed as the action reads it.
    sim.inject(({ path, method, attempt }: { path: string; method: string; attempt: number }) =>
      path.includes(b.id) && !(method === 'GET' && attempt === 1) ? { status: 200, streamBytes: 600 * 1024 * 1024 } : undefined,
    );
    const result = await run([a.id, b.id, c.id]);

    expect(result.code).toBe(1);
    expectOneLineErrors(result);
    expect(rows(result).map((r) => [r.id, r.outcome])).toEqual([
      [a.id, 'canceled'],
      [b.id, 'failed'],
      [c.id, 'canceled'],
    ]);
    expect(rows(result)[1]!.reason).toMatch(
      /^PATCH \/v12\/deployments\/dpl_\w+\/cancel failed: the answer \(HTTP 200\) was larger than 8 MiB; the action stopped reading it; reading it again failed: /,
    );
    expect(result.outputs['canceled-ids']).toBe(`${a.id},${c.id}`);
    expect(result.outputs['canceled-count']).toBe('2');
    expect(result.summary).toContain('3 deployments: 2 canceled, 1 failed.');
    expect(result.stdout).toMatch(/^::error::.*larger than 8 MiB/m);
    // Cut off early, and not asked again: the same answer would come.
    const streamed = sim.requests.filter((r) => r.streamed);
    expect(streamed.map((r) => r.method)).toEqual(['PATCH', 'GET']);
    expect(streamed.every((r) => r.streamed!.bytes < 64 * 1024 * 1024)).toBe(true);
  });
});

describe('a cancel answered 200 that does not show the deployment canceled', () => {
  it('still BUILDING on the re-read: failed, not canceled', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 200, body: { ...sim.getDeployment(d.id) } } : undefined,
    );
    const result = await run([d.id]);

    expect(result.code).toBe(1);
    expectOneLineErrors(result);
    expect(rows(result)).toEqual([
      {
        id: d.id,
        url: d.url,
        readyState: 'BUILDING',
        canceledAt: null,
        outcome: 'failed',
        reason:
          'Vercel answered the cancel with HTTP 200 but said BUILDING, not CANCELED; reading it again found it still BUILDING: the cancel did not take effect (yet)',
      },
    ]);
    expect(result.outputs['canceled-count']).toBe('0');
    expect(result.outputs['canceled-ids']).toBe('');
    expect(result.outputs['canceled-at']).toBe('');
    expect(sim.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PATCH 200', 'GET 200']);
  });

  it('naming another deployment, and CANCELED on the re-read: canceled, with the re-read canceledAt', async () => {
    const d = building();
    const other = sim.addDeployment({ ownerId: 'user_alice', readyState: 'CANCELED', canceledAt: 1 });
    sim.inject(({ method }: { method: string }) => {
      if (method !== 'PATCH') return undefined;
      Object.assign(sim.getDeployment(d.id), { readyState: 'CANCELED', canceledAt: Date.now() });
      return { status: 200, body: { ...sim.getDeployment(other.id) } };
    });
    const result = await run([d.id]);

    expect(result.code).toBe(0);
    expectOneLineErrors(result);
    expect(rows(result)).toEqual([expect.objectContaining({ id: d.id, outcome: 'canceled', readyState: 'CANCELED' })]);
    expect(result.outputs['canceled-ids']).toBe(d.id);
    expect(result.outputs['canceled-at']).toBe(String(sim.getDeployment(d.id).canceledAt));
  });
});
