// action.yml runs the bundle on node24; this machine's Node is older. Run the same bundle under a
// real Node 24 from the npm registry (npx -p node@24), as the runner would.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { GitHubSimulator, linearHistory } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { pushEvent, repositoryPayload, runAction } from '../support/run-action.js';

const NODE_24 = 'node@24.21.0';
let node24: string;
let sim: VercelSimulator;
let apiUrl: string;

beforeAll(async () => {
  node24 = execFileSync('npx', ['-y', '-p', NODE_24, 'node', '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_alice', token: 'vrc_node24_token' });
  apiUrl = await sim.start();
}, 120_000);
afterAll(async () => {
  await sim.stop();
});

it('cancels by id under Node 24', async () => {
  expect(execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim()).toBe('v24.21.0');
  const d = sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
  const result = await runAction({ inputs: { token: 'vrc_node24_token', 'deployment-id': d.id, 'api-url': apiUrl }, node: [node24] });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.outputs['ready-state']).toBe('CANCELED');
  expect(result.outputs['canceled-at']).toBe(String(sim.getDeployment(d.id).canceledAt));
});

it('rejects bad input under Node 24 the same way', async () => {
  const result = await runAction({
    inputs: { token: 'vrc_node24_token', 'deployment-id': 'dpl_a b/c', 'api-url': apiUrl },
    node: [node24],
  });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^::error::Input 'deployment-id' has "b\/c", whose host is not a deployment hostname/m);
});

it("supersedes under Node 24, asking GitHub for ancestry through the action's own HTTP layer", async () => {
  const github = new GitHubSimulator();
  github.addRepo({ owner: 'acme', repo: 'web', id: 9 });
  const [c1, c2] = linearHistory(2);
  github.addCommits('acme', 'web', [c1, c2]);
  const githubUrl = await github.start();
  try {
    const meta = (sha: string) => ({ githubCommitSha: sha, githubCommitRef: 'main', githubRepoId: '9' });
    const stale = sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: meta(c1.sha) });
    sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', meta: meta(c2.sha) });
    const result = await runAction({
      inputs: { token: 'vrc_node24_token', 'api-url': apiUrl, 'github-token': 'ghs_node24' },
      env: { GITHUB_API_URL: githubUrl },
      event: pushEvent(c2.sha, 'main', repositoryPayload(9)),
      node: [node24],
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(github.requests).toHaveLength(1);
    expect(sim.getDeployment(stale.id).readyState).toBe('CANCELED');
  } finally {
    await github.stop();
  }
});
