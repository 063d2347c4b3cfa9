// The one way tests start the action: through the runner model (simulator/github-runner.js), which
// sets every input action.yml declares (its default or '' when the step does not give it), the
// GITHUB_* variables that the trigger event implies, and the output and summary files.
import { fileURLToPath } from 'node:url';
import { DIST, loadEvent, parseOutputFile, runProcess, runStep } from '../../simulator/github-runner.js';

export { DIST, loadEvent, parseOutputFile, runProcess };

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The runner's own warnings about the step (unexpected inputs). */
  runnerWarnings: string[];
}

/** The event that triggers the run: its name and payload (a fixture from __fixtures__/events by default). */
export interface Trigger {
  name: string;
  payload?: object;
  /** The last commit of the branch GitHub runs the workflow on (GITHUB_SHA for many events). */
  headSha?: string;
}

/**
 * Run dist/index.js as the runner runs a step: `inputs` is the step's `with:` (an input it does not
 * name arrives as '' or its default, an undeclared one is a test error unless `unexpectedInputs` is
 * 'warn'); `env` adds variables such as GITHUB_API_URL (never the ones the event implies).
 */
export async function runAction(options: {
  inputs: Record<string, string>;
  event?: Trigger;
  env?: Record<string, string>;
  node?: string[];
  unexpectedInputs?: 'error' | 'warn';
}): Promise<ActionRun> {
  const run = await runStep({
    with: options.inputs,
    event: options.event,
    env: options.env,
    node: options.node,
    unexpectedInputs: options.unexpectedInputs,
  });
  return {
    code: run.code,
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: run.outputs,
    summary: run.summary,
    runnerWarnings: run.runnerWarnings,
  };
}

/** A repository payload like the fixtures', with another id or name. */
export const repositoryPayload = (id: number, fullName = 'acme/web') => ({
  id,
  name: fullName.split('/')[1],
  full_name: fullName,
  owner: { login: fullName.split('/')[0] },
  default_branch: 'main',
});

/** A push of `sha` to `branch` (the push fixture, patched). */
export function pushEvent(sha: string, branch: string, repository?: object): Trigger {
  return {
    name: 'push',
    payload: loadEvent('push', (p) => {
      Object.assign(p, { ref: `refs/heads/${branch}`, after: sha, head_commit: { id: sha, message: 'Change' } });
      if (repository) p.repository = repository;
    }),
  };
}

/** A pull_request event for `head` on `branch` (the pull_request fixture, patched). */
export function pullRequestEvent(
  head: string,
  branch: string,
  { action = 'synchronize', number = 7, repository }: { action?: string; number?: number; repository?: object } = {},
): Trigger {
  return {
    name: 'pull_request',
    payload: loadEvent('pull_request', (p) => {
      if (repository) p.repository = p.pull_request.head.repo = p.pull_request.base.repo = repository;
      Object.assign(p, { action, number });
      Object.assign(p.pull_request, { number, state: action === 'closed' ? 'closed' : 'open' });
      Object.assign(p.pull_request.head, { sha: head, ref: branch });
    }),
  };
}

/** Everything the run printed or wrote, minus the `::add-mask::` commands that hand secrets to the runner. */
export function everythingVisible(run: ActionRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, JSON.stringify(run.outputs), run.summary].join('\n');
}

/** A loopback port with nothing listening on it: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
