// End to end, the command line: the built dist/cli/index.js as a child process (as `vercel-cancel`
// runs in GitLab CI, CircleCI, Buildkite), against the Vercel and GitHub API simulations on 127.0.0.1.
// dist/cli/index.js must be built first (npm run build-cli); CI builds it before the tests.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GitHubSimulator, linearHistory, randomSha } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { runProcess } from '../support/run-action.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/index.js');
const TOKEN = 'vrc_cli_S3cretTokenValue987';
const GITHUB_TOKEN = 'ghs_cli_S3cretGitHubToken654';
const TEAM = { id: 'team_acme123', slug: 'acme' };

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `name=value` output lines of the text report. */
  outputs: Record<string, string>;
}

const OUTPUT_NAMES = ['ready-state', 'canceled-at', 'canceled-ids', 'canceled-count', 'deployments'];

/** Run the CLI with only PATH and HOME from this process's environment (no CI variables leak in). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [CLI, ...args], {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    ...env,
  });
  const outputs: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && OUTPUT_NAMES.includes(line.slice(0, eq))) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code, stdout, stderr, outputs };
}

type Listed = Array<{
  id: string;
  url: string | null;
  readyState: string | null;
  canceledAt: number | null;
  outcome: string;
  reason: string;
}>;
const deploymentsOf = (run: CliRun) => JSON.parse(run.outputs.deployments!) as Listed;
const outcomes = (run: CliRun) => Object.fromEntries(deploymentsOf(run).map((d) => [d.id, d.outcome]));
const reasonOf = (run: CliRun, id: string) => deploymentsOf(run).find((d) => d.id === id)!.reason;
const stderrLines = (run: CliRun) => run.stderr.split('\n').filter(Boolean);

let vercel: VercelSimulator;
let github: GitHubSimulator;
let apiUrl: string;
let githubUrl: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first with npm run build-cli (ncc build src/cli.ts -o dist/cli -m).`);
});
beforeEach(async () => {
  vercel = new VercelSimulator();
  vercel.addUser({ id: 'user_alice', token: TOKEN, teams: [TEAM] });
  github = new GitHubSimulator();
  [apiUrl, githubUrl] = await Promise.all([vercel.start(), github.start()]);
});
afterEach(async () => {
  await Promise.all([vercel.stop(), github.stop()]);
});

/** The flags every by-id test needs: the token and the simulation. */
const base = (...args: string[]) => ['cancel', '--token', TOKEN, '--api-url', apiUrl, ...args];

describe('cancel --id', () => {
  it('cancels a deployment and prints the report: counts, one line per deployment, the outputs', async () => {
    const d = vercel.addDeployment({ ownerId: TEAM.id, readyState: 'BUILDING', name: 'web' });
    const run = await cli(base('--id', d.id, '--team-id', TEAM.id));

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(vercel.getDeployment(d.id).readyState).toBe('CANCELED');
    const canceledAt = vercel.getDeployment(d.id).canceledAt as number;
    const deployments = [{ id: d.id, url: d.url, readyState: 'CANCELED', canceledAt, outcome: 'canceled', reason: 'canceled by this run' }];
    expect(run.stdout.split('\n')).toEqual([
      '1 deployment: 1 canceled.',
      `✅ ${d.id} (${d.url}) canceled: BUILDING -> CANCELED. canceled by this run`,
      'ready-state=CANCELED',
      `canceled-at=${canceledAt}`,
      `canceled-ids=${d.id}`,
      'canceled-count=1',
      `deployments=${JSON.stringify(deployments)}`,
      '',
    ]);
    // Read first (a BLOCKED deployment is never sent a cancel), then the cancel.
    expect(vercel.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v13/deployments/${d.id}`,
      `PATCH /v12/deployments/${d.id}/cancel`,
    ]);
    for (const r of vercel.requests) expect(r.query).toEqual({ teamId: TEAM.id });
  });

  it('takes ids and URLs separated by commas or spaces, --id repeated; a 404 exits 1 after cancelling the rest', async () => {
    const a = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    const b = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'QUEUED' });
    const c = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'READY' });
    const run = await cli(base('--id', `${a.id}, dpl_doesNotExist`, `--id=https://${b.url}/x`, '--id', `${c.id} ${a.id}`));

    expect(run.code).toBe(1);
    expect(deploymentsOf(run).map((d) => [d.id, d.outcome])).toEqual([
      [a.id, 'canceled'],
      ['dpl_doesNotExist', 'failed'],
      [b.id, 'canceled'],
      [c.id, 'already-finished'],
    ]);
    expect(reasonOf(run, 'dpl_doesNotExist')).toMatch(/no deployment dpl_doesNotExist \(404\)/);
    expect(run.stdout).toMatch(/^❌ dpl_doesNotExist failed\. .*404/m);
    expect(run.stdout).toContain('4 deployments: 2 canceled, 1 already finished, 1 failed.');
    expect(run.outputs['canceled-ids']).toBe(`${a.id},${b.id}`);
    expect(stderrLines(run)).toEqual(['error: 1 of 4 deployments could not be canceled; the lines above say why.']);
    expect(vercel.getDeployment(b.id).readyState).toBe('CANCELED');
  });

  it('--fail-on-error false: a failed cancel exits 0 with a warning line', async () => {
    const run = await cli(base('--id', 'dpl_doesNotExist', '--fail-on-error', 'false'));
    expect(run.code).toBe(0);
    expect(run.outputs['canceled-count']).toBe('0');
    expect(stderrLines(run)).toEqual([
      'warning: 1 of 1 deployments could not be canceled; the lines above say why. (fail-on-error is false: exit code 0)',
    ]);
  });

  it('--dry-run reads each deployment and cancels nothing', async () => {
    const a = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    const b = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'READY' });
    const run = await cli(base('--id', `${a.id},${b.id}`, '--dry-run'));

    expect(run.code).toBe(0);
    expect(outcomes(run)).toEqual({ [a.id]: 'would-cancel', [b.id]: 'already-finished' });
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      '2 deployments: 1 would be canceled, 1 already finished.',
      'Dry run: nothing was canceled.',
    ]);
    expect(run.outputs['canceled-count']).toBe('0');
    expect(vercel.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(vercel.getDeployment(a.id).readyState).toBe('BUILDING');
    // --dry-run=false and --dry-run false are a real run.
    const real = await cli(base('--id', a.id, '--dry-run=false'));
    expect(outcomes(real)).toEqual({ [a.id]: 'canceled' });
  });

  it('--json prints one JSON object {outputs, deployments, lines}; retry notices go to stderr', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    vercel.inject(({ method, attempt }) =>
      method === 'PATCH' && attempt === 1 ? { status: 503, body: { error: { code: 'x', message: 'busy' } } } : undefined,
    );
    const run = await cli(base('--id', d.id, '--json'));

    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(run.stdout) as { outputs: Record<string, string>; deployments: Listed; lines: string[] };
    expect(Object.keys(report)).toEqual(['outputs', 'deployments', 'lines']);
    expect(report.lines).toEqual(['1 deployment: 1 canceled.']);
    expect(report.deployments).toEqual([
      {
        id: d.id,
        url: d.url,
        readyState: 'CANCELED',
        canceledAt: vercel.getDeployment(d.id).canceledAt,
        outcome: 'canceled',
        reason: 'canceled by this run',
      },
    ]);
    expect(report.outputs).toEqual({
      'ready-state': 'CANCELED',
      'canceled-at': String(vercel.getDeployment(d.id).canceledAt),
      'canceled-ids': d.id,
      'canceled-count': '1',
      deployments: JSON.stringify(report.deployments),
    });
    expect(stderrLines(run)).toEqual([
      expect.stringMatching(/^notice: PATCH \/v12\/deployments\/dpl_\w+\/cancel: HTTP 503; retrying in [\d.]+ s \(attempt 2 of 4\)\.$/),
    ]);

    // A failed deployment: still one JSON object on stdout, the error on stderr.
    vercel.inject(null);
    const failed = await cli(base('--id', 'dpl_doesNotExist', '--json'));
    expect(failed.code).toBe(1);
    expect((JSON.parse(failed.stdout) as { deployments: Listed }).deployments[0]!.outcome).toBe('failed');
    expect(stderrLines(failed)).toEqual(['error: 1 of 1 deployments could not be canceled; their reason in the JSON says why.']);
  });

  it('reads VERCEL_TOKEN, VERCEL_TEAM_ID, VERCEL_TEAM_SLUG and VERCEL_ORG_ID (team_ only); flags win', async () => {
    const d = () => vercel.addDeployment({ ownerId: TEAM.id, readyState: 'BUILDING' }).id;
    const env = { VERCEL_TOKEN: TOKEN };
    const lastQuery = () => vercel.requests.at(-1)!.query;

    expect((await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_TEAM_ID: TEAM.id })).code).toBe(0);
    expect(lastQuery()).toEqual({ teamId: TEAM.id });
    expect((await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_TEAM_SLUG: TEAM.slug })).code).toBe(0);
    expect(lastQuery()).toEqual({ slug: TEAM.slug });
    expect((await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_ORG_ID: TEAM.id })).code).toBe(0);
    expect(lastQuery()).toEqual({ teamId: TEAM.id });
    // VERCEL_ORG_ID of a personal account (what `vercel link` writes) is no team: unscoped.
    expect((await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_ORG_ID: 'user_alice' })).code).toBe(1);
    expect(lastQuery()).toEqual({});
    // VERCEL_TEAM_ID wins over VERCEL_ORG_ID; a team flag wins over every team variable.
    expect(
      (await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_TEAM_ID: TEAM.id, VERCEL_ORG_ID: 'team_other' })).code,
    ).toBe(0);
    expect(lastQuery()).toEqual({ teamId: TEAM.id });
    const slugFlag = await cli(['cancel', '--id', d(), '--api-url', apiUrl, '--team-slug', TEAM.slug], {
      ...env,
      VERCEL_TEAM_ID: 'team_other',
    });
    expect(slugFlag.code).toBe(0);
    expect(lastQuery()).toEqual({ slug: TEAM.slug });
    // VERCEL_ORG_ID is not used when VERCEL_TEAM_SLUG names the team.
    expect(
      (await cli(['cancel', '--id', d(), '--api-url', apiUrl], { ...env, VERCEL_TEAM_SLUG: TEAM.slug, VERCEL_ORG_ID: 'team_other' })).code,
    ).toBe(0);
    expect(lastQuery()).toEqual({ slug: TEAM.slug });
    // --token wins over VERCEL_TOKEN.
    const tokenFlag = await cli(['cancel', '--id', d(), '--api-url', apiUrl, '--team-id', TEAM.id, '--token', TOKEN], {
      VERCEL_TOKEN: 'vrc_wrong_token',
    });
    expect(tokenFlag.code).toBe(0);
  });

  it("a rejected token: the action's message, exit 1 (exit 0 and a warning with --fail-on-error false)", async () => {
    const ids = [1, 2].map(() => vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' }).id);
    const run = await cli(['cancel', '--id', ids.join(' '), '--api-url', apiUrl], { VERCEL_TOKEN: 'vrc_expired_token' });
    expect(run.code).toBe(1);
    expect(deploymentsOf(run).every((d) => d.outcome === 'skipped')).toBe(true);
    expect(stderrLines(run)).toEqual([
      'error: Vercel rejected the token (HTTP 403: Not authorized): it is invalid, expired or revoked. ' +
        'Create a token at https://vercel.com/account/tokens and pass it as VERCEL_TOKEN or --token.',
    ]);
    const green = await cli(['cancel', '--id', ids[0]!, '--api-url', apiUrl, '--fail-on-error=false'], {
      VERCEL_TOKEN: 'vrc_expired_token',
    });
    expect(green.code).toBe(0);
    expect(green.stderr).toMatch(/^warning: Vercel rejected the token .*\(fail-on-error is false: exit code 0\)\n$/);
  });
});

describe('invalid input: one line naming the flag (and the variable), exit 1, no request', () => {
  const cases: Array<[string, string[], Record<string, string>, string]> = [
    [
      'a bad flag value',
      ['--id', 'dpl_a1', '--retries', '11'],
      {},
      'error: --retries must be a whole number of retries from 0 to 10, not "11".',
    ],
    [
      'a bad variable',
      ['--id', 'dpl_a1'],
      { VERCEL_TEAM_ID: 'acme' },
      'error: --team-id (from VERCEL_TEAM_ID) must be a team id (team_ followed by letters and digits), not "acme". If that is your team\'s slug, pass it as --team-slug instead.',
    ],
    [
      'two team variables',
      ['--id', 'dpl_a1'],
      { VERCEL_TEAM_ID: TEAM.id, VERCEL_TEAM_SLUG: TEAM.slug },
      'error: --team-slug (from VERCEL_TEAM_SLUG) cannot be set together with --team-id: set one of the two.',
    ],
    [
      'a quoted value left as given',
      ['--id', 'dpl_a1', '--target', 'team id'],
      {},
      'error: --target must be production, preview, all or a custom environment\'s slug (letters, digits and hyphens), not "team id".',
    ],
    [
      'a bad id',
      ['--id', 'dpl_a1,dpl_b-2'],
      {},
      'error: --id has an invalid deployment id "dpl_b-2". A deployment id is dpl_ followed by letters and digits; a deployment URL looks like https://my-app-abc123.vercel.app.',
    ],
    ['an empty --id', ['--id', ' '], {}, 'error: --id is empty: pass deployment ids (dpl_...) or URLs, separated by commas or spaces.'],
    [
      'bad input with --fail-on-error false',
      ['--id', 'dpl_a1', '--fail-on-error', 'false', '--time-budget', '5'],
      {},
      'error: --time-budget must be a whole number of seconds from 10 to 3600, not "5".',
    ],
    ['a bad boolean', ['--id', 'dpl_a1', '--dry-run=yes'], {}, 'error: --dry-run must be true or false, not "yes".'],
    [
      'an http API URL',
      ['--id', 'dpl_a1', '--api-url', 'http://api.example.com'],
      {},
      'error: --api-url must use https (http is allowed only for localhost, 127.0.0.0/8 and ::1), not "http://api.example.com".',
    ],
    [
      'a bad --provider',
      ['--superseded', '--sha', 'a'.repeat(40), '--branch', 'main', '--repo', 'acme/web', '--provider', 'gitea'],
      {},
      'error: --provider must be github, gitlab or bitbucket, not "gitea".',
    ],
    [
      'a bad --repo',
      ['--superseded', '--sha', 'a'.repeat(40), '--branch', 'main', '--repo', 'web'],
      {},
      'error: --repo must be owner/name (on GitLab, group/subgroup/name), not "web".',
    ],
    [
      'no commit',
      ['--superseded', '--branch', 'main', '--repo', 'acme/web'],
      {},
      'error: The current commit is unknown: pass --sha (or run it in GitLab CI, CircleCI, Buildkite or GitHub Actions, whose variables name it).',
    ],
    [
      'no repository',
      ['--superseded', '--sha', 'a'.repeat(40), '--branch', 'main'],
      {},
      'error: The repository is unknown: pass --repo owner/name.',
    ],
    [
      'a bad variable sha',
      ['--superseded'],
      { BUILDKITE_COMMIT: 'HEAD', BUILDKITE_BRANCH: 'main', BUILDKITE_REPO: 'git@github.com:acme/web.git' },
      'error: --sha (from BUILDKITE_COMMIT) must be a full commit SHA (40 hex digits), not "HEAD".',
    ],
  ];
  it.each(cases)('%s', async (_name, args, env, message) => {
    const api = args.includes('--api-url') ? [] : ['--api-url', apiUrl];
    const run = await cli(['cancel', ...api, ...args], { VERCEL_TOKEN: TOKEN, ...env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${message}\n`);
    expect(vercel.requests).toEqual([]);
  });

  it('no token: says where to set it', async () => {
    for (const env of [{}, { VERCEL_TOKEN: '' }] as Array<Record<string, string>>) {
      const run = await cli(['cancel', '--id', 'dpl_a1', '--api-url', apiUrl], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'error: --token is empty: set VERCEL_TOKEN or pass --token, with a Vercel access token from https://vercel.com/account/tokens. ' +
          'In CI, check that the variable is defined for this project and branch (GitLab passes protected variables only to pipelines of protected branches and tags).\n',
      );
    }
    expect(vercel.requests).toEqual([]);
  });
});

describe('the command line itself', () => {
  it.each([
    [['cancel', '--id', 'dpl_a1', '--bogus'], 'unknown flag "--bogus"'],
    [['cancel', '--id', 'dpl_a1', '-x'], 'unknown flag "-x"'],
    [[], 'missing command: use cancel --id <ids> or cancel --superseded'],
    [['stop', '--id', 'dpl_a1'], 'unknown command "stop": the command is cancel'],
    [['cancel'], 'cancel needs --id <ids> or --superseded'],
    [['cancel', '--id', 'dpl_a1', '--superseded'], '--id and --superseded cannot be used together'],
    [['cancel', '--id'], '--id needs a value'],
    [['cancel', '--id', 'dpl_a1', '--token', 'a', '--token', 'b'], '--token is given more than once'],
    [['cancel', '--superseded=yes'], '--superseded takes no value'],
    [['cancel', '--id', 'dpl_a1', 'extra'], 'unexpected argument "extra"'],
  ])('usage error %j: one line, exit 2', async (args, message) => {
    const run = await cli(args, { VERCEL_TOKEN: TOKEN });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: ${message}. Run vercel-cancel --help for usage.\n`);
    expect(vercel.requests).toEqual([]);
  });

  it('--help and -h print the usage with every flag, exit 0; --version prints the package version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vercel-cancel cancel --id <ids>/);
    const flags = [
      '--id',
      '--superseded',
      '--token',
      '--team-id',
      '--team-slug',
      '--project-id',
      '--sha',
      '--branch',
      '--repo',
      '--repo-id',
      '--provider',
      '--target',
      '--github-token',
      '--dry-run',
      '--api-url',
      '--retries',
      '--request-timeout',
      '--time-budget',
      '--fail-on-error',
      '--json',
      '--help',
      '--version',
    ];
    for (const flag of flags) expect(help.stdout).toMatch(new RegExp(`^  (-h, )?${flag} `, 'm'));
    for (const variable of ['VERCEL_TOKEN', 'VERCEL_TEAM_ID', 'VERCEL_ORG_ID', 'VERCEL_TEAM_SLUG', 'VERCEL_PROJECT_ID', 'GITHUB_TOKEN'])
      expect(help.stdout).toContain(variable);
    expect((await cli(['cancel', '-h'])).stdout).toBe(help.stdout);

    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('never prints the token, on success or any error', async () => {
    const d = vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING' });
    vercel.addProject({ ownerId: 'user_alice', name: 'web' });
    const runs = await Promise.all([
      cli(base('--id', d.id, '--json')),
      cli(base('--id', 'dpl_doesNotExist')),
      cli(base('--id', 'dpl_bad-id')),
      cli(['cancel', '--id', d.id, '--api-url', apiUrl], { VERCEL_TOKEN: `${TOKEN} x` }),
      cli(['cancel', '--id', d.id, '--api-url', apiUrl, '--token', `${TOKEN}\u00e9`]),
      cli(['cancel', '--id', d.id, '--api-url', apiUrl, '--bogus', TOKEN]),
      cli(
        [
          'cancel',
          '--superseded',
          '--api-url',
          apiUrl,
          '--sha',
          'a'.repeat(40),
          '--branch',
          'main',
          '--repo',
          'acme/web',
          '--github-token',
          GITHUB_TOKEN,
        ],
        { VERCEL_TOKEN: 'vrc_expired_token' },
      ),
      cli(
        [
          'cancel',
          '--superseded',
          '--api-url',
          apiUrl,
          '--project-id',
          'web',
          '--sha',
          'a'.repeat(40),
          '--branch',
          'main',
          '--repo',
          'acme/web',
        ],
        { VERCEL_TOKEN: TOKEN, GITHUB_TOKEN },
      ),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 1, 1, 1, 1, 2, 1, 0]);
    expect(runs[3].stderr).toMatch(/--token \(from VERCEL_TOKEN\) contains spaces/);
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
      expect(run.stdout + run.stderr).not.toContain(GITHUB_TOKEN);
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+[(:]\d+/); // no stack trace
    }
  });

  it('the bundle leaves @actions/core out', () => {
    const bundle = readFileSync(CLI, 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // @actions/core's workflow commands and file commands.
    for (const marker of ['::add-mask::', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'ACTIONS_ID_TOKEN_REQUEST_URL'])
      expect(bundle).not.toContain(marker);
  });
});

describe('cancel --superseded', () => {
  const REPO = { owner: 'acme', name: 'web', id: 4242 };

  it("GitLab CI, CLI deployments with --project-id: cancels an older one created before the current commit's own, skips a newer one", async () => {
    const [c0, c1, c2, c3] = [randomSha(), randomSha(), randomSha(), randomSha()];
    const cliMeta = (sha: string, ref: string) => ({ gitCommitSha: sha, gitCommitRef: ref, gitDirty: '' });
    const add = (fields: Record<string, unknown>) =>
      vercel.addDeployment({ ownerId: TEAM.id, name: 'web', readyState: 'BUILDING', ...fields });
    // In creation order: a GitLab-integration build of this project, an older CLI deployment,
    // the current commit's own, a newer one, another branch's, another GitLab project's, another Vercel project's.
    const gitlabBuild = add({ meta: { gitlabCommitSha: c0, gitlabCommitRef: 'main', gitlabProjectId: '77' } });
    const older = add({ meta: cliMeta(c1, 'main') });
    const own = add({ meta: cliMeta(c2, 'main') });
    const newer = add({ meta: cliMeta(c3, 'main') });
    const otherBranch = add({ meta: cliMeta(c1, 'feature/x') });
    const otherProject = add({ meta: { gitlabCommitSha: c1, gitlabCommitRef: 'main', gitlabProjectId: '78' } });
    const otherVercelProject = add({ name: 'docs', meta: cliMeta(c1, 'main') });

    const gitlabEnv = {
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: c2,
      CI_COMMIT_BRANCH: 'main',
      CI_COMMIT_REF_NAME: 'main',
      CI_PROJECT_PATH: 'acme/platform/web',
      CI_PROJECT_ID: '77',
      VERCEL_TOKEN: TOKEN,
      VERCEL_ORG_ID: TEAM.id,
      VERCEL_PROJECT_ID: 'web',
    };
    const run = await cli(['cancel', '--superseded', '--api-url', apiUrl], gitlabEnv);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      `Current commit ${c2.slice(0, 7)} on branch main of acme/platform/web (GitLab CI).`,
      '6 deployments: 2 canceled, 4 skipped.',
    ]);
    expect(outcomes(run)).toEqual({
      [gitlabBuild.id]: 'canceled',
      [older.id]: 'canceled',
      [own.id]: 'skipped',
      [newer.id]: 'skipped',
      [otherBranch.id]: 'skipped',
      [otherProject.id]: 'skipped',
    });
    expect(reasonOf(run, older.id)).toBe(
      `canceled by this run: created before the current commit's deployment (ancestry of ${c1.slice(0, 7)} unknown: ancestry is checked through GitHub, and this is a gitlab repository)`,
    );
    expect(reasonOf(run, newer.id)).toMatch(/ancestry of \w+ unknown .*and created after the current commit's deployment/);
    expect(reasonOf(run, own.id)).toMatch(/the current commit's own deployment/);
    expect(reasonOf(run, otherProject.id)).toMatch(/another repository \(id 78\)/);
    expect(vercel.getDeployment(older.id).readyState).toBe('CANCELED');
    expect(vercel.getDeployment(newer.id).readyState).toBe('BUILDING');
    expect(vercel.getDeployment(otherVercelProject.id).readyState).toBe('BUILDING');
    // project-id is verified once, then listed.
    expect(vercel.requests[0]).toMatchObject({ method: 'GET', path: '/v9/projects/web', query: { teamId: TEAM.id } });
    expect(vercel.requests[1]).toMatchObject({
      method: 'GET',
      path: '/v6/deployments',
      query: expect.objectContaining({ projectId: 'web', teamId: TEAM.id }),
    });
    expect(github.requests).toEqual([]);
  });

  it('GitLab CI merge request pipelines use the source branch and its head; tag pipelines and fork merge requests have nothing to do', async () => {
    const [c1, head, merge] = [randomSha(), randomSha(), randomSha()];
    const older = vercel.addDeployment({ ownerId: 'user_alice', meta: { gitCommitSha: c1, gitCommitRef: 'feature/x' } });
    const own = vercel.addDeployment({ ownerId: 'user_alice', meta: { gitCommitSha: head, gitCommitRef: 'feature/x' } });
    const env = { VERCEL_TOKEN: TOKEN, VERCEL_PROJECT_ID: 'my-app', GITLAB_CI: 'true', CI_PROJECT_PATH: 'acme/web', CI_PROJECT_ID: '77' };
    const mergeRequest = {
      ...env,
      CI_COMMIT_SHA: merge, // a merged-results pipeline's merge commit
      CI_COMMIT_REF_NAME: 'feature/x',
      CI_MERGE_REQUEST_IID: '12',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: head,
      CI_MERGE_REQUEST_PROJECT_ID: '77',
      CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '77',
    };
    const run = await cli(['cancel', '--superseded', '--api-url', apiUrl, '--dry-run'], mergeRequest);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Current commit ${head.slice(0, 7)} on branch feature/x of acme/web (GitLab CI merge request !12).`);
    expect(outcomes(run)).toEqual({ [older.id]: 'would-cancel', [own.id]: 'skipped' });

    const requests = vercel.requests.length;
    const tag = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
      ...env,
      CI_COMMIT_SHA: head,
      CI_COMMIT_TAG: 'v1.2.0',
      CI_COMMIT_REF_NAME: 'v1.2.0',
    });
    expect(tag.code).toBe(0);
    expect(tag.stdout.split('\n')[0]).toBe(
      'Nothing to do: v1.2.0 (CI_COMMIT_TAG) is a tag, not a branch: no branch deployments to supersede.',
    );
    expect(tag.outputs['canceled-count']).toBe('0');
    const fork = await cli(['cancel', '--superseded', '--api-url', apiUrl], { ...mergeRequest, CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '99' });
    expect(fork.code).toBe(0);
    expect(fork.stdout.split('\n')[0]).toMatch(/^Nothing to do: merge request !12 comes from a fork/);
    expect(vercel.requests.length).toBe(requests);
  });

  it('a tag build has nothing to supersede, in every CI system, unless --branch names a branch', async () => {
    const sha = randomSha();
    const tagBuilds: Array<[Record<string, string>, string]> = [
      [{ CI_COMMIT_SHA: sha, CI_COMMIT_TAG: 'v1', CI_COMMIT_REF_NAME: 'v1', CI_PROJECT_PATH: 'acme/web' }, 'v1 (CI_COMMIT_TAG) is a tag'],
      [{ CIRCLE_SHA1: sha, CIRCLE_TAG: 'v1', CIRCLE_PROJECT_USERNAME: 'acme', CIRCLE_PROJECT_REPONAME: 'web' }, 'v1 (CIRCLE_TAG) is a tag'],
      [
        { BUILDKITE_COMMIT: sha, BUILDKITE_TAG: 'v1', BUILDKITE_BRANCH: 'v1', BUILDKITE_REPO: 'git@github.com:acme/web.git' },
        'v1 (BUILDKITE_TAG) is a tag',
      ],
      [
        { GITHUB_SHA: sha, GITHUB_REF: 'refs/tags/v1', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1', GITHUB_REPOSITORY: 'acme/web' },
        'v1 is a tag',
      ],
    ];
    for (const [env, message] of tagBuilds) {
      const requests = vercel.requests.length;
      const run = await cli(['cancel', '--superseded', '--api-url', apiUrl], { VERCEL_TOKEN: TOKEN, ...env });
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`Nothing to do: ${message}, not a branch: no branch deployments to supersede.`);
      expect(vercel.requests.length).toBe(requests);
      const branch = await cli(['cancel', '--superseded', '--api-url', apiUrl, '--branch', 'main'], { VERCEL_TOKEN: TOKEN, ...env });
      expect(branch.stdout.split('\n')[0]).toMatch(new RegExp(`^Current commit ${sha.slice(0, 7)} on branch main of acme/web `));
    }
    // GitLab without CI_COMMIT_BRANCH (and no tag): CI_COMMIT_REF_NAME is the branch.
    const refName = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
      VERCEL_TOKEN: TOKEN,
      CI_COMMIT_SHA: sha,
      CI_COMMIT_REF_NAME: 'release/2',
      CI_PROJECT_PATH: 'acme/web',
    });
    expect(refName.stdout.split('\n')[0]).toBe(`Current commit ${sha.slice(0, 7)} on branch release/2 of acme/web (GitLab CI).`);
  });

  /** Git-integration deployments of acme/web, a linear history in the GitHub simulation. */
  function githubSetup() {
    github.addRepo({ owner: REPO.owner, repo: REPO.name, id: REPO.id, token: GITHUB_TOKEN });
    const commits = linearHistory(4);
    github.addCommits(REPO.owner, REPO.name, commits);
    const [c0, c1, c2, c3] = commits.map((c) => c.sha) as [string, string, string, string];
    const meta = (sha: string) => ({
      githubCommitSha: sha,
      githubCommitRef: 'main',
      githubOrg: REPO.owner,
      githubRepo: REPO.name,
      githubDeployment: '1',
    });
    // The newer commit's build was created first: only ancestry tells the two apart.
    const newer = vercel.addDeployment({ ownerId: 'user_alice', meta: meta(c3) });
    const older = vercel.addDeployment({ ownerId: 'user_alice', meta: meta(c1) });
    // c2 (the current commit in these tests) builds the same project: without it nothing is superseded there.
    vercel.addDeployment({ ownerId: 'user_alice', meta: meta(c2) });
    return { c0, c1, c2, c3, older, newer };
  }

  it('GitHub-style variables: cancels an ancestor through the GitHub compare API (GITHUB_API_URL, GITHUB_TOKEN), skips a newer commit', async () => {
    const { c2, c3, older, newer } = githubSetup();
    const run = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
      VERCEL_TOKEN: TOKEN,
      GITHUB_TOKEN,
      GITHUB_API_URL: githubUrl,
      GITHUB_SHA: c2,
      GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: `${REPO.owner}/${REPO.name}`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`Current commit ${c2.slice(0, 7)} on branch main of acme/web (GitHub Actions).`);
    expect(outcomes(run)).toMatchObject({ [older.id]: 'canceled', [newer.id]: 'skipped' });
    expect(reasonOf(run, older.id)).toMatch(/superseded: \w{7} is an ancestor of/);
    expect(reasonOf(run, newer.id)).toBe(`${c3.slice(0, 7)} is newer than the current commit ${c2.slice(0, 7)}: left to its own run`);
    expect(github.requests.map((r) => r.path).sort()).toHaveLength(2);
    expect(github.requests.every((r) => r.authorization)).toBe(true);
  });

  it('in a GitHub Actions runner, a pull request event speaks for its head commit, as the action does', async () => {
    const { c2, older, newer } = githubSetup();
    const dir = await mkdtemp(join(tmpdir(), 'vercel-cancel-cli-'));
    try {
      const eventPath = join(dir, 'event.json');
      const pullRequest = {
        number: 7,
        head: { sha: c2, ref: 'main', repo: { id: REPO.id } },
        base: { ref: 'release', repo: { id: REPO.id } },
      };
      await writeFile(
        eventPath,
        JSON.stringify({ action: 'synchronize', number: 7, pull_request: pullRequest, repository: { id: REPO.id, full_name: 'acme/web' } }),
      );
      const run = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
        VERCEL_TOKEN: TOKEN,
        GITHUB_TOKEN,
        GITHUB_API_URL: githubUrl,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_SHA: randomSha(), // the merge commit
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_REF_NAME: '7/merge',
        GITHUB_REPOSITORY: 'acme/web',
      });
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(
        `Current commit ${c2.slice(0, 7)} on branch main of acme/web (pull_request: the pull request's head commit and branch).`,
      );
      expect(outcomes(run)).toMatchObject({ [older.id]: 'canceled', [newer.id]: 'skipped' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('CircleCI and Buildkite variables name the commit, branch and repository', async () => {
    const { c2, older, newer } = githubSetup();
    const common = { VERCEL_TOKEN: TOKEN, GITHUB_TOKEN, GITHUB_API_URL: githubUrl };
    const circle = await cli(['cancel', '--superseded', '--api-url', apiUrl, '--dry-run'], {
      ...common,
      CIRCLECI: 'true',
      CIRCLE_SHA1: c2,
      CIRCLE_BRANCH: 'main',
      CIRCLE_PROJECT_USERNAME: 'acme',
      CIRCLE_PROJECT_REPONAME: 'web',
      CIRCLE_REPOSITORY_URL: 'git@github.com:acme/web.git',
    });
    expect(circle.code).toBe(0);
    expect(circle.stdout.split('\n')[0]).toBe(`Current commit ${c2.slice(0, 7)} on branch main of acme/web (CircleCI).`);
    expect(outcomes(circle)).toMatchObject({ [older.id]: 'would-cancel', [newer.id]: 'skipped' });

    // A GitLab repository on CircleCI: GitHub Git-integration builds are not its own.
    const circleGitlab = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
      ...common,
      CIRCLE_SHA1: c2,
      CIRCLE_BRANCH: 'main',
      CIRCLE_PROJECT_USERNAME: 'acme',
      CIRCLE_PROJECT_REPONAME: 'web',
      CIRCLE_REPOSITORY_URL: 'https://gitlab.com/acme/web.git',
    });
    expect(outcomes(circleGitlab)).toMatchObject({ [older.id]: 'skipped', [newer.id]: 'skipped' });
    expect(reasonOf(circleGitlab, older.id)).toBe('a github repository, not acme/web');

    for (const repo of ['git@github.com:acme/web.git', 'https://github.com/acme/web.git', 'ssh://git@github.com/acme/web']) {
      const run = await cli(['cancel', '--superseded', '--api-url', apiUrl, '--dry-run'], {
        ...common,
        BUILDKITE: 'true',
        BUILDKITE_COMMIT: c2,
        BUILDKITE_BRANCH: 'main',
        BUILDKITE_REPO: repo,
      });
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`Current commit ${c2.slice(0, 7)} on branch main of acme/web (Buildkite).`);
      expect(outcomes(run)).toMatchObject({ [older.id]: 'would-cancel', [newer.id]: 'skipped' });
    }
    const unknownHost = await cli(['cancel', '--superseded', '--api-url', apiUrl], {
      ...common,
      BUILDKITE_COMMIT: c2,
      BUILDKITE_BRANCH: 'main',
      BUILDKITE_REPO: 'git@git.example.com:acme/web.git',
    });
    expect(unknownHost.code).toBe(1);
    expect(unknownHost.stderr).toBe(
      'error: The repository is unknown (the host of BUILDKITE_REPO, git.example.com, is not github, gitlab or bitbucket: pass --provider): pass --repo owner/name.\n',
    );
    const withProvider = await cli(['cancel', '--superseded', '--api-url', apiUrl, '--provider', 'github', '--dry-run'], {
      ...common,
      BUILDKITE_COMMIT: c2,
      BUILDKITE_BRANCH: 'main',
      BUILDKITE_REPO: 'git@git.example.com:acme/web.git',
    });
    expect(withProvider.code).toBe(0);
    expect(outcomes(withProvider)).toMatchObject({ [older.id]: 'would-cancel', [newer.id]: 'skipped' });
  });

  it('--sha, --branch, --repo, --provider and --repo-id win over the CI variables', async () => {
    const { c2, older, newer } = githubSetup();
    const gitlab = vercel.addDeployment({
      ownerId: 'user_alice',
      meta: { gitlabCommitSha: randomSha(), gitlabCommitRef: 'main', gitlabProjectId: '77' },
    });
    const args = ['cancel', '--superseded', '--api-url', apiUrl, '--dry-run', '--sha', c2, '--branch', 'main', '--repo', 'acme/web'];
    const common = { VERCEL_TOKEN: TOKEN, GITHUB_TOKEN, GITHUB_API_URL: githubUrl };
    // GitLab CI variables for another commit, branch and project: the flags name this one.
    const gitlabCi = { CI_COMMIT_SHA: randomSha(), CI_COMMIT_BRANCH: 'other', CI_PROJECT_PATH: 'acme/other', CI_PROJECT_ID: '5' };
    const run = await cli([...args, '--provider', 'github'], { ...common, ...gitlabCi });
    expect(run.stdout.split('\n')[0]).toBe(`Current commit ${c2.slice(0, 7)} on branch main of acme/web (GitLab CI).`);
    expect(outcomes(run)).toMatchObject({ [older.id]: 'would-cancel', [newer.id]: 'skipped', [gitlab.id]: 'skipped' });

    // No CI at all: the flags are enough. A GitLab project by id.
    const byId = await cli([...args, '--provider', 'gitlab', '--repo-id', '77'], common);
    expect(byId.stdout.split('\n')[0]).toBe(`Current commit ${c2.slice(0, 7)} on branch main of acme/web (command line).`);
    expect(outcomes(byId)[gitlab.id]).toBe('skipped');
    // Matches the GitLab project, but the current commit has no build there to supersede it.
    expect(reasonOf(byId, gitlab.id)).toMatch(/^the current commit has no build in progress in project/);
    expect(reasonOf(byId, older.id)).toBe('a github repository, not acme/web');

    // --repo without --provider, outside CI: a GitHub repository.
    const plain = await cli(args, common);
    expect(outcomes(plain)).toMatchObject({ [older.id]: 'would-cancel', [newer.id]: 'skipped', [gitlab.id]: 'skipped' });
    expect(reasonOf(plain, gitlab.id)).toBe('a gitlab repository, not acme/web');
  });
});

describe('as the README tells users to run it', () => {
  it('npm pack, then npx --package <tarball> vercel-cancel --version (the release asset way)', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin?: Record<string, string> };
    if (pkg.bin?.['vercel-cancel'] !== 'dist/cli/index.js') {
      throw new Error('package.json has no "bin": { "vercel-cancel": "dist/cli/index.js" }: npx would find no vercel-cancel command.');
    }
    const run = promisify(execFile);
    const dir = await mkdtemp(join(tmpdir(), 'vercel-cancel-pack-'));
    const { stdout: cache } = await run('npm', ['config', 'get', 'cache']);
    const npxRoot = join(cache.trim(), '_npx');
    try {
      const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT });
      const tarball = join(dir, packed.trim().split('\n').at(-1)!);
      // From an empty directory, so nothing of this checkout is on the way. The package names its runtime
      // dependencies (for audits; the bundle carries them): npm's cache first, the registry for their metadata.
      const work = join(dir, 'work');
      await mkdir(work);
      const { stdout } = await run('npx', ['--prefer-offline', '--yes', '--package', tarball, 'vercel-cancel', '--version'], { cwd: work });
      expect(stdout).toBe(`${pkg.version}\n`);
    } finally {
      // npx installed the tarball under npm's cache, in _npx/<hash>: remove that install.
      for (const entry of existsSync(npxRoot) ? await readdir(npxRoot) : []) {
        const manifest = join(npxRoot, entry, 'package.json');
        if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes(dir))
          await rm(join(npxRoot, entry), { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
