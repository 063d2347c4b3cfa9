// What the action reports, as text: outputs, log lines, the summary. Pure, so the command line
// entry prints the same report as the action.
import type { DeploymentResult, Outcome } from './cancel.js';
import { markdownText, neutralise } from './untrusted.js';

const ICON: Record<Outcome, string> = {
  canceled: '✅',
  'already-finished': '☑️',
  'would-cancel': '🔎',
  skipped: '⏭️',
  failed: '❌',
};

/** Largest `deployments` and `canceled-ids` values, in bytes: a job's outputs may total 1 MB in all. Rows past it are left out (the log says so). */
export const MAX_OUTPUT_BYTES = 512 * 1024;

/**
 * The step outputs. `primary` is the deployment that ready-state and canceled-at describe. The
 * results' text must have passed untrusted.ts (report.ts and cli.ts see to it). `deployments` and
 * `canceled-ids` stop at MAX_OUTPUT_BYTES; `canceled-count` counts them all.
 */
export function outputsOf(results: DeploymentResult[], primary: DeploymentResult | undefined): Record<string, string> {
  const canceled = results.filter((r) => r.outcome === 'canceled');
  return {
    'ready-state': primary?.readyState ?? '',
    'canceled-at': primary?.outcome === 'canceled' && primary.canceledAt !== null ? String(primary.canceledAt) : '',
    'canceled-ids': bounded(
      canceled.map((r) => r.id ?? ''),
      (ids) => ids.join(','),
    ),
    'canceled-count': String(canceled.length),
    deployments: bounded(
      results.map(({ id, url, readyState, canceledAt, outcome, reason }) => ({ id, url, readyState, canceledAt, outcome, reason })),
      (rows) => JSON.stringify(rows),
    ),
  };
}

/** How many results the `deployments` output lists (all, unless they pass MAX_OUTPUT_BYTES). */
export function deploymentsListed(outputs: Record<string, string>): number {
  return (JSON.parse(outputs.deployments ?? '[]') as unknown[]).length;
}

/** `render` of the longest head of `items` that fits in MAX_OUTPUT_BYTES. */
function bounded<T>(items: T[], render: (items: T[]) => string): string {
  const all = render(items);
  if (Buffer.byteLength(all) <= MAX_OUTPUT_BYTES) return all;
  let fits = 0;
  let high = items.length;
  while (fits < high) {
    const mid = Math.ceil((fits + high) / 2);
    if (Buffer.byteLength(render(items.slice(0, mid))) <= MAX_OUTPUT_BYTES) fits = mid;
    else high = mid - 1;
  }
  return render(items.slice(0, fits));
}

/** The state before, as far as it is known: a successful cancel means the build was in progress. */
function stateBefore(r: DeploymentResult): string | null {
  return r.stateBefore ?? (r.outcome === 'canceled' ? 'in progress' : null);
}

/** One log line for a deployment. */
export function logLine(r: DeploymentResult): string {
  const name = r.id ?? r.url ?? '(unknown)';
  const where = r.url && r.id ? ` (${r.url})` : '';
  const before = stateBefore(r);
  const states =
    before && r.readyState && before !== r.readyState ? `: ${before} -> ${r.readyState}` : r.readyState ? `: ${r.readyState}` : '';
  return `${ICON[r.outcome]} ${name}${where} ${r.outcome}${states}. ${r.reason}`;
}

/** A link only to an http(s) URL without credentials (API data is not trusted to be one); else the text alone. */
function link(text: string, href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return markdownText(text);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return markdownText(text);
  return `[${linkText(text)}](${linkTarget(url.href)})`;
}

/** Link text: markup escaped (a linkifier does not look inside a link, so no need to break URLs). */
function linkText(text: string): string {
  return neutralise(text).replace(/[\\`*_[\]<>&|!~#$]/g, '\\$&');
}

/**
 * A link destination that stays one: percent-encoded but for the characters of a URL that mean
 * nothing to markdown. `(` `)` (which encodeURIComponent keeps) could close the link, `|` the cell,
 * `<` `>` `\\` `"` `'` space and backtick change how it parses.
 */
function linkTarget(href: string): string {
  return href.replace(/[^A-Za-z0-9\-._~!$&*+,;=:@/?#%]/g, (char) =>
    [...new TextEncoder().encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** A summary line: its text escaped, and nothing at its start that opens a block (a list, a heading underline, indented code). */
function markdownLine(text: string): string {
  return markdownText(text.trimStart())
    .replace(/^[-+=]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Rows in the summary's tables, in all: more are folded into a count (a step summary over 1 MiB is dropped). */
export const MAX_SUMMARY_ROWS = 200;
/** Bytes of table rows in the summary, in all: with MAX_VALUE_LENGTH per value, rows can be long. */
export const MAX_SUMMARY_TABLE_BYTES = 512 * 1024;

/** The job summary: what the run did, a row per deployment (up to the bounds above). */
export function summaryMarkdown(title: string, lines: string[], results: DeploymentResult[]): string {
  // The lines carry names from the event and the API (a branch name is chosen by whoever pushed it).
  const out = [`## ${markdownText(title)}`, '', ...lines.map(markdownLine), ''];
  const room = { rows: MAX_SUMMARY_ROWS, bytes: MAX_SUMMARY_TABLE_BYTES, folded: 0 };
  // What the run did comes first; what it left alone (in superseded mode often most of the team's
  // builds) folds away below, each with its reason.
  const acted = results.filter((r) => r.outcome !== 'skipped');
  const skipped = results.filter((r) => r.outcome === 'skipped');
  if (acted.length > 0) out.push(...table(acted, room), '');
  if (skipped.length > 0) {
    const noun = skipped.length === 1 ? 'deployment' : 'deployments';
    out.push(
      `<details><summary>${skipped.length} ${noun} left alone (skipped), and why</summary>`,
      '',
      ...table(skipped, room),
      '',
      '</details>',
      '',
    );
  }
  if (room.folded > 0) {
    const noun = room.folded === 1 ? 'deployment is' : 'deployments are';
    out.push(`${room.folded} more ${noun} not shown here: the step's \`deployments\` output lists them.`, '');
  }
  return out.join('\n');
}

function table(results: DeploymentResult[], room: { rows: number; bytes: number; folded: number }): string[] {
  const rows = ['| Deployment | URL | State before | State after | Outcome | Details | Inspect |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    const url = r.url ? link(r.url, `https://${r.url}`) : '—';
    const inspect = r.inspectorUrl ? link('Inspect', r.inspectorUrl) : '—';
    const cells = [
      // An id as Vercel makes them in a code span; anything else as escaped text.
      r.id ? (/^[\w-]+$/.test(r.id) ? `\`${r.id}\`` : markdownText(r.id)) : '—',
      url,
      markdownText(stateBefore(r) ?? '—'),
      markdownText(r.readyState ?? '—'),
      `${ICON[r.outcome]} ${r.outcome}`,
      markdownText(r.reason),
      inspect,
    ];
    const row = `| ${cells.join(' | ')} |`;
    const bytes = Buffer.byteLength(row) + 1;
    if (room.rows <= 0 || bytes > room.bytes) {
      room.folded++;
      continue;
    }
    room.rows--;
    room.bytes -= bytes;
    rows.push(row);
  }
  return rows.length > 2 ? rows : [];
}

const COUNT_LABEL: Record<Outcome, string> = {
  canceled: 'canceled',
  'would-cancel': 'would be canceled',
  'already-finished': 'already finished',
  skipped: 'skipped',
  failed: 'failed',
};

/** "3 deployments: 2 canceled, 1 already finished." */
export function countsLine(results: DeploymentResult[]): string {
  const parts = (Object.keys(COUNT_LABEL) as Outcome[])
    .map((outcome) => [results.filter((r) => r.outcome === outcome).length, COUNT_LABEL[outcome]] as const)
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`);
  const noun = results.length === 1 ? 'deployment' : 'deployments';
  return `${results.length} ${noun}${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}
