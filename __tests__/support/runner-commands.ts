// A port of the GitHub runner's two workflow-command parsers, to find every command a step's output
// would issue. Faithful to actions/runner src/Runner.Common/ActionCommand.cs (TryParseV2, TryParse,
// UnescapeData, UnescapeProperty, Unescape) and src/Runner.Worker/ActionCommandManager.cs
// (TryProcessCommand: V2 first, the legacy parser when V2 fails; the registered command names).
// Where the C# is culture-sensitive (StartsWith/IndexOf(string) without a StringComparison: ICU
// skips default-ignorable characters), `commandsIn` also parses each line with those characters
// removed: a command found either way counts. Lines are split as .NET's StreamReader.ReadLine does
// (\r, \n, \r\n), and, to be safe, on every other line break a viewer might honour too.

export interface ParsedCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  /** Which parser found it. */
  parser: 'v2' | 'legacy';
  line: string;
}

/** The names ActionCommandManager registers (stop-commands, then each IActionCommandExtension's Command). */
export const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
];

/** A set of command names compared as C#'s HashSet with StringComparer.OrdinalIgnoreCase. */
export interface CommandNames {
  has(name: string): boolean;
}
export const registered = (names: readonly string[] = REGISTERED_COMMANDS): CommandNames => {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return { has: (name) => lower.has(name.toLowerCase()) };
};
/** Every name counts: a `stop-commands` token registers an arbitrary name, so the tests assume any could be. */
export const ANY_NAME: CommandNames = { has: (name) => name.length > 0 };

// EscapeMapping arrays, in their C# order (Unescape replaces Replacement with Token in that order).
const ESCAPE = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
  ['%', '%25'],
] as const;
const ESCAPE_DATA = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  ['%', '%25'],
] as const;
const ESCAPE_PROPERTY = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  [':', '%3A'],
  [',', '%2C'],
  ['%', '%25'],
] as const;
const unescapeWith = (mappings: ReadonlyArray<readonly [string, string]>, escaped: string) =>
  escaped === '' ? '' : mappings.reduce((text, [token, replacement]) => text.split(replacement).join(token), escaped);

/** .NET char.IsWhiteSpace: Zs, Zl, Zp, U+0009–U+000D, U+0085, U+00A0 (String.TrimStart trims these). */
// eslint-disable-next-line no-control-regex -- the control characters .NET counts as white space
const DOTNET_WHITESPACE = /^[\p{Zs}\p{Zl}\p{Zp}\u0009-\u000d\u0085\u00a0]+/u;

/** C#'s Split(new[] {c}, StringSplitOptions.RemoveEmptyEntries). */
const splitNonEmpty = (text: string, separator: string) => text.split(separator).filter((part) => part !== '');
/** C#'s Split(new[] {'='}, count: 2, RemoveEmptyEntries): a key and the rest, empty parts dropped. */
function splitPair(text: string): string[] {
  const rest = text.replace(/^=+/, '');
  const eq = rest.indexOf('=');
  if (eq < 0) return rest === '' ? [] : [rest];
  const value = rest.slice(eq + 1);
  return value === '' ? [rest.slice(0, eq)] : [rest.slice(0, eq), value];
}

/** ActionCommand.TryParseV2: `::name k=v,k=v::data` after leading white space. */
export function tryParseV2(message: string, names: CommandNames): ParsedCommand | undefined {
  if (message === '') return undefined;
  const trimmed = message.replace(DOTNET_WHITESPACE, '');
  if (!trimmed.startsWith('::')) return undefined;
  const endIndex = trimmed.indexOf('::', 2);
  if (endIndex < 0) return undefined;
  const cmdInfo = trimmed.slice(2, endIndex);
  const spaceIndex = cmdInfo.indexOf(' ');
  const command = spaceIndex < 0 ? cmdInfo : cmdInfo.slice(0, spaceIndex);
  if (!names.has(command)) return undefined;
  const properties: Record<string, string> = {};
  if (spaceIndex > 0) {
    const propertiesStr = cmdInfo.slice(spaceIndex + 1).trim();
    for (const propertyStr of splitNonEmpty(propertiesStr, ',')) {
      const pair = splitPair(propertyStr);
      if (pair.length === 2) properties[pair[0]!] = unescapeWith(ESCAPE_PROPERTY, pair[1]!);
    }
  }
  return { command, properties, data: unescapeWith(ESCAPE_DATA, trimmed.slice(endIndex + 2)), parser: 'v2', line: message };
}

/** ActionCommand.TryParse (legacy): `##[name k=v;k=v]data` anywhere in the line. */
export function tryParse(message: string, names: CommandNames): ParsedCommand | undefined {
  if (message === '') return undefined;
  const prefixIndex = message.indexOf('##[');
  if (prefixIndex < 0) return undefined;
  const rbIndex = message.indexOf(']', prefixIndex);
  if (rbIndex < 0) return undefined;
  const cmdInfo = message.slice(prefixIndex + 3, rbIndex);
  const spaceIndex = cmdInfo.indexOf(' ');
  const command = spaceIndex < 0 ? cmdInfo : cmdInfo.slice(0, spaceIndex);
  if (!names.has(command)) return undefined;
  const properties: Record<string, string> = {};
  if (spaceIndex > 0) {
    for (const propertyStr of splitNonEmpty(cmdInfo.slice(spaceIndex + 1), ';')) {
      const pair = splitPair(propertyStr);
      if (pair.length === 2) properties[pair[0]!] = unescapeWith(ESCAPE, pair[1]!);
    }
  }
  return { command, properties, data: unescapeWith(ESCAPE, message.slice(rbIndex + 1)), parser: 'legacy', line: message };
}

/** ActionCommandManager.TryProcessCommand's parsing step: V2, else the legacy parser. */
export function parseLine(line: string, names: CommandNames): ParsedCommand | undefined {
  return tryParseV2(line, names) ?? tryParse(line, names);
}

/** Every line break the runner (or a log viewer) could split on. */
const LINE_BREAKS = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** The commands in a step's output, as the runner would read them; `names` defaults to any name at all. */
export function commandsIn(output: string, names: CommandNames = ANY_NAME): ParsedCommand[] {
  const found: ParsedCommand[] = [];
  for (const line of output.split(LINE_BREAKS)) {
    const command = parseLine(line, names) ?? parseLine(line.replace(IGNORABLE, ''), names);
    if (command) found.push({ ...command, line });
  }
  return found;
}
