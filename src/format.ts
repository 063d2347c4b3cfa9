// What the action reports, as text: outputs, log lines, the summary. Pure, so the command line
// entry prints the same report as the action.
import type { DeploymentResult, Outcome } from './cancel.js';

const ICON: Record<Outcome, string> = {
  canceled: '✅',
  'already-finished': '☑️',
  'would-cancel': '🔎',
  skipped: '⏭️',
  failed: '❌',
};

/** The step outputs. `primary` is the deployment that ready-state and canceled-at describe. */
export function outputsOf(results: DeploymentResult[], primary: DeploymentResult | undefined): Record<string, string> {
  const canceled = results.filter((r) => r.outcome === 'canceled');
  return {
    'ready-state': primary?.readyState ?? '',
    'canceled-at': primary?.outcome === 'canceled' && primary.canceledAt !== null ? String(primary.canceledAt) : '',
    'canceled-ids': canceled.map((r) => r.id).join(','),
    'canceled-count': String(canceled.length),
    deployments: JSON.stringify(
      results.map(({ id, url, readyState, canceledAt, outcome, reason }) => ({ id, url, readyState, canceledAt, outcome, reason })),
    ),
  };
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

/** Text for one markdown table cell: no HTML, no table breaks, no markdown links from API data. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([|\\[\]`*_])/g, '\\$1');
}

/** A link only to an https URL (API data is not trusted to be one). */
function link(text: string, href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return cell(text);
  }
  if (url.protocol !== 'https:') return cell(text);
  return `[${cell(text)}](${url.href.replace(/[()\s]/g, encodeURIComponent)})`;
}

/** The job summary: what the run did, a row per deployment. */
export function summaryMarkdown(title: string, lines: string[], results: DeploymentResult[]): string {
  // The lines carry names from the event and the API (a branch name is chosen by whoever pushed it).
  const out = [`## ${title}`, '', ...lines.map(cell), ''];
  // What the run did comes first; what it left alone (in superseded mode often most of the team's
  // builds) folds away below, each with its reason.
  const acted = results.filter((r) => r.outcome !== 'skipped');
  const skipped = results.filter((r) => r.outcome === 'skipped');
  if (acted.length > 0) out.push(...table(acted), '');
  if (skipped.length > 0) {
    const noun = skipped.length === 1 ? 'deployment' : 'deployments';
    out.push(
      `<details><summary>${skipped.length} ${noun} left alone (skipped), and why</summary>`,
      '',
      ...table(skipped),
      '',
      '</details>',
      '',
    );
  }
  return out.join('\n');
}

function table(results: DeploymentResult[]): string[] {
  const rows = ['| Deployment | URL | State before | State after | Outcome | Details | Inspect |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    const url = r.url ? link(r.url, `https://${r.url}`) : '—';
    const inspect = r.inspectorUrl ? link('Inspect', r.inspectorUrl) : '—';
    const row = [
      r.id ? `\`${r.id.replace(/`/g, '')}\`` : '—',
      url,
      cell(stateBefore(r) ?? '—'),
      cell(r.readyState ?? '—'),
      `${ICON[r.outcome]} ${r.outcome}`,
      cell(r.reason),
      inspect,
    ];
    rows.push(`| ${row.join(' | ')} |`);
  }
  return rows;
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
