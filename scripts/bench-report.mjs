// BENCHMARKS.md from the results of npm run bench (scripts/bench.mjs). Every figure comes from the
// results; the text around them says only how they were measured.

const ms = (value) => `${Math.round(value)} ms`;
/** median (min–max) */
const spread = (s, unit = ms) => `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
const ratio = (value, bound) => (bound > 0 ? `${(value / bound).toFixed(2)}×` : '–');
const code = (text) => `\`${text}\``;

/** Request counts by kind: `list 1 + cancel 50 = 51` (kinds with no request left out); runs that differ are joined by ' / '. */
function requestCounts(variants, service) {
  return variants
    .map((counts) => {
      const parts = Object.entries(counts[service] ?? counts)
        .filter(([kind, value]) => kind !== 'total' && value > 0)
        .map(([kind, value]) => `${kind} ${value}`);
      const total = (counts[service] ?? counts).total;
      return parts.length > 1 ? `${parts.join(' + ')} = ${total}` : parts.length === 1 ? parts[0] : '0';
    })
    .join(' / ');
}

function startupSection({ runs, https, groups }) {
  const tables = groups.map((group) => {
    const byName = Object.fromEntries(group.commands.map((c) => [c.name, c]));
    const rows = group.commands.map((c) => {
      const over = (name) => (c.name === name || !byName[name] ? '–' : ms(c.ms.median - byName[name].ms.median));
      return `| ${c.label} | ${ms(c.ms.min)} | ${ms(c.ms.median)} | ${ms(c.ms.max)} | ${over('node')} | ${c.name === 'node' || c.name === 'node-no-ca' ? '–' : over('floor')} | ${c.vercelRequests.join(' / ')} |`;
    });
    return `### ${group.node} (${group.version}), ${group.protocol}

| command | min | median | max | median − \`node -e 0\` | median − floor | Vercel requests per run |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}`;
  });
  return `## 1. Start-up: cancel one id at 0 ms latency (${runs} interleaved runs each)

The floor, ${code('scripts/bench-floor.mjs')}, is the least a by-id step can do: it reads the same inputs, sends one
${code('PATCH /v12/deployments/{id}/cancel')} and appends ${code('ready-state')} to the outputs file. ${code('node -e 0')} gets
the step's environment too. "median − X" is the difference of the medians.
${
  https
    ? `\nOn the https rows every command, ${code('node -e 0')} included, gets ${code('NODE_EXTRA_CA_CERTS')} naming the one
self-signed certificate made for this run (openssl, EC P-256, for 127.0.0.1), so both sides of each
comparison pay the same certificate loading; the row ${code('node -e 0')} without it measures that loading. The
https server is a TLS front in the benchmark process that forwards to the http simulator: both sides
talk to the same front. GitHub's runners set no such variable, so the https rows compare the two
sides under one trust setup; they are not GitHub's absolute start-up times.\n`
    : '\nhttps was not measured: openssl was not found.\n'
}
${tables.join('\n\n')}`;
}

function supersededSection({ runs, listPage, cells }, nodeLabels) {
  const latencies = [...new Set(cells.map((c) => c.latencyMs))];
  const sizes = [...new Set(cells.map((c) => c.n))];
  const cell = (latencyMs, n, node) => cells.find((c) => c.latencyMs === latencyMs && c.n === n && c.node === node);
  const timeTables = latencies.map((latencyMs) => {
    const head = nodeLabels.map((label) => `${label}: median (min–max) | ${label} ÷ 3 RT | ${label} ÷ paged`).join(' | ');
    const rows = sizes.map((n) => {
      const first = cell(latencyMs, n, nodeLabels[0]);
      const perNode = nodeLabels
        .map((label) => {
          const c = cell(latencyMs, n, label);
          return `${spread(c.ms)} | ${ratio(c.ms.median, c.bound)} | ${ratio(c.ms.median, c.pagedBound)}`;
        })
        .join(' | ');
      return `| ${n} | ${perNode} | ${ms(first.bound)} | ${first.listPagesNeeded} | ${ms(first.pagedBound)} |`;
    });
    return `### ${latencyMs} ms per request

| N | ${head} | 3 RT bound | list pages | paged bound |
|---:|${nodeLabels.map(() => '---:|---:|---:|').join('')}---:|---:|---:|
${rows.join('\n')}`;
  });
  const requestRows = sizes.flatMap((n) =>
    latencies.flatMap((latencyMs) =>
      nodeLabels.map((label) => {
        const c = cell(latencyMs, n, label);
        return `| ${n} | ${latencyMs} ms | ${label} | ${requestCounts(c.requests, 'vercel')} | ${requestCounts(c.requests, 'github')} |`;
      }),
    ),
  );
  return `## 2. Superseded mode: N stale builds (${runs} interleaved runs each)

N in-progress deployments on ${code('main')}, one per commit of a linear history, and the current commit's
own; a push of the current commit; every stale one must be canceled and the current one not (the
benchmark checks). Each run gets fresh simulators with the latency added to every response.

The bound is physical, not the action's algorithm: 3 round trips, **3 RT** = 3 × latency (the list,
one ancestry call, every cancel at once). Vercel lists at most ${listPage} deployments a page and each page
needs the previous one's cursor, so with N + 1 > ${listPage} deployments the listing alone takes more than one
round trip: the **paged bound** is (list pages + 2) × latency. Wall times include starting Node.

${timeTables.join('\n\n')}

### Requests per run

Counted by the simulators (every run, warm-up runs included; runs that differ are shown with ' / ').
Vercel: list (${code('GET /v6/deployments')}), read (${code('GET /v13/deployments/{id}')}), cancel; GitHub: commits
(${code('GET /repos/{o}/{r}/commits')}), compare.

| N | latency | Node | Vercel | GitHub |
|---:|---:|---|---|---|
${requestRows.join('\n')}`;
}

function baselineSection({ n, latencyMs, runs, rows }) {
  const action = rows.find((r) => r.name.startsWith('action'));
  return `## 3. N = ${n} at ${latencyMs} ms without the action (${runs} interleaved runs each)

The same world as in section 2. The baselines are given the ${n} ids: they neither list nor check
ancestry. ${code('curl')} and the SDK loop run in the same clean environment (PATH and HOME).

| approach | min | median | max | median ÷ ${action ? `the action's (${action.name.replace(/^action-/, '')})` : '–'} | Vercel requests | GitHub requests |
|---|---:|---:|---:|---:|---|---|
${rows
  .map(
    (r) =>
      `| ${r.label} | ${ms(r.ms.min)} | ${ms(r.ms.median)} | ${ms(r.ms.max)} | ${action ? ratio(r.ms.median, action.ms.median) : '–'} | ${requestCounts(r.requests, 'vercel')} | ${requestCounts(r.requests, 'github')} |`,
  )
  .join('\n')}`;
}

function rssSection(rss) {
  if (!rss.available) return '## 4. Peak RSS\n\nNot measured: /usr/bin/time (GNU time) was not found.';
  return `## 4. Peak RSS (${rss.runs} interleaved runs each)

The largest resident set of the process over its life: GNU time's ${code('%M')}, which is ${code('ru_maxrss')} as the
kernel reports it when the process ends. The by-id commands cancel one id at 0 ms latency, over http.

| Node | process | min | median | max |
|---|---|---:|---:|---:|
${rss.rows.map((r) => `| ${r.node} | ${r.label} | ${mib(r.kb.min)} | ${mib(r.kb.median)} | ${mib(r.kb.max)} |`).join('\n')}`;
}

/** Issue 11's targets, checked against this run's figures (rows whose figures this run did not measure are left out). */
function targetsSection(results) {
  const rows = [];
  const mark = (ok) => (ok ? 'met' : 'not met');
  for (const group of results.startup.groups.filter((g) => g.protocol === 'http')) {
    const by = Object.fromEntries(group.commands.map((c) => [c.name, c.ms.median]));
    const over = by.action - by.node;
    rows.push(`| start-up overhead by id over ${code('node -e 0')}, http, ${group.node} | ≤ 40 ms | ${ms(over)} | ${mark(over <= 40)} |`);
  }
  const at100 = (n) => results.superseded.cells.filter((c) => c.latencyMs === 100 && c.n === n);
  for (const [n, limit] of [
    [50, 1.5],
    [200, 2],
  ]) {
    for (const c of at100(n)) {
      const r = c.ms.median / c.bound;
      rows.push(`| superseded N = ${n} at 100 ms, ${c.node}: wall ÷ 3 RT | ≤ ${limit}× | ${r.toFixed(2)}× | ${mark(r <= limit)} |`);
    }
  }
  for (const c of at100(50)) {
    const github = c.requests.map((r) => r.github.total);
    const reads = c.requests.map((r) => r.vercel.read + r.vercel.other);
    rows.push(`| GitHub requests, N = 50, linear history, ${c.node} | 1 | ${github.join(' / ')} | ${mark(github.every((g) => g === 1))} |`);
    rows.push(
      `| Vercel requests besides list pages and cancels, N = 50, ${c.node} | 0 | ${reads.join(' / ')} | ${mark(reads.every((g) => g === 0))} |`,
    );
  }
  const index = results.bundle.find((b) => b.file === 'dist/index.js');
  if (index)
    rows.push(`| ${code('dist/index.js')} size | ≤ 1 MiB | ${(index.bytes / 1024).toFixed(0)} kB | ${mark(index.bytes <= 1024 * 1024)} |`);
  return `## Issue 11's targets, against this run

| target | wanted | this run (medians) | |
|---|---:|---:|---|
${rows.join('\n')}`;
}

function noiseLine(results) {
  const spreads = results.startup.groups.flatMap((g) => g.commands.map((c) => c.ms.max - c.ms.min));
  const relative = results.startup.groups.flatMap((g) => g.commands.map((c) => (c.ms.max - c.ms.min) / c.ms.median));
  return `Noise in this run: the start-up commands' max − min ranged from ${ms(Math.min(...spreads))} to ${ms(Math.max(...spreads))}
  (${(Math.min(...relative) * 100).toFixed(0)}–${(Math.max(...relative) * 100).toFixed(0)}% of their medians).`;
}

export function benchReport(results) {
  const m = results.machine;
  const nodeLabels = results.nodes.map((n) => n.label);
  return `# Benchmarks
${results.quick ? '\n> **Quick mode (`BENCH_QUICK=1`)**: tiny settings for a sanity check. These figures are not worth quoting.\n' : ''}
Written by ${code('npm run bench')} (${code('scripts/bench.mjs')}) on ${results.date.slice(0, 16).replace('T', ' ')} UTC in ${results.durationS} s.
Every figure below was measured in that run; nothing here is edited by hand.

## Machine

- ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}
- Load average (1, 5, 15 min): ${m.loadavg.join(', ')} at the start, ${m.loadavgEnd.join(', ')} at the end
- ${results.nodes.map((n) => `${n.label}: ${n.version}`).join('; ')}; ${results.tools.curl ?? 'curl not found'}; ${results.tools.openssl ?? 'openssl not found'}

## Method

- Against the local simulations of the Vercel and GitHub APIs (${code('simulator/')}) on 127.0.0.1, in the
  benchmark's own process.
- Every process starts the way GitHub's runner starts the action (${code('simulator/github-runner.js')}
  ${code('stepEnvironment')}): every input declared in ${code('action.yml')} set, GITHUB_* from the event, fresh
  GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files for each step, and otherwise only PATH and HOME: no
  ${code('NODE_EXTRA_CA_CERTS')} (${m.extraCaCerts ? 'set in the environment this benchmark was started from' : 'not set where this benchmark was started either'}; GitHub's hosted runners set none) except on
  the https rows, where every command of a comparison gets the same one.
- Wall time: from spawning the process to its exit, timed by the benchmark process.
- Compared commands run interleaved (A B C, B C A, C A B, …) after ${results.settings.warmups} untimed warm-up run(s) each.
  Each figure is given as min, median and max of its runs.
- Node 24 is ${code('node@24.21.0')} from the npm registry (${code('npx -p')}), its binary spawned directly.
- ${noiseLine(results)}

${targetsSection(results)}

${startupSection(results.startup)}

${supersededSection(results.superseded, nodeLabels)}

![Wall time against N](docs/bench.svg)

${baselineSection(results.baselines)}

${rssSection(results.rss)}

## Bundle

| file | size |
|---|---:|
${results.bundle.map((b) => `| ${code(b.file)} | ${(b.bytes / 1024).toFixed(0)} kB |`).join('\n')}
`;
}

/** The few medians README's Performance section quotes, written there by the benchmark itself (between its markers). */
export function readmeSummary(results) {
  const lines = [];
  const m = results.machine;
  const startRuns = results.startup.runs;
  for (const group of results.startup.groups.filter((g) => g.protocol === 'http')) {
    const by = Object.fromEntries(group.commands.map((c) => [c.name, c.ms.median]));
    lines.push(
      `- Cancelling one id, ${group.node}, http: ${ms(by.action)} against ${ms(by.node)} for ${code('node -e 0')} (+${ms(by.action - by.node)}) and ${ms(by.floor)} for a one-PATCH script (+${ms(by.action - by.floor)}).`,
    );
  }
  const top = Math.max(...results.superseded.cells.map((c) => c.latencyMs));
  for (const c of results.superseded.cells.filter((c) => c.latencyMs === top && (c.n === 50 || c.n === 200))) {
    const made = c.requests[0];
    lines.push(
      `- Superseded, N = ${c.n} at ${top} ms per request, ${c.node}: ${ms(c.ms.median)}, ${ratio(c.ms.median, c.bound)} the 3-round-trip bound (${ms(c.bound)}${c.listPagesNeeded > 1 ? `; ${c.listPagesNeeded} list pages: ${ms(c.pagedBound)}` : ''}); ${made.vercel.total} Vercel and ${made.github.total} GitHub requests.`,
    );
  }
  const b = results.baselines;
  lines.push(
    `- N = ${b.n} at ${b.latencyMs} ms, given the ids: ${b.rows
      .filter((r) => !r.name.startsWith('action'))
      .map((r) => `${r.label.replace(/ \(ids given[^)]*\)/, '')} ${ms(r.ms.median)}`)
      .join('; ')}.`,
  );
  for (const r of results.rss.rows.filter((r) => r.name === 'action')) {
    const node = results.rss.rows.find((o) => o.node === r.node && o.name === 'node');
    lines.push(`- Peak RSS by id, ${r.node}: ${mib(r.kb.median)} (${code('node -e 0')}: ${mib(node.kb.median)}).`);
  }
  return `Medians of ${startRuns} (start-up) and ${results.superseded.runs} (superseded) interleaved runs by ${code('npm run bench')} on ${results.date.slice(0, 10)}
(${m.cpu}, ${m.cores} cores, load average ${m.loadavg[0]} at the start); min and max are in BENCHMARKS.md.

${lines.join('\n')}`;
}
