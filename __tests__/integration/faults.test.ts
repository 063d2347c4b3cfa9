// Fault injection, in process: the Vercel API simulation on 127.0.0.1 misbehaves per test, and the
// client + cancel path must end with the right outcome after the right number of attempts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { listPage, VercelSimulator } from '../../simulator/vercel-api.js';
import { cancelDeployments } from '../../src/cancel.js';
import type { RetryPolicy } from '../../src/http/request.js';
import { VercelClient } from '../../src/vercel/client.js';

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
    // A small rate-limit window: the skew after a 429 stays under 0.1 s (rateLimitDelay is tested alone).
    policy: { retries: 3, baseDelayMs: 10, timeoutMs: 2000, rateLimitWindowMs: 200, notice: (m) => notices.push(m), ...policy },
  });
const byId = (...ids: string[]) => ids.map((id) => ({ ref: { kind: 'id' as const, id } }));
const building = () => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
/** An answer to the first read showing deployment `id` still BUILDING (it is stored as canceled by someone else). */
const readAsBuilding = (id: string) => {
  const body = { ...sim.deploymentBody(sim.getDeployment(id)), readyState: 'BUILDING', status: 'BUILDING', canceledAt: undefined };
  return { status: 200, body };
};
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
    sim.inject(({ method }: { method: string }) => (method === 'PATCH' ? 'reset' : undefined));
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

  it("a cancel applied on an attempt that timed out: the retry's 400 is reported as canceled by this run", async () => {
    const d = building();
    sim.inject(async ({ method, attempt }: { method: string; attempt: number }) => {
      if (method !== 'PATCH') return undefined;
      // Attempt 1: Vercel applies the cancel after the client has given up on the answer.
      if (attempt === 1) return { delayMs: 600 };
      // The retry reaches Vercel after that cancel (waiting for it here keeps the order certain).
      while (sim.getDeployment(d.id).readyState !== 'CANCELED') await new Promise((resolve) => setTimeout(resolve, 10));
      return undefined;
    });
    const before = Date.now();
    const result = await cancelOne(d.id, { timeoutMs: 500 });
    expect(result).toEqual({
      id: d.id,
      url: d.url,
      inspectorUrl: d.inspectorUrl,
      stateBefore: 'BUILDING',
      readyState: 'CANCELED',
      canceledAt: sim.getDeployment(d.id).canceledAt,
      createdAt: d.createdAt,
      outcome: 'canceled',
      reason: 'canceled by this run (an earlier attempt went through without an answer; the retry found it canceled)',
    });
    expect(sim.getDeployment(d.id).canceledAt).toBeGreaterThanOrEqual(before);
    expect(sim.requests.map((r) => [r.method, r.status])).toEqual([
      ['GET', 200], // read first
      ['PATCH', 0], // abandoned: no answer was sent
      ['PATCH', 400],
      ['GET', 200],
    ]);
    expect(notices).toEqual([expect.stringMatching(/no response within 0\.5 s; retrying/)]);
  });

  /** The simulation again, with Vercel's clock `offsetMs` off this machine's (canceledAt and the Date header). */
  async function skewedVercel(offsetMs: number) {
    await sim.stop();
    sim = new VercelSimulator({ clockOffsetMs: offsetMs });
    sim.addUser({ id: 'user_alice', token: TOKEN });
    apiUrl = await sim.start();
  }

  it("Vercel's clock 10 s behind: the cancel applied on an attempt that timed out is still this run's", async () => {
    await skewedVercel(-10_000);
    const d = building();
    sim.inject(async ({ method, attempt }: { method: string; attempt: number }) => {
      if (method !== 'PATCH') return undefined;
      if (attempt === 1) return { delayMs: 600 };
      while (sim.getDeployment(d.id).readyState !== 'CANCELED') await new Promise((resolve) => setTimeout(resolve, 10));
      return undefined;
    });
    const result = await cancelOne(d.id, { timeoutMs: 500 });
    expect(result).toMatchObject({
      outcome: 'canceled',
      canceledAt: sim.getDeployment(d.id).canceledAt,
      reason: 'canceled by this run (an earlier attempt went through without an answer; the retry found it canceled)',
    });
    expect(sim.requests.map((r) => [r.method, r.status])).toEqual([
      ['GET', 200],
      ['PATCH', 0],
      ['PATCH', 400],
      ['GET', 200],
    ]);
  });

  it("Vercel's clock 10 s ahead: a deployment canceled 5 s before this run (on Vercel's clock) is not claimed", async () => {
    await skewedVercel(10_000);
    const d = sim.addDeployment({ ownerId: 'user_alice', readyState: 'CANCELED', canceledAt: Date.now() + 10_000 - 5_000 });
    // Read first while still building (canceled by someone else since); the first cancel's answer (a
    // 400) is lost to the timeout; the retry's 400 arrives.
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1 ? { delayMs: 600 } : method === 'GET' && attempt === 1 ? readAsBuilding(d.id) : undefined,
    );
    const result = await cancelOne(d.id, { timeoutMs: 500 });
    expect(result).toMatchObject({ outcome: 'already-finished', readyState: 'CANCELED', canceledAt: null });
    expect(result.reason).toBe('already finished (CANCELED): nothing to cancel');
    expect(sim.requests.map((r) => [r.method, r.status])).toEqual([
      ['GET', 200],
      ['PATCH', 0],
      ['PATCH', 400],
      ['GET', 200],
    ]);
  });

  it('no Date header on the refusal: not claimed, and the reason says it cannot be told', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) => {
      if (method !== 'PATCH') return undefined;
      if (attempt === 1) {
        sim.getDeployment(d.id).readyState = 'CANCELED';
        sim.getDeployment(d.id).canceledAt = Date.now();
        return { delayMs: 600 };
      }
      // Node adds a Date header unless told not to: an empty one is no date.
      return { status: 400, headers: { Date: '' }, body: { error: { code: 'bad_request', message: 'not building' } } };
    });
    const result = await cancelOne(d.id, { timeoutMs: 500 });
    expect(result).toMatchObject({ outcome: 'already-finished', readyState: 'CANCELED' });
    expect(result.reason).toMatch(/may have canceled it; Vercel did not say when/);
  });

  it('a 400 on a retry for a deployment canceled before this run: already finished, not counted', async () => {
    const d = sim.addDeployment({ ownerId: 'user_alice', readyState: 'CANCELED', canceledAt: Date.now() - 60_000 });
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? { status: 502, body: { error: { code: 'bad_gateway', message: 'hm' } } }
        : method === 'GET' && attempt === 1
          ? readAsBuilding(d.id) // read first while still building (canceled by someone else since)
          : undefined,
    );
    const result = await cancelOne(d.id);
    expect(result).toMatchObject({ outcome: 'already-finished', readyState: 'CANCELED', canceledAt: null });
    expect(attempts()).toBe(2);
  });

  it('a 200 missing required fields: failed, naming the field, not retried', async () => {
    const d = building();
    const malformedCancelAnswer = { id: d.id }; // deliberately malformed: no readyState
    sim.inject(({ method }: { method: string }) => (method === 'PATCH' ? { status: 200, body: malformedCancelAnswer } : undefined));
    const result = await cancelOne(d.id);
    expect(result.reason).toMatch(/returned a response the action cannot use: field `readyState`/);
    expect(attempts()).toBe(1);
  });

  it('a 404 in the middle of several ids: the others are canceled', async () => {
    const a = building();
    const c = building();
    const { results } = await cancelDeployments(client(), byId(a.id, 'dpl_gone', c.id), { dryRun: false });
    expect(results.map((r) => r.outcome)).toEqual(['canceled', 'failed', 'canceled']);
    expect(attempts('GET')).toBe(3); // a 404 is not retried
    expect(attempts()).toBe(2); // and no cancel is sent for what could not be read
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
    // Once per endpoint: the reads before the cancels have their own bucket.
    expect(notices.filter((m) => m.includes('is nearly used up')).sort()).toEqual([
      expect.stringMatching(
        /^Vercel's rate limit for GET \/v13\/deployments\/\{idOrUrl\} is nearly used up \(\d+ of 12 requests left until .*\): slowing down\.$/,
      ),
      expect.stringMatching(
        /^Vercel's rate limit for PATCH \/v12\/deployments\/\{id\}\/cancel is nearly used up \(\d+ of 12 requests left until .*\): slowing down\.$/,
      ),
    ]);
  });

  const hourAway = () => String(Math.ceil(Date.now() / 1000) + 3600);
  const emptyList = listPage([], null);
  const LIST_NOTICE =
    /^Vercel's rate limit for GET \/v6\/deployments is nearly used up \(1 of 100 requests left until .*\): slowing down\.$/;

  it('a nearly used-up list bucket does not slow down cancels: Vercel counts each endpoint on its own', async () => {
    const ids = Array.from({ length: 5 }, () => building().id);
    const reset = hourAway();
    sim.inject(({ method, path }: { method: string; path: string }) =>
      method === 'GET' && path === '/v6/deployments'
        ? {
            status: 200,
            headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': reset },
            body: emptyList,
          }
        : undefined,
    );
    // A budget the cancels would run out of, and fail, if they waited for the list bucket's reset.
    const c = client({ retries: 0, deadline: Date.now() + 10_000 });
    await c.listDeployments({});
    await c.listDeployments({}); // the list's own bucket is low: it slows down, and says so

    const { results } = await cancelDeployments(c, byId(...ids), { dryRun: false, concurrency: 2 });

    expect(results.map((r) => r.outcome)).toEqual(Array(5).fill('canceled'));
    expect(attempts('PATCH')).toBe(5);
    expect(attempts('GET')).toBe(2 + 5); // the list twice, then each deployment read before its cancel
    expect(notices).toEqual([expect.stringMatching(LIST_NOTICE)]);
    expect(notices.some((m) => m.includes('/cancel'))).toBe(false);
  });

  // 99999999999999 s is past what a Date can hold: the gate's notice threw RangeError: Invalid time value.
  it.each(['99999999999999', '1e400', '-5', 'soon', String(Math.ceil(Date.now() / 1000) + 30 * 24 * 3600)])(
    'X-RateLimit-Reset: %s is no information: no throw, no wait, no notice',
    async (reset) => {
      sim.inject(({ method }: { method: string }) =>
        method === 'GET'
          ? {
              status: 200,
              headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
              body: emptyList,
            }
          : undefined,
      );
      const c = client({ retries: 0 });
      for (let i = 0; i < 3; i++) expect(await c.listDeployments({})).toEqual({ deployments: [], next: null });
      expect(attempts('GET')).toBe(3);
      expect(notices).toEqual([]);
    },
  );

  it('a 429 whose only hint is an absurd reset backs off as usual instead of waiting the longest wait', async () => {
    const d = building();
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'PATCH' && attempt === 1
        ? {
            status: 429,
            headers: { 'X-RateLimit-Reset': '99999999999999' },
            body: { error: { code: 'rate_limited', message: 'slow down', limit: { reset: 1e300, resetMs: 'later' } } },
          }
        : undefined,
    );
    // maxWaitMs 60 s: taking the reset at its word, the retry would not fit this 20 s budget.
    expect(await cancelOne(d.id, { deadline: Date.now() + 20_000 })).toMatchObject({ outcome: 'canceled' });
    expect(attempts()).toBe(2);
    expect(notices).toEqual([
      expect.stringMatching(
        /HTTP 429; retrying in 0\.\d s \(0\.\d s of it a random skew, so that clients do not all return at once\) \(attempt 2 of 4\)/,
      ),
    ]);
  });

  it('takes up a window that resets sooner than the one it held', async () => {
    sim.inject(({ method, attempt }: { method: string; attempt: number }) =>
      method === 'GET' && attempt === 1
        ? {
            status: 200,
            headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': hourAway() },
            body: emptyList,
          }
        : undefined,
    );
    // Held to the hour-long window, the third request would wait past this budget and fail.
    const c = client({ retries: 0, deadline: Date.now() + 5_000 });
    for (let i = 0; i < 5; i++) await c.listDeployments({});
    expect(attempts('GET')).toBe(5);
    // The second request was spaced out (1 left); its answer showed a fresh window (the simulator's own).
    expect(notices).toEqual([expect.stringMatching(LIST_NOTICE)]);
  });
});
