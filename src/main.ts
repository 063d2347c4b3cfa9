import { currentCommit, secretsWithheld, SKIP_RUNS_WITHOUT_SECRETS } from './github/event.js';
import { checkStrayInputs, INPUT_NAMES, parseInputs, readRawInputs, strayInputs, type Inputs } from './inputs.js';
import { cancelById, cancelSuperseded, failsTheRun, failureMessage, failureOf, retryPolicy } from './modes.js';
import { log, report } from './report.js';
import { VercelClient } from './vercel/client.js';

const TOKEN_HINT = 'store it in the secret passed as the token input';

/** The inputs as the runner gives them: misspelt ones stop the run, unknown ones are named, secrets masked. */
function readInputs(env: NodeJS.ProcessEnv): Inputs | { withheld: string } {
  const stray = strayInputs(env);
  checkStrayInputs(stray);
  const unknown = stray.map((s) => s.given);
  if (unknown.length > 0) {
    log.warning(
      `Ignored ${unknown.map((name) => `'${name}'`).join(', ')}: not inputs of this action (its inputs: ${INPUT_NAMES.join(', ')}).`,
    );
  }
  const raw = readRawInputs(env);
  // A run that cannot have the secret (a fork's pull request, Dependabot): say so and do nothing,
  // rather than fail every such run. Anywhere else an empty token stays an error.
  const withheld = raw.token?.trim() ? undefined : secretsWithheld(env);
  if (withheld) {
    return {
      withheld: `The token input is empty because ${withheld}. Nothing was canceled. To skip such runs, add to this step: ${SKIP_RUNS_WITHOUT_SECRETS}`,
    };
  }
  // Masked before anything can print them.
  for (const secret of [raw.token, raw['github-token']]) {
    if (secret?.trim()) log.mask(secret.trim());
  }
  return parseInputs(raw);
}

/** The action: inputs -> mode -> report. The one place that turns errors into a failed step. */
export async function run(): Promise<void> {
  const started = Date.now();
  let failOnError = true;
  try {
    const inputs = readInputs(process.env);
    if ('withheld' in inputs) {
      log.warning(inputs.withheld);
      await report('Cancel Vercel deployments (skipped: no token in this run)', [inputs.withheld], [], undefined);
      return;
    }
    failOnError = inputs.failOnError;
    const policy = retryPolicy(inputs, started, (message) => log.info(message));
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope, policy });
    const outcome =
      inputs.deployments.length > 0
        ? await cancelById(inputs, client)
        : await cancelSuperseded(inputs, client, {
            current: currentCommit(process.env, inputs),
            policy,
            githubApiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
            warn: (message) => log.warning(message),
          });

    // An empty deployment-id is also what an expression that came out empty gives: say which mode ran.
    if (inputs.deployments.length === 0) outcome.lines.splice(1, 0, 'deployment-id is empty: superseded mode.');
    const title = inputs.dryRun ? 'Cancel Vercel deployments (dry run: nothing was canceled)' : 'Cancel Vercel deployments';
    await report(title, outcome.lines, outcome.results, outcome.primary, failOnError);

    const failure = failureOf(outcome, 'the lines above say why');
    if (failure) throw failure;
  } catch (error) {
    // One line, no stack trace: every error the action raises carries a message written for the user.
    if (failsTheRun(error, failOnError)) log.fail(failureMessage(error, TOKEN_HINT));
    else log.warning(`${failureMessage(error, TOKEN_HINT)} (fail-on-error is false: the step stays green)`);
  }
}
