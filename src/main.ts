import * as core from '@actions/core';
import { cancelDeployments } from './cancel.js';
import { InputError, readInputs } from './inputs.js';
import { countsLine, report } from './report.js';
import { VercelClient } from './vercel/client.js';

/** The action: inputs -> cancel -> report. The one place that turns errors into a failed step. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.deployments.length === 0) {
      throw new InputError(
        "Input 'deployment-id' is required for now: pass one or more deployment ids (dpl_…) or deployment URLs. " +
          'Cancelling the deployments a commit supersedes (without deployment-id) is not available yet.',
      );
    }
    const client = new VercelClient({ apiUrl: inputs.apiUrl, token: inputs.token, scope: inputs.scope });
    const targets = inputs.deployments.map((ref) => ({ ref }));
    const { results, fatal } = await cancelDeployments(client, targets, { dryRun: inputs.dryRun });

    const title = inputs.dryRun ? 'Cancel Vercel deployments (dry run: nothing was canceled)' : 'Cancel Vercel deployments';
    await report(title, [countsLine(results)], results, results[0]);

    if (fatal) {
      throw new Error(
        `Vercel rejected the token (HTTP ${fatal.status}${fatal.vercelMessage ? `: ${fatal.vercelMessage}` : ''}): it is invalid, expired or revoked. ` +
          'Create a token at https://vercel.com/account/tokens and store it in the secret passed as the token input.',
      );
    }
    const failed = results.filter((r) => r.outcome === 'failed').length;
    if (failed > 0) core.setFailed(`${failed} of ${results.length} deployments could not be canceled; the lines above say why.`);
  } catch (error) {
    // One line, no stack trace: every error the action raises carries a message written for the user.
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
