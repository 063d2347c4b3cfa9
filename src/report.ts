// Everything the action writes goes through here: log lines, annotations, outputs, the job summary.
// Each passes untrusted.ts first, with the step's secrets, so that nothing from Vercel, GitHub, the
// event or the environment can become a workflow command, break the summary's markup or show a token.
import * as core from '@actions/core';
import type { DeploymentResult } from './cancel.js';
import { deploymentsListed, logLine, outputsOf, summaryMarkdown } from './format.js';
import { neutralise, neutraliseFields, scrub, secretForms } from './untrusted.js';

/**
 * The step's secrets, in every form a server could echo them or the action's escaping could make of
 * them. Read from the inputs themselves (not the parsed ones), so that even an error raised while
 * parsing them is scrubbed. main.ts masks them for the runner too (log.mask).
 */
function secrets(): string[] {
  return secretForms([core.getInput('token', { trimWhitespace: false }), core.getInput('github-token', { trimWhitespace: false })]);
}

/**
 * The action's log. core.info writes its text raw, so a line from outside could be a command
 * (`::set-output …`, `##[add-mask]…`); core.warning/error/setFailed escape CR, LF and % in it, but
 * the line is still neutralised, so that no parser (nor a reader) sees more than one plain line.
 */
export const log = {
  info: (message: string) => core.info(neutralise(message, secrets())),
  warning: (message: string) => core.warning(neutralise(message, secrets())),
  error: (message: string) => core.error(neutralise(message, secrets())),
  fail: (message: string) => core.setFailed(neutralise(message, secrets())),
  /** Hand a secret to the runner, which masks it in the log from then on. */
  mask: (secret: string) => core.setSecret(secret),
};

/** Write logs, outputs and the job summary. A failure is an error annotation, or a warning when the step is to stay green. */
export async function report(
  title: string,
  lines: string[],
  results: DeploymentResult[],
  primary: DeploymentResult | undefined,
  failOnError = true,
): Promise<void> {
  const hidden = secrets();
  // Every value from outside, neutralised once here; each line written is neutralised again as a whole.
  const safeLines = lines.map((line) => neutralise(line, hidden));
  const safeResults = results.map((r) => neutraliseFields(r, hidden));
  const safePrimary = primary && safeResults[results.indexOf(primary)];

  for (const line of safeLines) log.info(line);
  for (const r of safeResults) {
    if (r.outcome !== 'failed') log.info(logLine(r));
    else if (failOnError) log.error(logLine(r));
    else log.warning(logLine(r));
  }
  const outputs = outputsOf(safeResults, safePrimary);
  const listed = deploymentsListed(outputs);
  if (listed < results.length) {
    log.info(`The deployments output lists the first ${listed} of ${results.length} deployments (it is kept under 512 KiB).`);
  }
  // Output values go to the GITHUB_OUTPUT file (a heredoc, not the log); scrubbed all the same.
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, scrub(value, hidden));
  // No summary file outside a runner (e.g. a local run): the outputs and logs say it all.
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(scrub(summaryMarkdown(title, safeLines, safeResults), hidden), true).write();
  }
}
