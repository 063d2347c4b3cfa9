import * as core from '@actions/core';
import { currentCommit, EventError } from './github/event.js';
import type { RetryPolicy } from './http/request.js';
import { InputError, readInputs } from './inputs.js';
import { cancelById, cancelSuperseded } from './modes.js';
import { report } from './report.js';
import { VercelClient, VercelError } from './vercel/client.js';

/** The one line a failed run ends with. */
function failureMessage(error: unknown): string {
  if (error instanceof VercelError && error.tokenRejected) {
    return (
      `Vercel rejected the token (HTTP ${error.status}${error.vercelMessage ? `: ${error.vercelMessage}` : ''}): it is invalid, expired or revoked. ` +
      'Create a token at https://vercel.com/account/tokens and store it in the secret passed as the token input.'
    );
  }
  return error instanceof Error ? error.message : String(error);
}

/** The action: inputs -> mode -> report. The one place that turns errors into a failed step. */
export async function run(): Promise<void> {
  const started = Date.now();
  let failOnError = true;
  try {
    const inputs = readInputs();
    failOnError = inputs.failOnError;
    const policy: RetryPolicy = {
      retries: inputs.retries,
      timeoutMs: inputs.requestTimeoutMs,
      deadline: started + inputs.timeBudgetMs,
      baseDelayMs: 500,
      maxWaitMs: 60_000,
      notice: (message) => core.info(message),
    };
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope, policy });
    const outcome =
      inputs.deployments.length > 0
        ? await cancelById(inputs, client)
        : await cancelSuperseded(inputs, client, {
            current: currentCommit(process.env, inputs),
            trigger: process.env.GITHUB_EVENT_NAME || 'run',
            policy,
            githubApiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
            warn: (message) => core.warning(message),
          });

    const title = inputs.dryRun ? 'Cancel Vercel deployments (dry run: nothing was canceled)' : 'Cancel Vercel deployments';
    await report(title, outcome.lines, outcome.results, outcome.primary, failOnError);

    if (outcome.fatal) throw outcome.fatal;
    const attempted = outcome.results.filter((r) => r.outcome !== 'skipped').length;
    const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
    if (failed > 0) throw new Error(`${failed} of ${attempted} deployments could not be canceled; the lines above say why.`);
  } catch (error) {
    // One line, no stack trace: every error the action raises carries a message written for the user.
    // fail-on-error: false keeps the step green on a failed cleanup, never on a bad configuration.
    if (failOnError || error instanceof InputError || error instanceof EventError) core.setFailed(failureMessage(error));
    else core.warning(`${failureMessage(error)} (fail-on-error is false: the step stays green)`);
  }
}
