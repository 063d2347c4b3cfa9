import { currentCommit } from './github/event.js';
import { readInputs } from './inputs.js';
import { cancelById, cancelSuperseded, failsTheRun, failureMessage, failureOf, retryPolicy } from './modes.js';
import { log, report } from './report.js';
import { VercelClient } from './vercel/client.js';

const TOKEN_HINT = 'store it in the secret passed as the token input';

/** The action: inputs -> mode -> report. The one place that turns errors into a failed step. */
export async function run(): Promise<void> {
  const started = Date.now();
  let failOnError = true;
  try {
    const inputs = readInputs();
    failOnError = inputs.failOnError;
    const policy = retryPolicy(inputs, started, (message) => log.info(message));
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope, policy });
    const outcome =
      inputs.deployments.length > 0
        ? await cancelById(inputs, client)
        : await cancelSuperseded(inputs, client, {
            current: currentCommit(process.env, inputs),
            trigger: process.env.GITHUB_EVENT_NAME || 'run',
            policy,
            githubApiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
            warn: (message) => log.warning(message),
          });

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
