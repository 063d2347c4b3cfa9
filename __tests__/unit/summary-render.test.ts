// The job summary as GitHub would show it: rendered with markdown-it (GFM tables, linkify on, raw
// HTML allowed so that any that got through would show), then the HTML is checked.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { DeploymentResult } from '../../src/cancel.js';
import { MAX_OUTPUT_BYTES, MAX_SUMMARY_ROWS, outputsOf, summaryMarkdown } from '../../src/format.js';
import { MAX_VALUE_LENGTH, neutraliseFields } from '../../src/untrusted.js';

const md = new MarkdownIt({ html: true, linkify: true });

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

/** Rendered as report.ts renders: values through the boundary first. */
const render = (lines: string[], results: DeploymentResult[]) =>
  md.render(
    summaryMarkdown(
      'Cancel Vercel deployments',
      lines,
      results.map((r) => neutraliseFields(r)),
    ),
  );

const tags = (html: string) => [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!);
/** The body rows of every table. */
const bodyRows = (html: string) => [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((m) => m[1]!.match(/<tr>/g) ?? []).length;
/** Tags the summary itself makes: a heading, paragraphs, tables, links, code, the skipped rows' details. */
const OURS = new Set(['h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code', 'details', 'summary', 'br']);

/** Links the action makes for a row: its URL (when it makes an https URL), and its id to the inspector page (an id as Vercel makes them). */
function expectedLinks(r: DeploymentResult): number {
  const ok = (href: string) => {
    try {
      const url = new URL(href);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
    } catch {
      return false;
    }
  };
  return (r.url && ok(`https://${r.url}`) ? 1 : 0) + (r.id && /^[\w-]+$/.test(r.id) && r.inspectorUrl && ok(r.inspectorUrl) ? 1 : 0);
}

function expectSafe(html: string, raw: DeploymentResult[]): void {
  const results = raw.map((r) => neutraliseFields(r));
  expect(bodyRows(html)).toBe(results.length);
  expect(hrefs(html)).toHaveLength(results.reduce((n, r) => n + expectedLinks(r), 0));
  for (const href of hrefs(html)) expect(href).toMatch(/^https?:\/\/[^\s"'()<>`\\|]*$/);
  expect(html).not.toMatch(/<img/i);
  for (const tag of tags(html)) expect(OURS).toContain(tag);
  // Only the one details block of ours, when there are skipped rows.
  expect((html.match(/<details>/g) ?? []).length).toBe(results.some((r) => r.outcome === 'skipped') ? 1 : 0);
}

describe('the summary, rendered', () => {
  it("four columns, so that it reads at GitHub's summary width (~900 px: checked by eye in Chromium)", () => {
    const html = render(['1 deployment: 1 canceled.'], [result({})]);
    expect([...html.matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1])).toEqual(['Deployment', 'State', 'Outcome', 'Why']);
  });

  it('hostile urls, ids and reasons stay text in their own cell: the issue 10 cases', () => {
    const results = [
      result({
        id: 'dpl_1',
        url: 'a.vercel.app)[Approve](https://evil.example/approve',
        reason: 'see www.evil.example and https://evil.example',
      }),
      result({ id: 'dpl_2\n| x | y |', url: 'b.vercel.app|c', inspectorUrl: 'https://vercel.com/x)![i](https://evil.example/i.png' }),
      result({
        id: 'dpl_3',
        url: 'c.vercel.app',
        inspectorUrl: 'javascript:alert(1)',
        reason: '<img src=x onerror=alert(1)> <script>x</script> ![i](https://evil/i.png)',
      }),
      result({ id: 'dpl_7', url: 'b.vercel.app/)[Approve](https://evil.example/approve' }),
      result({ id: 'dpl_4', url: 'user:pw@evil.example', reason: 'a\\|b\\\\|c `|` [x]: https://evil\n\n| 1 | 2 |\n|---|---|' }),
      result({ id: 'dpl_5', outcome: 'skipped', reason: '</details><img src=x> mail me@evil.example &amp; &#60;b&#62;' }),
      result({ id: 'dpl_6', url: 'd.vercel.app/\'"<>`\\ (x)', outcome: 'failed', reason: '$x^2$ ~~s~~ **b** _i_ #1 @someone' }),
    ];
    const html = render(
      ['Current commit abc1234 on branch x<img/src=https://evil/p>[a](https://evil) of o/r ##[set-output name=x]y (push).'],
      results,
    );
    expectSafe(html, results);
    // The deployment link goes where the action meant, with `(`, `)` and `|` encoded.
    expect(html).toContain('a.vercel.app)[Approve](https://evil.example/approve');
    expect(hrefs(html)).toContain('https://b.vercel.app/%29%5BApprove%5D%28https://evil.example/approve');
    expect(html).toContain('see www.evil.example and https://evil.example');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('any text in any field: one row per deployment, links only where the action made them (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .array(
          fc.constantFrom(
            '|',
            '\\',
            '\n',
            '[',
            ']',
            '(',
            ')',
            '!',
            '<',
            '>',
            '`',
            '*',
            '_',
            'https://',
            'www.',
            '.com',
            '@',
            'x',
            ' ',
            '&',
            '#',
            ':',
            '$',
            '~',
            '<img src=x>',
            '</details>',
            '-',
            '---',
            '=',
            '+',
            '1.',
            '2)',
            '    ',
            '\t',
          ),
          { maxLength: 25 },
        )
        .map((parts) => parts.join('')),
    );
    const row = fc.record({
      id: fc.option(text, { nil: null }),
      url: fc.option(text, { nil: null }),
      inspectorUrl: fc.option(
        fc.oneof(
          text,
          text.map((t) => `https://vercel.com/${t}`),
        ),
        { nil: null },
      ),
      stateBefore: fc.option(text, { nil: null }),
      readyState: fc.option(text, { nil: null }),
      reason: text,
      outcome: fc.constantFrom('canceled', 'already-finished', 'would-cancel', 'skipped', 'failed' as const),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(text, { maxLength: 3 }), (rows, lines) => {
        const results = rows.map((fields) => result(fields));
        expectSafe(render(lines, results), results);
      }),
      { numRuns: 200 },
    );
  });

  it("stays far under GitHub's 1 MiB: rows past the bound fold into a count that points to the deployments output", () => {
    const long = 'x|'.repeat(MAX_VALUE_LENGTH);
    const results = Array.from({ length: 5000 }, (_, i) =>
      result({ id: `dpl_${i}`, url: `${long}.vercel.app`, reason: long, outcome: i % 2 ? 'skipped' : 'canceled' }),
    );
    const summary = summaryMarkdown(
      't',
      ['5000 deployments.'],
      results.map((r) => neutraliseFields(r)),
    );
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);
    const html = md.render(summary);
    const shown = bodyRows(html);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(MAX_SUMMARY_ROWS);
    expect(summary).toContain(`${5000 - shown} more deployments are not shown here: the step's \`deployments\` output lists them.`);

    // A few short rows: all shown, no count.
    const few = summaryMarkdown('t', [], results.slice(0, 3));
    expect(few).not.toContain('not shown here');
  });

  it('bounds the outputs: deployments and canceled-ids stop at MAX_OUTPUT_BYTES, the count counts all', () => {
    const results = Array.from({ length: 2000 }, (_, i) =>
      neutraliseFields(result({ id: `dpl_${'i'.repeat(300)}${i}`, reason: 'r'.repeat(3000) })),
    );
    const outputs = outputsOf(results, results[0]);
    expect(Buffer.byteLength(outputs.deployments!)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(Buffer.byteLength(outputs['canceled-ids']!)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    const listed = JSON.parse(outputs.deployments!) as Array<{ id: string }>;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(results.length);
    expect(listed.map((d) => d.id)).toEqual(results.slice(0, listed.length).map((r) => r.id));
    expect(outputs['canceled-count']).toBe('2000');
  });
});
