// npm run docs: render the README's Inputs and Outputs tables from action.yml, the one source of
// truth, and write them between the marker comments (<!-- inputs:start --> … <!-- inputs:end -->,
// the same for outputs). Everything outside the markers is left as it is.
// node scripts/docs.mjs --check: change nothing; exit 1, naming the block, if README.md differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

/** @typedef {{ description?: unknown, required?: unknown, default?: unknown }} ActionInput */
/** @typedef {{ description?: unknown, value?: unknown }} ActionOutput */
/** @typedef {{ inputs?: Record<string, ActionInput> | null, outputs?: Record<string, ActionOutput> | null }} ActionMetadata */

/** The generated blocks, in README order, with the heading they belong under (for messages). */
export const BLOCKS = /** @type {const} */ (['inputs', 'outputs']);
const TITLES = { inputs: 'Inputs', outputs: 'Outputs' };
const NOTE = '<!-- Generated from action.yml by `npm run docs` (scripts/docs.mjs): edit action.yml, not this table. -->';

/** @param {'inputs' | 'outputs'} name */
export const startMarker = (name) => `<!-- ${name}:start -->`;
/** @param {'inputs' | 'outputs'} name */
export const endMarker = (name) => `<!-- ${name}:end -->`;

/**
 * Text for one table cell: one line (folded or literal YAML text, any run of whitespace, becomes
 * one space), with pipes escaped so they cannot end the cell (GFM honours `\|` in code spans too).
 * @param {unknown} text
 * @returns {string}
 */
export function cell(text) {
  if (text === undefined || text === null) return '';
  return String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/**
 * A value as a code span, shown as is (e.g. `${{ github.token }}`); a value that holds backticks
 * gets a longer fence.
 * @param {string} value
 * @returns {string}
 */
export function code(value) {
  const runs = value.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = runs.length > 0 || value.startsWith(' ') || value.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * The default column: the value in backticks, empty when there is none.
 * @param {unknown} value
 * @returns {string}
 */
export function defaultCell(value) {
  if (value === undefined || value === null || value === '') return '';
  return cell(code(String(value)));
}

/**
 * One table row; an empty cell is a single space.
 * @param {string[]} cells
 */
const row = (cells) => `|${cells.map((c) => (c ? ` ${c} ` : ' ')).join('|')}|`;

/** @param {unknown} required */
const isRequired = (required) => required === true || String(required).toLowerCase() === 'true';

/**
 * The Inputs table: name, required, default, meaning.
 * @param {Record<string, ActionInput> | null | undefined} inputs
 * @returns {string}
 */
export function renderInputs(inputs) {
  const rows = Object.entries(inputs ?? {}).map(([name, input]) =>
    row([cell(code(name)), isRequired(input?.required) ? 'yes' : 'no', defaultCell(input?.default), cell(input?.description)]),
  );
  return ['| name | required | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * The Outputs table: name, value.
 * @param {Record<string, ActionOutput> | null | undefined} outputs
 * @returns {string}
 */
export function renderOutputs(outputs) {
  const rows = Object.entries(outputs ?? {}).map(([name, output]) => row([cell(code(name)), cell(output?.description)]));
  return ['| name | value |', '|---|---|', ...rows].join('\n');
}

/**
 * What goes between the markers of each block (the markers excluded).
 * @param {ActionMetadata} action
 * @returns {Record<'inputs' | 'outputs', string>}
 */
export function renderBlocks(action) {
  // prettier-ignore: Prettier would pad the columns, and the block would no longer match.
  const wrap = (/** @type {string} */ table) => `\n${NOTE}\n\n<!-- prettier-ignore -->\n${table}\n\n`;
  return { inputs: wrap(renderInputs(action.inputs)), outputs: wrap(renderOutputs(action.outputs)) };
}

/**
 * Where a block's content lies in the README; throws, saying how to fix it, when its markers are
 * missing, repeated or out of order.
 * @param {string} readme
 * @param {'inputs' | 'outputs'} name
 * @returns {{ from: number, to: number }}
 */
function locate(readme, name) {
  const start = startMarker(name);
  const end = endMarker(name);
  const count = (/** @type {string} */ s) => readme.split(s).length - 1;
  if (count(start) !== 1 || count(end) !== 1) {
    throw new Error(
      `README.md must contain ${start} and ${end} exactly once each (found ${count(start)} and ${count(end)}): ` +
        `put them on their own lines under "## ${TITLES[name]}", then run npm run docs.`,
    );
  }
  const from = readme.indexOf(start) + start.length;
  const to = readme.indexOf(end);
  if (to < from) throw new Error(`README.md has ${end} before ${start}: swap them, then run npm run docs.`);
  return { from, to };
}

/**
 * The README's current content of one block (between its markers).
 * @param {string} readme
 * @param {'inputs' | 'outputs'} name
 * @returns {string}
 */
export function extractBlock(readme, name) {
  const { from, to } = locate(readme, name);
  return readme.slice(from, to);
}

/**
 * The README with one block's content replaced; the rest byte for byte as it was.
 * @param {string} readme
 * @param {'inputs' | 'outputs'} name
 * @param {string} content
 * @returns {string}
 */
export function replaceBlock(readme, name, content) {
  const { from, to } = locate(readme, name);
  return readme.slice(0, from) + content + readme.slice(to);
}

/**
 * The README as it should be: both blocks rendered from action.yml.
 * @param {string} readme
 * @param {ActionMetadata} action
 * @returns {string}
 */
export function renderReadme(readme, action) {
  const blocks = renderBlocks(action);
  return BLOCKS.reduce((text, name) => replaceBlock(text, name, blocks[name]), readme);
}

/**
 * The blocks whose README content differs from what action.yml renders.
 * @param {string} readme
 * @param {ActionMetadata} action
 * @returns {Array<'inputs' | 'outputs'>}
 */
export function staleBlocks(readme, action) {
  const blocks = renderBlocks(action);
  return BLOCKS.filter((name) => extractBlock(readme, name).replace(/\r\n/g, '\n') !== blocks[name]);
}

/**
 * action.yml, parsed.
 * @param {string} text
 * @returns {ActionMetadata}
 */
export function parseAction(text) {
  const action = parse(text);
  if (!action || typeof action !== 'object') throw new Error('action.yml is not a YAML mapping.');
  return action;
}

/**
 * The command: regenerate README.md in `root`, or (check) report whether it is up to date.
 * @param {{ root: string, check?: boolean, log?: (line: string) => void, error?: (line: string) => void }} options
 * @returns {number} the exit code
 */
export function run({ root, check = false, log = console.log, error = console.error }) {
  const readmePath = join(root, 'README.md');
  try {
    const action = parseAction(readFileSync(join(root, 'action.yml'), 'utf8'));
    const readme = readFileSync(readmePath, 'utf8');
    const stale = staleBlocks(readme, action);
    if (check) {
      if (stale.length === 0) {
        log('README.md: the Inputs and Outputs tables match action.yml.');
        return 0;
      }
      for (const name of stale) {
        error(
          `README.md: the ${TITLES[name]} table (between ${startMarker(name)} and ${endMarker(name)}) differs from what action.yml declares.`,
        );
      }
      error('Fix: run npm run docs (node scripts/docs.mjs) and commit README.md; to change the text, edit action.yml, not the table.');
      return 1;
    }
    if (stale.length === 0) {
      log('README.md: the Inputs and Outputs tables are up to date.');
      return 0;
    }
    writeFileSync(readmePath, renderReadme(readme, action));
    log(
      `README.md: regenerated the ${stale.map((name) => TITLES[name]).join(' and ')} table${stale.length > 1 ? 's' : ''} from action.yml.`,
    );
    return 0;
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown[0]}. Usage: node scripts/docs.mjs [--check]`);
    process.exit(2);
  }
  process.exitCode = run({ root: join(dirname(fileURLToPath(import.meta.url)), '..'), check: args.includes('--check') });
}
