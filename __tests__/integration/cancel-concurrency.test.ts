// How many cancels are in flight at once, as the simulator sees them: the bound lets 50 go in one
// round (issue 11, item 4) and still holds beyond it. By id, each cancel follows one read of the
// deployment (a BLOCKED or finished one is never sent a cancel), so N ids are N reads + N cancels.
// Counts only, never times.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { CANCEL_CONCURRENCY, cancelDeployments } from '../../src/cancel.js';
import { VercelClient } from '../../src/vercel/client.js';

const TOKEN = 'vrc_cancel_concurrency_token';
let sim: VercelSimulator;
let client: VercelClient;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN });
  const apiUrl = await sim.start();
  client = new VercelClient({ apiUrl, token: TOKEN, scope: {}, policy: { retries: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

const byId = (ids: string[]) => ids.map((id) => ({ ref: { kind: 'id' as const, id } }));
const building = (n: number) => Array.from({ length: n }, () => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' }).id);

/**
 * Holds every cancel at the simulator until `wave` of them have arrived, then lets them all go:
 * the most held at once is the number the client had in flight. Were the client to start fewer
 * than `wave` at once, the wave would never fill and the test would time out (a failure, not a pass).
 */
function holdCancelsUntil(wave: number): { maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  let arrived = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  sim.inject(async ({ method }: { method: string }) => {
    if (method !== 'PATCH') return undefined;
    inFlight++;
    arrived++;
    max = Math.max(max, inFlight);
    if (arrived >= wave) release();
    await released;
    inFlight--;
    return undefined;
  });
  return { maxInFlight: () => max };
}

describe('cancel concurrency', () => {
  it('is bounded, and 50 is one round', () => {
    expect(CANCEL_CONCURRENCY).toBeGreaterThanOrEqual(50);
    expect(Number.isFinite(CANCEL_CONCURRENCY)).toBe(true);
  });

  it('50 cancels are all in flight at once: one round', async () => {
    const ids = building(50);
    const held = holdCancelsUntil(50);
    const { results } = await cancelDeployments(client, byId(ids), { dryRun: false });
    expect(held.maxInFlight()).toBe(50);
    expect(results.map((r) => r.outcome)).toEqual(ids.map(() => 'canceled'));
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(50);
    expect(sim.requests.filter((r) => r.method === 'GET')).toHaveLength(50);
    expect(sim.requests).toHaveLength(100);
  });

  it('never more than the bound: 60 cancels, at most CANCEL_CONCURRENCY at once', async () => {
    const ids = building(CANCEL_CONCURRENCY + 10);
    const held = holdCancelsUntil(CANCEL_CONCURRENCY);
    const { results } = await cancelDeployments(client, byId(ids), { dryRun: false });
    expect(held.maxInFlight()).toBe(CANCEL_CONCURRENCY);
    expect(results.filter((r) => r.outcome === 'canceled')).toHaveLength(ids.length);
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(ids.length);
    expect(sim.requests).toHaveLength(2 * ids.length);
  });
});
