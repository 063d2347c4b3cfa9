import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentCommit, EventError } from '../../../src/github/event.js';

const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const BASE_HEAD = 'c'.repeat(40);
const repository = { id: 11, full_name: 'acme/web' };
let dir: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(eventName: string, payload: object, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = join(dir, `event-${n++}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'acme/web', ...extra };
}
const pr = (action: string, headRepo = 11) => ({
  action,
  pull_request: { number: 5, head: { sha: HEAD, ref: 'feature/x', repo: { id: headRepo } }, base: { repo: { id: 11 } } },
  repository,
});

describe('currentCommit', () => {
  it('push: GITHUB_SHA and the branch of GITHUB_REF', () => {
    expect(currentCommit(env('push', { repository }, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/heads/main' }), {})).toEqual({
      sha: HEAD,
      branch: 'main',
      repository: { id: '11', owner: 'acme', name: 'web' },
      closedPullRequest: false,
      pullRequest: undefined,
      projectId: undefined,
      decidedBy: 'push: GITHUB_SHA and the pushed branch',
    });
  });

  it('push of a tag: nothing to do; a push that deletes a branch: that branch, its last commit, every build stale', () => {
    expect(currentCommit(env('push', { ref: 'refs/tags/v1', repository }, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/tags/v1' }), {})).toEqual({
      nothing: 'the push is of tag refs/tags/v1, not a branch: no branch builds to supersede',
    });
    // GITHUB_SHA is the default branch's last commit here, never used.
    const deleted = { ref: 'refs/heads/old', before: HEAD, after: '0'.repeat(40), deleted: true, repository };
    expect(currentCommit(env('push', deleted, { GITHUB_SHA: BASE_HEAD, GITHUB_REF: 'refs/heads/old' }), {})).toMatchObject({
      sha: HEAD,
      branch: 'old',
      branchDeleted: true,
    });
    expect(currentCommit(env('delete', { ref: 'old', ref_type: 'branch', repository }, { GITHUB_SHA: BASE_HEAD }), {})).toMatchObject({
      sha: '',
      branch: 'old',
      branchDeleted: true,
    });
  });

  it('workflow_run: head_sha and head_branch; from a fork, nothing to do', () => {
    const run = (extra: object) => ({
      workflow_run: { head_sha: HEAD, head_branch: 'feature/x', head_repository: repository, pull_requests: [], ...extra },
      repository,
    });
    expect(currentCommit(env('workflow_run', run({}), { GITHUB_SHA: BASE_HEAD }), {})).toMatchObject({ sha: HEAD, branch: 'feature/x' });
    const fork = { head_repository: { id: 99, full_name: 'mallory/web' } };
    // A fork's workflow_run lists no pull requests: always nothing to do.
    expect(currentCommit(env('workflow_run', run(fork), {}), {})).toHaveProperty('nothing');
  });

  it('deployment_status made for a SHA: the commit, the branch to be looked up; for a branch ref: that branch', () => {
    expect(currentCommit(env('deployment_status', { deployment: { sha: HEAD, ref: HEAD }, repository }, {}), {})).toMatchObject({
      branchOfCommit: { sha: HEAD },
    });
    expect(currentCommit(env('deployment', { deployment: { sha: HEAD, ref: 'feature/x' }, repository }, {}), {})).toMatchObject({
      sha: HEAD,
      branch: 'feature/x',
    });
    // The branch input settles it without a lookup.
    expect(
      currentCommit(env('deployment_status', { deployment: { sha: HEAD, ref: HEAD }, repository }, {}), { branch: 'main' }),
    ).toMatchObject({
      sha: HEAD,
      branch: 'main',
    });
  });

  it("Vercel's repository_dispatch: client_payload's commit, branch and project; another type needs the inputs", () => {
    const vercel = {
      action: 'vercel.deployment.ready',
      client_payload: { git: { sha: HEAD, ref: 'feature/x' }, project: { id: 'prj_1' } },
      repository,
    };
    expect(currentCommit(env('repository_dispatch', vercel, { GITHUB_SHA: BASE_HEAD }), {})).toMatchObject({
      sha: HEAD,
      branch: 'feature/x',
      projectId: 'prj_1',
    });
    expect(() => currentCommit(env('repository_dispatch', { action: 'other', repository }, { GITHUB_SHA: BASE_HEAD }), {})).toThrow(
      /set both the sha and branch inputs/,
    );
  });

  it.each(['pull_request', 'pull_request_target'])('%s: the head commit and branch, never GITHUB_SHA', (name) => {
    const sha = name === 'pull_request' ? MERGE : BASE_HEAD;
    const ref = name === 'pull_request' ? 'refs/pull/5/merge' : 'refs/heads/main';
    expect(currentCommit(env(name, pr('synchronize'), { GITHUB_SHA: sha, GITHUB_REF: ref }), {})).toMatchObject({
      sha: HEAD,
      branch: 'feature/x',
      closedPullRequest: false,
      pullRequest: { number: 5, fromFork: false },
    });
  });

  it('a pull request whose fork was deleted (head.repo null) counts as from a fork', () => {
    const deleted = { ...pr('closed'), pull_request: { ...pr('closed').pull_request, head: { sha: HEAD, ref: 'main', repo: null } } };
    expect(currentCommit(env('pull_request', deleted, { GITHUB_SHA: MERGE }), {})).toMatchObject({
      pullRequest: { number: 5, fromFork: true },
    });
  });

  it('a closed pull request, and one from a fork', () => {
    expect(currentCommit(env('pull_request', pr('closed'), { GITHUB_SHA: MERGE }), {})).toMatchObject({ closedPullRequest: true });
    expect(currentCommit(env('pull_request', pr('opened', 99), { GITHUB_SHA: MERGE }), {})).toMatchObject({
      pullRequest: { number: 5, fromFork: true },
    });
  });

  it('other events: GITHUB_SHA and GITHUB_REF; the inputs override the event', () => {
    const e = env('workflow_dispatch', { repository }, { GITHUB_SHA: HEAD.toUpperCase(), GITHUB_REF: 'refs/heads/release' });
    expect(currentCommit(e, {})).toMatchObject({ sha: HEAD, branch: 'release' });
    expect(currentCommit(e, { sha: MERGE, branch: 'other' })).toMatchObject({ sha: MERGE, branch: 'other' });
    // A branch input makes a tag-triggered run meaningful.
    const tag = env('workflow_dispatch', { repository }, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/tags/v2' });
    expect(currentCommit(tag, { branch: 'main' })).toMatchObject({ sha: HEAD, branch: 'main' });
  });

  it('the repository from GITHUB_REPOSITORY and GITHUB_REPOSITORY_ID when the payload has none', () => {
    const e = env('schedule', {}, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY_ID: '77' });
    expect(currentCommit(e, {})).toMatchObject({ repository: { id: '77', owner: 'acme', name: 'web' } });
  });

  it('an event with no branch or commit asks for the inputs', () => {
    expect(() => currentCommit(env('schedule', { repository }, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/pull/1/merge' }), {})).toThrow(
      new EventError('The schedule event (ref "refs/pull/1/merge") names no branch: set the branch input.'),
    );
    expect(currentCommit(env('workflow_dispatch', { repository }, { GITHUB_SHA: HEAD, GITHUB_REF: 'refs/tags/v1' }), {})).toEqual({
      nothing: 'the run is on tag refs/tags/v1, not a branch: no branch builds to supersede',
    });
    expect(() => currentCommit(env('schedule', { repository }, { GITHUB_REF: 'refs/heads/main' }), {})).toThrow(
      /names no commit: set the sha input/,
    );
    expect(() => currentCommit({ GITHUB_EVENT_PATH: join(dir, 'missing.json'), GITHUB_REPOSITORY: 'a/b' }, {})).toThrow(
      /Cannot read the event payload/,
    );
  });
});
