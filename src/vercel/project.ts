import { InputError } from '../inputs.js';
import { VercelError, type VercelClient } from './client.js';

/**
 * project-id must name a project in the token's scope. An unknown one would list nothing and leave
 * every run green having done nothing, so a typo would silently disable the action: it is verified
 * once, as Vercel's CLI does before listing: `vercel list <project>` resolves it with
 * getProjectByNameOrId and stops on ProjectNotFound (vercel/vercel packages/cli/src/commands/list/index.ts;
 * packages/cli/src/util/projects/get-project-by-id-or-name.ts maps a 404 to ProjectNotFound). Other
 * failures are the request's own (a rejected token, a wrong team) and are thrown as they are.
 */
export async function verifyProject(client: VercelClient, projectId: string): Promise<void> {
  try {
    await client.getProject(projectId);
  } catch (error) {
    if (!(error instanceof VercelError) || error.status !== 404) throw error;
    throw new InputError(
      `project-id ${JSON.stringify(projectId)} names no Vercel project in this scope (Vercel answered 404 to ${error.endpoint}): ` +
        "use the project's id (prj_…) or name, and team-id or team-slug when the project belongs to a team.",
    );
  }
}
