// The scripts a user or CI runs by name: `npm run demo`, and the job of .github/workflows/ci.yml that
// runs the action itself. That job is replayed here step by step, as a runner would: `run:` steps
// through bash with GITHUB_OUTPUT, `uses: ./` through dist/index.js with its `with:` as INPUT_*,
// `${{ steps.<id>.outputs.<name> }}` expressions filled in from earlier steps.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DIST, parseOutputFile, runProcess } from './support/run-action.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
  env?: Record<string, string>;
}

/** `${{ steps.x.outputs.y }}` and nothing else: the only expressions this job uses. */
function expand(text: string, outputs: Record<string, Record<string, string>>): string {
  return text.replace(
    /\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
    (_m, step: string, name: string) => outputs[step]?.[name] ?? '',
  );
}

describe('npm run demo', () => {
  it('runs the action against the embedded simulation and prints the outputs and the summary', async () => {
    const { code, stdout } = await runProcess('npm', ['run', '--silent', 'demo'], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 deployments: 2 canceled, 1 already finished\./);
    expect(stdout).toMatch(/^canceled-count<<ghadelimiter_/m);
    expect(stdout).toContain('| Deployment | URL | State before | State after | Outcome | Details | Inspect |');
  });
});

describe('ci.yml, the job that runs the action itself', () => {
  it('passes when replayed step by step', async () => {
    const workflow = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
    const steps = workflow.jobs.action!.steps;
    expect(steps.some((s) => s.uses === './')).toBe(true);

    const temp = mkdtempSync(join(tmpdir(), 'ci-replay-'));
    const outputs: Record<string, Record<string, string>> = {};
    const background: Array<ReturnType<typeof spawn>> = [];
    const log: string[] = [];
    try {
      for (const [index, step] of steps.entries()) {
        if (step.uses?.startsWith('actions/')) continue; // checkout and setup-node: the work tree and node are here
        const outputFile = join(temp, `output-${index}`);
        writeFileSync(outputFile, '');
        writeFileSync(join(temp, 'summary'), ''); // the runner creates it for every step
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? temp,
          RUNNER_TEMP: temp,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: join(temp, 'summary'),
          ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), outputs)])),
        };
        let code: number | null;
        if (step.uses === './') {
          for (const [name, value] of Object.entries(step.with ?? {})) env[`INPUT_${name.toUpperCase()}`] = expand(String(value), outputs);
          const result = await runProcess(process.execPath, [DIST], env);
          code = result.code;
          log.push(result.stdout, result.stderr);
        } else {
          // The step's script; a process it starts in the background is ended with the job.
          const child = spawn('bash', ['-e', '-c', step.run!], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
          background.push(child);
          child.stdout.on('data', (c: Buffer) => log.push(c.toString()));
          child.stderr.on('data', (c: Buffer) => log.push(c.toString()));
          code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        }
        expect({ step: step.name, code, log: code === 0 ? '' : log.join('') }).toEqual({ step: step.name, code: 0, log: '' });
        if (step.id) outputs[step.id] = parseOutputFile(readFileSync(outputFile, 'utf8'));
      }
      expect(outputs.cancel!['canceled-count']).toBe('0');
      expect(log.join('')).toContain('outputs as expected: would-cancel,already-finished');
    } finally {
      for (const child of background) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
