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

/** "BUILDING → CANCELED", or the one state known: the same words whichever way the deployment was named. */
function stateChange(r: DeploymentResult, arrow = '→'): string {
  const after = r.readyState ?? '—';
  return r.stateBefore && r.stateBefore !== r.readyState ? `${r.stateBefore} ${arrow} ${after}` : after;
}

/**
 * How long a build had been running when this run stopped it (or, in a dry run, would have): from
 * its creation to its cancel, both by Vercel's clock; to `now` for a dry run. Undefined for the rest.
 */
export function runningMs(r: DeploymentResult, now: number): number | undefined {
  if (r.createdAt === null) return undefined;
  if (r.outcome === 'canceled' && r.canceledAt !== null) return Math.max(0, r.canceledAt - r.createdAt);
  if (r.outcome === 'would-cancel') return Math.max(0, now - r.createdAt);
  return undefined;
}

/** "42 s", "3 min 12 s", "1 h 04 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** "Stopped 3 builds that had been running 12 min 40 s in all." — the figure users care about; undefined when none. */
export function stoppedLine(results: DeploymentResult[], now: number): string | undefined {
  const times = results.map((r) => runningMs(r, now)).filter((ms): ms is number => ms !== undefined);
  if (times.length === 0) return undefined;
  const dryRun = results.some((r) => r.outcome === 'would-cancel');
  const builds = times.length === 1 ? 'build' : 'builds';
  const total = duration(times.reduce((sum, ms) => sum + ms, 0));
  return dryRun
    ? `Dry run: would stop ${times.length} ${builds} that have been running ${total} in all.`
    : `Stopped ${times.length} ${builds} that had been running ${total} in all.`;
}

/** One log line for a deployment. */
export function logLine(r: DeploymentResult): string {
  const name = r.id ?? r.url ?? '(unknown)';
  const where = r.url && r.id ? ` (${r.url})` : '';
  const states = r.readyState || r.stateBefore ? `: ${stateChange(r, '->')}` : '';
  return `${ICON[r.outcome]} ${name}${where} ${r.outcome}${states}. ${r.reason}`;
}

/** An http(s) URL without credentials as a link destination, or undefined (API data is not trusted to be one). */
function safeTarget(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
  return linkTarget(url.href);
}

/** A link only to an http(s) URL without credentials; else the text alone. */
function link(text: string, href: string): string {
  const target = safeTarget(href);
  return target ? `[${linkText(text)}](${target})` : markdownText(text);
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

/**
 * The job summary: what the run did, a row per deployment (up to the bounds above). Four columns,
 * so that it reads at a glance at GitHub's summary width (~900 px): the deployment (its id linking
 * to its inspector page, its URL), its state, the outcome with how long the build had been running,
 * and why.
 */
export function summaryMarkdown(title: string, lines: string[], results: DeploymentResult[], now = Date.now()): string {
  const stopped = stoppedLine(results, now);
  // The lines carry names from the event and the API (a branch name is chosen by whoever pushed it).
  // One paragraph per line: markdown would run consecutive lines together.
  const out = [`## ${markdownText(title)}`, '', ...[...lines, ...(stopped ? [stopped] : [])].flatMap((line) => [markdownLine(line), ''])];
  const room = { rows: MAX_SUMMARY_ROWS, bytes: MAX_SUMMARY_TABLE_BYTES, folded: 0 };
  // What the run did comes first; what it left alone (in superseded mode often most of the team's
  // builds) folds away below, each with its reason.
  const acted = results.filter((r) => r.outcome !== 'skipped');
  const skipped = results.filter((r) => r.outcome === 'skipped');
  if (acted.length > 0) out.push(...table(acted, room, now), '');
  if (skipped.length > 0) {
    const noun = skipped.length === 1 ? 'deployment' : 'deployments';
    out.push(
      `<details><summary>${skipped.length} ${noun} left alone (skipped), and why</summary>`,
      '',
      ...table(skipped, room, now),
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

/** What the outcome column says: "✅ canceled after 3 min 12 s", "🔎 would cancel (dry run)". */
function outcomeCell(r: DeploymentResult, now: number): string {
  const ms = runningMs(r, now);
  const words = r.outcome === 'would-cancel' ? 'would cancel (dry run)' : r.outcome === 'already-finished' ? 'already finished' : r.outcome;
  const after = ms === undefined ? '' : r.outcome === 'canceled' ? ` after ${duration(ms)}` : `, running ${duration(ms)}`;
  return `${ICON[r.outcome]} ${words}${after}`;
}

function table(results: DeploymentResult[], room: { rows: number; bytes: number; folded: number }, now: number): string[] {
  const rows = ['| Deployment | State | Outcome | Why |', '|---|---|---|---|'];
  for (const r of results) {
    // An id as Vercel makes them in a code span (linked to its inspector page); anything else as escaped text.
    const inspector = r.inspectorUrl ? safeTarget(r.inspectorUrl) : undefined;
    const code = r.id && /^[\w-]+$/.test(r.id) ? `\`${r.id}\`` : undefined;
    const name = code ? (inspector ? `[${code}](${inspector})` : code) : r.id ? markdownText(r.id) : '—';
    const cells = [
      r.url ? `${name} ${link(r.url, `https://${r.url}`)}` : name,
      markdownText(stateChange(r)),
      outcomeCell(r, now),
      markdownText(r.reason),
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
