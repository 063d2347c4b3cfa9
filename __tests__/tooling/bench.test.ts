// npm run bench in quick mode (BENCH_QUICK=1), end to end: every section is measured and reported,
// with the requests each run made. Times are never asserted: only that the benchmark completes,
// reports its sections, and that the runs did the work (the request counts the simulators recorded).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The parts of results.json these tests read (written by scripts/bench.mjs). */
interface Spread {
  n: number;
  min: number;
}
interface Made {
  vercel: { total: number; list: number; read: number; cancel: number; other: number };
  github: { total: number; commits: number; compare: number; other: number };
}
interface Results {
  machine: { cores: number; loadavg: number[] };
  nodes: Array<{ label: string; version: string }>;
  tools: { openssl: string | null };
  settings: { startupRuns: number; sizes: number[]; latencies: number[] };
  startup: { groups: Array<{ node: string; protocol: string; commands: Array<{ name: string; ms: Spread; vercelRequests: number[] }> }> };
  superseded: { cells: Array<{ n: number; latencyMs: number; bound: number; requests: Made[] }> };
  baselines: { n: number; rows: Array<{ name: string; requests: Made[] }> };
  rss: { available: boolean; rows: Array<{ node: string; name: string; kb: Spread }> };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let out: string;
let results: Results;
let markdown: string;
let nodes: string[];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bench-test-'));
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/bench.mjs')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out },
    maxBuffer: 16 * 1024 * 1024,
  });
  results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  markdown = readFileSync(join(out, 'BENCHMARKS.md'), 'utf8');
  nodes = results.nodes.map((n) => n.label);
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('reports every section, marked as quick mode, with the machine it ran on', () => {
  expect(markdown).toContain('Quick mode (`BENCH_QUICK=1`)');
  for (const heading of [
    '## Machine',
    '## Method',
    "## Issue 11's targets",
    '## 1. Start-up',
    '## 2. Superseded mode',
    '## 3. N = ',
    '## Bundle',
  ]) {
    expect(markdown).toContain(heading);
  }
  expect(markdown).toMatch(/^## 4\. Peak RSS/m);
  expect(results.machine.cores).toBeGreaterThan(0);
  expect(results.machine.loadavg).toHaveLength(3);
  // This Node and node@24.21.0; only this Node when it is a Node 24 already.
  const thisIs24 = process.version.startsWith('v24.');
  expect(results.nodes.map((n) => n.version)).toEqual(thisIs24 ? [process.version] : [process.version, 'v24.21.0']);
  expect(readFileSync(join(out, 'bench.svg'), 'utf8')).toMatch(/^<svg /);
  // What README's Performance section would quote: start-up per Node, the baselines, peak RSS.
  const readme = readFileSync(join(out, 'README-performance.md'), 'utf8');
  for (const node of nodes) expect(readme).toContain(`- Cancelling one id, ${node}, http: `);
  expect(readme).toContain('sequential loop of `curl -X PATCH`');
});

it('starts node -e 0, the floor and the action under each Node, over http (and https when openssl exists)', () => {
  const protocols = results.tools.openssl ? ['http', 'https'] : ['http'];
  expect(results.startup.groups.map((g) => `${g.node} ${g.protocol}`)).toEqual(
    nodes.flatMap((node) => protocols.map((p) => `${node} ${p}`)),
  );
  for (const group of results.startup.groups) {
    const requests = Object.fromEntries(group.commands.map((c) => [c.name, c.vercelRequests]));
    // node -e 0 sends nothing; the floor cancels its one id with one request; the action reads the
    // deployment first (a BLOCKED or finished one is never sent a cancel: README), then cancels it.
    expect(requests).toEqual({ node: [0], floor: [1], action: [2], ...(group.protocol === 'https' ? { 'node-no-ca': [0] } : {}) });
    for (const command of group.commands) expect(command.ms.n).toBe(results.settings.startupRuns);
  }
});

it('runs superseded mode for each N and latency under each Node, counting Vercel and GitHub requests', () => {
  const { sizes, latencies } = results.settings;
  expect(results.superseded.cells).toHaveLength(sizes.length * latencies.length * nodes.length);
  for (const cell of results.superseded.cells) {
    expect(cell.bound).toBe(3 * cell.latencyMs);
    for (const made of cell.requests) {
      expect(made.vercel.cancel).toBe(cell.n);
      expect(made.vercel.list).toBeGreaterThanOrEqual(1);
      expect(made.github.total).toBeGreaterThanOrEqual(1);
    }
  }
});

it('runs the baselines, which cancel the given ids and nothing else', () => {
  const { n, rows } = results.baselines;
  expect(rows.map((r) => r.name)).toEqual([...nodes.map((node) => `action-${node}`), 'curl-loop', 'curl-parallel', 'sdk-loop']);
  for (const row of rows.filter((r) => !r.name.startsWith('action'))) {
    expect(row.requests).toEqual([
      { vercel: { total: n, list: 0, read: 0, cancel: n, other: 0 }, github: { total: 0, commits: 0, compare: 0, other: 0 } },
    ]);
  }
});

it('measures peak RSS when GNU time exists', () => {
  if (!results.rss.available) return expect(markdown).toContain('Not measured: /usr/bin/time');
  expect(results.rss.rows.map((r) => `${r.node} ${r.name}`)).toEqual(
    nodes.flatMap((node) => ['node', 'floor', 'action', 'superseded'].map((name) => `${node} ${name}`)),
  );
  for (const row of results.rss.rows) expect(row.kb.min).toBeGreaterThan(0);
});
