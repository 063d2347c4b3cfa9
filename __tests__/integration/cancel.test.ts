import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { cancelDeployments } from '../../src/cancel.js';
import { VercelClient } from '../../src/vercel/client.js';

const TOKEN = 'vrc_cancel_test_token';
let sim: VercelSimulator;
let client: VercelClient;
let apiUrl: string;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN });
  apiUrl = await sim.start();
  // No retries here: the fault-injection suite tests them.
  client = new VercelClient({ apiUrl, token: TOKEN, scope: {}, policy: { retries: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

const byId = (...ids: string[]) => ids.map((id) => ({ ref: { kind: 'id' as const, id } }));
const add = (readyState: string) => sim.addDeployment({ ownerId: 'user_alice', readyState });

describe('cancelDeployments', () => {
  it('canceled: state before as read first, after CANCELED, canceledAt from the API', async () => {
    const d = add('BUILDING');
    const { results, fatal } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(fatal).toBeUndefined();
    expect(results).toEqual([
      {
        id: d.id,
        url: d.url,
        inspectorUrl: d.inspectorUrl,
        stateBefore: 'BUILDING',
        readyState: 'CANCELED',
        canceledAt: sim.getDeployment(d.id).canceledAt,
        createdAt: d.createdAt,
        outcome: 'canceled',
        reason: 'canceled by this run',
      },
    ]);
  });

  it.each(['READY', 'ERROR', 'CANCELED'])('already-finished: %s is not a failure', async (state) => {
    const d = add(state);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ outcome: 'already-finished', readyState: state, canceledAt: null });
    expect(results[0]!.reason).toBe(`already finished (${state}): nothing to cancel`);
  });

  it("failed: a 400 for a deployment that is still in progress keeps Vercel's message", async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 400, body: { error: { code: 'bad_request', message: 'Deployment is locked' } } } : undefined,
    );
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ outcome: 'failed', readyState: 'BUILDING' });
    expect(results[0]!.reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 400 (bad_request: Deployment is locked)`);
  });

  it('failed: a 500 is reported with the endpoint and status', async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 500, body: { error: { code: 'internal_server_error', message: 'boom' } } } : undefined,
    );
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ id: d.id, outcome: 'failed', stateBefore: 'BUILDING' });
    expect(results[0]!.reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 500 (internal_server_error: boom)`);
  });

  it('failed: a 500 to the first read is reported with the endpoint and status, and no cancel is sent', async () => {
    sim.inject(() => ({ status: 500, body: { error: { code: 'internal_server_error', message: 'boom' } } }));
    const { results } = await cancelDeployments(client, byId('dpl_abc'), { dryRun: false });
    expect(results[0]).toMatchObject({ id: 'dpl_abc', outcome: 'failed', readyState: null });
    expect(results[0]!.reason).toBe('GET /v13/deployments/dpl_abc returned HTTP 500 (internal_server_error: boom)');
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('would-cancel and already-finished in a dry run, without a single PATCH', async () => {
    const building = add('INITIALIZING');
    const ready = add('READY');
    const { results } = await cancelDeployments(client, byId(building.id, ready.id), { dryRun: true });
    expect(results.map((r) => [r.outcome, r.stateBefore, r.readyState])).toEqual([
      ['would-cancel', 'INITIALIZING', 'INITIALIZING'],
      ['already-finished', 'READY', 'READY'],
    ]);
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('skips the PATCH when the resolved URL shows a finished deployment', async () => {
    const d = add('READY');
    const { results } = await cancelDeployments(client, [{ ref: { kind: 'host', host: d.url! } }], { dryRun: false });
    expect(results[0]).toMatchObject({ id: d.id, outcome: 'already-finished' });
    expect(sim.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('failed with the URL kept when a hostname resolves to nothing', async () => {
    const { results } = await cancelDeployments(client, [{ ref: { kind: 'host', host: 'nope.vercel.app' } }], { dryRun: false });
    expect(results[0]).toMatchObject({ id: null, url: 'nope.vercel.app', outcome: 'failed' });
    expect(results[0]!.reason).toMatch(/^Vercel found no deployment nope\.vercel\.app \(404\)/);
  });

  it('skipped: a rejected token stops the run and leaves the rest not attempted', async () => {
    const ids = Array.from({ length: 7 }, () => add('BUILDING').id);
    const rejecting = new VercelClient({ apiUrl, token: 'vrc_wrong', scope: {} });
    const { results, fatal } = await cancelDeployments(rejecting, byId(...ids), { dryRun: false, concurrency: 2 });
    expect(fatal).toMatchObject({ status: 403, tokenRejected: true });
    expect(sim.requests).toHaveLength(2);
    expect(results.map((r) => r.outcome)).toEqual(Array(7).fill('skipped'));
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results[0]!.reason).toBe('not attempted: Vercel rejected the token');
  });

  const host = (h: string) => ({ ref: { kind: 'host' as const, host: h } });
  const calls = () => sim.requests.map((r) => `${r.method} ${r.path}`);

  it('a deployment named by its id and by its URL is canceled and reported once, at its first position', async () => {
    const d = add('BUILDING');
    const { results } = await cancelDeployments(client, [...byId(d.id), host(d.url)], { dryRun: false });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: d.id, url: d.url, stateBefore: 'BUILDING', readyState: 'CANCELED', outcome: 'canceled' });
    // The URL is resolved once; the cancel is sent once.
    expect(calls()).toEqual([`GET /v13/deployments/${d.url}`, `PATCH /v12/deployments/${d.id}/cancel`]);
  });

  it('URL first, then the id: the one row is where the URL was', async () => {
    const a = add('BUILDING');
    const d = add('QUEUED');
    const { results } = await cancelDeployments(client, [...byId(a.id), host(d.url), ...byId(d.id)], { dryRun: false });
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      [a.id, 'canceled'],
      [d.id, 'canceled'],
    ]);
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('duplicates among many refs: order of first occurrences kept, a URL that resolves to nothing stays a failed row in its place', async () => {
    const a = add('BUILDING');
    const b = add('BUILDING');
    const c = add('READY');
    const targets = [host(b.url), ...byId(a.id), host('nope.vercel.app'), ...byId(b.id), host(a.url), host(c.url), ...byId(c.id)];
    const { results, fatal } = await cancelDeployments(client, targets, { dryRun: false, concurrency: 3 });
    expect(fatal).toBeUndefined();
    expect(results.map((r) => [r.id, r.url, r.outcome])).toEqual([
      [b.id, b.url, 'canceled'],
      [a.id, a.url, 'canceled'],
      [null, 'nope.vercel.app', 'failed'],
      [c.id, c.url, 'already-finished'],
    ]);
    // One GET per URL; one PATCH per in-progress deployment; none for the finished one (its URL told).
    expect(
      calls()
        .filter((call) => call.startsWith('GET'))
        .sort(),
    ).toEqual([a.url, b.url, c.url, 'nope.vercel.app'].map((h) => `GET /v13/deployments/${h}`).sort());
    expect(
      calls()
        .filter((call) => call.startsWith('PATCH'))
        .sort(),
    ).toEqual([a.id, b.id].map((id) => `PATCH /v12/deployments/${id}/cancel`).sort());
  });

  it('dry run: an id and its URL are one row, read once', async () => {
    const d = add('BUILDING');
    const { results } = await cancelDeployments(client, [...byId(d.id), host(d.url)], { dryRun: true });
    expect(results.map((r) => [r.id, r.outcome])).toEqual([[d.id, 'would-cancel']]);
    expect(calls()).toEqual([`GET /v13/deployments/${d.url}`]);
  });

  it('no duplicates, no extra requests: each id and each URL read once, then canceled', async () => {
    const a = add('BUILDING');
    const b = add('BUILDING');
    const { results } = await cancelDeployments(client, [...byId(a.id), host(b.url)], { dryRun: false });
    expect(results.map((r) => r.outcome)).toEqual(['canceled', 'canceled']);
    expect(calls().sort()).toEqual(
      [
        `GET /v13/deployments/${a.id}`,
        `GET /v13/deployments/${b.url}`,
        `PATCH /v12/deployments/${a.id}/cancel`,
        `PATCH /v12/deployments/${b.id}/cancel`,
      ].sort(),
    );
  });

  it('a rejected token while resolving URLs stops everything: no cancel, every row skipped', async () => {
    const a = add('BUILDING');
    const b = add('BUILDING');
    const rejecting = new VercelClient({ apiUrl, token: 'vrc_wrong', scope: {} });
    const { results, fatal } = await cancelDeployments(rejecting, [...byId(a.id), host(b.url), ...byId(b.id)], { dryRun: false });
    expect(fatal).toMatchObject({ status: 403, tokenRejected: true });
    expect(sim.requests.map((r) => r.method)).toEqual(['GET']);
    expect(results.map((r) => [r.id, r.url, r.outcome])).toEqual([
      [a.id, null, 'skipped'],
      [null, b.url, 'skipped'],
      [b.id, null, 'skipped'],
    ]);
  });

  it('runs many cancels, every one accounted for in order', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => add(i % 5 === 0 ? 'READY' : 'BUILDING').id);
    const { results } = await cancelDeployments(client, byId(...ids), { dryRun: false, concurrency: 4 });
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results.map((r) => r.outcome)).toEqual(ids.map((_, i) => (i % 5 === 0 ? 'already-finished' : 'canceled')));
  });
});

describe('410 Gone: the deployment was removed, already finished', () => {
  const patches = () => sim.requests.filter((r) => r.method === 'PATCH').length;

  it.each([false, true])('removed before the run (dry run %s): the first read answers 410, no cancel', async (dryRun) => {
    const d = add('BUILDING');
    sim.removeDeployment(d.id);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun });
    expect(results).toEqual([
      expect.objectContaining({
        id: d.id,
        outcome: 'already-finished',
        readyState: null,
        reason: 'gone (410): The deployment has been removed; nothing to cancel',
      }),
    ]);
    expect(patches()).toBe(0);
  });

  it('a URL that answers 410 is already finished too', async () => {
    const d = add('BUILDING');
    sim.removeDeployment(d.id);
    const { results } = await cancelDeployments(client, [{ ref: { kind: 'host' as const, host: d.url } }], { dryRun: false });
    expect(results).toEqual([expect.objectContaining({ id: null, url: d.url, outcome: 'already-finished' })]);
  });

  it('removed between the read and the cancel: the cancel answers 410, already finished with the state read', async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) => {
      if (method === 'PATCH') sim.removeDeployment(d.id);
      return undefined; // the simulator answers, as Vercel would for a removed deployment
    });
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results).toEqual([
      expect.objectContaining({ id: d.id, outcome: 'already-finished', stateBefore: 'BUILDING', readyState: null }),
    ]);
    expect(results[0]!.reason).toMatch(/^gone \(410\): /);
    expect(sim.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PATCH 410']);
  });

  it('a 410 without a message says what it means', async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) => (method === 'PATCH' ? { status: 410, body: {} } : undefined));
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({
      outcome: 'already-finished',
      reason: 'gone (410): Vercel says the deployment no longer exists; nothing to cancel',
    });
  });
});

describe('BLOCKED: held back by Vercel, never sent a cancel', () => {
  const patches = () => sim.requests.filter((r) => r.method === 'PATCH').length;

  it.each([false, true])('by id (dry run %s): skipped with the reason, no PATCH', async (dryRun) => {
    const d = add('BLOCKED');
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun });
    expect(results).toEqual([
      expect.objectContaining({
        id: d.id,
        outcome: 'skipped',
        stateBefore: 'BLOCKED',
        readyState: 'BLOCKED',
        reason: 'blocked (BLOCKED): Vercel holds it back without building it; this action does not cancel blocked deployments',
      }),
    ]);
    expect(patches()).toBe(0);
  });

  it('a deployment known QUEUED that Vercel refuses (400) and now reads BLOCKED: skipped, not failed', async () => {
    const d = add('QUEUED');
    sim.inject(({ method }: { method: string }) => {
      if (method === 'PATCH') sim.getDeployment(d.id).readyState = 'BLOCKED';
      return undefined; // the simulator refuses to cancel a BLOCKED deployment with 400
    });
    const known = { ...sim.deploymentBody(sim.getDeployment(d.id)) } as never;
    const { results } = await cancelDeployments(client, [{ ref: { kind: 'id' as const, id: d.id }, known }], { dryRun: false });
    expect(results).toEqual([expect.objectContaining({ outcome: 'skipped', stateBefore: 'QUEUED', readyState: 'BLOCKED' })]);
    expect(sim.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 400', 'GET 200']);
  });
});

describe('only a deployment Vercel reports CANCELED counts', () => {
  type Ctx = { method: string; attempt: number };
  /** The cancel is answered 200 with `body` instead of the canceled deployment; `apply` says whether Vercel applied it. */
  const answerCancelWith = (id: string, body: (stored: Record<string, unknown>) => object, apply: boolean) =>
    sim.inject(({ method }: Ctx) => {
      if (method !== 'PATCH') return undefined;
      const stored = sim.getDeployment(id);
      const answer = { ...body({ ...stored }) };
      if (apply) Object.assign(stored, { readyState: 'CANCELED', status: 'CANCELED', canceledAt: Date.now() });
      return { status: 200, body: answer };
    });
  const requests = () => sim.requests.map((r) => `${r.method} ${r.status}`);

  it('200 saying BUILDING, and the re-read says BUILDING: failed, with what Vercel said', async () => {
    const d = add('BUILDING');
    answerCancelWith(d.id, (stored) => stored, false);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results).toEqual([expect.objectContaining({ id: d.id, outcome: 'failed', readyState: 'BUILDING', canceledAt: null })]);
    expect(results[0]!.reason).toBe(
      'Vercel answered the cancel with HTTP 200 but said BUILDING, not CANCELED; reading it again found it still BUILDING: the cancel did not take effect (yet)',
    );
    expect(requests()).toEqual(['GET 200', 'PATCH 200', 'GET 200']);
  });

  it('200 saying BUILDING, and the re-read says CANCELED: canceled, with the re-read canceledAt', async () => {
    const d = add('BUILDING');
    answerCancelWith(d.id, (stored) => stored, true);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ outcome: 'canceled', readyState: 'CANCELED', canceledAt: sim.getDeployment(d.id).canceledAt });
    expect(results[0]!.reason).toBe(
      'canceled by this run (Vercel answered the cancel with HTTP 200 but said BUILDING, not CANCELED; reading it again found it CANCELED)',
    );
    expect(requests()).toEqual(['GET 200', 'PATCH 200', 'GET 200']);
  });

  it('200 naming another deployment (CANCELED): not this one; the re-read decides', async () => {
    const d = add('BUILDING');
    const other = add('CANCELED');
    answerCancelWith(d.id, () => ({ ...sim.getDeployment(other.id) }), false);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ id: d.id, outcome: 'failed', readyState: 'BUILDING' });
    expect(results[0]!.reason).toMatch(
      /^Vercel answered the cancel with HTTP 200 but named another deployment; reading it again found it still BUILDING/,
    );
  });

  it('200 saying BUILDING, and the build finished meanwhile: already finished', async () => {
    const d = add('BUILDING');
    const inject = ({ method }: Ctx) => {
      if (method !== 'PATCH') return undefined;
      const answer = { ...sim.getDeployment(d.id) };
      sim.getDeployment(d.id).readyState = 'READY';
      return { status: 200, body: answer };
    };
    sim.inject(inject);
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ outcome: 'already-finished', readyState: 'READY' });
  });

  it('200 saying BUILDING, and the re-read fails: failed, saying both', async () => {
    const d = add('BUILDING');
    sim.inject(({ method, attempt }: Ctx) =>
      method === 'PATCH'
        ? { status: 200, body: { ...sim.getDeployment(d.id) } }
        : attempt === 1
          ? undefined // the first read, before the cancel
          : { status: 404, body: { error: { code: 'not_found', message: 'Deployment not found' } } },
    );
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ id: d.id, outcome: 'failed' });
    expect(results[0]!.reason).toBe(
      `Vercel answered the cancel with HTTP 200 but said BUILDING, not CANCELED; reading it again failed: GET /v13/deployments/${d.id} returned HTTP 404 (not_found: Deployment not found)`,
    );
  });
});

describe('answers too large to read', () => {
  const HUGE = 600 * 1024 * 1024;

  it('a 600 MB cancel answer fails that cancel with one line, the others stand; the socket is closed early', async () => {
    const [a, b, c] = [add('BUILDING'), add('BUILDING'), add('BUILDING')];
    // Every answer about b but the first read, before the cancel.
    sim.inject(({ path, method, attempt }: { path: string; method: string; attempt: number }) =>
      path.includes(b.id) && !(method === 'GET' && attempt === 1) ? { status: 200, streamBytes: HUGE } : undefined,
    );
    const { results, fatal } = await cancelDeployments(client, byId(a.id, b.id, c.id), { dryRun: false });
    expect(fatal).toBeUndefined();
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      [a.id, 'canceled'],
      [b.id, 'failed'],
      [c.id, 'canceled'],
    ]);
    expect(results[1]!.reason).toBe(
      `PATCH /v12/deployments/${b.id}/cancel failed: the answer (HTTP 200) was larger than 8 MiB; the action stopped reading it; reading it again failed: GET /v13/deployments/${b.id} failed: the answer (HTTP 200) was larger than 8 MiB; the action stopped reading it`,
    );
    // Not retried (the same answer would come), and far from all of it was sent.
    const streamed = sim.requests.filter((r) => r.streamed);
    expect(streamed.map((r) => r.method)).toEqual(['PATCH', 'GET']);
    for (const r of streamed) {
      await waitFor(() => r.streamed!.closedEarly);
      expect(r.streamed!.bytes).toBeLessThan(HUGE / 10);
    }
  });

  it('a cancel whose answer was too large to read is reported canceled when the re-read says so', async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) => {
      if (method !== 'PATCH') return undefined;
      Object.assign(sim.getDeployment(d.id), { readyState: 'CANCELED', canceledAt: Date.now() });
      return { status: 200, streamBytes: HUGE };
    });
    const { results } = await cancelDeployments(client, byId(d.id), { dryRun: false });
    expect(results[0]).toMatchObject({ outcome: 'canceled', canceledAt: sim.getDeployment(d.id).canceledAt });
    expect(results[0]!.reason).toBe(
      `canceled by this run (PATCH /v12/deployments/${d.id}/cancel failed: the answer (HTTP 200) was larger than 8 MiB; the action stopped reading it; reading it again found it CANCELED)`,
    );
  });

  it('a Content-Length over the cap is refused before reading', async () => {
    const d = add('BUILDING');
    sim.inject(({ method }: { method: string }) =>
      method === 'GET' ? { status: 200, headers: { 'Content-Length': String(HUGE) }, streamBytes: HUGE } : undefined,
    );
    await expect(client.getDeployment(d.id)).rejects.toThrow(
      `GET /v13/deployments/${d.id} failed: the answer (HTTP 200) was larger than 8 MiB; the action stopped reading it`,
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
