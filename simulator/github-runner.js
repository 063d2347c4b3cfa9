// A model of the GitHub Actions runner starting a JavaScript action: the one way tests, the ci.yml
// replay, `npm run demo` and `npm run bench` start dist/index.js.
//
// Plain JavaScript ES module (the scripts use it too). What it models, and where each rule comes from
// (collected with sources in the project's notes on the runner; repository paths are actions/runner):
//   - Every input declared in action.yml reaches the action: the step's `with:` value, else the
//     input's default, else '' (`ActionManifestManager.ConvertInputs` gives an input without
//     `default:` an empty default; `ActionRunner` merges every declared input the step did not give).
//     A JavaScript action can never tell "not given" from "given empty".
//   - Each input becomes `INPUT_<name, spaces to '_', upper-cased>`; hyphens are kept
//     (`Handler.AddInputsToEnvironment`). The runner never trims values.
//   - A default may be `${{ github.token }}` (the input-default context allows `github`): evaluated
//     to the job's token. Other expressions in defaults are not modelled (the model refuses them).
//   - A `with:` key that is not a declared input: the runner warns ("Unexpected input(s) ...") and
//     still exports it. Here that is a test error unless `unexpectedInputs: 'warn'` asks for the
//     runner's behaviour (the misspelt-input tests).
//   - GITHUB_SHA / GITHUB_REF per event, from GitHub's "Events that trigger workflows" tables: the
//     pushed commit for a push, GitHub's merge commit for a pull request, the default branch's last
//     commit for workflow_run, delete, repository_dispatch, issue_comment and the like. They are
//     derived from the event here and cannot be set by a test: the action must find the real commit
//     in the payload, as it must on GitHub.
//   - GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are files the runner creates empty for each step and reads
//     afterwards (toolkit `file-command`: `name<<ghadelimiter_<uuid>` heredocs). A summary over 1 MiB
//     is dropped by the runner with an error annotation (`FileCommandManager`, AttachmentSizeLimit).
//   - The step's process gets the runner's environment: here PATH and HOME only (GitHub's hosted
//     runners set no NODE_EXTRA_CA_CERTS), plus the GITHUB_* and RUNNER_* variables.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ACTION_YML = join(ROOT, 'action.yml');
export const DIST = join(ROOT, 'dist', 'index.js');
const EVENTS_DIR = join(ROOT, '__fixtures__', 'events');

/** The token `${{ github.token }}` evaluates to in the model. */
export const TEST_GITHUB_TOKEN = 'ghs_runnerModelJobToken000000000000000';
/** GitHub's step-summary limit (runner FileCommandManager.AttachmentSizeLimit). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** The variables a test may not set: the model derives them from the event, as GitHub does. */
const DERIVED = new Set([
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_EVENT_NAME',
  'GITHUB_EVENT_PATH',
  'GITHUB_REPOSITORY',
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
]);

/**
 * The inputs action.yml declares, with their defaults as written.
 * @returns {Array<{ name: string, default?: string }>}
 */
export function declaredInputs(actionYml = ACTION_YML) {
  const manifest = parse(readFileSync(actionYml, 'utf8'));
  return Object.entries(manifest.inputs ?? {}).map(([name, spec]) => ({
    name,
    ...(spec && spec.default !== undefined && spec.default !== null ? { default: String(spec.default) } : {}),
  }));
}

/** `INPUT_<NAME>` as Handler.AddInputsToEnvironment names it: spaces to '_', upper case, hyphens kept. */
export const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** A YAML scalar as the runner hands it over: a string (`true` -> 'true', `3` -> '3'). */
const scalar = (value) => (value === null || value === undefined ? '' : String(value));

/**
 * The INPUT_* variables for a step's `with:` map, and the runner's warnings.
 * @param {Record<string, unknown>} given the step's `with:`
 * @param {{ githubToken?: string, unexpectedInputs?: 'error' | 'warn', actionYml?: string }} [options]
 */
export function inputEnvironment(given, options = {}) {
  const { githubToken = TEST_GITHUB_TOKEN, unexpectedInputs = 'error', actionYml = ACTION_YML } = options;
  const declared = declaredInputs(actionYml);
  /** @type {Record<string, string>} */
  const env = {};
  /** @type {string[]} */
  const warnings = [];
  for (const input of declared) {
    let value = input.default ?? '';
    const expression = /\$\{\{\s*(.*?)\s*\}\}/.exec(value);
    if (expression) {
      if (expression[1] !== 'github.token') throw new Error(`runner model: cannot evaluate the default ${value} of input ${input.name}`);
      value = value.replace(expression[0], githubToken);
    }
    env[inputVariable(input.name)] = value;
  }
  // The runner matches `with:` keys to declared inputs case-insensitively (keys are upper-cased).
  const names = new Set(declared.map((i) => i.name.toUpperCase()));
  const unexpected = Object.keys(given).filter((key) => !names.has(key.toUpperCase()));
  if (unexpected.length > 0) {
    const message = `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${declared.map((i) => i.name).join("', '")}']`;
    if (unexpectedInputs === 'error') throw new Error(`runner model: ${message}`);
    warnings.push(message);
  }
  for (const [key, value] of Object.entries(given)) env[inputVariable(key)] = scalar(value);
  return { env, warnings };
}

/**
 * A trigger event's payload from __fixtures__/events/<name>.json (a fresh copy), with `patch`
 * applied: a function that edits the payload in place.
 * @param {string} fixture e.g. 'push', 'pull_request', 'delete-branch'
 * @param {(payload: any) => void} [patch]
 */
export function loadEvent(fixture, patch) {
  const payload = JSON.parse(readFileSync(join(EVENTS_DIR, `${fixture}.json`), 'utf8'));
  patch?.(payload);
  return payload;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * GITHUB_SHA and GITHUB_REF for an event, per GitHub's "Events that trigger workflows" tables.
 * `headSha` is the last commit of the branch the run is on (the default branch for most events,
 * the chosen branch for workflow_dispatch): the model has no repository to look it up in.
 */
export function commitAndRef(eventName, payload, headSha) {
  const defaultRef = `refs/heads/${payload.repository?.default_branch ?? 'main'}`;
  switch (eventName) {
    case 'push':
      // Deleting a branch: "the SHA in the workflow run (and its associated refs) reverts to the
      // default branch of the repository".
      return payload.deleted ? { sha: headSha, ref: defaultRef } : { sha: payload.after, ref: payload.ref };
    case 'pull_request':
    case 'pull_request_review':
    case 'pull_request_review_comment': {
      const pr = payload.pull_request;
      // The merge commit GitHub makes for the pull request; never its head.
      return { sha: pr.merge_commit_sha ?? headSha, ref: `refs/pull/${pr.number}/merge` };
    }
    case 'pull_request_target':
      // The docs' table now names the default branch for pull_request_target (it named the base branch).
      return { sha: headSha, ref: defaultRef };
    case 'workflow_dispatch':
      return { sha: headSha, ref: payload.ref ?? defaultRef };
    case 'deployment':
    case 'deployment_status': {
      // "ref: empty if the deployment was made for a SHA"; Vercel makes them for SHAs.
      const { sha, ref } = payload.deployment;
      return { sha, ref: SHA.test(ref) ? '' : ref.startsWith('refs/') ? ref : `refs/heads/${ref}` };
    }
    case 'release':
      return { sha: headSha, ref: `refs/tags/${payload.release.tag_name}` };
    case 'merge_group':
      return { sha: payload.merge_group.head_sha, ref: payload.merge_group.head_ref };
    default:
      // schedule, workflow_run, delete, repository_dispatch, issue_comment, check_run, status, ...
      return { sha: headSha, ref: defaultRef };
  }
}

/** A GITHUB_OUTPUT file as the runner reads it: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter`);
      outputs[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`unparseable output line: ${line}`);
      outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return outputs;
}

/**
 * The step's whole environment, and the files the runner makes for it, in `dir`.
 * @param {{
 *   with?: Record<string, unknown>,
 *   event?: { name: string, payload?: object, headSha?: string },
 *   env?: Record<string, string>,
 *   githubToken?: string,
 *   unexpectedInputs?: 'error' | 'warn',
 * }} step
 * @param {string} dir
 * @param {{ action?: boolean }} [kind] a `run:` step (action false) gets no INPUT_* variables
 */
export async function stepEnvironment(step, dir, { action = true } = {}) {
  const eventName = step.event?.name ?? 'workflow_dispatch';
  const payload = step.event?.payload ?? loadEvent(eventName);
  const headSha = step.event?.headSha ?? 'c0ffee'.padEnd(40, '0');
  for (const name of Object.keys(step.env ?? {})) {
    if (DERIVED.has(name)) throw new Error(`runner model: ${name} comes from the event; set the event instead`);
  }
  const { sha, ref } = commitAndRef(eventName, payload, headSha);
  const files = { output: join(dir, 'output'), summary: join(dir, 'step_summary'), event: join(dir, 'event.json') };
  await Promise.all([writeFile(files.output, ''), writeFile(files.summary, ''), writeFile(files.event, JSON.stringify(payload))]);
  const repository = payload.repository ?? { full_name: 'acme/web', id: 4242, owner: { login: 'acme' } };
  const { env: inputs, warnings } = action ? inputEnvironment(step.with ?? {}, step) : { env: {}, warnings: [] };
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_SHA: sha ?? '',
    GITHUB_REF: ref ?? '',
    GITHUB_REF_NAME: (ref ?? '').replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_REF_TYPE: (ref ?? '').startsWith('refs/tags/') ? 'tag' : 'branch',
    ...(eventName.startsWith('pull_request') && payload.pull_request
      ? { GITHUB_HEAD_REF: payload.pull_request.head.ref, GITHUB_BASE_REF: payload.pull_request.base.ref }
      : {}),
    GITHUB_REPOSITORY: repository.full_name,
    GITHUB_REPOSITORY_ID: String(repository.id ?? ''),
    GITHUB_REPOSITORY_OWNER: repository.owner?.login ?? repository.full_name.split('/')[0],
    GITHUB_ACTOR: payload.sender?.login ?? 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'cancel',
    GITHUB_ACTION: 'cancel',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dir,
    ...inputs,
    ...step.env,
  };
  return { env, files, warnings };
}

/**
 * Run a command to its end without blocking this process (simulators in it must keep answering),
 * with exactly the environment given.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function runProcess(command, args, env, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Run the action's step as the runner does and read back what the runner would: exit code, log,
 * outputs, and the job summary (dropped, as on GitHub, when over 1 MiB: `summaryDropped`).
 * @param {Parameters<typeof stepEnvironment>[0] & { node?: string[], script?: string }} step
 */
export async function runStep(step) {
  const dir = await mkdtemp(join(tmpdir(), 'runner-step-'));
  try {
    const { env, files, warnings } = await stepEnvironment(step, dir);
    const [command, ...args] = step.node ?? [process.execPath];
    const { code, stdout, stderr } = await runProcess(command, [...args, step.script ?? DIST], env);
    const summary = await readFile(files.summary, 'utf8');
    const summaryDropped = Buffer.byteLength(summary) > SUMMARY_LIMIT_BYTES;
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(files.output, 'utf8')),
      summary: summaryDropped ? '' : summary,
      summaryDropped,
      runnerWarnings: warnings,
      env,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
