// What a bundle is made of: its source modules (count) and the bytes of generated code each package
// accounts for, from ncc's source map (`ncc build ... -m -s`). Used for issue 11's "module count and
// bytes parsed on the by-id path". Usage: node scripts/bundle-composition.mjs <dir with index.js(.map)>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sourceMap from 'source-map';

const dir = process.argv[2] ?? 'dist';
const code = readFileSync(join(dir, 'index.js'), 'utf8');
const map = new sourceMap.SourceMapConsumer(JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')));
const lineStarts = [0];
for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
const spans = [];
map.eachMapping((m) => spans.push({ at: lineStarts[m.generatedLine - 1] + m.generatedColumn, source: m.source }));
spans.sort((a, b) => a.at - b.at);
const group = (source) => {
  if (!source) return '(unmapped)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (nm) return nm[1];
  if (/webpack|ncc/.test(source)) return '(bundler)';
  return 'src';
};
const bytes = new Map();
const modules = new Map();
for (let i = 0; i < spans.length; i++) {
  const end = i + 1 < spans.length ? spans[i + 1].at : code.length;
  const g = group(spans[i].source);
  bytes.set(g, (bytes.get(g) ?? 0) + (end - spans[i].at));
  if (spans[i].source) (modules.get(g) ?? modules.set(g, new Set()).get(g)).add(spans[i].source);
}
const total = Buffer.byteLength(code);
const count = [...modules.values()].reduce((n, s) => n + s.size, 0);
console.log(`${dir}/index.js: ${total} bytes, ${count} source modules`);
for (const [g, b] of [...bytes].sort((a, b) => b[1] - a[1])) {
  console.log(
    `  ${g.padEnd(24)} ${String(b).padStart(8)} bytes (${((100 * b) / code.length).toFixed(1)}%)  ${modules.get(g)?.size ?? 0} modules`,
  );
}
