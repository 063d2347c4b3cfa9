// The runner model is what every end-to-end test stands on: these pin the facts it models (see its
// header for the sources) and action.yml's Marketplace metadata.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { commitAndRef, inputEnvironment, loadEvent, stepEnvironment, TEST_GITHUB_TOKEN } from '../../simulator/github-runner.js';
import { INPUT_NAMES } from '../../src/inputs.js';
import { ROOT } from '../support/run-action.js';

describe('inputs, as the runner sets them', () => {
  it("an input the step does not give arrives as '' (never unset); defaults as declared, ${{ github.token }} evaluated", () => {
    const { env } = inputEnvironment({ token: 'vrc_x' });
    expect(env['INPUT_DEPLOYMENT-ID']).toBe('');
    expect(env['INPUT_TEAM-ID']).toBe('');
    expect(env.INPUT_TOKEN).toBe('vrc_x');
    expect(env.INPUT_TARGET).toBe('all');
    expect(env['INPUT_GITHUB-TOKEN']).toBe(TEST_GITHUB_TOKEN);
    expect(Object.keys(env).sort()).toEqual(INPUT_NAMES.map((n) => `INPUT_${n.toUpperCase()}`).sort());
  });

  it('values are passed as given (never trimmed); YAML scalars become strings', () => {
    const { env } = inputEnvironment({
      'deployment-id': ' dpl_a\n',
      'dry-run': true,
      retries: 2,
    });
    expect(env['INPUT_DEPLOYMENT-ID']).toBe(' dpl_a\n');
    expect(env['INPUT_DRY-RUN']).toBe('true');
    expect(env.INPUT_RETRIES).toBe('2');
  });

  it("an undeclared with: key is a test error; with the runner's behaviour asked for, a warning and the variable exported", () => {
    expect(() => inputEnvironment({ deployment_id: 'dpl_a' })).toThrow(/Unexpected input\(s\) 'deployment_id'/);
    const { env, warnings } = inputEnvironment({ deployment_id: 'dpl_a' }, { unexpectedInputs: 'warn' });
    expect(env.INPUT_DEPLOYMENT_ID).toBe('dpl_a');
    expect(env['INPUT_DEPLOYMENT-ID']).toBe('');
    expect(warnings).toHaveLength(1);
  });
});

describe('GITHUB_SHA and GITHUB_REF, per event (GitHub docs, "Events that trigger workflows")', () => {
  const head = 'c'.repeat(40);
  it.each([
    ['push', 'push', { sha: '1'.repeat(40), ref: 'refs/heads/main' }],
    ['push', 'push-delete', { sha: head, ref: 'refs/heads/main' }],
    ['pull_request', 'pull_request', { sha: '3'.repeat(40), ref: 'refs/pull/7/merge' }],
    ['pull_request_target', 'pull_request_target', { sha: head, ref: 'refs/heads/main' }],
    ['workflow_run', 'workflow_run', { sha: head, ref: 'refs/heads/main' }],
    ['delete', 'delete-branch', { sha: head, ref: 'refs/heads/main' }],
    ['deployment_status', 'deployment_status', { sha: '1'.repeat(40), ref: '' }],
    ['repository_dispatch', 'repository_dispatch-vercel', { sha: head, ref: 'refs/heads/main' }],
    ['issue_comment', 'issue_comment', { sha: head, ref: 'refs/heads/main' }],
  ])('%s (%s)', (name, fixture, expected) => {
    expect(commitAndRef(name, loadEvent(fixture), head)).toEqual(expected);
  });

  it('a test cannot set what the event implies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-model-'));
    try {
      await expect(stepEnvironment({ event: { name: 'push' }, env: { GITHUB_SHA: head } }, dir)).rejects.toThrow(/comes from the event/);
      const { env } = await stepEnvironment({ with: { token: 'x' }, event: { name: 'push', payload: loadEvent('push') } }, dir);
      expect(env).toMatchObject({
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'acme/web',
        GITHUB_ACTIONS: 'true',
        'INPUT_DEPLOYMENT-ID': '',
      });
      expect(JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))).toMatchObject({ ref: 'refs/heads/main' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("action.yml's Marketplace metadata (docs, Metadata syntax: branding)", () => {
  const manifest = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    description: string;
    branding: { icon: string; color: string };
  };
  // The colors the docs list, and the Feather icons they list as omitted (x-octagon among them).
  const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
  const OMITTED = [
    'coffee',
    'columns',
    'divide-circle',
    'divide-square',
    'divide',
    'frown',
    'hexagon',
    'key',
    'meh',
    'mouse-pointer',
    'smile',
    'tool',
    'x-octagon',
  ];
  // The icons the notes confirm on the documented list that fit this action.
  const CHOSEN_FROM = ['x-circle', 'x-square', 'octagon', 'slash', 'stop-circle'];

  it('the icon is one the Marketplace accepts, the color a documented one, the description at most 125 characters', () => {
    expect(CHOSEN_FROM).toContain(manifest.branding.icon);
    expect(OMITTED).not.toContain(manifest.branding.icon);
    expect(COLORS).toContain(manifest.branding.color);
    expect(manifest.description.length).toBeLessThanOrEqual(125);
  });
});
