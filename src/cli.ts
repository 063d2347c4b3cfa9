#!/usr/bin/env node
// The command line: the action's two modes for other CI systems (GitLab CI, CircleCI, Buildkite, ...).
// Inputs come from flags and environment variables and are validated by the action's own parseInputs;
// the report is the action's (format.ts), printed to stdout. No @actions/core: nothing here needs a runner.
import pkg from '../package.json' with { type: 'json' };
import { deploymentsListed, logLine, outputsOf } from './format.js';
import { currentCommit, EventError, type EventReading, type Repository } from './github/event.js';
import { INPUT_NAMES, InputError, parseInputs, type Inputs, type RawInputs } from './inputs.js';
import { cancelById, cancelSuperseded, failsTheRun, failureMessage, failureOf, retryPolicy, type ModeResult } from './modes.js';
import { neutralise, neutraliseFields, secretForms } from './untrusted.js';
import { VercelClient } from './vercel/client.js';

const NAME = 'vercel-cancel';

const USAGE = `Usage: ${NAME} cancel --id <ids> [options]      cancel deployments by id or URL
       ${NAME} cancel --superseded [options]    cancel the builds the current commit supersedes
       ${NAME} --help | --version

Cancel Vercel deployments: the same core as the GitHub Action vercel-cancel-deployment-action.

Options (environment fallback in brackets; a flag wins over its variable):
  --id <ids>                  Deployment ids (dpl_...) or URLs, separated by commas or spaces; may repeat.
  --superseded                Cancel the in-progress deployments of older commits on the current branch.
  --token <token>             Vercel access token [VERCEL_TOKEN]. Prefer the variable: flags show in ps.
  --team-id <team_...>        Team id [VERCEL_TEAM_ID; VERCEL_ORG_ID when it starts with team_]
  --team-slug <slug>          Team slug [VERCEL_TEAM_SLUG]
  --project-id <id or name>   Superseded: only this project's deployments; includes CLI deployments [VERCEL_PROJECT_ID]
  --sha <sha>                 Superseded: the current commit [from the CI system's variables]
  --branch <name>             Superseded: the current branch [from the CI system's variables]
  --repo <owner/name>         Superseded: the repository (GitLab: group/subgroup/name) [from the CI system]
  --repo-id <id>              Superseded: the repository's id at its provider (GitLab: the project id)
  --provider <name>           Superseded: github, gitlab or bitbucket [from the CI system]
  --target <target>           Superseded: production, preview, all (default) or a custom environment's slug
  --github-token <token>      Superseded, GitHub repositories: for the commit-ancestry check [GITHUB_TOKEN]
  --dry-run [true|false]      Decide and report; cancel nothing.
  --api-url <url>             Vercel API base URL (default https://api.vercel.com)
  --retries <n>               Retries of a failed request, 0 to 10 (default 3)
  --request-timeout <s>       Seconds per request attempt, 1 to 300 (default 30)
  --time-budget <s>           Seconds for the whole run, 10 to 3600 (default 300)
  --fail-on-error <bool>      false: exit 0 (with a warning) when a deployment could not be canceled
  --json                      Print one JSON object {outputs, deployments, lines} instead of text.
  -h, --help                  This help.
  --version                   The version.

Superseded mode reads the commit, branch and repository from GitLab CI, CircleCI, Buildkite or
GitHub Actions variables. Exit codes: 0 done, 1 a deployment failed or invalid input, 2 usage error.
Documentation: docs/cli.md in the vercel-cancel-deployment-action package and repository.
`;

/** A command line that cannot be understood: exit 2. */
class UsageError extends Error {}

/**
 * The secrets of this run (tokens from flags and variables), in every form a server could echo them:
 * scrubbed from all the command line prints, as there is no runner here to mask them.
 */
let hidden: string[] = [];

/**
 * Every line printed passes untrusted.ts: this may run in a GitHub Actions step, whose runner reads
 * stdout and stderr for workflow commands, and text from Vercel or GitHub must not become one.
 */
function printer(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => {
    const lines = text.replace(/\n$/, '').split('\n');
    stream.write(`${lines.map((line) => neutralise(line, hidden)).join('\n')}\n`);
  };
}
type Out = (text: string) => void;
const stdout: Out = printer(process.stdout);
const stderr: Out = printer(process.stderr);

// ------------------------------------------------------------------------------------------ flags

/** Flags with an optional true/false value: `--dry-run`, `--dry-run false`, `--dry-run=false`. */
const BOOLEAN_FLAGS = new Set(['dry-run', 'fail-on-error']);
/** Flags that take a value: the inputs' flags but the booleans, and the command line's own. */
const VALUE_FLAGS = new Set([
  ...INPUT_NAMES.filter((name) => name !== 'deployment-id' && !BOOLEAN_FLAGS.has(name)),
  'id',
  'repo',
  'repo-id',
  'provider',
]);
/** Flags without a value. */
const SWITCHES = new Set(['superseded', 'json', 'help', 'version']);
const BOOLEAN_WORDS = /^(?:true|True|TRUE|false|False|FALSE)$/;

interface Parsed {
  command?: string;
  values: Map<string, string[]>;
  switches: Set<string>;
}

function parseArgs(argv: readonly string[]): Parsed {
  const parsed: Parsed = { values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      parsed.switches.add('help');
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (parsed.command === undefined) parsed.command = arg;
      else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const shown = eq < 0 ? arg : arg.slice(0, eq);
    if (SWITCHES.has(name)) {
      if (inline !== undefined) throw new UsageError(`${shown} takes no value`);
      parsed.switches.add(name);
      if (name === 'help' || name === 'version') return parsed;
      continue;
    }
    let value: string;
    if (VALUE_FLAGS.has(name)) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
      else throw new UsageError(`${shown} needs a value`);
    } else if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < argv.length && BOOLEAN_WORDS.test(argv[i + 1]!)) value = argv[++i]!;
      else value = 'true';
    } else {
      throw new UsageError(`unknown flag ${JSON.stringify(shown)}`);
    }
    const seen = parsed.values.get(name) ?? [];
    if (seen.length > 0 && name !== 'id') throw new UsageError(`${shown} is given more than once`);
    parsed.values.set(name, [...seen, value]);
  }
  return parsed;
}

// ------------------------------------------------------------------------------------ CI systems

type Env = NodeJS.ProcessEnv;
/** A value and the environment variable it came from. */
type Sourced = { value: string; from: string };

interface CiInfo {
  /** For the first log line: "GitLab CI", "CircleCI", ... */
  trigger: string;
  sha?: Sourced;
  branch?: Sourced;
  /** A tag build (and the like): nothing to supersede unless --branch says otherwise. */
  nothing?: string;
  /** Its provider is undefined when the CI system cannot tell it: --provider must say it. */
  repository?: Repository;
  /** Why the repository (or its provider) is not known (shown when --repo and --provider do not say). */
  repositoryProblem?: string;
  /** In a GitHub Actions runner: read the event payload as the action does. */
  githubEvent?: boolean;
}

/** A non-empty environment variable, with its name. */
function fromEnv(env: Env, ...names: string[]): Sourced | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { value, from: name };
  }
  return undefined;
}

/** "group/sub/web" -> owner "group/sub", name "web". */
function splitPath(path: string): { owner: string; name: string } | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  const cut = trimmed.lastIndexOf('/');
  if (cut <= 0 || cut === trimmed.length - 1) return undefined;
  return { owner: trimmed.slice(0, cut), name: trimmed.slice(cut + 1) };
}

/** The provider a git host is, by its name: github.com, gitlab.example.com, bitbucket.org. */
function providerOfHost(host: string): string | undefined {
  const h = host.toLowerCase();
  if (h.includes('github')) return 'github';
  if (h.includes('gitlab')) return 'gitlab';
  if (h.includes('bitbucket')) return 'bitbucket';
  return undefined;
}

/** git@host:owner/name.git, ssh://git@host/owner/name.git, https://host/owner/name(.git). */
function parseRepoUrl(url: string): { host: string; owner: string; name: string } | undefined {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const path = splitPath(scp[2]!);
    return path && { host: scp[1]!, ...path };
  }
  try {
    const parsed = new URL(url);
    const path = splitPath(decodeURIComponent(parsed.pathname));
    return path && parsed.hostname ? { host: parsed.hostname, ...path } : undefined;
  } catch {
    return undefined;
  }
}

function gitlab(env: Env): CiInfo {
  const mergeRequest = env.CI_MERGE_REQUEST_IID;
  const info: CiInfo = {
    trigger: mergeRequest ? `GitLab CI merge request !${mergeRequest}` : 'GitLab CI',
    // In a merged-results pipeline CI_COMMIT_SHA is the merge commit, which has no deployment of its own.
    sha: fromEnv(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA', 'CI_COMMIT_SHA'),
    branch: fromEnv(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_BRANCH'),
  };
  if (!info.branch) {
    if (env.CI_COMMIT_TAG) info.nothing = `${env.CI_COMMIT_TAG} (CI_COMMIT_TAG) is a tag, not a branch: no branch deployments to supersede`;
    else info.branch = fromEnv(env, 'CI_COMMIT_REF_NAME');
  }
  const source = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const target = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID;
  if (source && target && source !== target) {
    info.nothing = `merge request !${mergeRequest} comes from a fork, whose branch names mean nothing in this project: no deployments to supersede`;
  }
  const path = env.CI_PROJECT_PATH ? splitPath(env.CI_PROJECT_PATH) : undefined;
  if (path) info.repository = { provider: 'gitlab', id: env.CI_PROJECT_ID || undefined, ...path };
  else info.repositoryProblem = 'CI_PROJECT_PATH is not set';
  return info;
}

function circleci(env: Env): CiInfo {
  const info: CiInfo = { trigger: 'CircleCI', sha: fromEnv(env, 'CIRCLE_SHA1'), branch: fromEnv(env, 'CIRCLE_BRANCH') };
  if (!info.branch && env.CIRCLE_TAG)
    info.nothing = `${env.CIRCLE_TAG} (CIRCLE_TAG) is a tag, not a branch: no branch deployments to supersede`;
  const { CIRCLE_PROJECT_USERNAME: owner, CIRCLE_PROJECT_REPONAME: name } = env;
  const host = env.CIRCLE_REPOSITORY_URL ? parseRepoUrl(env.CIRCLE_REPOSITORY_URL)?.host : undefined;
  const provider = (host && providerOfHost(host)) ?? 'github';
  if (owner && name) info.repository = { provider, owner, name };
  else info.repositoryProblem = 'CIRCLE_PROJECT_USERNAME or CIRCLE_PROJECT_REPONAME is not set';
  return info;
}

function buildkite(env: Env): CiInfo {
  const info: CiInfo = { trigger: 'Buildkite', sha: fromEnv(env, 'BUILDKITE_COMMIT'), branch: fromEnv(env, 'BUILDKITE_BRANCH') };
  if (env.BUILDKITE_TAG) {
    info.branch = undefined;
    info.nothing = `${env.BUILDKITE_TAG} (BUILDKITE_TAG) is a tag, not a branch: no branch deployments to supersede`;
  }
  const repo = env.BUILDKITE_REPO ? parseRepoUrl(env.BUILDKITE_REPO) : undefined;
  if (repo) {
    info.repository = { provider: providerOfHost(repo.host), owner: repo.owner, name: repo.name };
    info.repositoryProblem = `the host of BUILDKITE_REPO, ${repo.host}, is not github, gitlab or bitbucket: pass --provider`;
  } else info.repositoryProblem = env.BUILDKITE_REPO ? 'BUILDKITE_REPO is not a repository URL' : 'BUILDKITE_REPO is not set';
  return info;
}

function github(env: Env): CiInfo {
  // In a runner, the event payload says what a pull request's head is (GITHUB_SHA is a merge commit there).
  if (env.GITHUB_EVENT_PATH) return { trigger: env.GITHUB_EVENT_NAME || 'GitHub Actions', githubEvent: true };
  const info: CiInfo = { trigger: 'GitHub Actions', sha: fromEnv(env, 'GITHUB_SHA') };
  if (env.GITHUB_REF_TYPE === 'tag' || env.GITHUB_REF?.startsWith('refs/tags/')) {
    info.nothing = `${env.GITHUB_REF_NAME || env.GITHUB_REF} is a tag, not a branch: no branch deployments to supersede`;
  } else info.branch = fromEnv(env, 'GITHUB_REF_NAME');
  const path = env.GITHUB_REPOSITORY ? splitPath(env.GITHUB_REPOSITORY) : undefined;
  if (path) info.repository = { provider: 'github', id: env.GITHUB_REPOSITORY_ID || undefined, ...path };
  else info.repositoryProblem = 'GITHUB_REPOSITORY is not set';
  return info;
}

/** The CI system this runs in, by its variables; the first that matches. */
function detectCi(env: Env): CiInfo | undefined {
  if (env.GITLAB_CI || env.CI_COMMIT_SHA) return gitlab(env);
  if (env.CIRCLECI || env.CIRCLE_SHA1) return circleci(env);
  if (env.BUILDKITE || env.BUILDKITE_COMMIT) return buildkite(env);
  if (env.GITHUB_ACTIONS || env.GITHUB_SHA) return github(env);
  return undefined;
}

// -------------------------------------------------------------------------------------- inputs

/** Flags that set the action input of the same name (token and deployment-id have flags of their own). */
const INPUT_FLAGS = INPUT_NAMES.filter((name) => name !== 'token' && name !== 'deployment-id');

type InputName = keyof RawInputs;

/** An action input's flag: --id for deployment-id, --<name> for the rest. */
const flagOf = (input: string) => (input === 'deployment-id' ? '--id' : `--${input}`);

/** Input names in messages that are not English words, so can be rewritten wherever they appear. */
const NAMED_INPUTS =
  /(?<![-\w])(team-id|team-slug|project-id|github-token|dry-run|api-url|request-timeout|time-budget|fail-on-error)(?![-\w])/g;

/** The action's message, in command-line terms: flags (and the variable a value came from) for inputs. */
function cliMessage(message: string, sources: Partial<Record<InputName, string>>): string {
  const head = /^Input '([a-z-]+)' /.exec(message);
  if (head?.[1] === 'token' && message.startsWith("Input 'token' is empty")) {
    return (
      `--token${sources.token ? ` (from ${sources.token})` : ''} is empty: set VERCEL_TOKEN or pass --token, with a Vercel access token ` +
      'from https://vercel.com/account/tokens. In CI, check that the variable is defined for this project and branch ' +
      '(GitLab passes protected variables only to pipelines of protected branches and tags).'
    );
  }
  let text = message;
  if (head) {
    const input = head[1] as InputName;
    text = `${flagOf(input)}${sources[input] ? ` (from ${sources[input]})` : ''} ${message.slice(head[0].length)}`;
  }
  // Outside quotes only: a quoted part is the user's own value, shown as given.
  return text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/\bthe (sha|branch|token) input\b/g, '--$1')
            .replace(/\bsecret\b/g, 'variable')
            .replace(NAMED_INPUTS, '--$1'),
    )
    .join('');
}

interface Command {
  mode: 'id' | 'superseded';
  json: boolean;
  raw: RawInputs;
  sources: Partial<Record<InputName, string>>;
  flags: Map<string, string[]>;
  ci?: CiInfo;
}

/** Flags and environment variables -> the action's raw inputs (flags win), and where each came from. */
function toCommand(parsed: Parsed, env: Env): Command {
  if (parsed.command === undefined) throw new UsageError('missing command: use cancel --id <ids> or cancel --superseded');
  if (parsed.command !== 'cancel') throw new UsageError(`unknown command ${JSON.stringify(parsed.command)}: the command is cancel`);
  const byId = parsed.values.has('id');
  const superseded = parsed.switches.has('superseded');
  if (byId && superseded) throw new UsageError('--id and --superseded cannot be used together');
  if (!byId && !superseded) throw new UsageError('cancel needs --id <ids> or --superseded');

  const flag = (name: string) => parsed.values.get(name)?.[0];
  const raw: RawInputs = {};
  const sources: Partial<Record<InputName, string>> = {};
  const set = (input: InputName, value: string | undefined, from?: Sourced) => {
    if (value !== undefined) raw[input] = value;
    else if (from) {
      raw[input] = from.value;
      sources[input] = from.from;
    }
  };

  for (const name of INPUT_FLAGS) raw[name] = flag(name);
  set('token', flag('token'), fromEnv(env, 'VERCEL_TOKEN'));
  if (flag('team-id') === undefined && flag('team-slug') === undefined) {
    const teamId = fromEnv(env, 'VERCEL_TEAM_ID');
    const teamSlug = fromEnv(env, 'VERCEL_TEAM_SLUG');
    const orgId = fromEnv(env, 'VERCEL_ORG_ID');
    set('team-id', undefined, teamId ?? (!teamSlug && orgId?.value.trim().startsWith('team_') ? orgId : undefined));
    set('team-slug', undefined, teamSlug);
  }
  set('project-id', flag('project-id'), fromEnv(env, 'VERCEL_PROJECT_ID'));
  set('github-token', flag('github-token'), fromEnv(env, 'GITHUB_TOKEN'));

  let ci: CiInfo | undefined;
  if (byId) {
    const ids = parsed.values.get('id')!.join(' ');
    // An empty --id (an unset variable, say) must not turn into superseded mode, as an empty input does in the action.
    if (ids.trim() === '') throw new InputError('--id is empty: pass deployment ids (dpl_...) or URLs, separated by commas or spaces.');
    raw['deployment-id'] = ids;
  } else {
    ci = detectCi(env);
    if (ci && !ci.githubEvent) {
      set('sha', flag('sha'), ci.sha);
      set('branch', flag('branch'), ci.branch);
    }
  }
  return { mode: byId ? 'id' : 'superseded', json: parsed.switches.has('json'), raw, sources, flags: parsed.values, ci };
}

const PROVIDERS = new Set(['github', 'gitlab', 'bitbucket']);

/** --repo, --repo-id, --provider, else what the CI system says. */
function repositoryOf(command: Command): Repository {
  const flag = (name: string) => command.flags.get(name)?.[0]?.trim();
  const provider = flag('provider');
  if (provider !== undefined && !PROVIDERS.has(provider)) {
    throw new InputError(`--provider must be github, gitlab or bitbucket, not ${JSON.stringify(provider)}.`);
  }
  const repo = flag('repo');
  if (repo !== undefined) {
    const path = splitPath(repo);
    if (!path || /[\s\p{Cc}]/u.test(repo)) {
      throw new InputError(`--repo must be owner/name (on GitLab, group/subgroup/name), not ${JSON.stringify(repo)}.`);
    }
    return { provider: provider ?? command.ci?.repository?.provider ?? 'github', id: flag('repo-id') || undefined, ...path };
  }
  const detected = command.ci?.repository;
  if (!detected || (detected.provider === undefined && provider === undefined)) {
    const why = command.ci?.repositoryProblem ? ` (${command.ci.repositoryProblem})` : '';
    throw new InputError(`The repository is unknown${why}: pass --repo owner/name.`);
  }
  return { ...detected, provider: provider ?? detected.provider, id: flag('repo-id') || detected.id };
}

/** The commit superseded mode speaks for. */
function currentOf(command: Command, inputs: Inputs, env: Env): EventReading {
  const { ci, flags } = command;
  if (ci?.githubEvent) {
    const current = currentCommit(env, { sha: inputs.sha, branch: inputs.branch });
    if ('nothing' in current || !flags.has('repo')) return current;
    if ('branchOfCommit' in current)
      return { ...current, branchOfCommit: { ...current.branchOfCommit, repository: repositoryOf(command) } };
    return { ...current, repository: repositoryOf(command) };
  }
  if (ci?.nothing && !flags.has('branch')) return { nothing: ci.nothing };
  const where = 'or run it in GitLab CI, CircleCI, Buildkite or GitHub Actions, whose variables name it';
  if (!inputs.sha) throw new InputError(`The current commit is unknown: pass --sha (${where}).`);
  if (!inputs.branch) throw new InputError(`The current branch is unknown: pass --branch (${where}).`);
  const decidedBy = ci?.trigger ?? 'command line';
  return { sha: inputs.sha, branch: inputs.branch, repository: repositoryOf(command), closedPullRequest: false, decidedBy };
}

// ----------------------------------------------------------------------------------------- run

function printReport(outcome: ModeResult, json: boolean): void {
  // Every value from outside, neutralised before it is formatted; each printed line is neutralised again.
  const lines = outcome.lines.map((line) => neutralise(line, hidden));
  const results = outcome.results.map((r) => neutraliseFields(r, hidden));
  const primary = outcome.primary && results[outcome.results.indexOf(outcome.primary)];
  const outputs = outputsOf(results, primary);
  if (json) {
    stdout(JSON.stringify({ outputs, deployments: JSON.parse(outputs.deployments!) as unknown, lines }));
    return;
  }
  const listed = deploymentsListed(outputs);
  const bound = listed < results.length ? [`deployments lists the first ${listed} of ${results.length} (it is kept under 512 KiB).`] : [];
  const text = [...lines, ...results.map(logLine), ...bound, ...Object.entries(outputs).map(([name, value]) => `${name}=${value}`)];
  stdout(text.join('\n'));
}

/** Run the command line; resolves to the exit code. */
export async function main(argv: readonly string[], env: Env = process.env): Promise<number> {
  const started = Date.now();
  let failOnError = true;
  let command: Command | undefined;
  hidden = secretForms([env.VERCEL_TOKEN, env.GITHUB_TOKEN]);
  try {
    const parsed = parseArgs(argv);
    hidden = secretForms([env.VERCEL_TOKEN, env.GITHUB_TOKEN, parsed.values.get('token')?.[0], parsed.values.get('github-token')?.[0]]);
    if (parsed.switches.has('help')) {
      stdout(USAGE);
      return 0;
    }
    if (parsed.switches.has('version')) {
      stdout(pkg.version);
      return 0;
    }
    command = toCommand(parsed, env);
    let inputs: Inputs;
    try {
      inputs = parseInputs(command.raw);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(cliMessage(error.message, command.sources));
      throw error;
    }
    failOnError = inputs.failOnError;
    const current = command.mode === 'superseded' ? currentOf(command, inputs, env) : undefined;

    const policy = retryPolicy(inputs, started, (message) => stderr(`notice: ${message}`));
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope, policy });
    const outcome =
      current === undefined
        ? await cancelById(inputs, client)
        : await cancelSuperseded(inputs, client, {
            current,
            policy,
            githubApiUrl: env.GITHUB_API_URL || 'https://api.github.com',
            warn: (message) => stderr(`warning: ${message}`),
          });
    if (inputs.dryRun) outcome.lines.push('Dry run: nothing was canceled.');
    printReport(outcome, command.json);

    const failure = failureOf(outcome, command.json ? 'their reason in the JSON says why' : 'the lines above say why');
    if (failure) throw failure;
    return 0;
  } catch (error) {
    // One line, no stack trace. fail-on-error false keeps a failed cleanup at exit 0, never a bad command line.
    if (error instanceof UsageError) {
      stderr(`error: ${error.message}. Run ${NAME} --help for usage.`);
      return 2;
    }
    const message =
      error instanceof EventError
        ? cliMessage(error.message, command?.sources ?? {})
        : failureMessage(error, 'pass it as VERCEL_TOKEN or --token');
    if (failsTheRun(error, failOnError)) {
      stderr(`error: ${message}`);
      return 1;
    }
    stderr(`warning: ${message} (fail-on-error is false: exit code 0)`);
    return 0;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
