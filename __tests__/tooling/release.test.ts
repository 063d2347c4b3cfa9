// script/release in a scratch repository with a bare remote: the version tag, the moved major tag,
// and each refusal.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../script/release', import.meta.url));
let dir: string;
let repo: string;
let remote: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const release = (...args: string[]) =>
  spawnSync(join(repo, 'script/release'), args, { cwd: repo, encoding: 'utf8', env: { ...process.env, RELEASE_SKIP_BUILD: '1' } });
const remoteTag = (tag: string) => execFileSync('git', ['rev-parse', `${tag}^{commit}`], { cwd: remote, encoding: 'utf8' }).trim();

function commit(version: string, changelog: string[]): void {
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'x', version }));
  writeFileSync(join(repo, 'CHANGELOG.md'), `# Changelog\n\n${changelog.map((v) => `## [${v}] - 2026-11-26\n`).join('\n')}`);
  git('add', '-A');
  git('commit', '-qm', `release ${version}`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-test-'));
  remote = join(dir, 'remote.git');
  repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('remote', 'add', 'origin', remote);
  mkdirSync(join(repo, 'script'));
  copyFileSync(SCRIPT, join(repo, 'script/release'));
  commit('1.0.0', ['1.0.0']);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('script/release', () => {
  it('tags vX.Y.Z, moves vX to it, and pushes both; the next release moves vX on', () => {
    const first = release();
    expect(first.stdout).toContain('pushed v1.0.0 and v1 to origin');
    expect(first.status).toBe(0);
    const c1 = git('rev-parse', 'HEAD');
    expect(remoteTag('v1.0.0')).toBe(c1);
    expect(remoteTag('v1')).toBe(c1);

    commit('1.1.0', ['1.1.0', '1.0.0']);
    expect(release().status).toBe(0);
    const c2 = git('rev-parse', 'HEAD');
    expect(remoteTag('v1.1.0')).toBe(c2);
    expect(remoteTag('v1')).toBe(c2);
    expect(remoteTag('v1.0.0')).toBe(c1);
  });

  it('takes the version as an argument and can skip the push', () => {
    commit('2.0.0', ['2.0.0']);
    const result = release('v2.0.0', '--no-push');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^tagged v2\.0\.0 and moved v2 to [0-9a-f]+$/m);
    expect(git('tag', '--list')).toBe('v2\nv2.0.0');
    expect(execFileSync('git', ['tag', '--list'], { cwd: remote, encoding: 'utf8' })).toBe('');
  });

  it.each([
    ['a dirty work tree', () => writeFileSync(join(repo, 'stray.txt'), 'x'), [], /uncommitted changes/],
    ['a version that is not X.Y.Z', () => undefined, ['1.0'], /version '1\.0' is not X\.Y\.Z/],
    ['an existing tag', () => git('tag', 'v1.0.0'), [], /v1\.0\.0 exists already/],
    ['a version below the latest release', () => git('tag', 'v1.2.0'), [], /v1\.0\.0 is not greater than the latest release v1\.2\.0/],
    ['no changelog section', () => commit('1.0.1', ['1.0.0']), [], /CHANGELOG\.md has no '## \[1\.0\.1\]' section/],
  ])('refuses %s, tagging nothing', (_name, arrange, args, message) => {
    arrange();
    const before = git('tag', '--list');
    const result = release(...(args as string[]));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(git('tag', '--list')).toBe(before);
  });
});
