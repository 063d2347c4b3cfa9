// End to end, every trigger event: dist/index.js started by the runner model with each event's
// payload (fixtures in __fixtures__/events), GITHUB_SHA/GITHUB_REF set as GitHub sets them for that
// event — often the default branch's — so the action must find the real commit and branch in the
// payload. Against the Vercel and GitHub simulations on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubSimulator, linearHistory } from '../../simulator/github-api.js';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { loadEvent, runAction, type ActionRun, type Trigger } from '../support/run-action.js';

const TOKEN = 'vrc_events_token';
const GITHUB_TOKEN = 'ghs_events_token';
const REPO = { id: 4242, owner: 'acme', name: 'web' }; // the fixtures' repository

let vercel: VercelSimulator;
let github: GitHubSimulator;
let vercelUrl: string;
let githubUrl: string;
/** Three commits of feature/x, oldest first, and the default branch's last commit. */
let c1: string, c2: string, c3: string, mainHead: string, mainParent: string;

beforeEach(async () => {
  vercel = new VercelSimulator();
  vercel.addUser({ id: 'user_alice', token: TOKEN });
  github = new GitHubSimulator();
  github.addRepo({ owner: REPO.owner, repo: REPO.name, id: REPO.id, token: GITHUB_TOKEN });
  const [root, m] = linearHistory(2);
  const feature = linearHistory(3, root.sha);
  github.addCommits(REPO.owner, REPO.name, [root, m, ...feature]);
  [c1, c2, c3] = feature.map((c) => c.sha) as [string, string, string];
  mainHead = m.sha;
  mainParent = root.sha;
  [vercelUrl, githubUrl] = await Promise.all([vercel.start(), github.start()]);
});
afterEach(async () => {
  await Promise.all([vercel.stop(), github.stop()]);
});

const gitMeta = (sha: string, branch: string) => ({
  githubCommitSha: sha,
  githubCommitRef: branch,
  githubRepoId: String(REPO.id),
  githubOrg: REPO.owner,
  githubRepo: REPO.name,
  githubDeployment: '1',
});
const deploy = (sha: string, branch: string, fields: Record<string, unknown> = {}) =>
  vercel.addDeployment({ ownerId: 'user_alice', readyState: 'BUILDING', projectId: 'prj_web', meta: gitMeta(sha, branch), ...fields });
const state = (id: string) => vercel.getDeployment(id).readyState;
const outcomes = (result: ActionRun) =>
  Object.fromEntries((JSON.parse(result.outputs.deployments!) as Array<{ id: string; outcome: string }>).map((d) => [d.id, d.outcome]));

/** A trigger from a fixture, patched; GitHub runs the workflow on the default branch, whose last commit is mainHead. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are GitHub's loosely typed JSON
const trigger = (name: string, fixture: string, patch?: (payload: any) => void): Trigger => ({
  name,
  payload: loadEvent(fixture, patch),
  headSha: mainHead,
});

const run = (event: Trigger, inputs: Record<string, string> = {}) =>
  runAction({
    inputs: { token: TOKEN, 'api-url': vercelUrl, 'github-token': GITHUB_TOKEN, ...inputs },
    env: { GITHUB_API_URL: githubUrl },
    event,
  });

/** Builds of feature/x (c1 older, c3 current) and of main (the default branch, never to be touched). */
function featureBuilds() {
  return { older: deploy(c1, 'feature/x'), current: deploy(c3, 'feature/x'), main: deploy(mainHead, 'main') };
}

/** The older build of feature/x canceled, its current build and main's left alone. */
async function expectSupersededOnFeature(event: Trigger, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const builds = featureBuilds();
  const result = await run(event, inputs);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect([state(builds.older.id), state(builds.current.id), state(builds.main.id)]).toEqual(['CANCELED', 'BUILDING', 'BUILDING']);
  expect(result.stdout).toContain(`Current commit ${c3.slice(0, 7)} on branch feature/x of acme/web`);
  return result;
}

describe('events whose commit and branch are in the payload', () => {
  it.each([
    ['pull_request_target', 'pull_request_target'],
    ['pull_request_review', 'pull_request_review'],
    ['pull_request_review_comment', 'pull_request_review_comment'],
  ])("%s: the pull request's head, not GITHUB_SHA (the base branch's or the merge commit)", async (name, fixture) => {
    const result = await expectSupersededOnFeature(
      trigger(name, fixture, (p) => {
        p.pull_request.head.sha = c3;
      }),
    );
    expect(result.stdout).toContain(`(${name}: the pull request's head commit and branch)`);
  });

  it("workflow_run: the triggering run's head_sha and head_branch", async () => {
    const result = await expectSupersededOnFeature(
      trigger('workflow_run', 'workflow_run', (p) => {
        p.workflow_run.head_sha = c3;
      }),
    );
    expect(result.stdout).toContain("workflow_run: the triggering run's head commit and branch");
  });

  it('workflow_run from a fork without a pull request: nothing to do, no request', async () => {
    featureBuilds();
    const result = await run(
      trigger('workflow_run', 'workflow_run', (p) => {
        p.workflow_run.head_sha = c3;
        p.workflow_run.head_repository = { id: 9001, full_name: 'mallory/web' };
      }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Nothing to do: the workflow run is for a fork's branch, whose builds only its pull request's own runs may supersede",
    );
    expect(vercel.requests).toHaveLength(0);
  });

  it("deployment: the deployment's commit and its ref as the branch", async () => {
    await expectSupersededOnFeature(
      trigger('deployment', 'deployment', (p) => {
        p.deployment.sha = c3;
      }),
    );
  });

  it("deployment_status made for a SHA (as Vercel makes them), on success: the deployment's branch and project decide", async () => {
    // The event is about the current commit's build, finished: no build of it is in progress.
    const older = deploy(c1, 'feature/x');
    const own = deploy(c3, 'feature/x', { readyState: 'READY' });
    const sameCommitElsewhere = deploy(c3, 'feature/y', { readyState: 'READY' });
    const otherProject = deploy(c1, 'feature/x', { projectId: 'prj_docs' });
    const result = await run(
      trigger('deployment_status', 'deployment_status', (p) => {
        p.deployment.sha = p.deployment.ref = c3;
        p.deployment_status.environment_url = p.deployment_status.target_url = `https://${own.url}`;
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect([state(older.id), state(otherProject.id)]).toEqual(['CANCELED', 'BUILDING']);
    expect(state(sameCommitElsewhere.id)).toBe('READY');
    expect(result.stdout).toContain(`Current commit ${c3.slice(0, 7)} on branch feature/x of acme/web`);
    expect(result.stdout).toContain(`the branch and project of that deployment (${own.url})`);
    expect(vercel.requests.find((r) => r.path === '/v6/deployments')?.query).toMatchObject({ projectId: 'prj_web' });
  });

  it('deployment_status whose URL names no deployment of the commit: the branch its deployments name; on two branches, nothing to do', async () => {
    deploy(c3, 'feature/x', { readyState: 'READY' });
    const event = trigger('deployment_status', 'deployment_status', (p) => {
      p.deployment.sha = p.deployment.ref = c3;
    });
    const result = await run(event);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the branch from its Vercel deployment's git metadata");
    const lookup = vercel.requests.find((r) => r.query['meta-githubCommitSha'] !== undefined);
    expect(lookup?.query).toMatchObject({ 'meta-githubCommitSha': c3, limit: '100' });

    deploy(c3, 'feature/y', { readyState: 'READY' });
    vercel.requests.length = 0;
    const ambiguous = await run(event);
    expect(ambiguous.code).toBe(0);
    expect(ambiguous.stdout).toContain(
      `Nothing to do: commit ${c3.slice(0, 7)} has Vercel deployments on 2 branches (feature/x, feature/y) and the event does not say which`,
    );
    expect(vercel.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('deployment_status for a SHA that no Vercel deployment names: exit 1, naming the branch input', async () => {
    const result = await run(
      trigger('deployment_status', 'deployment_status', (p) => {
        p.deployment.sha = c3;
        p.deployment.ref = c3;
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error::The event names commit \w{7} but no branch, and Vercel has no deployment of commit \w{7} that names its branch: set the branch input\.$/m,
    );
    expect(vercel.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it("Vercel's repository_dispatch: client_payload's commit and branch, and its project scopes the run", async () => {
    const otherProject = deploy(c1, 'feature/x', { projectId: 'prj_docs' });
    const result = await expectSupersededOnFeature(
      trigger('repository_dispatch', 'repository_dispatch-vercel', (p) => {
        p.client_payload.git.sha = c3;
        p.client_payload.project.id = 'prj_web';
      }),
    );
    expect(state(otherProject.id)).toBe('BUILDING');
    expect(vercel.requests.find((r) => r.path === '/v6/deployments')?.query).toMatchObject({ projectId: 'prj_web' });
    expect(result.stdout).toContain("repository_dispatch vercel.deployment.pending: Vercel's commit, branch and project");
  });

  it.each(['workflow_dispatch', 'schedule'])('%s: GITHUB_SHA and GITHUB_REF (the branch the run is on)', async (name) => {
    const older = deploy(mainParent, 'main');
    const main = deploy(mainHead, 'main');
    const feature = deploy(c1, 'feature/x');
    const result = await run(trigger(name, name));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Current commit ${mainHead.slice(0, 7)} on branch main of acme/web (${name}: GITHUB_SHA and GITHUB_REF)`,
    );
    expect(outcomes(result)).toMatchObject({ [older.id]: 'canceled', [main.id]: 'skipped', [feature.id]: 'skipped' });
  });
});

describe('a deleted branch', () => {
  it.each([
    ['push', 'push-delete'],
    ['delete', 'delete-branch'],
  ])("%s: every in-progress build of that branch is canceled, never the default branch's", async (name, fixture) => {
    const builds = featureBuilds();
    const forkBuild = vercel.addDeployment({
      ownerId: 'user_alice',
      readyState: 'BUILDING',
      meta: { ...gitMeta(c2, 'feature/x'), githubCommitRepoId: '9001', githubCommitOrg: 'mallory', githubPrId: '12' },
    });
    const result = await run(trigger(name, fixture));
    expect(result.code).toBe(0);
    expect([state(builds.older.id), state(builds.current.id), state(builds.main.id), state(forkBuild.id)]).toEqual([
      'CANCELED',
      'CANCELED',
      'BUILDING',
      'BUILDING',
    ]);
    expect(result.stdout).toMatch(/^Branch feature\/x of acme\/web was deleted \(/m);
    expect(result.outputs['canceled-count']).toBe('2');
    // One request: GitHub says the branch is gone (the event may be late; the branch pushed again since).
    expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/web/branches/feature%2Fx']);
  });

  it('a branch pushed again since it was deleted: its builds are left alone, and the log says why', async () => {
    const builds = featureBuilds();
    github.setBranch(REPO.owner, REPO.name, 'feature/x', c3);
    const result = await run(trigger('delete', 'delete-branch'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Nothing to do: branch feature/x exists again (it was pushed after the deletion)');
    expect([state(builds.older.id), state(builds.current.id)]).toEqual(['BUILDING', 'BUILDING']);
    expect(vercel.requests).toHaveLength(0);
  });
});

describe('events with nothing to supersede: exit 0, say why, no request', () => {
  it.each([
    ['push', 'push-tag', 'the push is of tag refs/tags/v1.2.0'],
    ['delete', 'delete-tag', 'the delete event is for tag v1.2.0'],
    ['release', 'release', 'a release is made from a tag'],
    ['merge_group', 'merge_group', "a merge queue's temporary branch"],
  ])('%s (%s)', async (name, fixture, why) => {
    featureBuilds();
    const result = await run(trigger(name, fixture));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Nothing to do: ${why}`);
    expect(result.outputs['canceled-count']).toBe('0');
    expect(result.outputs.deployments).toBe('[]');
    expect(vercel.requests).toHaveLength(0);
  });
});

describe('events that name no commit of their own', () => {
  it.each([
    ['issue_comment', 'issue_comment'],
    ['repository_dispatch', 'repository_dispatch'],
  ])('%s without sha and branch: exit 1, naming both inputs, no request', async (name, fixture) => {
    featureBuilds();
    const result = await run(trigger(name, fixture));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^::error::The ${name} event names no branch or commit of its own .*set both the sha and branch inputs`, 'm'),
    );
    expect(vercel.requests).toHaveLength(0);
  });

  it('issue_comment with the sha and branch inputs: they decide', async () => {
    const result = await expectSupersededOnFeature(trigger('issue_comment', 'issue_comment'), { sha: c3, branch: 'feature/x' });
    expect(result.stdout).toContain('(the sha and branch inputs)');
  });
});

describe('runs that cannot have the secret', () => {
  it("a fork's pull request with an empty token: a warning with the if: that avoids it, exit 0, no request", async () => {
    featureBuilds();
    const result = await run(trigger('pull_request', 'pull_request-fork'), { token: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::The token input is empty because pull request #7 comes from a fork, and GitHub gives runs for forks' pull requests no secrets\. Nothing was canceled\. To skip such runs, add to this step: if: github\.actor != 'dependabot\[bot\]' && \(!github\.event\.pull_request \|\| github\.event_name == 'pull_request_target' \|\| github\.event\.pull_request\.head\.repo\.full_name == github\.repository\)$/m,
    );
    expect(result.outputs['canceled-count']).toBe('0');
    expect(vercel.requests).toHaveLength(0);
    expect(github.requests).toHaveLength(0);
  });

  it('a run Dependabot triggered, with an empty token: skipped the same way', async () => {
    const result = await run(
      trigger('push', 'push', (p) => {
        p.sender.login = 'dependabot[bot]';
      }),
      { token: '' },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::The token input is empty because Dependabot triggered this run.*if: github\.actor != 'dependabot\[bot\]'/m,
    );
    expect(vercel.requests).toHaveLength(0);
  });

  it('a workflow_run Dependabot triggered gets Actions secrets: an empty token there is an error', async () => {
    const result = await run(
      trigger('workflow_run', 'workflow_run', (p) => {
        p.sender.login = 'dependabot[bot]';
      }),
      { token: '' },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::Input 'token' is empty\./m);
  });

  it('anywhere else an empty token is an error', async () => {
    const result = await run(trigger('push', 'push'), { token: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::Input 'token' is empty\./m);
    expect(vercel.requests).toHaveLength(0);
  });
});

describe('inputs as the runner passes them', () => {
  it('a misspelt input (with: deployment_id) fails before any request, naming the input meant', async () => {
    const d = deploy(c1, 'feature/x');
    const result = await runAction({
      inputs: { token: TOKEN, 'api-url': vercelUrl, deployment_id: d.id },
      event: trigger('workflow_dispatch', 'workflow_dispatch'),
      unexpectedInputs: 'warn',
    });
    expect(result.runnerWarnings).toEqual([expect.stringMatching(/^Unexpected input\(s\) 'deployment_id'/)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error::Input 'deployment_id' is not an input of this action: did you mean 'deployment-id'\? The environment has INPUT_DEPLOYMENT_ID \(from the step's with: deployment_id, or an env:\): rename it to deployment-id\.$/m,
    );
    expect(vercel.requests).toHaveLength(0);
    expect(state(d.id)).toBe('BUILDING');
  });

  it('an undeclared input that resembles none: a warning naming it, and the run goes on', async () => {
    const d = deploy(c1, 'feature/x');
    const result = await runAction({
      inputs: { token: TOKEN, 'api-url': vercelUrl, 'deployment-id': d.id, colour: 'blue' },
      unexpectedInputs: 'warn',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^::warning::Ignored 'colour': not inputs of this action/m);
    expect(state(d.id)).toBe('CANCELED');
  });
});
