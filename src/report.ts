import * as core from '@actions/core';
import type { DeploymentResult } from './cancel.js';
import { logLine, outputsOf, summaryMarkdown } from './format.js';

/** Write logs, outputs and the job summary. A failure is an error annotation, or a warning when the step is to stay green. */
export async function report(
  title: string,
  lines: string[],
  results: DeploymentResult[],
  primary: DeploymentResult | undefined,
  failOnError = true,
): Promise<void> {
  for (const line of lines) core.info(line);
  for (const r of results) {
    if (r.outcome !== 'failed') core.info(logLine(r));
    else if (failOnError) core.error(logLine(r));
    else core.warning(logLine(r));
  }
  for (const [name, value] of Object.entries(outputsOf(results, primary))) core.setOutput(name, value);
  // No summary file outside a runner (e.g. a local run): the outputs and logs say it all.
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(title, lines, results), true).write();
}
