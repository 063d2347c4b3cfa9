// The boundary for untrusted text (src/untrusted.ts), against a port of the runner's own command
// parsers (support/runner-commands.ts): no value, however made, forms a command, a second line or a secret.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { markdownText, MASK, MAX_VALUE_LENGTH, neutralise, neutraliseValue, secretForms } from '../../src/untrusted.js';
import { commandsIn, parseLine, registered } from '../support/runner-commands.js';

/** The payloads that forged outputs, masks and a stop-commands in issue 10. */
export const KNOWN_PAYLOADS = [
  'x\n::set-output name=pwn::1',
  'x\r::add-mask::CANCELED',
  'x\n::stop-commands::t',
  'o/r ##[set-output name=extra;]v',
  'x\r\n  ::error title=forged::owned',
  'x\u2028::warning::ls',
  'x\u0085::debug::x',
  'x\v::notice::v',
  'x\f::group::g',
  '::set-env name=NODE_OPTIONS::--require /tmp/x',
  '\u00a0\u3000::add-mask::READY',
  '#\u00ad#[add-mask]CANCELED',
  '#\u200b#\u2060[set-output name=x]1',
  '\u200b::set-output name=x::1',
  '##[##[error]x',
];

/** Strings made of the pieces commands are made of, and anything else. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc
    .array(
      fc.constantFrom(
        '::',
        ':',
        '##[',
        '#',
        '[',
        ']',
        '\n',
        '\r',
        '\r\n',
        '\v',
        '\f',
        '\u0085',
        '\u2028',
        '\u2029',
        '\u00ad',
        '\u200b',
        '\ufeff',
        '\u00a0',
        ' ',
        '\t',
        'set-output name=x',
        'add-mask',
        'stop-commands',
        '%0A',
        '\\',
        'x',
        '\ud800',
        '😀',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
  fc.constantFrom(...KNOWN_PAYLOADS),
);

describe('the runner parser port (support/runner-commands.ts)', () => {
  it('finds what the runner finds: its own test lines, V2 after white space, legacy anywhere', () => {
    const names = registered();
    expect(parseLine('::set-output name=a::b', names)).toMatchObject({ command: 'set-output', properties: { name: 'a' }, data: 'b' });
    expect(parseLine('   ::warning file=a.ts,line=3::x%0Ay', names)).toMatchObject({
      command: 'warning',
      properties: { file: 'a.ts', line: '3' },
      data: 'x\ny',
    });
    // actions/runner src/Test/L0/Worker/OutputManagerL0.cs: "this line is a command too ##[some-command]..."
    expect(commandsIn('this line is a command too ##[some-command]some data')).toHaveLength(1);
    expect(parseLine('o/r ##[set-output name=extra;]v', names)).toMatchObject({ command: 'set-output', properties: { name: 'extra' } });
    expect(parseLine('::unknown::x', names)).toBeUndefined();
    expect(parseLine('plain text: not :: a command', names)).toBeUndefined();
    // Every known payload is a command before neutralising.
    for (const payload of KNOWN_PAYLOADS) expect(commandsIn(payload).length).toBeGreaterThan(0);
  });
});

describe('neutralise', () => {
  it('turns each known payload into one plain line', () => {
    for (const payload of KNOWN_PAYLOADS) {
      const safe = neutralise(payload);
      expect(commandsIn(safe)).toEqual([]);
      expect(safe).not.toMatch(/[\r\n\v\f\u0085\u2028\u2029]/);
    }
    expect(neutralise('x\n::set-output name=pwn::1')).toBe('x\\n::set-output name=pwn::1');
    expect(neutralise('::stop-commands::t')).toBe('\\::stop-commands::t');
    expect(neutralise('o/r ##[set-output name=extra;]v')).toBe('o/r ##\\[set-output name=extra;]v');
    expect(neutralise('a\u2028b\u0085c')).toBe('a\\u{2028}b\\u{85}c');
    // Our own text passes unchanged, emoji variation selectors included.
    expect(neutralise('☑️ dpl_1 (web-1.vercel.app) already-finished: READY. ok')).toBe(
      '☑️ dpl_1 (web-1.vercel.app) already-finished: READY. ok',
    );
  });

  it('no string, alone or inside a line of ours, forms a command or a second line (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const value = neutralise(a);
        expect(value).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u);
        expect(commandsIn(value)).toEqual([]);
        // Composed as report.ts and cli.ts compose: values neutralised, then the whole line.
        for (const line of [
          `${value}${neutralise(b)}`,
          `✅ ${value} (${neutralise(b)}) canceled. ${value}`,
          `${a}::${b}`,
          `  ${a}##${b}[x]`,
        ]) {
          expect(commandsIn(neutralise(line))).toEqual([]);
        }
        // Idempotent: neutralising twice (value, then line) changes nothing more.
        expect(neutralise(value)).toBe(value);
        // The CLI's --json line: neutralised values in JSON are still no command, and still JSON.
        const json = JSON.stringify({ a: value, lines: [neutralise(b)] });
        expect(commandsIn(json)).toEqual([]);
        expect(neutralise(json)).toBe(json);
      }),
      { numRuns: 3000 },
    );
  });

  it('cuts a long value, saying how much was left out', () => {
    const long = neutraliseValue('a'.repeat(MAX_VALUE_LENGTH + 50));
    expect(long).toBe(`${'a'.repeat(MAX_VALUE_LENGTH)}… (50 more characters)`);
    // Never between the halves of a surrogate pair.
    const emoji = neutraliseValue(`${'a'.repeat(MAX_VALUE_LENGTH - 1)}😀b`);
    expect(emoji.startsWith(`${'a'.repeat(MAX_VALUE_LENGTH - 1)}…`)).toBe(true);
  });
});

describe('secrets in text from outside', () => {
  const TOKEN = 'vcp_Sec_ret_Token_1234567890';

  it('scrubs a token echoed as is, percent-encoded or JSON-escaped, and never leaves an escaped form', () => {
    const hidden = secretForms([TOKEN, undefined, '']);
    const echoed = `Not authorized: Bearer ${TOKEN} (${encodeURIComponent(`${TOKEN} `)}) ${JSON.stringify(TOKEN)}`;
    const safe = neutralise(echoed, hidden);
    expect(safe).toBe(`Not authorized: Bearer ${MASK} (${MASK}%20) "${MASK}"`);
    const md = markdownText(echoed, hidden);
    expect(md).not.toContain('Sec');
  });

  it('no arrangement of a token and hostile text leaks it, in a line or in markdown (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_]{8,40}$/);
    fc.assert(
      fc.property(token, hostile, hostile, (secret, before, after) => {
        const hidden = secretForms([secret, `  ${secret}\n`]);
        const text = `${before}${secret}${after}`;
        for (const out of [neutralise(text, hidden), markdownText(text, hidden)]) {
          expect(out).not.toContain(secret);
          expect(out).not.toContain(secret.replace(/_/g, '\\_'));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('markdownText', () => {
  it('escapes markup and breaks what would autolink, legibly', () => {
    expect(markdownText('see www.evil.com or https://evil.com/x, mail a@b.co | <b>!</b> [x](y) `c` *e*')).toBe(
      'see www\\.evil\\.com or https\\:\\//evil\\.com/x, mail a\\@b\\.co \\| \\<b\\>\\!\\</b\\> \\[x\\](y) \\`c\\` \\*e\\*',
    );
  });
});
