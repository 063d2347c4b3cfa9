// The README's Inputs and Outputs tables are generated from action.yml (scripts/docs.mjs), and
// action.yml declares exactly the inputs the action reads and the outputs it sets.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cell,
  code,
  defaultCell,
  extractBlock,
  parseAction,
  renderBlocks,
  renderInputs,
  renderOutputs,
  renderReadme,
  run,
  staleBlocks,
} from '../../scripts/docs.mjs';
import { outputsOf } from '../../src/format.js';
import { INPUT_NAMES } from '../../src/inputs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');
const action = parseAction(actionText);
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README tables match action.yml', () => {
  it.each(['inputs', 'outputs'] as const)('the %s block is what action.yml renders (else: npm run docs)', (name) => {
    expect(extractBlock(readme, name).replace(/\r\n/g, '\n')).toBe(renderBlocks(action)[name]);
  });

  it('a description changed in action.yml without regenerating is caught', () => {
    const edited = parseAction(actionText.replace(/(\n {2}retries:\n {4}description: )/, '$1Edited. '));
    expect(edited.inputs!.retries!.description).toMatch(/^Edited\. /);
    expect(staleBlocks(readme, edited)).toEqual(['inputs']);
    const outputs = Object.fromEntries(Object.entries(action.outputs!).filter(([name]) => name !== 'deployments'));
    expect(staleBlocks(readme, { ...action, outputs })).toEqual(['outputs']);
  });

  it('every declared input and output has a description', () => {
    for (const entry of [...Object.values(action.inputs!), ...Object.values(action.outputs!)]) {
      expect(typeof entry.description).toBe('string');
      expect((entry.description as string).trim()).not.toBe('');
    }
  });
});

describe('rendering', () => {
  it('collapses folded and literal text to one line and escapes pipes', () => {
    expect(cell('one\ntwo  three\n')).toBe('one two three');
    expect(cell('a | b')).toBe('a \\| b');
    expect(cell(undefined)).toBe('');
    const folded = parseAction('inputs:\n  x:\n    description: >-\n      first line\n      second | line\n');
    expect(folded.inputs!.x!.description).toBe('first line second | line');
    const literal = parseAction('inputs:\n  x:\n    description: |\n      first line\n      second line\n');
    expect(renderInputs(literal.inputs)).toContain('| `x` | no | | first line second line |');
    expect(renderInputs(folded.inputs)).toContain('| first line second \\| line |');
  });

  it('shows defaults in backticks as is, and nothing when there is none', () => {
    expect(defaultCell('${{ github.token }}')).toBe('`${{ github.token }}`');
    expect(defaultCell(3)).toBe('`3`');
    expect(defaultCell(false)).toBe('`false`');
    expect(defaultCell(undefined)).toBe('');
    expect(defaultCell('')).toBe('');
    expect(defaultCell('a|b')).toBe('`a\\|b`');
    expect(code('a`b')).toBe('`` a`b ``');
  });

  it('renders the Inputs table: name, required, default, meaning', () => {
    const parsed = parseAction(
      [
        'inputs:',
        '  token:',
        '    description: The token.',
        '    required: true',
        '  github-token:',
        '    description: For GitHub.',
        '    required: false',
        '    default: ${{ github.token }}',
        '  dry-run:',
        "    description: 'Either `true` | `false`.'",
        "    default: 'false'",
      ].join('\n'),
    );
    expect(renderInputs(parsed.inputs)).toBe(
      [
        '| name | required | default | meaning |',
        '|---|---|---|---|',
        '| `token` | yes | | The token. |',
        '| `github-token` | no | `${{ github.token }}` | For GitHub. |',
        '| `dry-run` | no | `false` | Either `true` \\| `false`. |',
      ].join('\n'),
    );
  });

  it('renders the Outputs table: name, value', () => {
    const parsed = parseAction('outputs:\n  count:\n    description: >-\n      How many\n      were canceled.\n  empty: {}\n');
    expect(renderOutputs(parsed.outputs)).toBe(
      ['| name | value |', '|---|---|', '| `count` | How many were canceled. |', '| `empty` | |'].join('\n'),
    );
    expect(renderOutputs(undefined)).toBe('| name | value |\n|---|---|');
  });

  it('replaces only what lies between the markers', () => {
    const before =
      '# T\n\n## Inputs\n\n<!-- inputs:start -->\nold\n<!-- inputs:end -->\n\ntext | kept\n\n## Outputs\n\n<!-- outputs:start --><!-- outputs:end -->\n\n| outcome | meaning |\n';
    const after = renderReadme(before, { inputs: { a: { description: 'A.' } }, outputs: { b: { description: 'B.' } } });
    expect(after.startsWith('# T\n\n## Inputs\n\n<!-- inputs:start -->\n')).toBe(true);
    expect(after).toContain('| `a` | no | | A. |\n\n<!-- inputs:end -->\n\ntext | kept\n\n## Outputs\n\n<!-- outputs:start -->\n');
    expect(after.endsWith('| `b` | B. |\n\n<!-- outputs:end -->\n\n| outcome | meaning |\n')).toBe(true);
    expect(after).not.toContain('old');
    expect(renderReadme(after, { inputs: { a: { description: 'A.' } }, outputs: { b: { description: 'B.' } } })).toBe(after);
  });

  it('refuses a README whose markers are missing or repeated', () => {
    expect(() => extractBlock('no markers', 'inputs')).toThrow(/<!-- inputs:start --> and <!-- inputs:end --> exactly once/);
    expect(() => extractBlock('<!-- inputs:start --><!-- inputs:end --><!-- inputs:end -->', 'inputs')).toThrow(/exactly once/);
    expect(() => extractBlock('<!-- outputs:end --><!-- outputs:start -->', 'outputs')).toThrow(/before/);
  });
});

describe('node scripts/docs.mjs', () => {
  function inTemp(readmeText: string, body: (dir: string) => void): void {
    const dir = mkdtempSync(join(tmpdir(), 'docs-test-'));
    try {
      writeFileSync(join(dir, 'action.yml'), actionText);
      writeFileSync(join(dir, 'README.md'), readmeText);
      body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
  };

  it('--check passes on the committed README', () => {
    const out = capture();
    expect(run({ root, check: true, ...out })).toBe(0);
  });

  it('--check fails, names the block and the fix, and changes nothing; without it the README is regenerated', () => {
    const stale = readme.replace(/(\| `canceled-count` \| )[^\n]*/, '$1hand-edited |');
    expect(stale).not.toBe(readme);
    inTemp(stale, (dir) => {
      const out = capture();
      expect(run({ root: dir, check: true, ...out })).toBe(1);
      expect(out.lines.join('\n')).toMatch(/the Outputs table \(between <!-- outputs:start --> and <!-- outputs:end -->\) differs/);
      expect(out.lines.join('\n')).toContain('npm run docs');
      expect(out.lines.join('\n')).not.toMatch(/Inputs table/);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(stale);

      expect(run({ root: dir, ...capture() })).toBe(0);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(readme);
      expect(run({ root: dir, check: true, ...capture() })).toBe(0);
    });
  });
});

describe('action.yml declares what the action uses', () => {
  it('inputs: every input src/inputs.ts reads, and no other', () => {
    expect(Object.keys(action.inputs!).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it('outputs: every output the action sets, and no other', () => {
    expect(Object.keys(action.outputs!).sort()).toEqual(Object.keys(outputsOf([], undefined)).sort());
  });
});
