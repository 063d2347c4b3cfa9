// End to end, issue 10 sections 1 and 3: Vercel, GitHub and the event payload answer with hostile
// text in every field the action can print, and with the tokens echoed back. Every stdout and stderr
// line of the action (dist/index.js) and of the command line (dist/cli/index.js) goes through a port
// of the runner's own command parsers (support/runner-commands.ts): the only commands are the
// action's own, and no token, raw or escaped, shows anywhere.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitHubSimulator, linearHistory, randomSha } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { TEST_GITHUB_TOKEN } from '../../simulator/github-runner.js';
import { pullRequestEvent, repositoryPayload, runAction, runProcess } from '../support/run-action.js';
import { commandsIn } from '../support/runner-commands.js';

const CLI = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));
const TOKEN = 'vcp_untrusted_Token_5a7b9c1d3e';
const GITHUB_TOKEN = 'ghs_untrusted_GitHub_8f6e4d2c0b';
const REPO = { id: 4242, owner: 'acme', name: 'web' };
const OUTPUT_NAMES = ['ready-state', 'canceled-at', 'canceled-ids', 'canceled-count', 'deployments'];

/** The payloads of issue 10, and others of the same kind. */
const KNOWN = [
  'x\n::set-output name=pwn::1',
  'x\r::add-mask::CANCELED',
  'x\n::stop-commands::t',
  'o/r ##[set-output name=extra;]v',
  'x\u2028::error title=forged::owned',
  '#\u00ad#[add-mask]READY',
  'www.evil.example)[Approve](https://evil.example/a) ![i](https://evil.example/i.png) <img src=x> | x',
];
/** Random hostile strings: line breaks, command pieces, unicode. A new sample every run. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '::',
        '##[',
        ']',
        '\n',
        '\r',
        '\u2028',
        '\u0085',
        '\v',
        '\u200b',
        'set-output name=x',
        'add-mask',
        '|',
        '`',
        '😀',
        ' ',
      ),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));
const values = () => [...KNOWN, ...fc.sample(hostile, 6)];

let vercel: VercelSimulator;
let github: GitHubSimulator;
let vercelUrl: string;
let githubUrl: string;

beforeEach(async () => {
  vercel = new VercelSimulator();
  vercel.addUser({ id: 'user_alice', token: TOKEN });
  github = new GitHubSimulator();
  github.addRepo({ owner: REPO.owner, repo: REPO.name, id: REPO.id, token: GITHUB_TOKEN });
  [vercelUrl, githubUrl] = await Promise.all([vercel.start(), github.start()]);
});
afterEach(async () => {
  await Promise.all([vercel.stop(), github.stop()]);
});

type Answer = { status: number; body: object };
/** A deployment object with hostile text in every field the action reads. */
const deployment = (id: string, text: string, fields: object = {}) => ({
  id,
  url: `${text}.vercel.app`,
  inspectorUrl: `https://vercel.com/acme/web/${text}`,
  readyState: 'CANCELED',
  canceledAt: Date.now(),
  createdAt: 1767225600000,
  target: text,
  projectId: text,
  meta: {},
  ...fields,
});
const error = (status: number, message: string, code = 'bad_request'): Answer => ({ status, body: { error: { code, message } } });

/**
 * By id: per value, deployments whose cancel answers with the value in every field, in its error
 * message (400, 403, 500), or echoing the tokens. Returns the ids and the answers by path.
 */
function byIdAnswers(texts: string[]): { ids: string[]; answers: Map<string, Answer> } {
  const answers = new Map<string, Answer>();
  const ids: string[] = [];
  texts.forEach((text, i) => {
    const add = (id: string, patch: Answer, get: Answer = patch) => {
      ids.push(id);
      answers.set(`PATCH /v12/deployments/${id}/cancel`, patch);
      answers.set(`GET /v13/deployments/${id}`, get);
    };
    add(`dpl_fields${i}`, { status: 200, body: deployment(`dpl_fields${i}`, text) });
    add(`dpl_otherid${i}`, { status: 200, body: deployment(text, text, { readyState: text }) });
    add(`dpl_refused${i}`, error(400, text, text), { status: 200, body: deployment(`dpl_refused${i}`, text, { readyState: 'BUILDING' }) });
    add(`dpl_forbidden${i}`, error(403, text, text));
    add(`dpl_broken${i}`, error(500, text, text));
  });
  // Servers that echo the tokens, as they were sent and escaped.
  const echo = `Not authorized: Bearer ${TOKEN} ${encodeURIComponent(TOKEN)} ${GITHUB_TOKEN} ${TOKEN.replace(/_/g, '\\_')}`;
  for (const [i, answer] of [error(403, echo, 'forbidden'), error(400, echo), error(500, echo), error(404, echo, 'not_found')].entries()) {
    ids.push(`dpl_echo${i}`);
    answers.set(`PATCH /v12/deployments/dpl_echo${i}/cancel`, answer);
    answers.set(`GET /v13/deployments/dpl_echo${i}`, answer);
  }
  return { ids, answers };
}

function serve(answers: Map<string, Answer>): void {
  vercel.inject(({ method, path }) => answers.get(`${method} ${path}`) ?? error(404, `no ${method} ${path}`, 'not_found'));
}

/** The checks of issue 10 on everything a run wrote: its own commands only, one line each, no token. */
function expectHarmless(run: { stdout: string; stderr: string; outputs: Record<string, string>; summary?: string }): void {
  for (const command of commandsIn(`${run.stdout}\n${run.stderr}`)) {
    // The action's own: the masks of its two secrets, and its warnings and errors (core escapes their data).
    expect(command.parser).toBe('v2');
    if (command.command === 'add-mask') expect([TOKEN, GITHUB_TOKEN, TEST_GITHUB_TOKEN]).toContain(command.data);
    else {
      expect(['warning', 'error']).toContain(command.command);
      expect(command.properties).toEqual({});
      expect(command.data).not.toMatch(/[\r\n]/);
    }
  }
  expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  const printed = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const everything = [printed, run.stderr, ...Object.values(run.outputs), run.summary ?? ''].join('\n');
  for (const secret of [TOKEN, GITHUB_TOKEN]) {
    for (const form of [secret, secret.replace(/_/g, '\\_'), secret.slice(4)]) expect(everything).not.toContain(form);
  }
}

describe('the action, fed hostile text', () => {
  it('by id: urls, ids, states and Vercel error messages print as text, tokens echoed back are scrubbed', async () => {
    const { ids, answers } = byIdAnswers(values());
    serve(answers);
    const result = await runAction({
      inputs: { token: TOKEN, 'github-token': GITHUB_TOKEN, 'api-url': vercelUrl, 'deployment-id': ids.join(' '), retries: '0' },
    });
    expect(result.code).toBe(1);
    // Every deployment was acted on and reported: the hostile text reached the report.
    expect(JSON.parse(result.outputs.deployments!)).toHaveLength(ids.length);
    expect(result.stdout).toContain('\\n::set-output name=pwn::1');
    expectHarmless(result);
    // The summary as GitHub shows it: a row per deployment, no image, no HTML but ours, links only to http(s).
    const html = new MarkdownIt({ html: true, linkify: true }).render(result.summary);
    expect((html.match(/<tr>/g) ?? []).length).toBe(ids.length + 1);
    expect(html).not.toMatch(/<img/i);
    expect(new Set([...html.matchAll(/<\/?([a-z][\w-]*)/gi)].map((m) => m[1]!.toLowerCase()))).toEqual(
      new Set(['h2', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code']),
    );
    for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) expect(href).toMatch(/^https?:\/\/[^\s"'()<>`\\|]*$/);
  });

  it('superseded: branch names from the event and meta, repositories, targets and GitHub text print as text', async () => {
    const texts = values();
    const commits = linearHistory(3);
    github.addCommits(REPO.owner, REPO.name, commits);
    const [c0, c1, head] = commits.map((c) => c.sha) as [string, string, string];
    const branch = texts[0]!; // the current branch: from the event payload, chosen by whoever pushed
    const unknownSha = randomSha();
    const meta = (sha: string, ref: string, extra: object = {}) => ({
      githubCommitSha: sha,
      githubCommitRef: ref,
      githubRepoId: String(REPO.id),
      githubOrg: REPO.owner,
      githubRepo: REPO.name,
      ...extra,
    });
    const listed: object[] = [];
    const answers = new Map<string, Answer>();
    texts.forEach((text, i) => {
      const item = (uid: string, m: object, fields: object = {}) =>
        listed.push({
          ...deployment(uid, text, {
            readyState: 'BUILDING',
            target: null,
            projectId: 'prj_web',
            meta: m,
            createdAt: 1767225600000 + listed.length,
          }),
          uid,
          ...fields,
        });
      // Superseded, on the hostile current branch: canceled, and the cancel answers with hostile text.
      item(`dpl_old${i}`, meta(i % 2 ? c0 : c1, branch));
      answers.set(`PATCH /v12/deployments/dpl_old${i}/cancel`, { status: 200, body: deployment(`dpl_old${i}`, text) });
      // Left alone, each with the hostile text in its reason.
      item(`dpl_branch${i}`, meta(c1, text === branch ? `${text}x` : text));
      item(`dpl_repoid${i}`, meta(c1, branch, { githubRepoId: text }));
      item(`dpl_repo${i}`, meta(c1, branch, { githubRepoId: undefined, githubOrg: text, githubRepo: text }));
      item(`dpl_target${i}`, meta(c1, branch), { target: text });
      item(`dpl_gitref${i}`, { gitCommitSha: c1, gitCommitRef: text });
      item(text, meta(c1, `${branch}-other`));
      item(`dpl_project${i}`, meta(c1, branch), { projectId: text });
    });
    // The current commit's own build: the project builds it, so its older builds are superseded.
    listed.push({
      ...deployment('dpl_own', 'own', { readyState: 'BUILDING', target: null, projectId: 'prj_web', meta: meta(head, branch) }),
      uid: 'dpl_own',
    });
    // A commit GitHub answers about with a hostile status.
    listed.push({
      ...deployment('dpl_unknown', 'u', { readyState: 'BUILDING', target: null, projectId: 'prj_web', meta: meta(unknownSha, branch) }),
      uid: 'dpl_unknown',
    });
    answers.set('GET /v6/deployments', { status: 200, body: { deployments: listed, pagination: { next: null } } });
    answers.set('GET /v9/projects/prj_web', { status: 200, body: { id: 'prj_web', name: 'web' } }); // project-id is verified first
    serve(answers);
    github.inject(({ path }) =>
      path.includes(unknownSha)
        ? { status: 200, body: { status: `${texts[3]} ${GITHUB_TOKEN}`, ahead_by: 1, behind_by: 1, total_commits: 1 } }
        : undefined,
    );

    const result = await runAction({
      inputs: {
        token: TOKEN,
        'github-token': GITHUB_TOKEN,
        'api-url': vercelUrl,
        target: 'preview',
        'project-id': 'prj_web',
        retries: '0',
      },
      env: { GITHUB_API_URL: githubUrl },
      event: pullRequestEvent(head, branch, { repository: repositoryPayload(REPO.id, `${REPO.owner}/${REPO.name}`) }),
    });
    expect(JSON.parse(result.outputs.deployments!).length).toBeGreaterThanOrEqual(listed.length);
    expect(result.outputs['canceled-count']).toBe(String(texts.length));
    // The hostile text reached the log, as text: the event's branch, and GitHub's answer (its token scrubbed).
    expect(result.stdout).toContain(
      "on branch x\\n::set-output name=pwn::1 of acme/web (pull_request: the pull request's head commit and branch).",
    );
    expect(result.stdout).toMatch(/GitHub compared \w+ with status ".*\*\*\*"/);
    expectHarmless(result);
  });
});

describe('the command line, fed hostile text', () => {
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const { code, stdout, stderr } = await runProcess(process.execPath, [CLI, ...args], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      VERCEL_TOKEN: TOKEN,
      GITHUB_TOKEN,
      ...env,
    });
    const outputs: Record<string, string> = {};
    for (const line of stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0 && OUTPUT_NAMES.includes(line.slice(0, eq))) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { code, stdout, stderr, outputs };
  };

  it('by id, as text and as --json: every line plain, tokens scrubbed (there is no runner to mask them)', async () => {
    const { ids, answers } = byIdAnswers(values());
    serve(answers);
    const text = await cli(['cancel', '--id', ids.join(','), '--api-url', vercelUrl, '--retries', '0']);
    expect(text.code).toBe(1);
    expect(JSON.parse(text.outputs.deployments!)).toHaveLength(ids.length);
    expectHarmless(text);

    const json = await cli(['cancel', '--id', ids.join(','), '--api-url', vercelUrl, '--retries', '0', '--json']);
    const parsed = JSON.parse(json.stdout) as { outputs: Record<string, string>; deployments: unknown[] };
    expect(parsed.deployments).toHaveLength(ids.length);
    expectHarmless({ ...json, outputs: parsed.outputs });
  });

  it('a token rejected with its own value echoed: the one error line does not show it', async () => {
    const rejected = {
      status: 403,
      body: { error: { code: 'forbidden', message: `Bearer ${TOKEN} is invalid\n::add-mask::x`, invalidToken: true } },
    };
    // The first request (the read before the cancel) meets the rejection.
    serve(
      new Map([
        ['GET /v13/deployments/dpl_a', rejected],
        ['PATCH /v12/deployments/dpl_a/cancel', rejected],
      ]),
    );
    const run = await cli(['cancel', '--id', 'dpl_a', '--api-url', vercelUrl]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: Vercel rejected the token');
    expectHarmless({ ...run, outputs: Object.fromEntries(OUTPUT_NAMES.map((n) => [n, run.outputs[n] ?? ''])) });

    const action = await runAction({ inputs: { token: TOKEN, 'api-url': vercelUrl, 'deployment-id': 'dpl_a' } });
    expect(action.code).toBe(1);
    expectHarmless(action);
  });

  it('superseded in a GitHub Actions runner: the event payload branch and the listing print as text', async () => {
    const texts = values();
    const [c0, head] = linearHistory(2).map((c) => c.sha) as [string, string];
    const listed = texts.map((text, i) => ({
      ...deployment(`dpl_l${i}`, text, { readyState: 'BUILDING', target: null }),
      uid: `dpl_l${i}`,
      meta: { githubCommitSha: c0, githubCommitRef: text, githubRepoId: text, githubOrg: text, githubRepo: text },
    }));
    serve(new Map([['GET /v6/deployments', { status: 200, body: { deployments: listed, pagination: { next: null } } }]]));
    const dir = await mkdtemp(join(tmpdir(), 'untrusted-cli-'));
    try {
      const eventPath = join(dir, 'event.json');
      await writeFile(
        eventPath,
        JSON.stringify({ ref: `refs/heads/${texts[0]}`, after: head, deleted: false, repository: { id: REPO.id, full_name: 'acme/web' } }),
      );
      const run = await cli(['cancel', '--superseded', '--api-url', vercelUrl], {
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_SHA: head,
        GITHUB_REF: `refs/heads/${texts[0]}`,
        GITHUB_REPOSITORY: 'acme/web',
        GITHUB_API_URL: githubUrl,
      });
      expect(JSON.parse(run.outputs.deployments!)).toHaveLength(listed.length);
      expect(run.stdout).toContain(`on branch x\\n::set-output name=pwn::1 of acme/web (push: GITHUB_SHA and the pushed branch).`);
      expectHarmless({ ...run, outputs: Object.fromEntries(OUTPUT_NAMES.map((n) => [n, run.outputs[n] ?? ''])) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
