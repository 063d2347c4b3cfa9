// npm run local-action: @github/local-action runs src/main.ts with inputs from a .env file.
// .env.example must list every input, and a run against the API simulation must cancel.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputEnvironment } from '../../simulator/github-runner.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { INPUT_NAMES } from '../../src/inputs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = readFileSync(join(root, '.env.example'), 'utf8');
let sim: VercelSimulator;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-action-'));
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('.env.example lists every input as the runner sets it for a step that gives none', () => {
  const listed = Object.fromEntries([...example.matchAll(/^(INPUT_[A-Z-]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  // The runner model's environment for an empty `with:`; the job token cannot be had locally.
  const { env } = inputEnvironment({}, { githubToken: '' });
  expect(listed).toEqual(env);
  expect(Object.keys(listed).sort()).toEqual(INPUT_NAMES.map((n) => `INPUT_${n.toUpperCase()}`).sort());
});

it('runs the action from source with the inputs of a .env file', async () => {
  sim = new VercelSimulator();
  sim.addUser({ id: 'user_local', token: 'vrc_local_action_token' });
  const d = sim.addDeployment({ ownerId: 'user_local', readyState: 'BUILDING' });
  const apiUrl = await sim.start();
  const env = example
    .replace(/^INPUT_TOKEN=.*$/m, 'INPUT_TOKEN=vrc_local_action_token')
    .replace(/^INPUT_DEPLOYMENT-ID=.*$/m, `INPUT_DEPLOYMENT-ID=${d.id}`)
    .replace(/^INPUT_DRY-RUN=.*$/m, 'INPUT_DRY-RUN=false')
    .replace(/^INPUT_API-URL=.*$/m, `INPUT_API-URL=${apiUrl}`);
  const envFile = join(dir, '.env');
  writeFileSync(envFile, env);

  // Asynchronous: the simulator in this process must answer while the child runs.
  const child = spawn('npx', ['local-action', 'run', root, 'src/main.ts', envFile], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(output).toContain('Running Action');
  expect(code).toBe(0);
  expect(sim.getDeployment(d.id).readyState).toBe('CANCELED');
  expect(output).toMatch(/::set-output name=canceled-count::1/);
}, 120_000);
