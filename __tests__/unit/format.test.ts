import { describe, expect, it } from '@jest/globals';
import type { DeploymentResult } from '../../src/cancel.js';
import { countsLine, logLine, outputsOf, summaryMarkdown } from '../../src/format.js';

const result = (fields: Partial<DeploymentResult>): DeploymentResult => ({
  id: 'dpl_a',
  url: 'web-a.vercel.app',
  inspectorUrl: 'https://vercel.com/acme/web/a',
  stateBefore: 'BUILDING',
  readyState: 'CANCELED',
  canceledAt: 1767225600123,
  createdAt: 1767225600000,
  outcome: 'canceled',
  reason: 'canceled by this run',
  ...fields,
});

describe('outputsOf', () => {
  it('describes the primary deployment and lists what was canceled', () => {
    const results = [
      result({}),
      result({ id: 'dpl_b', outcome: 'already-finished', readyState: 'READY', canceledAt: null }),
      result({ id: 'dpl_c' }),
    ];
    const outputs = outputsOf(results, results[0]);
    expect(outputs).toMatchObject({
      'ready-state': 'CANCELED',
      'canceled-at': '1767225600123',
      'canceled-ids': 'dpl_a,dpl_c',
      'canceled-count': '2',
    });
    expect(JSON.parse(outputs.deployments!)).toEqual([
      {
        id: 'dpl_a',
        url: 'web-a.vercel.app',
        readyState: 'CANCELED',
        canceledAt: 1767225600123,
        outcome: 'canceled',
        reason: 'canceled by this run',
      },
      {
        id: 'dpl_b',
        url: 'web-a.vercel.app',
        readyState: 'READY',
        canceledAt: null,
        outcome: 'already-finished',
        reason: 'canceled by this run',
      },
      {
        id: 'dpl_c',
        url: 'web-a.vercel.app',
        readyState: 'CANCELED',
        canceledAt: 1767225600123,
        outcome: 'canceled',
        reason: 'canceled by this run',
      },
    ]);
  });

  it('leaves canceled-at empty when this run did not cancel the primary deployment', () => {
    const finished = result({ outcome: 'already-finished', readyState: 'CANCELED', canceledAt: null });
    expect(outputsOf([finished], finished)).toMatchObject({
      'ready-state': 'CANCELED',
      'canceled-at': '',
      'canceled-ids': '',
      'canceled-count': '0',
    });
    expect(outputsOf([], undefined)).toEqual({
      'ready-state': '',
      'canceled-at': '',
      'canceled-ids': '',
      'canceled-count': '0',
      deployments: '[]',
    });
  });
});

describe('logLine', () => {
  it('says what happened, with the state change', () => {
    expect(logLine(result({}))).toBe('✅ dpl_a (web-a.vercel.app) canceled: BUILDING -> CANCELED. canceled by this run');
    // The state before is shown only when it was read: the same words for an id as for a URL.
    expect(logLine(result({ stateBefore: null }))).toBe('✅ dpl_a (web-a.vercel.app) canceled: CANCELED. canceled by this run');
    expect(
      logLine(result({ id: null, url: 'x.vercel.app', readyState: null, stateBefore: null, outcome: 'failed', reason: 'not found' })),
    ).toBe('❌ x.vercel.app failed. not found');
  });
});

describe('countsLine', () => {
  it('counts outcomes in a fixed order', () => {
    expect(countsLine([result({ outcome: 'failed' }), result({}), result({ outcome: 'already-finished' }), result({})])).toBe(
      '4 deployments: 2 canceled, 1 already finished, 1 failed.',
    );
    expect(countsLine([result({ outcome: 'would-cancel' })])).toBe('1 deployment: 1 would be canceled.');
  });
});

describe('summaryMarkdown', () => {
  it('renders a row per deployment: the id linked to its inspector page, the URL, the state, the outcome with the build time, why', () => {
    const md = summaryMarkdown(
      'Cancel Vercel deployments',
      ['1 deployment: 1 canceled.'],
      [result({ canceledAt: 1767225600000 + 192_000 })],
    );
    expect(md).toBe(
      [
        '## Cancel Vercel deployments',
        '',
        '1 deployment: 1 canceled.',
        '',
        'Stopped 1 build that had been running 3 min 12 s in all.',
        '',
        '| Deployment | State | Outcome | Why |',
        '|---|---|---|---|',
        '| [`dpl_a`](https://vercel.com/acme/web/a) [web-a.vercel.app](https://web-a.vercel.app/) | BUILDING → CANCELED | ✅ canceled after 3 min 12 s | canceled by this run |',
        '',
      ].join('\n'),
    );
  });

  it('a dry run: each row says so, with how long the build has been running, and the total it would stop', () => {
    const now = 1767225600000 + 3_723_000;
    const rows = [
      result({ outcome: 'would-cancel', readyState: 'BUILDING', canceledAt: null }),
      result({ outcome: 'already-finished', readyState: 'READY' }),
    ];
    const md = summaryMarkdown('t (dry run: nothing was canceled)', [], rows, now);
    expect(md).toContain('Dry run: would stop 1 build that have been running 1 h 02 min in all.');
    expect(md).toContain('| BUILDING | 🔎 would cancel (dry run), running 1 h 02 min |');
    expect(md).toContain('| BUILDING → READY | ☑️ already finished |');
  });

  it('escapes API text so it cannot break the table or inject HTML or links', () => {
    const md = summaryMarkdown(
      't',
      [],
      [result({ url: null, inspectorUrl: 'javascript:alert(1)', reason: 'a | b\n<img src=x> [x](http://evil)', outcome: 'failed' })],
    );
    const row = md.split('\n').find((l) => l.startsWith('| `dpl_a`'))!; // no link: the inspector URL is not http(s)
    // The line break is shown as `\n`; markup is backslash-escaped; `http\://` is no autolink.
    expect(row).toBe('| `dpl_a` | BUILDING → CANCELED | ❌ failed | a \\| b\\\\n\\<img src=x\\> \\[x\\](http\\:\\//evil) |');
  });

  it('folds the deployments left alone into a details block below the ones acted on', () => {
    const md = summaryMarkdown(
      't',
      ['line'],
      [
        result({ id: 'dpl_skip1', outcome: 'skipped', reason: 'branch other, not main' }),
        result({ id: 'dpl_done' }),
        result({ id: 'dpl_skip2', outcome: 'skipped', reason: 'a newer commit' }),
      ],
    );
    const details = md.indexOf('<details><summary>2 deployments left alone (skipped), and why</summary>');
    expect(details).toBeGreaterThan(md.indexOf('| [`dpl_done`]'));
    expect(md.indexOf('| [`dpl_skip1`]')).toBeGreaterThan(details);
    expect(md.indexOf('| [`dpl_skip2`]')).toBeGreaterThan(details);
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
    // Blank lines around the table, or GitHub renders it as text inside <details>.
    expect(md).toContain('</summary>\n\n| Deployment |');
  });

  it('escapes the header lines too: a branch name is chosen by whoever pushed it', () => {
    const md = summaryMarkdown(
      't',
      ['Current commit abc1234 on branch x<img/src=https://evil/p>[a](https://evil) of acme/web (push).'],
      [],
    );
    expect(md).toContain('on branch x\\<img/src=https\\:\\//evil/p\\>\\[a\\](https\\:\\//evil) of acme/web (push).');
    expect(md).not.toMatch(/(?<!\\)<img/);
  });
});
