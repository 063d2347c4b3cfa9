// Fault injection, in process: the Vercel API simulation on 127.0.0.1 misbehaves per test, and the
// client + cancel path must end with the right outcome after the right number of attempts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../simulator/vercel-api.js';
import { cancelDeployments } from '../src/cancel.js';
import type { RetryPolicy } from '../src/http/request.js';
import { VercelClient } from '../src/vercel/client.js';

const TOKEN = 'vrc_fault_token_Zx81';
let sim: VercelSimulator;
let apiUrl: string;
let notices: string[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN });
  apiUrl = await sim.start();
  notices = [];
});
afterEach(async () => {
  await sim.stop();
  expect(unhandled).toEqual([]);
});

const client = (policy: Partial<RetryPolicy> = {}) =>
  new VercelClient({
    apiUrl,
    token: TOKEN,
    scope: {},
    policy: { retries: 3, baseDelayMs: 10, timeoutMs: 2000, notice: (m) => notices.push(m), ...policy },
  });
const byId = (...ids: string[]) => ids.map((id) => ({ ref: { kind: 'id' as const, id } }));
const building = () => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
const attempts = (method = 'PATCH') => sim.requests.filter((r) => r.method === method).length;

async function cancelOne(id: string, policy: Partial<RetryPolicy> = {}) {
  const { results, fatal } = await cancelDeployments(client(policy), byId(id), { dryRun: false });
  expect(fatal).toBeUndefined();
  const result = results[0]!;
  expect(JSON.stringify(result)).not.toContain(TOKEN);
  expect(result.reason).not.toMatch(/\n\s+at /);
  return result;
}

describe('faults', () => {
  it('N x 500 then success: canceled on attempt N+1', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt <= 2 ? { status: 500, body: { error: { code: 'internal_server_error', message: 'oops' } } } : undefined,
    );
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled', readyState: 'CANCELED' });
    expect(attempts()).toBe(3);
    expect(notices).toEqual([
      expect.stringMatching(/^PATCH \/v12\/deployments\/dpl_\w+\/cancel: HTTP 500; retrying in \d+\.\d s \(attempt 2 of 4\)\.$/),
      expect.stringMatching(/HTTP 500; retrying in .* \(attempt 3 of 4\)\.$/),
    ]);
  });

  it('500 on every attempt: failed after retries + 1 attempts', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 503, body: { error: { code: 'unavailable', message: 'down' } } } : undefined,
    );
    const result = await cancelOne(d.id, { retries: 2 });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 503 (unavailable: down) after 3 attempts`);
    expect(attempts()).toBe(3);
  });

  it('429 with Retry-After: waits that long, then succeeds', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'rate_limited', message: 'Rate limit exceeded' } } }
        : undefined,
    );
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled' });
    expect(attempts()).toBe(2);
    expect(notices[0]).toMatch(/HTTP 429; retrying in 1\.\d s/);
  });

  it('429 with an HTTP-date Retry-After', async () => {
    const d = building();
    const when = new Date(Date.now() + 1500).toUTCString();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? { status: 429, headers: { 'Retry-After': when }, body: { error: { code: 'rate_limited' } } }
        : undefined,
    );
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled' });
    expect(notices[0]).toMatch(/HTTP 429; retrying in [0-1]\.\d s/);
  });

  it('429 with only X-RateLimit-Reset: waits for the reset', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? {
            status: 429,
            headers: { 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1) },
            body: { error: { code: 'rate_limited' } },
          }
        : undefined,
    );
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled' });
    expect(attempts()).toBe(2);
    expect(notices[0]).toMatch(/HTTP 429; retrying in [0-2]\.\d s/);
  });

  it('429 with only error.limit.resetMs in the body', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? {
            status: 429,
            headers: { 'X-RateLimit-Reset': '' },
            body: { error: { code: 'rate_limited', limit: { remaining: 0, resetMs: Date.now() + 800, total: 100 } } },
          }
        : undefined,
    );
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled' });
    expect(notices[0]).toMatch(/HTTP 429; retrying in [0-1]\.\d s/);
  });

  it('a Retry-After beyond the cap is cut to the cap', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? { status: 429, headers: { 'Retry-After': '3600' }, body: { error: { code: 'rate_limited' } } }
        : undefined,
    );
    expect(await cancelOne(d.id, { maxWaitMs: 300 })).toMatchObject({ outcome: 'canceled' });
    expect(notices[0]).toMatch(/retrying in 0\.3 s/);
  });

  it('a wait that would pass the time budget is not started: failed, saying so', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH'
        ? { status: 429, headers: { 'Retry-After': '30' }, body: { error: { code: 'rate_limited', message: 'Rate limit exceeded' } } }
        : undefined,
    );
    const result = await cancelOne(d.id, { deadline: Date.now() + 2000, maxWaitMs: 60_000 });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe(
      `PATCH /v12/deployments/${d.id}/cancel returned HTTP 429 (rate_limited: Rate limit exceeded); the time budget allows no more`,
    );
    expect(attempts()).toBe(1);
  });

  it('an HTML 502 page: retried, then named with endpoint and status', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH'
        ? { status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html><h1>502 Bad Gateway</h1></html>' }
        : undefined,
    );
    const result = await cancelOne(d.id, { retries: 1 });
    expect(result.reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 502 (a body that is not JSON) after 2 attempts`);
    expect(attempts()).toBe(2);
  });

  it('malformed JSON on a 200: failed, not retried, named', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 200, body: '{"id": "dpl_x", "readyState": "CANC' } : undefined,
    );
    const result = await cancelOne(d.id);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result.reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 200 with a body that is not JSON`);
    expect(attempts()).toBe(1);
  });

  it('a reset connection: retried, then canceled', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) => (method === 'PATCH' && attempt === 1 ? 'reset' : undefined));
    expect(await cancelOne(d.id)).toMatchObject({ outcome: 'canceled' });
    expect(attempts()).toBe(2);
    expect(notices[0]).toMatch(/network error/);
  });

  it('resets on every attempt: failed with the network error and the attempt count', async () => {
    const d = building();
    sim.inject(() => 'reset');
    const result = await cancelOne(d.id, { retries: 2 });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(new RegExp(`^PATCH /v12/deployments/${d.id}/cancel failed: network error .* \\(3 attempts\\)$`));
  });

  it('a reply slower than the timeout: the attempt is abandoned and retried', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1 ? { delayMs: 1500 } : undefined,
    );
    expect(await cancelOne(d.id, { timeoutMs: 200 })).toMatchObject({ outcome: 'canceled' });
    expect(notices[0]).toMatch(/no response within 0\.2 s; retrying/);
  });

  it('a 200 missing required fields: failed, naming the field, not retried', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) => (method === 'PATCH' ? { status: 200, body: { id: d.id } } : undefined));
    const result = await cancelOne(d.id);
    expect(result.reason).toMatch(/returned a response the action cannot use: field `readyState`/);
    expect(attempts()).toBe(1);
  });

  it('a 404 in the middle of several ids: the others are canceled', async () => {
    const a = building();
    const c = building();
    const { results } = await cancelDeployments(client(), byId(a.id, 'dpl_gone', c.id), { dryRun: false });
    expect(results.map((r) => r.outcome)).toEqual(['canceled', 'failed', 'canceled']);
    expect(attempts()).toBe(3); // a 404 is not retried
  });

  it('other 4xx are not retried', async () => {
    const d = building();
    sim.inject(({ method }: { method: string }) =>
      method === 'PATCH' ? { status: 409, body: { error: { code: 'conflict', message: 'busy' } } } : undefined,
    );
    expect((await cancelOne(d.id)).outcome).toBe('failed');
    expect(attempts()).toBe(1);
  });

  it('a rejected token stops the run at once and is not retried', async () => {
    const ids = Array.from({ length: 4 }, () => building().id);
    const rejecting = new VercelClient({ apiUrl, token: 'vrc_bad', scope: {}, policy: { retries: 3, baseDelayMs: 10 } });
    const { fatal, results } = await cancelDeployments(rejecting, byId(...ids), { dryRun: false, concurrency: 1 });
    expect(fatal).toMatchObject({ status: 403, tokenRejected: true });
    expect(sim.requests).toHaveLength(1);
    expect(results.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });
});

describe('rate limits', () => {
  it('slows down when X-RateLimit-Remaining runs low instead of collecting 429s, and says so once', async () => {
    await sim.stop();
    sim = new VercelSimulator({ rateLimit: { limit: 12, windowMs: 1000, enforce: true } });
    sim.addUser({ id: 'user_alice', token: TOKEN });
    apiUrl = await sim.start();
    const ids = Array.from({ length: 30 }, () => building().id);

    const { results } = await cancelDeployments(client({ retries: 0 }), byId(...ids), { dryRun: false, concurrency: 10 });

    expect(results.map((r) => r.outcome)).toEqual(Array(30).fill('canceled'));
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(notices.filter((m) => m.includes('rate limit is nearly used up'))).toHaveLength(1);
    expect(notices[0]).toMatch(/^Vercel's rate limit is nearly used up \(\d+ of 12 requests left until .*\): slowing down\.$/);
  });
});
