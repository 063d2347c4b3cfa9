// npm run bench: how close the action comes to the fewest round trips possible, and how little it
// adds on top of starting Node, against what users do today. Prints a markdown table and writes it
// to BENCHMARKS.md, with a chart (docs/bench.svg) of wall time against N.
// Everything runs against the local API simulations (simulator/) on 127.0.0.1 with injected latency.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitHubSimulator, linearHistory } from '../simulator/github-api.js';
import { loadEvent, stepEnvironment } from '../simulator/github-runner.js';
import { VercelSimulator } from '../simulator/vercel-api.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(root, 'dist/index.js');
const LATENCY_MS = 100;
const CONCURRENCY = 10; // src/cancel.ts DEFAULT_CONCURRENCY
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);
const SUPERSEDED_RUNS = Number(process.env.BENCH_SUPERSEDED_RUNS ?? 3);
const SIZES = [10, 50, 200];
const TOKEN = 'vrc_bench_token';
const work = mkdtempSync(join(tmpdir(), 'vercel-cancel-bench-'));

/** Run a command to its end; resolve its wall time in ms. Asynchronous: the simulators live in this process. */
function timed(command, args, env = {}, exactEnv = false) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: exactEnv ? env : { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(0, 2000)}`));
      else resolve(ms);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => ms.toFixed(0);

/** The action's environment as the runner sets it (every declared input, GITHUB_* from the event): the runner model's. */
async function actionEnv(inputs, event = { name: 'workflow_dispatch' }, extra = {}) {
  const dir = mkdtempSync(join(work, 'step-'));
  const { env } = await stepEnvironment({ with: inputs, event, env: extra }, dir);
  return env;
}

// 1. Start-up: one cancel at zero latency, against node -e 0 and a single curl -X PATCH.
async function startup() {
  const sim = new VercelSimulator();
  sim.addUser({ id: 'user_bench', token: TOKEN });
  const ids = Array.from({ length: STARTUP_RUNS * 2 }, () => sim.addDeployment({ ownerId: 'user_bench', readyState: 'BUILDING' }).id);
  const api = await sim.start();
  const nodeEmpty = [];
  const action = [];
  const curl = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    nodeEmpty.push(await timed(process.execPath, ['-e', '0']));
    action.push(
      await timed(process.execPath, [DIST], await actionEnv({ token: TOKEN, 'deployment-id': ids[2 * i], 'api-url': api }), true),
    );
    curl.push(
      await timed('curl', [
        '-sf',
        '-o',
        '/dev/null',
        '-X',
        'PATCH',
        '-H',
        `Authorization: Bearer ${TOKEN}`,
        `${api}/v12/deployments/${ids[2 * i + 1]}/cancel`,
      ]),
    );
  }
  const canceled = ids.filter((id) => sim.getDeployment(id).readyState === 'CANCELED').length;
  await sim.stop();
  if (canceled !== STARTUP_RUNS * 2) throw new Error(`start-up runs canceled ${canceled} of ${STARTUP_RUNS * 2}`);
  return { nodeEmpty: median(nodeEmpty), action: median(action), curl: median(curl) };
}

/** Simulators with N stale in-progress deployments on main (one commit each) and the current commit's own. */
async function supersededWorld(n) {
  const vercel = new VercelSimulator({ latencyMs: LATENCY_MS });
  vercel.addUser({ id: 'user_bench', token: TOKEN });
  const github = new GitHubSimulator({ latencyMs: LATENCY_MS });
  github.addRepo({ owner: 'acme', repo: 'web', id: 7 });
  const commits = linearHistory(n + 1);
  github.addCommits('acme', 'web', commits);
  const meta = (sha) => ({ githubCommitSha: sha, githubCommitRef: 'main', githubRepoId: '7', githubOrg: 'acme', githubRepo: 'web' });
  const stale = commits
    .slice(0, n)
    .map((c) => vercel.addDeployment({ ownerId: 'user_bench', readyState: 'BUILDING', meta: meta(c.sha) }).id);
  const head = commits[n].sha;
  vercel.addDeployment({ ownerId: 'user_bench', readyState: 'BUILDING', meta: meta(head) });
  const [api, githubApi] = await Promise.all([vercel.start(), github.start()]);
  return { vercel, github, api, githubApi, stale, head, ids: stale };
}

// 2. Superseded mode at LATENCY_MS per request: wall time against the lower bound, requests made against needed.
async function superseded(n) {
  const walls = [];
  let made;
  for (let run = 0; run < SUPERSEDED_RUNS; run++) {
    const w = await supersededWorld(n);
    const push = loadEvent('push', (p) => {
      Object.assign(p, { ref: 'refs/heads/main', after: w.head });
      p.repository = { ...p.repository, id: 7, full_name: 'acme/web' };
    });
    const env = await actionEnv(
      { token: TOKEN, 'api-url': w.api, 'github-token': 'ghs_bench' },
      { name: 'push', payload: push },
      { GITHUB_API_URL: w.githubApi },
    );
    walls.push(await timed(process.execPath, [DIST], env, true));
    const canceled = w.stale.filter((id) => w.vercel.getDeployment(id).readyState === 'CANCELED').length;
    if (canceled !== n) throw new Error(`superseded N=${n} canceled ${canceled}`);
    made ??= w.vercel.requests.length + w.github.requests.length;
    await Promise.all([w.vercel.stop(), w.github.stop()]);
  }
  const pages = Math.ceil((n + 1) / 100);
  const rounds = Math.ceil(n / CONCURRENCY);
  // Sequential list pages, then the compare calls and the cancels, CONCURRENCY at a time: one round trip each.
  const lowerBound = (pages + rounds + rounds) * LATENCY_MS;
  return { n, wall: median(walls), lowerBound, made, needed: pages + n + n };
}

// 3. The same job done the way users do it today (ids known in advance, no listing, no ancestry check).
async function curlLoop(n) {
  const w = await supersededWorld(n);
  const script = join(work, 'loop.sh');
  writeFileSync(
    script,
    `set -e\nfor id in ${w.ids.join(' ')}; do\n  curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $VERCEL_TOKEN" "${w.api}/v12/deployments/$id/cancel"\ndone\n`,
  );
  const wall = await timed('bash', [script], { VERCEL_TOKEN: TOKEN });
  await Promise.all([w.vercel.stop(), w.github.stop()]);
  return wall;
}

async function sdkLoop(n) {
  const w = await supersededWorld(n);
  const script = join(root, 'scripts', 'bench-sdk-cancel.mjs');
  const wall = await timed(process.execPath, [script], { VERCEL_TOKEN: TOKEN, VERCEL_API: w.api, DEPLOYMENT_IDS: w.ids.join(',') });
  const canceled = w.ids.filter((id) => w.vercel.getDeployment(id).readyState === 'CANCELED').length;
  await Promise.all([w.vercel.stop(), w.github.stop()]);
  if (canceled !== n) throw new Error(`sdk loop canceled ${canceled} of ${n}`);
  return wall;
}

function chart(rows, sequential) {
  const width = 560;
  const height = 320;
  const pad = { left: 60, right: 20, top: 30, bottom: 45 };
  const maxN = Math.max(...SIZES);
  const maxY = Math.max(...sequential.map((s) => s.wall), ...rows.map((r) => r.wall)) * 1.1;
  const x = (n) => pad.left + (n / maxN) * (width - pad.left - pad.right);
  const y = (ms) => height - pad.bottom - (ms / maxY) * (height - pad.top - pad.bottom);
  // Each series: its line and points, and a legend entry at the top left, row `row`.
  const line = (points, color, label, row, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points.map(([n, ms]) => `${x(n).toFixed(1)},${y(ms).toFixed(1)}`).join(' ')}"/>` +
    points.map(([n, ms]) => `<circle cx="${x(n).toFixed(1)}" cy="${y(ms).toFixed(1)}" r="3.5" fill="${color}"/>`).join('') +
    `<line x1="${pad.left + 12}" x2="${pad.left + 36}" y1="${pad.top + 14 + row * 18}" y2="${pad.top + 14 + row * 18}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
    `<text x="${pad.left + 42}" y="${pad.top + 18 + row * 18}" fill="${color}" font-size="12">${label}</text>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const ms = maxY * f;
    return `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/><text x="${pad.left - 6}" y="${y(ms) + 4}" text-anchor="end" font-size="11">${(ms / 1000).toFixed(1)} s</text>`;
  });
  const xTicks = SIZES.map((n) => `<text x="${x(n)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="11">${n}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Wall time to cancel N stale deployments (${LATENCY_MS} ms per request)</text>
${ticks.join('\n')}
${xTicks.join('')}
<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">N stale deployments</text>
${line(
  sequential.map((s) => [s.n, s.wall]),
  '#d33',
  'sequential curl -X PATCH loop (ids given)',
  0,
)}
${line(
  rows.map((r) => [r.n, r.wall]),
  '#06c',
  'this action, superseded mode (lists, checks ancestry, cancels)',
  1,
)}
${line(
  rows.map((r) => [r.n, r.lowerBound]),
  '#888',
  'lower bound for the action',
  2,
  '5 4',
)}
</svg>
`;
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
console.error(`Benchmarking on ${machine} ...`);
try {
  const start = await startup();
  const rows = [];
  for (const n of SIZES) rows.push(await superseded(n));
  const sequential = [];
  for (const n of SIZES) sequential.push({ n, wall: await curlLoop(n) });
  const sdk50 = await sdkLoop(50);
  const action50 = rows.find((r) => r.n === 50).wall;
  const curl50 = sequential.find((s) => s.n === 50).wall;
  const bundle = readdirSync(join(root, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .map(
      (f) =>
        `| \`dist/${f}\` | ${(statSync(join(root, 'dist', f)).size / 1024).toFixed(0)} kB | ${f === 'index.js' ? 'every run' : 'on demand: the proxy client (@actions/http-client, undici), only when a proxy variable is set'} |`,
    );

  const md = `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.
Against the local simulations of the Vercel and GitHub APIs (\`simulator/\`) on 127.0.0.1.
Wall times include starting the process, as a workflow step does.

## Start-up: cancel one id at zero latency (median of ${STARTUP_RUNS})

| command | median | above \`node -e 0\` | × \`node -e 0\` |
|---|---:|---:|---:|
| \`node -e 0\` | ${fmt(start.nodeEmpty)} ms | – | 1.00 |
| \`node dist/index.js\` (by id) | ${fmt(start.action)} ms | ${fmt(start.action - start.nodeEmpty)} ms | ${(start.action / start.nodeEmpty).toFixed(2)} |
| \`curl -X PATCH\` (one request) | ${fmt(start.curl)} ms | – | ${(start.curl / start.nodeEmpty).toFixed(2)} |

## Superseded mode: N stale deployments, ${LATENCY_MS} ms per request (median of ${SUPERSEDED_RUNS})

Lower bound: the list pages one after another, then the compare calls (one per distinct commit) and
the cancels, ${CONCURRENCY} at a time, each round one round trip: (pages + 2 × ⌈N / ${CONCURRENCY}⌉) × ${LATENCY_MS} ms.
Requests needed: pages + N compares + N cancels.

| N | wall | lower bound | × lower bound | requests made | requests needed |
|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.n} | ${fmt(r.wall)} ms | ${fmt(r.lowerBound)} ms | ${(r.wall / r.lowerBound).toFixed(2)} | ${r.made} | ${r.needed} |`).join('\n')}

## N = 50 the way users do it today

The baselines are given the 50 ids; they do not list deployments or check ancestry.

| approach | wall | × this action |
|---|---:|---:|
| this action, superseded mode | ${fmt(action50)} ms | 1.00 |
| sequential loop of \`curl -X PATCH\` | ${fmt(curl50)} ms | ${(curl50 / action50).toFixed(2)} |
| \`@vercel/sdk\` \`cancelDeployment\` in a loop | ${fmt(sdk50)} ms | ${(sdk50 / action50).toFixed(2)} |

Sequential \`curl\` loops for the chart: ${sequential.map((s) => `N = ${s.n}: ${fmt(s.wall)} ms`).join(', ')}.

![Wall time against N](docs/bench.svg)

## Bundle

| file | size | loaded |
|---|---:|---|
${bundle.join('\n')}
`;
  process.stdout.write(md);
  writeFileSync(join(root, 'BENCHMARKS.md'), md);
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'bench.svg'), chart(rows, sequential));
} finally {
  rmSync(work, { recursive: true, force: true });
}
