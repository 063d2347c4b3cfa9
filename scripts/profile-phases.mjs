// Where a by-id run's time goes, from a `node --cpu-prof` profile of an ncc build made with a source
// map (`ncc build src/index.ts -o <dir> -m -s`). Phases: Node's own start until the bundle's first
// sample; the bundle's load and input parsing until the first sample in src/http (the first request
// being made); the rest (the request, the outputs, exit). Then self time by origin. Issue 11, item 5.
// Usage: node scripts/profile-phases.mjs <profile.cpuprofile> <dir with index.js.map>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sourceMap from 'source-map';

const [profileFile, bundleDir] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
const map = new sourceMap.SourceMapConsumer(JSON.parse(readFileSync(join(bundleDir, 'index.js.map'), 'utf8')));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const originOf = (frame) => {
  const { url, functionName, lineNumber, columnNumber } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (!url.endsWith('/index.js') || !url.includes(bundleDir.replace(/^\.\//, ''))) return url.startsWith('node:') ? 'node internals' : url;
  const source = map.originalPositionFor({ line: lineNumber + 1, column: columnNumber }).source ?? '';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (nm) return nm[1];
  const src = /src\/.*$/.exec(source);
  return src ? src[0] : '(bundle, unmapped)';
};
const memo = new Map();
const origin = (id) => memo.get(id) ?? memo.set(id, originOf(nodes.get(id).callFrame)).get(id);
const stackHas = (id, test) => {
  for (let at = id; at !== undefined; at = parent.get(at)) if (test(origin(at))) return true;
  return false;
};

let t = 0;
let firstBundle;
let firstHttp;
const self = new Map();
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  t += dt;
  const o = origin(id);
  self.set(o, (self.get(o) ?? 0) + dt);
  const inBundle = stackHas(id, (x) => x === 'zod' || x.startsWith('src/') || x.startsWith('@actions') || x.startsWith('(bundle'));
  if (firstBundle === undefined && inBundle) firstBundle = t;
  if (firstHttp === undefined && stackHas(id, (x) => x.startsWith('src/http/'))) firstHttp = t;
});
const total = (profile.endTime - profile.startTime) / 1000;
console.log(`${profileFile}: profile ${total.toFixed(1)} ms`);
console.log(`  Node start until the bundle's first sample   ${firstBundle?.toFixed(1)} ms`);
console.log(`  bundle load + inputs until the first request ${(firstHttp - firstBundle).toFixed(1)} ms`);
console.log(`  request, outputs, exit                       ${(total - firstHttp).toFixed(1)} ms`);
const group = (o) => (o.startsWith('src/') ? 'src' : o);
const grouped = new Map();
for (const [o, ms] of self) grouped.set(group(o), (grouped.get(group(o)) ?? 0) + ms);
for (const [o, ms] of [...grouped].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  self ${o.padEnd(22)} ${ms.toFixed(1)} ms`);
