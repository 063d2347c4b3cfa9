// npm run demo: the action end to end with no Vercel account. Starts the local simulation of the
// Vercel API with a few deployments, runs dist/index.js against it the way the GitHub runner does,
// and prints the log, the step outputs and the job summary.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VercelSimulator } from '../simulator/vercel-api.js';

const token = 'vrc_demo_token';
const team = { id: 'team_demo4c1d9', slug: 'acme' };
const sim = new VercelSimulator({ latencyMs: 40 });
sim.addUser({ id: 'user_demo', token, teams: [team] });
const building = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'BUILDING' });
const queued = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'QUEUED' });
const ready = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'READY' });
const apiUrl = await sim.start();

const dir = mkdtempSync(join(tmpdir(), 'vercel-cancel-demo-'));
const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') };
writeFileSync(files.output, '');
writeFileSync(files.summary, '');
writeFileSync(files.event, JSON.stringify({ inputs: {} }));

const inputs = {
  token,
  'deployment-id': `${building.id}\nhttps://${queued.url}\n${ready.id}`,
  'team-id': team.id,
  'api-url': apiUrl,
};
console.log(`Vercel API simulation on ${apiUrl}: ${building.id} BUILDING, ${queued.id} QUEUED, ${ready.id} READY`);
console.log('Inputs:');
for (const [name, value] of Object.entries(inputs)) console.log(`  ${name}: ${value.replace(/\n/g, ', ')}`);

const env = {
  ...process.env,
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_EVENT_PATH: files.event,
  GITHUB_EVENT_NAME: 'workflow_dispatch',
};
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

// Asynchronous: the simulator runs in this process and must keep answering.
const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/index.js', import.meta.url))], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
child.stdout.on('data', (chunk) => (log += chunk));
const code = await new Promise((resolve) => child.on('close', resolve));
await sim.stop();

console.log('\n--- Action log (workflow commands such as ::add-mask:: are read by the runner) ---');
process.stdout.write(log);
console.log(`--- Exit code: ${code} ---\n`);
console.log('--- Step outputs (GITHUB_OUTPUT) ---');
process.stdout.write(readFileSync(files.output, 'utf8'));
console.log('\n--- Job summary (GITHUB_STEP_SUMMARY, markdown) ---');
process.stdout.write(readFileSync(files.summary, 'utf8'));
rmSync(dir, { recursive: true, force: true });
process.exitCode = code ?? 1;
