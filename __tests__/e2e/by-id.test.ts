// End to end: the built dist/index.js as a child process, as the runner starts it, against the
// Vercel API simulation on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { closedPort, everythingVisible, runAction, type ActionRun } from '../support/run-action.js';

const TOKEN = 'vrc_e2e_S3cretTokenValue123';
const TEAM = { id: 'team_acme123', slug: 'acme' };

let sim: VercelSimulator;
let apiUrl: string;

beforeEach(async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: TOKEN, teams: [TEAM] });
  sim.addUser({ id: 'user_bob', token: 'vrc_bob_token', teams: [] });
  apiUrl = await sim.start();
});
afterEach(async () => {
  await sim.stop();
});

const run = (inputs: Record<string, string>, extra: { env?: Record<string, string> } = {}) =>
  runAction({ inputs: { token: TOKEN, 'api-url': apiUrl, ...inputs }, ...extra });

const deploymentsOutput = (result: ActionRun) => JSON.parse(result.outputs.deployments!) as Array<Record<string, unknown>>;
const requestsTo = (method: string) => sim.requests.filter((r) => r.method === method);

function expectNoStackTrace(result: ActionRun): void {
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+[(:]\d+/);
}

describe('by id', () => {
  it('cancels a building deployment and sets every output', async () => {
    const d = sim.addDeployment({ ownerId: TEAM.id, readyState: 'BUILDING', name: 'web' });
    const result = await run({ 'deployment-id': d.id, 'team-id': TEAM.id });

    expect(result.code).toBe(0);
    expect(sim.getDeployment(d.id).readyState).toBe('CANCELED');
    expect(result.outputs['ready-state']).toBe('CANCELED');
    expect(result.outputs['canceled-at']).toBe(String(sim.getDeployment(d.id).canceledAt));
    expect(result.outputs['canceled-ids']).toBe(d.id);
    expect(result.outputs['canceled-count']).toBe('1');
    expect(deploymentsOutput(result)).toEqual([
      {
        id: d.id,
        url: d.url,
        readyState: 'CANCELED',
        canceledAt: sim.getDeployment(d.id).canceledAt,
        outcome: 'canceled',
        reason: 'canceled by this run',
      },
    ]);
    // Two requests: the read (a BLOCKED deployment is never sent a cancel), then the cancel itself.
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v13/deployments/${d.id}`,
      `PATCH /v12/deployments/${d.id}/cancel`,
    ]);
    for (const r of sim.requests) expect(r.query).toEqual({ teamId: TEAM.id });
    expect(result.stdout).toContain(`${d.id} (${d.url}) canceled`);
    expect(result.summary).toContain('| Deployment | State | Outcome | Why |');
    expect(result.summary).toContain(
      `| [\`${d.id}\`](${d.inspectorUrl}) [${d.url!.replace(/([_*[\]])/g, '\\$1')}](https://${d.url}/) | BUILDING → CANCELED | ✅ canceled after `,
    );
  });

  it('takes several ids separated by commas and newlines, in order, and treats a finished one as no failure', async () => {
    const a = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const b = sim.addDeployment({ readyState: 'READY', ownerId: 'user_alice' });
    const c = sim.addDeployment({ readyState: 'QUEUED', ownerId: 'user_alice' });
    const result = await run({ 'deployment-id': `${a.id}, ${b.id}\n${c.id}\n${a.id}` });

    expect(result.code).toBe(0);
    const outcomes = deploymentsOutput(result).map((d) => [d.id, d.outcome, d.readyState]);
    expect(outcomes).toEqual([
      [a.id, 'canceled', 'CANCELED'],
      [b.id, 'already-finished', 'READY'],
      [c.id, 'canceled', 'CANCELED'],
    ]);
    expect(result.outputs['ready-state']).toBe('CANCELED');
    expect(result.outputs['canceled-ids']).toBe(`${a.id},${c.id}`);
    expect(result.outputs['canceled-count']).toBe('2');
    // Each read once; the READY one is not sent a cancel.
    expect(
      requestsTo('GET')
        .map((r) => r.path)
        .sort(),
    ).toEqual([a, b, c].map((d) => `/v13/deployments/${d.id}`).sort());
    expect(
      requestsTo('PATCH')
        .map((r) => r.path)
        .sort(),
    ).toEqual([a, c].map((d) => `/v12/deployments/${d.id}/cancel`).sort());
    expect(result.summary).toContain('3 deployments: 2 canceled, 1 already finished.');
  });

  it('resolves a deployment URL to its id, then cancels it', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const result = await run({ 'deployment-id': `https://${d.url}/some/page` });

    expect(result.code).toBe(0);
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v13/deployments/${d.url}`,
      `PATCH /v12/deployments/${d.id}/cancel`,
    ]);
    expect(deploymentsOutput(result)[0]).toMatchObject({ id: d.id, outcome: 'canceled' });
    expect(result.summary).toContain('| BUILDING → CANCELED | ✅ canceled after ');
  });

  it('a deployment given by its id and by its URL is canceled and counted once', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const result = await run({ 'deployment-id': `${d.id}\nhttps://${d.url}/` });

    expect(result.code).toBe(0);
    expect(deploymentsOutput(result).map((r) => [r.id, r.outcome])).toEqual([[d.id, 'canceled']]);
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v13/deployments/${d.url}`,
      `PATCH /v12/deployments/${d.id}/cancel`,
    ]);
    expect(result.outputs['canceled-ids']).toBe(d.id);
    expect(result.outputs['canceled-count']).toBe('1');
    expect(result.summary).toContain('1 deployment: 1 canceled.');
  });

  it('a cancel that went through on an attempt that timed out counts as canceled by this run', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    sim.inject(async ({ method, attempt }: { method: string; attempt: number }) => {
      if (method !== 'PATCH') return undefined;
      // Attempt 1 is applied after the action's 1 s timeout; the retry reaches Vercel after that.
      if (attempt === 1) return { delayMs: 1200 };
      while (sim.getDeployment(d.id).readyState !== 'CANCELED') await new Promise((resolve) => setTimeout(resolve, 10));
      return undefined;
    });
    const result = await run({ 'deployment-id': d.id, 'request-timeout': '1' });

    expect(result.code).toBe(0);
    expect(sim.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PATCH 0', 'PATCH 400', 'GET 200']);
    expect(result.stdout).toMatch(/no response within 1 s; retrying in \d\.\d s \(attempt 2 of 4\)/);
    expect(deploymentsOutput(result)).toEqual([
      {
        id: d.id,
        url: d.url,
        readyState: 'CANCELED',
        canceledAt: sim.getDeployment(d.id).canceledAt,
        outcome: 'canceled',
        reason: 'canceled by this run (an earlier attempt went through without an answer; the retry found it canceled)',
      },
    ]);
    expect(result.outputs['canceled-count']).toBe('1');
    expect(result.outputs['canceled-ids']).toBe(d.id);
    expect(result.outputs['canceled-at']).toBe(String(sim.getDeployment(d.id).canceledAt));
    expectNoStackTrace(result);
  });

  it('fails the step when one of several ids is not found, after cancelling the rest', async () => {
    const a = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const c = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const result = await run({ 'deployment-id': `${a.id} dpl_doesNotExist ${c.id}` });

    expect(result.code).toBe(1);
    expect(deploymentsOutput(result).map((d) => d.outcome)).toEqual(['canceled', 'failed', 'canceled']);
    expect(deploymentsOutput(result)[1]!.reason).toMatch(/no deployment dpl_doesNotExist \(404\).*team-id\/team-slug/);
    expect(result.stdout).toMatch(/^::error::❌ dpl_doesNotExist failed\. .*404/m);
    expect(result.stdout).toContain('::error::1 of 3 deployments could not be canceled');
    expect(result.outputs['canceled-count']).toBe('2');
    expectNoStackTrace(result);
  });

  it('stops at once when Vercel rejects the token', async () => {
    // More than one wave (CANCEL_CONCURRENCY, 50): the ones past it are never started.
    const ids = Array.from({ length: 60 }, () => sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' }).id);
    const result = await run({ 'deployment-id': ids.join(','), token: 'vrc_expired_token' });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::Vercel rejected the token \(HTTP 403: Not authorized\): it is invalid, expired or revoked/);
    // The first wave (the concurrency bound) was in flight; nothing was started after the 403.
    expect(sim.requests.length).toBeLessThanOrEqual(50);
    expect(ids.every((id) => sim.getDeployment(id).readyState === 'BUILDING')).toBe(true);
    const outcomes = deploymentsOutput(result).map((d) => d.outcome);
    expect(outcomes.filter((o) => o === 'skipped').length).toBeGreaterThanOrEqual(10);
    expect(outcomes.every((o) => o === 'skipped')).toBe(true);
    expectNoStackTrace(result);
  });

  it('scopes every request to the team given by team-id or team-slug', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: TEAM.id });

    const unscoped = await run({ 'deployment-id': d.id });
    expect(unscoped.code).toBe(1);
    expect(deploymentsOutput(unscoped)[0]!.reason).toMatch(/404.*team-id\/team-slug/);

    const bySlug = await run({ 'deployment-id': d.id, 'team-slug': TEAM.slug });
    expect(bySlug.code).toBe(0);
    expect(sim.requests.at(-1)!.query).toEqual({ slug: TEAM.slug });
    expect(deploymentsOutput(bySlug)[0]!.outcome).toBe('canceled');
  });

  it('reports a 403 for a team the token cannot reach as a failure with a team hint', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: TEAM.id });
    const result = await run({ 'deployment-id': d.id, 'team-id': TEAM.id, token: 'vrc_bob_token' });

    expect(result.code).toBe(1);
    expect(deploymentsOutput(result)[0]).toMatchObject({ outcome: 'failed' });
    expect(deploymentsOutput(result)[0]!.reason).toMatch(/refused access.*403.*team-id\/team-slug/);
    expect(sim.getDeployment(d.id).readyState).toBe('BUILDING');
  });

  it('dry-run reads each deployment and cancels nothing', async () => {
    const a = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const b = sim.addDeployment({ readyState: 'ERROR', ownerId: 'user_alice' });
    const result = await run({ 'deployment-id': `${a.id},${b.id}`, 'dry-run': 'true' });

    expect(result.code).toBe(0);
    expect(requestsTo('PATCH')).toHaveLength(0);
    expect(sim.getDeployment(a.id).readyState).toBe('BUILDING');
    expect(deploymentsOutput(result).map((d) => [d.outcome, d.readyState])).toEqual([
      ['would-cancel', 'BUILDING'],
      ['already-finished', 'ERROR'],
    ]);
    expect(result.outputs['canceled-count']).toBe('0');
    expect(result.outputs['canceled-at']).toBe('');
    expect(result.summary).toContain('dry run: nothing was canceled');
  });

  it('fails one deployment clearly when a 200 body lacks a field the action needs', async () => {
    const d = sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' });
    const malformedCancelAnswer = { id: d.id, url: d.url }; // deliberately malformed: no readyState
    sim.inject(({ method }: { method: string }) => (method === 'PATCH' ? { status: 200, body: malformedCancelAnswer } : undefined));
    const result = await run({ 'deployment-id': d.id });

    expect(result.code).toBe(1);
    expect(deploymentsOutput(result)[0]!.reason).toBe(
      `PATCH /v12/deployments/${d.id}/cancel returned a response the action cannot use: field \`readyState\`: Invalid input: expected string, received undefined`,
    );
    expectNoStackTrace(result);
  });
});

describe('bad input', () => {
  it.each([
    [
      'an id with a path in it',
      { 'deployment-id': 'dpl_x/../v1' },
      /^::error::Input 'deployment-id' has an invalid deployment id "dpl_x\/..\/v1"/m,
    ],
    [
      'a target that is no environment',
      { target: 'staging eu' },
      /^::error::Input 'target' must be production, preview, all or a custom environment's slug \(letters, digits and hyphens\), not "staging eu"/m,
    ],
    ['a short sha', { sha: 'abc1234' }, /^::error::Input 'sha' must be a full commit SHA/m],
    [
      'both team inputs',
      { 'deployment-id': 'dpl_a', 'team-id': 'team_a', 'team-slug': 'a' },
      /^::error::Input 'team-slug' cannot be set together with team-id/m,
    ],
    [
      'a plain-http API URL',
      { 'deployment-id': 'dpl_a', 'api-url': 'http://api.example.com' },
      /^::error::Input 'api-url' must use https/m,
    ],
    ['a bad dry-run value', { 'deployment-id': 'dpl_a', 'dry-run': 'yes' }, /^::error::Input 'dry-run' must be true or false/m],
    ['an empty token', { 'deployment-id': 'dpl_a', token: '  ' }, /^::error::Input 'token' is empty.*secret/m],
  ])('%s: one line, exit 1, zero requests', async (_name, inputs, message) => {
    const result = await run(inputs);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toHaveLength(1);
    expect(sim.requests).toHaveLength(0);
    expectNoStackTrace(result);
  });
});

describe('the token never shows', () => {
  const cases: Array<[string, () => Record<string, string> | Promise<Record<string, string>>]> = [
    ['success', () => ({ 'deployment-id': sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' }).id })],
    ['already finished', () => ({ 'deployment-id': sim.addDeployment({ readyState: 'READY', ownerId: 'user_alice' }).id })],
    ['not found', () => ({ 'deployment-id': 'dpl_missing' })],
    ['forbidden team', () => ({ 'deployment-id': 'dpl_missing', 'team-id': 'team_other' })],
    ['invalid input', () => ({ 'deployment-id': 'dpl_bad/../x' })],
    ['dry run', () => ({ 'deployment-id': sim.addDeployment({ readyState: 'BUILDING', ownerId: 'user_alice' }).id, 'dry-run': 'true' })],
    [
      'server error',
      () => {
        sim.inject(() => ({ status: 500, body: '<html>oops</html>' }));
        return { 'deployment-id': 'dpl_abc' };
      },
    ],
    ['connection refused', async () => ({ 'deployment-id': 'dpl_abc', 'api-url': `http://127.0.0.1:${await closedPort()}` })],
  ];
  it.each(cases)('%s', async (_name, inputs) => {
    const result = await run(await inputs());
    expect(everythingVisible(result)).not.toContain(TOKEN);
    // The token reaches the runner once, in the command that masks it.
    expect(result.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
  });

  it('a rejected token is not echoed either', async () => {
    const bad = 'vrc_not_a_real_token_987';
    const result = await run({ 'deployment-id': 'dpl_abc', token: bad });
    expect(result.code).toBe(1);
    expect(everythingVisible(result)).not.toContain(bad);
  });

  it('a token with a bad character is rejected without echoing it', async () => {
    const bad = 'vrc_half\u0007Zq9Xw';
    const result = await run({ 'deployment-id': 'dpl_abc', token: bad });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::Input 'token' contains spaces or characters/);
    expect(everythingVisible(result)).not.toContain('Zq9Xw');
    expect(sim.requests).toHaveLength(0);
  });
});
