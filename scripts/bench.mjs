// npm run bench: what the action costs over the least that could do its job, measured in one run.
//   1. Start-up, cancelling one id at 0 ms latency: the action against `node -e 0` and against the
//      floor (scripts/bench-floor.mjs: one PATCH, the outputs file), under Node 20 and Node 24, over
//      http and over https (a local TLS front with a self-signed certificate).
//   2. Superseded mode, N stale builds at 0 ms and at 100 ms per request, against the physical bound:
//      3 round trips (the list, one ancestry call, every cancel at once), never the action's own
//      algorithm; with the Vercel and GitHub requests each run made (the simulators record them).
//   3. N = 50 the way users do it without the action: a sequential `curl -X PATCH` loop, one
//      `curl --parallel`, @vercel/sdk cancelDeployment in a loop (all given the ids).
//   4. Peak RSS of each process (GNU time: the kernel's ru_maxrss at exit).
// Every process starts the way the runner starts the action (simulator/github-runner.js
// stepEnvironment: every declared input set, the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files made
// for the step) in the runner model's clean environment: PATH and HOME, no NODE_EXTRA_CA_CERTS
// (this machine sets it; GitHub's runners do not). Compared commands run interleaved.
// Writes BENCHMARKS.md, docs/bench.svg and the figures README's Performance section quotes.
// BENCH_QUICK=1 runs tiny settings (a sanity check, no figures worth quoting) and writes only into
// BENCH_OUT, a directory, when given (with results.json); BENCH_OUT also takes a full run's files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutputFile } from '../simulator/github-runner.js';
import { VercelSimulator } from '../simulator/vercel-api.js';
import { benchChart } from './bench-chart.mjs';
import { canMeasureRss, interleaved, machineState, mustRun, peakRssKb, summary } from './bench-lib.mjs';
import { benchReport, readmeSummary } from './bench-report.mjs';
import { selfSignedCertificate, tlsFront } from './bench-tls.mjs';
import { githubRequests, OWNER, stepIn, supersededStepIn, supersededWorld, TOKEN, vercelRequests } from './bench-world.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(root, 'dist', 'index.js');
const FLOOR = join(root, 'scripts', 'bench-floor.mjs');
const SDK_LOOP = join(root, 'scripts', 'bench-sdk-cancel.mjs');
const NODE_24 = 'node@24.21.0'; // as __tests__/e2e/node24.test.ts
/** Vercel lists at most 100 deployments a page (vercel-api notes: `limit` max 100; the CLI paginator asks for 100). */
const LIST_PAGE = 100;
/** README's Performance section quotes this run between these markers. */
const README_START = '<!-- bench:start (written by npm run bench) -->';
const README_END = '<!-- bench:end -->';

const QUICK = process.env.BENCH_QUICK === '1';
const settings = QUICK
  ? { warmups: 0, startupRuns: 2, supersededRuns: 1, baselineRuns: 1, rssRuns: 1, sizes: [1, 5], latencies: [0, 20], baselineN: 5 }
  : {
      warmups: 1,
      startupRuns: 21,
      supersededRuns: 5,
      baselineRuns: 5,
      rssRuns: 5,
      sizes: [1, 5, 50, 200],
      latencies: [0, 100],
      baselineN: 50,
    };
const outDir = process.env.BENCH_OUT;
const work = mkdtempSync(join(tmpdir(), 'vercel-cancel-bench-'));

/** A fresh step in this run's scratch directory. */
const step = (inputs, event, extra) => stepIn(work, inputs, event, extra);
const supersededStep = (w) => supersededStepIn(work, w);

/** The distinct values seen over the runs (request counts should not vary; if they do, the report shows it). */
const distinct = (values) => [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v));

function nodeVersion(path) {
  return execFileSync(path, ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).trim();
}

/**
 * This Node and a real Node 24 binary from the npm registry (its path resolved once, then spawned
 * directly); only one of them when this Node is a Node 24 too (CI runs the tests on Node 24).
 */
function nodes() {
  const node24 = execFileSync('npx', ['-y', '-p', NODE_24, 'node', '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
  const found = [process.execPath, node24].map((path) => {
    const version = nodeVersion(path);
    return { path, version, label: `Node ${version.replace(/^v/, '').split('.')[0]}` };
  });
  return found.filter((node, i) => found.findIndex((other) => other.label === node.label) === i);
}

// ------------------------------------------------------------------------------------- 1. start-up

async function startup(nodeList, tls) {
  const vercel = new VercelSimulator();
  vercel.addUser({ id: OWNER, token: TOKEN });
  const httpUrl = await vercel.start();
  const front = tls ? await tlsFront(httpUrl, tls) : null;
  const protocols = [
    { protocol: 'http', url: httpUrl, extra: {} },
    ...(front ? [{ protocol: 'https', url: front.url, extra: { NODE_EXTRA_CA_CERTS: tls.certPath } }] : []),
  ];
  /** @type {Record<string, () => Promise<number>>} */
  const commands = {};
  /** @type {Record<string, number[]>} Vercel requests of each run */
  const requestsMade = {};
  const groups = [];
  for (const node of nodeList) {
    for (const { protocol, url, extra } of protocols) {
      const group = { node: node.label, version: node.version, protocol, commands: [] };
      groups.push(group);
      /** One command of the group: `script` null is `node -e 0`; `withCa` false drops NODE_EXTRA_CA_CERTS. */
      const add = (name, label, script, withCa = true) => {
        const key = `${node.label} ${protocol} ${name}`;
        group.commands.push({ name, label, key });
        requestsMade[key] = [];
        commands[key] = async () => {
          const id = vercel.addDeployment({ ownerId: OWNER, readyState: 'BUILDING' }).id;
          const { env, files } = await step({ token: TOKEN, 'deployment-id': id, 'api-url': url }, undefined, withCa ? extra : {});
          const before = vercel.requests.length;
          const run = await mustRun(key, node.path, script ? [script] : ['-e', '0'], env);
          requestsMade[key].push(vercel.requests.length - before);
          if (script) {
            const outputs = parseOutputFile(readFileSync(files.output, 'utf8'));
            if (outputs['ready-state'] !== 'CANCELED' || vercel.getDeployment(id).readyState !== 'CANCELED') {
              throw new Error(`${key}: deployment not canceled (outputs ${JSON.stringify(outputs)})\n${run.stdout}${run.stderr}`);
            }
          }
          return run.ms;
        };
      };
      add('node', '`node -e 0`', null);
      if (protocol === 'https') add('node-no-ca', '`node -e 0` without NODE_EXTRA_CA_CERTS', null, false);
      add('floor', 'floor (`scripts/bench-floor.mjs`)', FLOOR);
      add('action', 'the action, by id (`dist/index.js`)', DIST);
    }
  }
  try {
    const times = await interleaved(settings.startupRuns, commands, settings.warmups);
    for (const group of groups) {
      for (const command of group.commands) {
        command.ms = summary(times[command.key]);
        command.vercelRequests = distinct(requestsMade[command.key]);
        delete command.key;
      }
    }
    return { runs: settings.startupRuns, https: Boolean(front), groups };
  } finally {
    await front?.close();
    await vercel.stop();
  }
}

// ------------------------------------------------------------------------------------- 2. superseded

/** One superseded run of the action: wall time; the requests it made go into `made`. */
async function supersededRun(node, n, latencyMs, made) {
  const w = await supersededWorld(n, latencyMs);
  try {
    const { env } = await supersededStep(w);
    const label = `${node.label} superseded N=${n} at ${latencyMs} ms`;
    const run = await mustRun(label, node.path, [DIST], env);
    w.check(label);
    made.push({ vercel: vercelRequests(w.vercel.requests), github: githubRequests(w.github.requests) });
    return run.ms;
  } finally {
    await w.stop();
  }
}

async function superseded(nodeList) {
  const cells = [];
  for (const latencyMs of settings.latencies) {
    for (const n of settings.sizes) {
      const made = Object.fromEntries(nodeList.map((node) => [node.label, []]));
      const times = await interleaved(
        settings.supersededRuns,
        Object.fromEntries(nodeList.map((node) => [node.label, () => supersededRun(node, n, latencyMs, made[node.label])])),
        settings.warmups,
      );
      const pages = Math.ceil((n + 1) / LIST_PAGE);
      for (const node of nodeList) {
        cells.push({
          latencyMs,
          n,
          node: node.label,
          ms: summary(times[node.label]),
          requests: distinct(made[node.label]), // every run, the warm-up included
          listPagesNeeded: pages,
          bound: 3 * latencyMs,
          pagedBound: (pages + 2) * latencyMs,
        });
      }
    }
  }
  return { runs: settings.supersededRuns, listPage: LIST_PAGE, cells };
}

// ------------------------------------------------------------------------------------- 3. baselines

async function baselines(nodeList) {
  const n = settings.baselineN;
  const latencyMs = Math.max(...settings.latencies);
  const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work };
  const made = {};
  /** Runs `start(world)` against a fresh world; checks every stale deployment was canceled. */
  const measure = (key, start) => async () => {
    const w = await supersededWorld(n, latencyMs);
    try {
      const run = await start(w);
      w.check(key);
      (made[key] ??= []).push({ vercel: vercelRequests(w.vercel.requests), github: githubRequests(w.github.requests) });
      return run.ms;
    } finally {
      await w.stop();
    }
  };
  const urls = (w) => w.stale.map((id) => `${w.api}/v12/deployments/${id}/cancel`);
  const rows = [
    ...nodeList.map((node) => ({
      name: `action-${node.label}`,
      label: `the action, superseded mode (${node.label}): lists, checks ancestry, cancels`,
      run: async (w) => mustRun(node.label, node.path, [DIST], (await supersededStep(w)).env),
    })),
    {
      name: 'curl-loop',
      label: 'sequential loop of `curl -X PATCH` (ids given)',
      run: (w) => {
        const script = join(work, 'curl-loop.sh');
        writeFileSync(
          script,
          `set -e\nfor url in ${urls(w).join(' ')}; do\n  curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $VERCEL_TOKEN" "$url"\ndone\n`,
        );
        return mustRun('curl loop', 'bash', [script], { ...clean, VERCEL_TOKEN: TOKEN });
      },
    },
    {
      name: 'curl-parallel',
      label: `one \`curl --parallel --parallel-max ${n}\` (ids given)`,
      run: (w) =>
        mustRun(
          'curl --parallel',
          'curl',
          [
            '-sf',
            '--parallel',
            '--parallel-max',
            String(n),
            '-X',
            'PATCH',
            '-H',
            `Authorization: Bearer ${TOKEN}`,
            ...urls(w).flatMap((u) => ['-o', '/dev/null', u]),
          ],
          clean,
        ),
    },
    {
      name: 'sdk-loop',
      label: `\`@vercel/sdk\` \`cancelDeployment\` in a loop (ids given, ${nodeList[0].label})`,
      run: (w) =>
        mustRun('sdk loop', nodeList[0].path, [SDK_LOOP], {
          ...clean,
          VERCEL_TOKEN: TOKEN,
          VERCEL_API: w.api,
          DEPLOYMENT_IDS: w.stale.join(','),
        }),
    },
  ];
  const times = await interleaved(
    settings.baselineRuns,
    Object.fromEntries(rows.map((r) => [r.name, measure(r.name, r.run)])),
    settings.warmups,
  );
  return {
    n,
    latencyMs,
    runs: settings.baselineRuns,
    rows: rows.map(({ name, label }) => ({ name, label, ms: summary(times[name]), requests: distinct(made[name]) })),
  };
}

// ------------------------------------------------------------------------------------- 4. peak RSS

async function peakRss(nodeList) {
  if (!canMeasureRss()) return { available: false, rows: [] };
  const vercel = new VercelSimulator();
  vercel.addUser({ id: OWNER, token: TOKEN });
  const api = await vercel.start();
  const n = Math.max(...settings.sizes);
  const rows = [];
  const commands = {};
  try {
    for (const node of nodeList) {
      const byId = (label, args) => async () => {
        const id = vercel.addDeployment({ ownerId: OWNER, readyState: 'BUILDING' }).id;
        const { env } = await step({ token: TOKEN, 'deployment-id': id, 'api-url': api });
        return peakRssKb(label, node.path, args, env, join(work, 'rss.txt'));
      };
      const add = (name, label, measureOne) => {
        const key = `${node.label} ${name}`;
        rows.push({ node: node.label, name, label, key });
        commands[key] = measureOne;
      };
      add('node', '`node -e 0`', byId('node -e 0', ['-e', '0']));
      add('floor', 'floor, by id', byId('floor', [FLOOR]));
      add('action', 'the action, by id', byId('action by id', [DIST]));
      add('superseded', `the action, superseded N = ${n} at 0 ms`, async () => {
        const w = await supersededWorld(n, 0);
        try {
          const kb = await peakRssKb('action superseded', node.path, [DIST], (await supersededStep(w)).env, join(work, 'rss.txt'));
          w.check('action superseded (RSS)');
          return kb;
        } finally {
          await w.stop();
        }
      });
    }
    const kbs = await interleaved(settings.rssRuns, commands, settings.warmups);
    for (const row of rows) {
      row.kb = summary(kbs[row.key]);
      delete row.key;
    }
    return { available: true, runs: settings.rssRuns, rows };
  } finally {
    await vercel.stop();
  }
}

// ------------------------------------------------------------------------------------- main

function tool(command, args) {
  try {
    // The name and version only: 'curl 7.88.1', 'OpenSSL 3.0.19'.
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
  } catch {
    return null;
  }
}

const started = Date.now();
const machine = machineState();
console.error(`npm run bench${QUICK ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadavg.join(' ')}`);
try {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`);
  const nodeList = nodes();
  const tls = selfSignedCertificate(work);
  console.error('start-up ...');
  const start = await startup(nodeList, tls);
  console.error('superseded mode ...');
  const sup = await superseded(nodeList);
  console.error('baselines ...');
  const base = await baselines(nodeList);
  console.error('peak RSS ...');
  const rss = await peakRss(nodeList);
  const results = {
    quick: QUICK,
    date: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { ...machine, loadavgEnd: machineState().loadavg, extraCaCerts: Boolean(process.env.NODE_EXTRA_CA_CERTS) },
    nodes: nodeList.map(({ label, version }) => ({ label, version })),
    tools: { curl: tool('curl', ['--version']), openssl: tool('openssl', ['version']) },
    settings,
    startup: start,
    superseded: sup,
    baselines: base,
    rss,
    bundle: readdirSync(join(root, 'dist'))
      .filter((f) => f.endsWith('.js'))
      .map((file) => ({ file: `dist/${file}`, bytes: statSync(join(root, 'dist', file)).size })),
  };
  const md = benchReport(results);
  const latencyMs = Math.max(...settings.latencies);
  const svg = benchChart({
    title: `Wall time to cancel N superseded deployments (${latencyMs} ms per request, medians)`,
    sizes: settings.sizes,
    lines: [
      ...nodeList.map((node, i) => ({
        label: `the action, superseded mode, ${node.label}`,
        color: ['#06c', '#0a7'][i % 2],
        points: sup.cells.filter((c) => c.latencyMs === latencyMs && c.node === node.label).map((c) => [c.n, c.ms.median]),
      })),
      {
        label: `3 round trips (3 × ${latencyMs} ms)`,
        color: '#888',
        dash: '5 4',
        points: settings.sizes.map((n) => [n, 3 * latencyMs]),
      },
      {
        label: `(list pages + 2) round trips, ${LIST_PAGE} a page`,
        color: '#bbb',
        dash: '2 3',
        points: settings.sizes.map((n) => [n, (Math.ceil((n + 1) / LIST_PAGE) + 2) * latencyMs]),
      },
    ],
    points: base.rows
      .filter((r) => !r.name.startsWith('action'))
      .map((r, i) => ({
        label: `${{ 'curl-loop': 'curl -X PATCH loop', 'curl-parallel': 'curl --parallel', 'sdk-loop': '@vercel/sdk loop' }[r.name] ?? r.name}, N = ${base.n}, ids given`,
        color: ['#d33', '#e80', '#a3c'][i % 3],
        n: base.n,
        ms: r.ms.median,
      })),
  });
  process.stdout.write(md);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'BENCHMARKS.md'), md);
    writeFileSync(join(outDir, 'bench.svg'), svg);
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'README-performance.md'), `${readmeSummary(results)}\n`);
  } else if (!QUICK) {
    writeFileSync(join(root, 'BENCHMARKS.md'), md);
    writeFileSync(join(root, 'docs', 'bench.svg'), svg);
    const readme = join(root, 'README.md');
    const [before, rest] = readFileSync(readme, 'utf8').split(README_START);
    const after = rest?.split(README_END)[1];
    if (after === undefined) throw new Error(`README.md: no ${README_START} … ${README_END} in the Performance section`);
    writeFileSync(readme, `${before}${README_START}\n\n${readmeSummary(results)}\n\n${README_END}${after}`); // as Prettier lays it out
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
