// Fault injection through dist/index.js as a child process: every fault once, as a user's run meets it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubSimulator, linearHistory } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { everythingVisible, pushEvent, repositoryPayload, runAction, type ActionRun } from '../support/run-action.js';

const TOKEN = 'vrc_e2e_faults_Qm42';
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

type Handler = Parameters<VercelSimulator['inject']>[0];
const onPatch =
  (respond: (attempt: number) => ReturnType<NonNullable<Handler>>): Handler =>
  ({ method, attempt }: { method: string; attempt: number }) =>
    method === 'PATCH' ? respond(attempt) : undefined;

async function cancel(inputs: Record<string, string>, ...ids: string[]): Promise<ActionRun> {
  const result = await runAction({ inputs: { token: TOKEN, 'api-url': apiUrl, ...inputs, 'deployment-id': ids.join(',') } });
  // Whatever happened: no crash, no stack trace, no unhandled rejection (Node prints those to stderr), no token.
  expect(result.stderr).toBe('');
  expect(result.stdout).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(everythingVisible(result)).not.toContain(TOKEN);
  return result;
}
const building = () => sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
/** The skew after a 429 never takes the time one attempt needs: with these, none is left for it. */
const NO_ROOM_FOR_SKEW = { 'time-budget': '10', 'request-timeout': '9' };
const patches = () => sim.requests.filter((r) => r.method === 'PATCH').length;
const only = (result: ActionRun) => (JSON.parse(result.outputs.deployments!) as Array<{ outcome: string; reason: string }>)[0]!;

describe('faults, end to end', () => {
  it('2 x 500 then success: canceled, exit 0, the retries logged', async () => {
    const d = building();
    sim.inject(onPatch((n) => (n <= 2 ? { status: 500, body: { error: { code: 'internal_server_error', message: 'oops' } } } : undefined)));
    const result = await cancel({}, d.id);
    expect(result.code).toBe(0);
    expect(only(result).outcome).toBe('canceled');
    expect(patches()).toBe(3);
    expect(result.stdout).toMatch(/HTTP 500; retrying in \d\.\d s \(attempt 2 of 4\)/);
  });

  it('429 with Retry-After: canceled on the second attempt', async () => {
    const d = building();
    sim.inject(
      onPatch((n) =>
        n === 1
          ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'rate_limited', message: 'slow down' } } }
          : undefined,
      ),
    );
    // A budget that leaves no room for the random skew after Retry-After (e2e-skew.test.ts): no long sleep.
    const result = await cancel(NO_ROOM_FOR_SKEW, d.id);
    expect(result.code).toBe(0);
    expect(patches()).toBe(2);
  });

  it('429 with only X-RateLimit-Reset: canceled after the reset', async () => {
    const d = building();
    sim.inject(
      onPatch((n) =>
        n === 1
          ? {
              status: 429,
              headers: { 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1) },
              body: { error: { code: 'rate_limited' } },
            }
          : undefined,
      ),
    );
    const result = await cancel(NO_ROOM_FOR_SKEW, d.id);
    expect(result.code).toBe(0);
    expect(patches()).toBe(2);
  });

  it('an HTML 502 page every time: failed with endpoint and status, exit 1', async () => {
    const d = building();
    sim.inject(onPatch(() => ({ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>Bad Gateway</html>' })));
    const result = await cancel({ retries: '1' }, d.id);
    expect(result.code).toBe(1);
    expect(only(result).reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 502 (a body that is not JSON) after 2 attempts`);
    expect(patches()).toBe(2);
  });

  it('malformed JSON on a 200: failed, one attempt', async () => {
    const d = building();
    sim.inject(onPatch(() => ({ status: 200, body: '{"id":' })));
    const result = await cancel({}, d.id);
    expect(result.code).toBe(1);
    expect(only(result).reason).toBe(`PATCH /v12/deployments/${d.id}/cancel returned HTTP 200 with a body that is not JSON`);
    expect(patches()).toBe(1);
  });

  it('a reset connection: retried, canceled', async () => {
    const d = building();
    sim.inject(onPatch((n) => (n === 1 ? 'reset' : undefined)));
    const result = await cancel({}, d.id);
    expect(result.code).toBe(0);
    expect(patches()).toBe(2);
  });

  it('a reply slower than request-timeout: abandoned, retried, canceled', async () => {
    const d = building();
    sim.inject(onPatch((n) => (n === 1 ? { delayMs: 2500 } : undefined)));
    const result = await cancel({ 'request-timeout': '1' }, d.id);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/no response within 1 s; retrying/);
    expect(patches()).toBe(2);
  });

  it('a 200 missing required fields: failed, naming the field', async () => {
    const d = building();
    const malformedCancelAnswer = { id: d.id }; // deliberately malformed: no readyState
    sim.inject(onPatch(() => ({ status: 200, body: malformedCancelAnswer })));
    const result = await cancel({}, d.id);
    expect(result.code).toBe(1);
    expect(only(result).reason).toMatch(/field `readyState`/);
    expect(patches()).toBe(1);
  });

  it('a 404 in the middle of several ids: the rest canceled, exit 1', async () => {
    const a = building();
    const c = building();
    const result = await cancel({}, a.id, 'dpl_gone404', c.id);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.outputs.deployments!) as Array<{ outcome: string }>).map((d) => d.outcome)).toEqual([
      'canceled',
      'failed',
      'canceled',
    ]);
    expect(patches()).toBe(2); // the unknown id is read (404), never sent a cancel
  });

  it('a rate limit that outlasts time-budget: fails fast, saying so', async () => {
    const d = building();
    sim.inject(
      onPatch(() => ({
        status: 429,
        headers: { 'Retry-After': '120' },
        body: { error: { code: 'rate_limited', message: 'Rate limit exceeded' } },
      })),
    );
    const result = await cancel({ 'time-budget': '10' }, d.id);
    expect(result.code).toBe(1);
    expect(only(result).reason).toMatch(/HTTP 429 \(rate_limited: Rate limit exceeded\); the time budget allows no more$/);
    expect(patches()).toBe(1);
  });
});

describe('fail-on-error', () => {
  it('false: a failed cancel is a warning and the step stays green', async () => {
    const d = building();
    sim.inject(onPatch(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } })));
    const result = await cancel({ 'fail-on-error': 'false', retries: '0' }, d.id);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('::error::');
    expect(result.stdout).toMatch(/^::warning::❌ dpl_\w+ \(.*\) failed: BUILDING\. .*HTTP 503/m);
    expect(result.stdout).toMatch(
      /^::warning::1 of 1 deployments could not be canceled.*\(fail-on-error is false: the step stays green\)$/m,
    );
    expect(only(result).outcome).toBe('failed');
  });

  it('false: a rejected token is a warning too', async () => {
    const result = await runAction({
      inputs: { token: 'vrc_rejected', 'api-url': apiUrl, 'deployment-id': 'dpl_abc', 'fail-on-error': 'false' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^::warning::Vercel rejected the token/m);
  });

  it('false: a configuration Vercel refuses (a team the token cannot reach) still fails', async () => {
    const result = await runAction({
      inputs: { token: TOKEN, 'api-url': apiUrl, 'fail-on-error': 'false', 'team-id': 'team_notMine', 'github-token': '' },
      event: pushEvent('a'.repeat(40), 'main', repositoryPayload(5)),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::GET \/v6\/deployments returned HTTP 403/m);
  });

  it('false: invalid input still fails', async () => {
    const result = await cancel({ 'fail-on-error': 'false', retries: 'many' }, 'dpl_abc');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::Input 'retries' must be a whole number of retries from 0 to 10, not "many"\.$/m);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('GitHub faults', () => {
  it('the compare API answering 502 once is retried through the same policy', async () => {
    const github = new GitHubSimulator();
    github.addRepo({ owner: 'acme', repo: 'web', id: 5 });
    const [c1, c2] = linearHistory(2);
    github.addCommits('acme', 'web', [c1, c2]);
    const githubUrl = await github.start();
    try {
      const meta = (sha: string) => ({ githubCommitSha: sha, githubCommitRef: 'main', githubRepoId: '5' });
      const stale = sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: meta(c1.sha) });
      sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: meta(c2.sha) });
      github.inject(({ attempt }: { attempt: number }) => (attempt === 1 ? { status: 502, body: 'Bad gateway' } : undefined));

      const result = await runAction({
        inputs: { token: TOKEN, 'api-url': apiUrl, 'github-token': 'ghs_x' },
        env: { GITHUB_API_URL: githubUrl },
        event: pushEvent(c2.sha, 'main', repositoryPayload(5)),
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(github.requests).toHaveLength(2);
      expect(result.stdout).toMatch(/GET \/repos\/acme\/web\/compare\/.*: HTTP 502; retrying/);
      expect(sim.getDeployment(stale.id).readyState).toBe('CANCELED');
    } finally {
      await github.stop();
    }
  });
});
