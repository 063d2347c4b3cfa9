// The scripts a user or CI runs by name: `npm run demo`, and the job of .github/workflows/ci.yml that
// runs the action itself. That job is replayed here step by step through the runner model, once per
// trigger event: `run:` steps through bash, `uses: ./` through dist/index.js with every declared
// input set, `if:` conditions and `continue-on-error` as the runner treats them, and the
// `${{ steps.<id>.outputs.<name> }}`, `${{ steps.<id>.outcome }}` and `${{ secrets.X }}` expressions.
// GitHub's API is the simulation (the runner model's GITHUB_API_URL points at it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { stepEnvironment } from '../../simulator/github-runner.js';
import { GitHubSimulator } from '../../simulator/github-api.js';
import { DIST, loadEvent, parseOutputFile, ROOT, runProcess, type Trigger } from '../support/run-action.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  'continue-on-error'?: boolean;
  with?: Record<string, string | boolean>;
  env?: Record<string, string>;
}

interface StepState {
  outputs: Record<string, string>;
  outcome: 'success' | 'failure' | 'skipped';
}

/** The expressions ci.yml uses inside `${{ }}`: step outputs and outcomes, and secrets (none exist here: ''). */
function expand(text: string, steps: Record<string, StepState>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expression: string) => {
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (output) return steps[output[1]!]?.outputs[output[2]!] ?? '';
    const outcome = /^steps\.([\w-]+)\.outcome$/.exec(expression);
    if (outcome) return steps[outcome[1]!]?.outcome ?? '';
    if (/^secrets\.\w+$/.test(expression)) return '';
    throw new Error(`replay: unsupported expression ${expression}`);
  });
}

/**
 * An `if:` condition of the forms ci.yml uses: `a == b`, `a != b` joined by `||` and `&&`, where a
 * and b are 'strings' or github.event_name / github.repository / github.event.<path> (null-safe).
 */
function condition(text: string, eventName: string, payload: unknown): boolean {
  const value = (operand: string): unknown => {
    const literal = /^'(.*)'$/.exec(operand);
    if (literal) return literal[1];
    if (operand === 'github.event_name') return eventName;
    if (operand === 'github.repository') return (payload as { repository: { full_name: string } }).repository.full_name;
    if (operand.startsWith('github.event.')) {
      return operand
        .slice('github.event.'.length)
        .split('.')
        .reduce<unknown>((o, key) => (o == null ? null : (o as Record<string, unknown>)[key]), payload);
    }
    throw new Error(`replay: unsupported operand ${operand}`);
  };
  return text.split('||').some((any) =>
    any.split('&&').every((all) => {
      const m = /^\s*(\S+)\s*(==|!=)\s*(\S+)\s*$/.exec(all);
      if (!m) throw new Error(`replay: unsupported condition ${all}`);
      // GitHub's == ignores case when comparing strings (docs, Expressions: Operators).
      const [a, b] = [value(m[1]!), value(m[3]!)];
      const equal = typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
      return m[2] === '==' ? equal : !equal;
    }),
  );
}

/** Replay the job for one trigger event; resolves to the steps' states and the log. */
async function replay(trigger: Trigger & { payload: object }, githubUrl: string) {
  const workflow = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const temp = mkdtempSync(join(tmpdir(), 'ci-replay-'));
  const steps: Record<string, StepState> = {};
  const background: Array<ReturnType<typeof spawn>> = [];
  const log: string[] = [];
  try {
    for (const [index, step] of workflow.jobs.action!.steps.entries()) {
      if (step.uses?.startsWith('actions/')) continue; // checkout and setup-node: the work tree and node are here
      const state: StepState = { outputs: {}, outcome: 'skipped' };
      if (step.id) steps[step.id] = state;
      if (step.if && !condition(step.if, trigger.name, trigger.payload)) continue;
      const dir = mkdtempSync(join(temp, `step-${index}-`));
      const isAction = step.uses === './';
      const { env, files } = await stepEnvironment(
        {
          with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), steps)])),
          event: trigger,
          env: {
            GITHUB_API_URL: githubUrl,
            ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), steps)])),
          },
          unexpectedInputs: 'warn', // the runner warns about an undeclared `with:` key and passes it on
        },
        dir,
        { action: isAction },
      );
      let code: number | null;
      if (isAction) {
        const result = await runProcess(process.execPath, [DIST], env);
        code = result.code;
        log.push(result.stdout, result.stderr);
      } else {
        // The step's script; a process it starts in the background is ended with the job.
        // GitHub runs `run:` with bash --noprofile --norc -eo pipefail {0} (docs, jobs.<job_id>.steps[*].shell).
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        background.push(child);
        child.stdout.on('data', (c: Buffer) => log.push(c.toString()));
        child.stderr.on('data', (c: Buffer) => log.push(c.toString()));
        code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      }
      state.outcome = code === 0 ? 'success' : 'failure';
      state.outputs = parseOutputFile(await readFile(files.output, 'utf8'));
      if (!step['continue-on-error']) {
        expect({ step: step.name, code, log: code === 0 ? '' : log.join('') }).toEqual({ step: step.name, code: 0, log: '' });
      }
    }
    return { steps, log: log.join('') };
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
}

describe('npm run demo', () => {
  it('runs the action against the embedded simulation and prints the outputs and the summary', async () => {
    const { code, stdout } = await runProcess('npm', ['run', '--silent', 'demo'], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 deployments: 2 canceled, 1 already finished\./);
    expect(stdout).toMatch(/^canceled-count: 2$/m);
    expect(stdout).toContain('| Deployment | State | Outcome | Why |');
    expect(stdout).toMatch(/^Stopped 2 builds that had been running \d+ h \d\d min in all\.$/m);
  });
});

describe("ci.yml's job that runs the action itself, replayed through the runner model", () => {
  const before = '2222222222222222222222222222222222222222';
  const after = '1111111111111111111111111111111111111111';
  let github: GitHubSimulator;
  let githubUrl: string;

  beforeAll(async () => {
    github = new GitHubSimulator();
    github.addRepo({ owner: 'acme', repo: 'web', id: 4242 });
    github.addCommits('acme', 'web', [
      { sha: before, parents: [] },
      { sha: after, parents: [before] },
    ]);
    githubUrl = await github.start();
  });
  afterAll(async () => github.stop());

  it('push: by id, superseded mode (the previous commit canceled), the misspelt input and the empty token fail', async () => {
    const { steps, log } = await replay({ name: 'push', payload: loadEvent('push') }, githubUrl);
    expect(steps.cancel!.outputs['canceled-count']).toBe('0');
    expect(log).toContain('outputs as expected: would-cancel,already-finished');
    expect(steps.superseded!.outcome).toBe('success');
    expect(log).toContain(`superseded as expected: canceled ${steps.sim!.outputs.older}`);
    expect(steps.misspelt!.outcome).toBe('failure');
    expect(log).toMatch(
      /^::error::Input 'deployment_id' is not an input of this action: did you mean 'deployment-id'\? The environment has INPUT_DEPLOYMENT_ID/m,
    );
    expect(steps['no-token']!.outcome).toBe('failure');
    expect(log).toContain('no token: failure, as expected (a run with secrets)');
  });

  it("a fork's pull request: superseded mode is not run, and the empty token is skipped with a warning", async () => {
    const { steps, log } = await replay({ name: 'pull_request', payload: loadEvent('pull_request-fork') }, githubUrl);
    expect(steps.superseded!.outcome).toBe('skipped');
    expect(steps['no-token']!.outcome).toBe('success');
    expect(log).toMatch(/^::warning::The token input is empty because pull request #7 comes from a fork/m);
    expect(log).toContain('no token: success, as expected (a run without secrets)');
  });
});
