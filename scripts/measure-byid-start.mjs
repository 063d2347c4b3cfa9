// Start-up of a by-id run, as the runner model starts it (simulator/github-runner.js
// stepEnvironment: PATH and HOME only, so no NODE_EXTRA_CA_CERTS), against `node -e 0` in the same
// environment. Runs interleaved (a, b, baseline, a, b, ...) so that the machine's noise falls on
// every side alike; prints min/median/max. Issue 11, item 5.
// Usage: node scripts/measure-byid-start.mjs <index.js> [<index.js> ...]   (RUNS=15 by default)
//        CPU_PROF=<dir> also writes one --cpu-prof profile per script (not timed).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stepEnvironment } from '../simulator/github-runner.js';
import { VercelSimulator } from '../simulator/vercel-api.js';

const scripts = process.argv.slice(2);
const RUNS = Number(process.env.RUNS ?? 15);
const TOKEN = 'vrc_measure_token';
const sim = new VercelSimulator();
sim.addUser({ id: 'user_alice', token: TOKEN });
const apiUrl = await sim.start();

function run(args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(0, 1000)}`));
      else resolve(ms);
    });
  });
}

async function byId(script, extraArgs = []) {
  const d = sim.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
  const dir = await mkdtemp(join(tmpdir(), 'measure-step-'));
  try {
    const { env } = await stepEnvironment({ with: { token: TOKEN, 'deployment-id': d.id, 'api-url': apiUrl } }, dir);
    if (env.NODE_EXTRA_CA_CERTS !== undefined) throw new Error('NODE_EXTRA_CA_CERTS leaked into the step');
    return await run([...extraArgs, script], env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function baseline() {
  const dir = await mkdtemp(join(tmpdir(), 'measure-step-'));
  try {
    const { env } = await stepEnvironment({ with: {} }, dir, { action: false });
    return await run(['-e', '0'], env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const times = new Map([['node -e 0', []], ...scripts.map((s) => [s, []])]);
// Warm the file cache once for each.
await baseline();
for (const s of scripts) await byId(s);
for (let i = 0; i < RUNS; i++) {
  // Rotate the order each round as well.
  const order = [...scripts, 'node -e 0'];
  for (let k = 0; k < i % order.length; k++) order.push(order.shift());
  for (const s of order) times.get(s).push(s === 'node -e 0' ? await baseline() : await byId(s));
}
const stats = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return { min: v[0], median: v[Math.floor(v.length / 2)], max: v.at(-1) };
};
const base = RUNS > 0 ? stats(times.get('node -e 0')).median : 0;
console.log(`node ${process.version}, ${RUNS} interleaved runs each, ms (min / median / max), overhead = median - median(node -e 0)`);
for (const [name, xs] of times) {
  if (xs.length === 0) continue;
  const { min, median, max } = stats(xs);
  const over = name === 'node -e 0' ? '' : `  overhead +${(median - base).toFixed(1)}`;
  console.log(`${name.padEnd(40)} ${min.toFixed(1)} / ${median.toFixed(1)} / ${max.toFixed(1)}${over}`);
}
if (process.env.CPU_PROF) {
  for (const s of scripts) {
    const name = basename(dirname(dirname(s))) + '-' + basename(dirname(s));
    await byId(s, ['--cpu-prof', '--cpu-prof-dir', process.env.CPU_PROF, '--cpu-prof-name', `${name}.cpuprofile`]);
  }
}
await sim.stop();
