import { describe, expect, it } from '@jest/globals';
import type { DeploymentResult } from '../src/cancel.js';
import { countsLine, logLine, outputsOf, summaryMarkdown } from '../src/format.js';

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
  it('renders a row per deployment with links', () => {
    const md = summaryMarkdown('Cancel Vercel deployments', ['1 deployment: 1 canceled.'], [result({ stateBefore: null })]);
    expect(md).toBe(
      [
        '## Cancel Vercel deployments',
        '',
        '1 deployment: 1 canceled.',
        '',
        '| Deployment | URL | State before | State after | Outcome | Details | Inspect |',
        '|---|---|---|---|---|---|---|',
        '| `dpl_a` | [web-a.vercel.app](https://web-a.vercel.app/) | in progress | CANCELED | ✅ canceled | canceled by this run | [Inspect](https://vercel.com/acme/web/a) |',
        '',
      ].join('\n'),
    );
  });

  it('escapes API text so it cannot break the table or inject HTML or links', () => {
    const md = summaryMarkdown(
      't',
      [],
      [result({ url: null, inspectorUrl: 'javascript:alert(1)', reason: 'a | b\n<img src=x> [x](http://evil)', outcome: 'failed' })],
    );
    const row = md.split('\n').find((l) => l.startsWith('| `dpl_a`'))!;
    // The line break is shown as `\n`; markup is backslash-escaped; `http\://` is no autolink.
    expect(row).toBe('| `dpl_a` | — | BUILDING | CANCELED | ❌ failed | a \\| b\\\\n\\<img src=x\\> \\[x\\](http\\:\\//evil) | Inspect |');
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
    expect(details).toBeGreaterThan(md.indexOf('| `dpl_done` |'));
    expect(md.indexOf('| `dpl_skip1` |')).toBeGreaterThan(details);
    expect(md.indexOf('| `dpl_skip2` |')).toBeGreaterThan(details);
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
