// The one boundary for text the action did not write itself: Vercel's answers (urls, ids, meta,
// error messages), GitHub's, the event payload and the environment. Every such value passes through
// `neutralise` before it reaches a log line, stdout/stderr or an output, and `markdownText` on its way
// into the job summary. Pure.
//
// Why: the runner reads every stdout line of a step for workflow commands (actions/runner
// src/Runner.Worker/ActionCommandManager.cs, TryProcessCommand), with two parsers
// (src/Runner.Common/ActionCommand.cs), the legacy one tried when the first fails:
// - TryParseV2: `message.TrimStart()`, `StartsWith("::")`, `IndexOf("::", 2)`: a command is
//   `::name props::data` at the start of a line, after leading white space;
// - TryParse: `message.IndexOf("##[")`, then the next `]`: a command is `##[name props]data`
//   ANYWHERE in a line.
// Both compare culture-sensitively (no StringComparison argument), which with ICU skips zero-width
// and other default-ignorable characters: `#\u00AD#[` may read as `##[`. The patterns below allow for
// that.

/** What replaces a secret, as the runner's own masker writes it. */
export const MASK = '***';

/**
 * Shown as escapes: every C0/C1 control (CR, LF, \v, \f, \x85 among them), U+2028/U+2029, and the
 * bidi controls that reorder what a reader sees.
 */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Half of a surrogate pair without the other half: not text, and no UTF-8 for it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The legacy prefix `##[`, also with ignorable characters between its characters. */
const LEGACY_PREFIX = /#\p{Default_Ignorable_Code_Point}*#\p{Default_Ignorable_Code_Point}*\[/gu;
/** `::` at the start, after white space (.NET's char.IsWhiteSpace is within \s, once controls are escaped) and ignorables. */
const LEADING_COMMAND = /^([\s\p{Default_Ignorable_Code_Point}]*):(?=\p{Default_Ignorable_Code_Point}*:)/u;

/** Longest string kept from one outside value; longer ones are cut, saying how much was left out. */
export const MAX_VALUE_LENGTH = 2000;
/** Secrets shorter than this are not scrubbed from text: they would garble it, and no real token is that short. */
const MIN_SECRET_LENGTH = 4;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n` for LF, `\r`, `\t`, else `\u{85}`-style: visible, on one line, and never part of a command. */
function visible(char: string): string {
  return ESCAPES[char] ?? `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

/** Replace every occurrence of each secret (longest first, so one that contains another goes whole). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  const usable = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of usable) out = out.split(secret).join(MASK);
  return out;
}

/** Markdown-escaped text for a table cell or a summary line (see markdownText): markup characters. */
const MARKUP = /[\\`*_[\]<>&|!~#$]/g;

/**
 * The forms of the secrets that a server could echo back, or that this action's own escaping could
 * make of them: as given and trimmed; percent-encoded; JSON-escaped; markdown-escaped; neutralised.
 * The runner masks its registered secrets in the log, but not a markdown-escaped `vcp\_…` in the
 * summary, and the command line has no runner at all.
 */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const raw of secrets) {
    for (const secret of [raw, raw?.trim()]) {
      if (!secret) continue;
      for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
        forms.add(form);
        forms.add(markdownText(form, []));
        forms.add(form.replace(MARKUP, '\\$&'));
        forms.add(neutralise(form, []));
      }
    }
  }
  return [...forms];
}

/**
 * One line of text that cannot be a workflow command, nor break into two lines, nor carry a secret:
 * secrets become `***`; control characters, line and paragraph separators and bidi controls become
 * visible escapes (`\n`, `\u{2028}`); `::` at the start (after white space) becomes `\::`; `##[`
 * anywhere becomes `##\[`. Idempotent. Applied to each value from outside and again to each whole
 * line the action writes, so a value inside a line cannot break out of it either.
 */
export function neutralise(text: string, secrets: readonly string[] = []): string {
  // Secrets first, while they are still whole; once more at the end, in case an escape joined one.
  let out = scrub(String(text).replace(LONE_SURROGATE, '\ufffd'), secrets);
  out = out.replace(INVISIBLE, visible);
  out = out.replace(LEGACY_PREFIX, '##\\[');
  out = out.replace(LEADING_COMMAND, '$1\\:');
  return scrub(out, secrets);
}

/** A value from outside for one field: neutralised, and cut at `max` characters (on a code point boundary). */
export function neutraliseValue(text: string, secrets: readonly string[] = [], max = MAX_VALUE_LENGTH): string {
  const out = neutralise(text, secrets);
  if (out.length <= max) return out;
  const high = out.charCodeAt(max - 1);
  const kept = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
  return `${out.slice(0, kept)}… (${out.length - kept} more characters)`;
}

/** Every string property of a record through `neutraliseValue`; other values as they are. */
export function neutraliseFields<T extends object>(record: T, secrets: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = typeof value === 'string' ? neutraliseValue(value, secrets) : value;
  return out as T;
}

/**
 * Text for the job summary (a table cell or a line): neutralised, then every markdown markup
 * character escaped (no HTML, image, link, code, emphasis, math, and `|` cannot end a cell), and
 * what GitHub or a linkifier would turn into a link broken with escapes that render as nothing
 * (`www\.x\.com`, `https\://`, `a\@b`).
 */
export function markdownText(text: string, secrets: readonly string[] = []): string {
  return neutralise(text, secrets)
    .replace(MARKUP, '\\$&')
    .replace(/\.(?=[\p{L}\p{N}])/gu, '\\.')
    .replace(/:(?=\/)/g, '\\:')
    .replace(/\/(?=\/)/g, '\\/')
    .replace(/@/g, '\\@');
}
