// zod/mini: the same zod, as functions a bundler can shake (issue 11, item 5). The full `zod` entry
// brings every schema kind and method onto the by-id path's start-up.
import * as z from 'zod/mini';

/** A bad input: the message names the input and the fix; main prints it as one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** What the user asked to cancel: an id, or a hostname that the API resolves to one. */
export type DeploymentRef = { kind: 'id'; id: string } | { kind: 'host'; host: string };

export type TeamScope = { teamId: string } | { slug: string } | Record<string, never>;

/** Which deployments superseded mode may cancel: production, preview, all, or one custom environment (by slug, lower case). */
export type Target = 'production' | 'preview' | 'all' | { customEnvironment: string };

export interface Inputs {
  token: string;
  /** Empty: superseded mode. */
  deployments: DeploymentRef[];
  scope: TeamScope;
  projectId?: string;
  sha?: string;
  branch?: string;
  target: Target;
  githubToken?: string;
  dryRun: boolean;
  /** Without a trailing slash. */
  apiUrl: string;
  retries: number;
  requestTimeoutMs: number;
  timeBudgetMs: number;
  failOnError: boolean;
}

export const INPUT_NAMES = [
  'token',
  'deployment-id',
  'team-id',
  'team-slug',
  'project-id',
  'sha',
  'branch',
  'target',
  'github-token',
  'dry-run',
  'api-url',
  'retries',
  'request-timeout',
  'time-budget',
  'fail-on-error',
] as const;
export type RawInputs = Partial<Record<(typeof INPUT_NAMES)[number], string>>;

const DEFAULT_API_URL = 'https://api.vercel.com';
// A custom environment's slug, as Vercel shows it (vercel list: customEnvironment.slug). Vercel
// documents no pattern: this takes a slug's usual shape, letters, digits and inner hyphens.
const CUSTOM_ENVIRONMENT_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const DEPLOYMENT_ID = /^dpl_[A-Za-z0-9]+$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
// The dashboard's inspector page: https://vercel.com/<team>/<project>/<id without dpl_>. Ids are long
// random strings; the length keeps other pages of that shape (/acme/web/deployments) out.
const INSPECTOR_PATH = /^\/[^/]+\/[^/]+\/([A-Za-z0-9]{16,})\/?$/;

/** Quote a user's value for an error line: control characters escaped, long values cut. */
function show(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  // JSON.stringify escapes C0 controls; DEL, C1 controls and line separators get the same treatment.
  return JSON.stringify(cut).replace(/[\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parseDeploymentRef(value: string): DeploymentRef | string {
  if (DEPLOYMENT_ID.test(value)) return { kind: 'id', id: value };
  const idHelp = 'A deployment id is dpl_ followed by letters and digits; a deployment URL looks like https://my-app-abc123.vercel.app.';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\x00-\x1f\x7f]/.test(value)) return `contains a control character in ${show(value)}. ${idHelp}`;
  if (value.startsWith('dpl_')) return `has an invalid deployment id ${show(value)}. ${idHelp}`;

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (!hasScheme && !value.includes('/')) {
    const host = value.toLowerCase();
    if (host === 'vercel.com' || host === 'www.vercel.com')
      return `has ${show(value)}, which is Vercel's site, not a deployment. ${idHelp}`;
    return HOSTNAME.test(host) ? { kind: 'host', host } : `has ${show(value)}, which is neither a deployment id nor a hostname. ${idHelp}`;
  }
  let url: URL;
  try {
    url = new URL(hasScheme ? value : `https://${value}`);
  } catch {
    return `has ${show(value)}, which is not a valid URL. ${idHelp}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `has ${show(value)}: only http(s) URLs are accepted. ${idHelp}`;
  if (url.username || url.password) return `has a URL with credentials in it; pass only the deployment's URL. ${idHelp}`;
  if (url.hostname === 'vercel.com' || url.hostname === 'www.vercel.com') {
    const inspector = INSPECTOR_PATH.exec(url.pathname);
    if (inspector) return { kind: 'id', id: `dpl_${inspector[1]}` };
    return `has ${show(value)}, a vercel.com page that is not a deployment's inspector page. ${idHelp}`;
  }
  if (!HOSTNAME.test(url.hostname)) return `has ${show(value)}, whose host is not a deployment hostname. ${idHelp}`;
  return { kind: 'host', host: url.hostname };
}

type Payload = z.core.ParsePayload;

/** Report `message` as the input's issue; the transform's result is then ignored. */
function fail(ctx: Payload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

/** `schema`, then `fn` on what it gives (zod's `.transform`, as a pipe). */
const then = <S extends z.ZodMiniType, R>(schema: S, fn: (value: z.output<S>, ctx: Payload) => R) =>
  z.pipe(schema, z.transform<z.output<S>, R>(fn));

const optionalString = z.optional(z.string());
const optionalText = then(optionalString, (s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

/** Like core.getBooleanInput: the YAML 1.2 core schema's booleans. */
const booleanInput = (fallback: boolean) =>
  then(optionalText, (s, ctx) => {
    if (s === undefined) return fallback;
    if (['false', 'False', 'FALSE'].includes(s)) return false;
    if (['true', 'True', 'TRUE'].includes(s)) return true;
    return fail(ctx, `must be true or false, not ${show(s)}.`);
  });

/** A whole number in [min, max]. */
const integerInput = (fallback: number, min: number, max: number, unit: string) =>
  then(optionalText, (s, ctx) => {
    if (s === undefined) return fallback;
    const n = Number(s);
    if (/^\d+$/.test(s) && n >= min && n <= max) return n;
    return fail(ctx, `must be a whole number of ${unit} from ${min} to ${max}, not ${show(s)}.`);
  });

function pattern(re: RegExp, message: (s: string) => string) {
  return then(optionalText, (s, ctx) => (s === undefined || re.test(s) ? s : fail(ctx, message(s))));
}

const schema = z
  .object({
    token: then(optionalString, (s, ctx) => {
      const token = (s ?? '').trim();
      if (token === '') {
        return fail(
          ctx,
          'is empty. Pass a Vercel access token, e.g. `token: ${{ secrets.VERCEL_TOKEN }}`. ' +
            'If you do, the secret is not set in this repository or organization, ' +
            'or the run was triggered from a fork, whose workflows get no secrets.',
        );
      }
      // Never echo the token: it is a secret, and a bad one may be a paste of something else.
      if (!/^[\x21-\x7e]+$/.test(token)) {
        return fail(
          ctx,
          'contains spaces or characters that cannot be sent in an HTTP header. ' +
            'Copy the token again from https://vercel.com/account/tokens into the secret.',
        );
      }
      return token;
    }),
    // Empty or whitespace: superseded mode. The runner sets every declared input, '' when the step
    // does not give it (actions/runner ActionManifestManager.ConvertInputs, Handler.AddInputsToEnvironment),
    // so "not given" and "given empty" cannot be told apart.
    'deployment-id': then(optionalString, (s, ctx) => {
      const refs: DeploymentRef[] = [];
      const seen = new Set<string>();
      if (s === undefined || s.trim() === '') return refs;
      const values = s.split(/[\s,]+/).filter(Boolean);
      if (values.length === 0) {
        return fail(
          ctx,
          `names no deployment, only separators (${show(s)}). Pass deployment ids (dpl_…) or URLs, or leave it empty to cancel the deployments the current commit supersedes.`,
        );
      }
      for (const value of values) {
        const ref = parseDeploymentRef(value);
        if (typeof ref === 'string') return fail(ctx, ref);
        const key = ref.kind === 'id' ? ref.id : ref.host;
        if (!seen.has(key)) refs.push(ref);
        seen.add(key);
      }
      return refs;
    }),
    'team-id': pattern(/^team_[A-Za-z0-9]+$/, (s) =>
      /^[A-Za-z0-9._-]+$/.test(s)
        ? `must be a team id (team_ followed by letters and digits), not ${show(s)}. If that is your team's slug, pass it as team-slug instead.`
        : `must be a team id (team_ followed by letters and digits), not ${show(s)}. Find it in the team's Settings, under Team ID.`,
    ),
    'team-slug': pattern(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
      (s) => `must be a team slug (letters, digits, '-', '_' and '.'), not ${show(s)}. It is the team's name in vercel.com/<slug> URLs.`,
    ),
    'project-id': pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, (s) => `must be a project id (prj_…) or project name, not ${show(s)}.`),
    sha: then(
      pattern(/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, (s) => `must be a full commit SHA (40 hex digits), not ${show(s)}.`),
      (s) => s?.toLowerCase(),
    ),
    branch: then(
      then(optionalText, (s) => s?.replace(/^refs\/heads\//, '')),
      (s, ctx) => {
        // git check-ref-format's main rules: no control characters, spaces, ~^:?*[\ or '..'.
        // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
        if (s === undefined || (/^[^\x00-\x20\x7f~^:?*[\\]+$/.test(s) && !s.includes('..'))) return s;
        return fail(ctx, `must be a branch name such as main or feature/x, not ${show(s)}.`);
      },
    ),
    target: then(optionalText, (s, ctx): Target => {
      const value = (s ?? 'all').toLowerCase();
      if (value === 'production' || value === 'preview' || value === 'all') return value;
      if (CUSTOM_ENVIRONMENT_SLUG.test(value)) return { customEnvironment: value };
      return fail(
        ctx,
        `must be production, preview, all or a custom environment's slug (letters, digits and hyphens), not ${show(s ?? '')}.`,
      );
    }),
    'github-token': optionalText,
    'dry-run': booleanInput(false),
    retries: integerInput(3, 0, 10, 'retries'),
    'request-timeout': integerInput(30, 1, 300, 'seconds'),
    'time-budget': integerInput(300, 10, 3600, 'seconds'),
    'fail-on-error': booleanInput(true),
    'api-url': then(optionalText, (s, ctx) => {
      const value = s ?? DEFAULT_API_URL;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return fail(ctx, `must be a URL such as ${DEFAULT_API_URL}, not ${show(value)}.`);
      }
      const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
      let problem: string | undefined;
      if (url.username || url.password) problem = 'must not contain credentials; the token input carries them.';
      else if (/[?#]/.test(value)) problem = 'must not have a query string or fragment.';
      else if (url.protocol === 'http:' && !loopback)
        problem = `must use https (http is allowed only for localhost, 127.0.0.0/8 and ::1), not ${show(value)}.`;
      else if (url.protocol !== 'https:' && url.protocol !== 'http:') problem = `must be an https URL, not ${show(value)}.`;
      if (problem) return fail(ctx, problem);
      return url.href.replace(/\/+$/, '');
    }),
  })
  .check(
    z.superRefine((raw, ctx) => {
      if (raw['team-id'] && raw['team-slug']) {
        ctx.addIssue({ code: 'custom', path: ['team-slug'], message: 'cannot be set together with team-id: set one of the two.' });
      }
    }),
  );

/** Validate raw input strings (as the runner passes them) into one Inputs object. Pure: no I/O. */
export function parseInputs(raw: RawInputs): Inputs {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`Input '${String(issue.path[0])}' ${issue.message}`);
  }
  const v = result.data;
  return {
    token: v.token,
    deployments: v['deployment-id'],
    scope: v['team-id'] ? { teamId: v['team-id'] } : v['team-slug'] ? { slug: v['team-slug'] } : {},
    projectId: v['project-id'],
    sha: v.sha,
    branch: v.branch,
    target: v.target,
    githubToken: v['github-token'],
    dryRun: v['dry-run'],
    apiUrl: v['api-url'],
    retries: v.retries,
    requestTimeoutMs: v['request-timeout'] * 1000,
    timeBudgetMs: v['time-budget'] * 1000,
    failOnError: v['fail-on-error'],
  };
}

/** The environment variable the runner sets for an input (actions/runner Handler.AddInputsToEnvironment). */
export const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** An INPUT_* variable that is not one of this action's inputs: a misspelling of one (`meant`), or unknown. */
export interface StrayInput {
  /** As the user most likely wrote it in `with:`: the variable's name, lower-cased. */
  given: string;
  meant?: (typeof INPUT_NAMES)[number];
}

/**
 * The INPUT_* variables that name no input of this action. The runner only warns about an
 * undeclared `with:` key and still exports it (`with: deployment_id:` -> INPUT_DEPLOYMENT_ID), so a
 * misspelt input would otherwise pass silently. Pure.
 */
export function strayInputs(env: NodeJS.ProcessEnv): StrayInput[] {
  const declared = new Set<string>(INPUT_NAMES.map(inputVariable));
  const byFoldedName = new Map<string, (typeof INPUT_NAMES)[number]>(INPUT_NAMES.map((name) => [name, name]));
  return Object.keys(env)
    .filter((key) => key.startsWith('INPUT_') && !declared.has(key))
    .sort()
    .map((key) => {
      const given = key.slice('INPUT_'.length).toLowerCase();
      return { given, meant: byFoldedName.get(given.replace(/_/g, '-')) };
    });
}

/** Every input as the runner passes it: each declared input is set, '' when the step did not give it. */
export function readRawInputs(env: NodeJS.ProcessEnv): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) raw[name] = env[inputVariable(name)] ?? '';
  return raw;
}

/** A misspelt input stops the run before any request, naming the input the user meant. */
export function checkStrayInputs(stray: readonly StrayInput[]): void {
  const misspelt = stray.find((s) => s.meant !== undefined);
  if (misspelt) {
    throw new InputError(
      `Input '${misspelt.given}' is not an input of this action: did you mean '${misspelt.meant}'? ` +
        `The environment has INPUT_${misspelt.given.toUpperCase()} (from the step's with: ${misspelt.given}, or an env:): rename it to ${misspelt.meant}.`,
    );
  }
}
