// What shipping like the best actions takes, checked where a file can say it: dependency updates,
// code scanning, owners, generated dist/, current action majors, runtime packages where audits see
// them, a supported Node, and a release workflow that publishes the command line with provenance.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/run-action.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const workflows = readdirSync(join(ROOT, '.github/workflows')).map((name) => ({ name, text: read(`.github/workflows/${name}`) }));

describe('repository conventions', () => {
  it('dependabot updates npm packages and the workflows’ actions', () => {
    const config = parse(read('.github/dependabot.yml')) as { updates: Array<{ 'package-ecosystem': string }> };
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });

  it('CodeQL scans the TypeScript; CODEOWNERS names owners; dist/ is marked generated; npm pack output is ignored', () => {
    expect(read('.github/workflows/codeql.yml')).toMatch(/github\/codeql-action\/analyze@v4/);
    expect(read('.github/CODEOWNERS')).toMatch(/^\* @\S+/m);
    expect(read('.gitattributes')).toMatch(/^dist\/\*\* .*linguist-generated=true/m);
    expect(read('.gitignore').split('\n')).toContain('*.tgz');
  });

  it('every workflow uses the current majors of the actions it names (Node 24 runtimes)', () => {
    const current: Record<string, string> = {
      'actions/checkout': 'v6',
      'actions/setup-node': 'v6',
      'actions/upload-artifact': 'v7',
      'github/codeql-action/init': 'v4',
      'github/codeql-action/analyze': 'v4',
    };
    for (const { name, text } of workflows) {
      for (const [, action, version] of text.matchAll(/uses:\s*([\w./-]+)@(\S+)/g)) {
        expect({ workflow: name, action, version }).toEqual({ workflow: name, action, version: current[action!] ?? version });
        expect(Object.keys(current)).toContain(action);
      }
    }
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(read('package.json')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    engines: { node: string };
  };

  it('the packages src/ imports are runtime dependencies, so audits and dependabot treat them as such', () => {
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts'))
          for (const [, spec] of read(path).matchAll(/from '([^'.][^']*)'/g)) {
            if (!spec!.startsWith('node:'))
              imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
          }
      }
    };
    walk('src');
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const name of imported) expect(pkg.devDependencies).not.toHaveProperty(name);
  });

  it('engines names a supported Node (20 reached its end of life in April 2026); .node-version is the runner’s 24', () => {
    expect(pkg.engines.node).toBe('>=22');
    expect(read('.node-version').trim()).toBe('24');
  });

  it('the release workflow tests, attaches the package to the release and publishes it with provenance', () => {
    const release = read('.github/workflows/release.yml');
    expect(release).toMatch(/id-token: write/);
    expect(release).toMatch(/gh release upload/);
    expect(release).toMatch(/npm publish --provenance/);
    expect(existsSync(join(ROOT, 'docs/cli.md'))).toBe(true);
    expect(read('docs/cli.md')).not.toMatch(/--package vercel-cancel-deployment-action vercel-cancel/);
  });
});
