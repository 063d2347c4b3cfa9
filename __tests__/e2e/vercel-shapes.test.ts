// End to end (dist/index.js through the runner model), what the real API sends beyond the common
// case: an unknown project-id, custom environments, GitHub Enterprise Server repositories, and
// Bitbucket/cursor-origin gitSources. The Vercel simulator serves only shapes @vercel/sdk accepts
// (__tests__/integration/vercel/sdk.test.ts).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubSimulator, linearHistory } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { join } from 'node:path';
import {
  loadEvent,
  pushEvent,
  repositoryPayload,
  ROOT,
  runAction,
  runProcess,
  type ActionRun,
  type Trigger,
} from '../support/run-action.js';

const TOKEN = 'vrc_shapes_token';
const GITHUB_TOKEN = 'ghs_shapes_token';
const REPO = { id: 4242, owner: 'acme', name: 'web' };
const GHES_URL = 'https://ghe.example.com';

let vercel: VercelSimulator;
let github: GitHubSimulator;
let vercelUrl: string;
let githubUrl: string;
let older: string;
let head: string;

beforeEach(async () => {
  vercel = new VercelSimulator();
  vercel.addUser({ id: 'user_alice', token: TOKEN });
  github = new GitHubSimulator();
  github.addRepo({ owner: REPO.owner, repo: REPO.name, id: REPO.id, token: GITHUB_TOKEN });
  const commits = linearHistory(3);
  github.addCommits(REPO.owner, REPO.name, commits);
  [, older, head] = commits.map((c) => c.sha) as [string, string, string];
  [vercelUrl, githubUrl] = await Promise.all([vercel.start(), github.start()]);
});
afterEach(async () => {
  await Promise.all([vercel.stop(), github.stop()]);
});

const gitMeta = (sha: string) => ({
  githubCommitSha: sha,
  githubCommitRef: 'main',
  githubRepoId: String(REPO.id),
  githubOrg: REPO.owner,
  githubRepo: REPO.name,
});
const deploy = (sha: string, fields: Record<string, unknown> = {}) =>
  vercel.addDeployment({ ownerId: 'user_alice', name: 'web', readyState: 'BUILDING', meta: gitMeta(sha), ...fields });
/** The current commit's own build, which lets older ones in its project be superseded. */
const ownBuild = (fields: Record<string, unknown> = {}) => deploy(head, fields);

const push = (): Trigger => pushEvent(head, 'main', repositoryPayload(REPO.id, `${REPO.owner}/${REPO.name}`));

function run(inputs: Record<string, string> = {}, options: { event?: Trigger; env?: Record<string, string> } = {}): Promise<ActionRun> {
  return runAction({
    inputs: { token: TOKEN, 'api-url': vercelUrl, 'github-token': GITHUB_TOKEN, ...inputs },
    env: { GITHUB_API_URL: githubUrl, ...options.env },
    event: options.event ?? push(),
  });
}

const outcomes = (result: ActionRun) =>
  Object.fromEntries((JSON.parse(result.outputs.deployments!) as Array<{ id: string; outcome: string }>).map((d) => [d.id, d.outcome]));
const reasonOf = (result: ActionRun, id: string) =>
  (JSON.parse(result.outputs.deployments!) as Array<{ id: string; reason: string }>).find((d) => d.id === id)?.reason;
const cancels = () => vercel.requests.filter((r) => r.method === 'PATCH').length;
const state = (id: string) => vercel.getDeployment(id).readyState as string;

describe('1. project-id is verified once', () => {
  it('an unknown project: one line naming project-id, exit 1, nothing listed or canceled', async () => {
    const stale = deploy(older);
    ownBuild();
    const result = await run({ 'project-id': 'wbe' });

    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toEqual([
      `::error::project-id "wbe" names no Vercel project in this scope (Vercel answered 404 to GET /v9/projects/wbe): use the project's id (prj_…) or name, and team-id or team-slug when the project belongs to a team.`,
    ]);
    expect(vercel.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v9/projects/wbe 404']);
    expect(cancels()).toBe(0);
    expect(state(stale.id)).toBe('BUILDING');
    expect(github.requests).toHaveLength(0);
  });

  it('even with fail-on-error false and in a dry run: a typo is a configuration error', async () => {
    for (const inputs of [{ 'fail-on-error': 'false' }, { 'dry-run': 'true' }] as Array<Record<string, string>>) {
      const result = await run({ 'project-id': 'prj_missing', ...inputs });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^::error::project-id "prj_missing" names no Vercel project/m);
    }
    expect(cancels()).toBe(0);
  });

  it('a project that exists, by name or id (an empty one too): checked, then listed', async () => {
    const stale = deploy(older);
    const own = ownBuild();
    const byName = await run({ 'project-id': 'web' });
    expect(byName.code).toBe(0);
    expect(outcomes(byName)).toEqual({ [stale.id]: 'canceled', [own.id]: 'skipped' });
    expect(vercel.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v9/projects/web', 'GET /v6/deployments']);

    vercel.requests.length = 0;
    const empty = vercel.addProject({ ownerId: 'user_alice', name: 'docs' });
    const result = await run({ 'project-id': empty.id });
    expect(result.code).toBe(0);
    expect(vercel.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /v9/projects/${empty.id} 200`,
      'GET /v6/deployments 200',
    ]);
  });

  it("a project named by Vercel's own repository_dispatch event is not checked: it is no user's typo", async () => {
    const stale = deploy(older, { projectId: 'prj_fromEvent' });
    ownBuild({ projectId: 'prj_fromEvent' });
    const event: Trigger = {
      name: 'repository_dispatch',
      headSha: head,
      payload: loadEvent(
        'repository_dispatch-vercel',
        (p: { client_payload: { git: { sha: string; ref: string }; project: { id: string } } }) => {
          p.client_payload.git = { ...p.client_payload.git, sha: head, ref: 'main' };
          p.client_payload.project.id = 'prj_fromEvent';
        },
      ),
    };
    const result = await run({}, { event });
    expect(result.code).toBe(0);
    expect(state(stale.id)).toBe('CANCELED');
    expect(vercel.requests.some((r) => r.path.startsWith('/v9/projects/'))).toBe(false);
  });
});

describe('2. custom environments (customEnvironment {id, slug}, target null)', () => {
  function builds() {
    return {
      preview: deploy(older),
      production: deploy(older, { target: 'production' }),
      staging: deploy(older, { customEnvironment: { slug: 'staging' } }),
      qa: deploy(older, { customEnvironment: { slug: 'qa' } }),
      own: ownBuild(),
    };
  }

  it('target preview never takes a custom environment build', async () => {
    const b = builds();
    const result = await run({ target: 'preview' });
    expect(result.code).toBe(0);
    expect(outcomes(result)).toMatchObject({ [b.preview.id]: 'canceled', [b.production.id]: 'skipped', [b.staging.id]: 'skipped' });
    expect(reasonOf(result, b.staging.id)).toBe('a deployment of custom environment staging; target is preview');
  });

  it("a target naming a custom environment's slug takes that environment's builds only", async () => {
    const b = builds();
    const result = await run({ target: 'Staging' });
    expect(result.code).toBe(0);
    expect(outcomes(result)).toMatchObject({
      [b.staging.id]: 'canceled',
      [b.qa.id]: 'skipped',
      [b.preview.id]: 'skipped',
      [b.production.id]: 'skipped',
    });
    expect(reasonOf(result, b.preview.id)).toBe('a preview deployment; target is staging');
    expect(reasonOf(result, b.qa.id)).toBe('a deployment of custom environment qa; target is staging');
  });

  it('target all takes every environment', async () => {
    const b = builds();
    const result = await run({ target: 'all' });
    expect(outcomes(result)).toMatchObject({
      [b.staging.id]: 'canceled',
      [b.qa.id]: 'canceled',
      [b.preview.id]: 'canceled',
      [b.production.id]: 'canceled',
    });
  });

  it('a target that is no slug: one line naming target, no request', async () => {
    builds();
    const result = await run({ target: 'staging eu' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::Input 'target' must be production, preview, all or a custom environment's slug/m);
    expect(vercel.requests).toHaveLength(0);
  });
});

describe('5. GitHub Enterprise Server (gitSource github-custom-host with its host)', () => {
  /** A build whose meta names no repository, so the action reads its gitSource. */
  const sourced = (sha: string, gitSource: Record<string, unknown>) =>
    vercel.addDeployment({
      ownerId: 'user_alice',
      name: 'web',
      readyState: 'BUILDING',
      meta: {},
      gitSource: { ref: 'main', sha, ...gitSource },
    });

  it("on a GitHub Enterprise Server runner: that host's builds are ours; github.com's and another host's are not", async () => {
    const ours = sourced(older, { type: 'github-custom-host', host: 'ghe.example.com', repoId: REPO.id });
    const otherHost = sourced(older, { type: 'github-custom-host', host: 'ghe.other.example', repoId: REPO.id });
    const dotCom = sourced(older, { type: 'github', repoId: REPO.id });
    const metaOnly = deploy(older, { gitSource: undefined }); // github* meta names no host, and no gitSource says one
    const own = sourced(head, { type: 'github-custom-host', host: 'ghe.example.com', repoId: REPO.id });

    const result = await run({}, { env: { GITHUB_SERVER_URL: GHES_URL } });
    expect(result.code).toBe(0);
    expect(outcomes(result)).toEqual({
      [ours.id]: 'canceled',
      [otherHost.id]: 'skipped',
      [dotCom.id]: 'skipped',
      [metaOnly.id]: 'skipped',
      [own.id]: 'skipped',
    });
    expect(reasonOf(result, otherHost.id)).toBe('a repository on ghe.other.example, not ghe.example.com');
    expect(reasonOf(result, dotCom.id)).toBe('a repository on github.com, not ghe.example.com');
    expect(reasonOf(result, metaOnly.id)).toMatch(/does not say which GitHub host its repository is on/);
    // The meta-only build's gitSource was read (withGitRepoInfo) to learn its host.
    expect(vercel.requests.some((r) => r.path === `/v13/deployments/${metaOnly.id}` && r.query.withGitRepoInfo === 'true')).toBe(true);
  });

  it('on github.com: a same-id repository on a GitHub Enterprise Server is not ours', async () => {
    const ghes = sourced(older, { type: 'github-custom-host', host: 'ghe.example.com', repoId: REPO.id });
    const stale = deploy(older);
    ownBuild();
    const result = await run();
    expect(result.code).toBe(0);
    expect(outcomes(result)).toMatchObject({ [ghes.id]: 'skipped', [stale.id]: 'canceled' });
    expect(reasonOf(result, ghes.id)).toBe('a repository on ghe.example.com, not github.com');
  });
});

describe('6. Bitbucket owner/slug and cursor-origin owner are read', () => {
  it('a Bitbucket or cursor-origin build named acme/web is never taken for the GitHub repository acme/web', async () => {
    const bitbucket = vercel.addDeployment({
      ownerId: 'user_alice',
      name: 'web',
      meta: {},
      gitSource: { type: 'bitbucket', owner: 'acme', slug: 'web', ref: 'main', sha: older },
    });
    const cursor = vercel.addDeployment({
      ownerId: 'user_alice',
      name: 'web',
      meta: {},
      gitSource: { type: 'cursor-origin', repoId: 'r1', owner: 'acme', repo: 'web', ref: 'main', sha: older },
    });
    const stale = deploy(older);
    ownBuild();
    const result = await run({ 'project-id': 'web' });
    expect(result.code).toBe(0);
    expect(outcomes(result)).toMatchObject({ [bitbucket.id]: 'skipped', [cursor.id]: 'skipped', [stale.id]: 'canceled' });
    expect(reasonOf(result, bitbucket.id)).toBe('a bitbucket repository, not acme/web');
    expect(reasonOf(result, cursor.id)).toBe('a cursor-origin repository, not acme/web');
  });

  it('the command line with --provider bitbucket: a build named by owner and slug only is matched to the repository', async () => {
    const bitbucket = (sha: string, slug = 'web') =>
      vercel.addDeployment({
        ownerId: 'user_alice',
        name: 'web',
        meta: {},
        gitSource: { type: 'bitbucket', owner: 'acme', slug, ref: 'main', sha },
      });
    const stale = bitbucket(older);
    const otherRepo = bitbucket(older, 'docs');
    const own = bitbucket(head);
    const args = ['cancel', '--superseded', '--api-url', vercelUrl, '--provider', 'bitbucket', '--repo', 'acme/web'];
    const cli = await runProcess(
      process.execPath,
      [join(ROOT, 'dist/cli/index.js'), ...args, '--sha', head, '--branch', 'main', '--json'],
      {
        PATH: process.env.PATH ?? '',
        VERCEL_TOKEN: TOKEN,
      },
    );
    expect(cli.stderr).toMatch(
      /^warning: The ancestry of 1 commit could not be established \(.*this is a bitbucket repository\): creation order stood in/,
    );
    expect(cli.code).toBe(0);
    const listed = JSON.parse(cli.stdout) as { deployments: Array<{ id: string; outcome: string; reason: string }> };
    const byId = Object.fromEntries(listed.deployments.map((d) => [d.id, d]));
    expect(byId[stale.id]).toMatchObject({ outcome: 'canceled' });
    expect(byId[otherRepo.id]).toMatchObject({ outcome: 'skipped', reason: 'another repository (acme/docs), not acme/web' });
    expect(byId[own.id]).toMatchObject({ outcome: 'skipped' });
  });
});
