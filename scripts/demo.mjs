// npm run demo: the action end to end with no Vercel account. Starts the local simulation of the
// Vercel API with a few deployments, runs dist/index.js against it the way the GitHub runner does,
// and prints the log, the step outputs and the job summary.
import { runStep } from '../simulator/github-runner.js';
import { VercelSimulator } from '../simulator/vercel-api.js';

const token = 'vrc_demo_token';
const team = { id: 'team_demo4c1d9', slug: 'acme' };
const sim = new VercelSimulator({ latencyMs: 40 });
sim.addUser({ id: 'user_demo', token, teams: [team] });
const building = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'BUILDING' });
const queued = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'QUEUED' });
const ready = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'READY' });
const apiUrl = await sim.start();

const inputs = {
  token,
  'deployment-id': `${building.id}\nhttps://${queued.url}\n${ready.id}`,
  'team-id': team.id,
  'api-url': apiUrl,
};

console.log(`Vercel API simulation on ${apiUrl}: ${building.id} BUILDING, ${queued.id} QUEUED, ${ready.id} READY`);
console.log('Inputs:');
for (const [name, value] of Object.entries(inputs)) console.log(`  ${name}: ${value.replace(/\n/g, ', ')}`);

// Through the runner model: every input action.yml declares is set ('' or its default), as on GitHub.
const run = await runStep({ with: inputs, event: { name: 'workflow_dispatch' } });
await sim.stop();

console.log('\n--- Action log (workflow commands such as ::add-mask:: are read by the runner) ---');
process.stdout.write(run.stdout + run.stderr);
console.log(`--- Exit code: ${run.code} ---\n`);
console.log('--- Step outputs (GITHUB_OUTPUT) ---');
for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`);
console.log('\n--- Job summary (GITHUB_STEP_SUMMARY, markdown) ---');
process.stdout.write(run.summary);
process.exitCode = run.code ?? 1;
