// Whether a branch is gone: the check that makes a deleted-branch run safe. The event is a snapshot
// taken when the branch was deleted and the run may start late, after the branch was pushed again;
// its new builds are not stale. `GET /repos/{o}/{r}/branches/{branch}` answers 404 for a branch that
// does not exist (GitHub REST docs, "Get a branch").
import type { RetryPolicy } from '../http/request.js';
import { githubGet, gitHubApi } from './api.js';
import type { Repository } from './event.js';

/** 'gone' when GitHub says the branch does not exist; otherwise why its builds are left alone. */
export async function branchGone(options: {
  token: string | undefined;
  apiUrl: string;
  repository: Repository;
  branch: string;
  policy: RetryPolicy;
}): Promise<'gone' | { leftAlone: string }> {
  const { repository, branch } = options;
  const provider = repository.provider ?? 'github';
  if (provider !== 'github')
    return { leftAlone: `whether branch ${branch} is gone is checked through GitHub, and this is a ${provider} repository` };
  if (!options.token) return { leftAlone: `no github-token to check that branch ${branch} is gone` };
  const api = gitHubApi({ apiUrl: options.apiUrl, token: options.token, policy: options.policy });
  // GitHub's clients encode the branch as one path parameter ('/' as %2F).
  const path = `/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.name)}/branches/${encodeURIComponent(branch)}`;
  const answer = await githubGet(api, path);
  switch (answer.kind) {
    case 'ok':
      return { leftAlone: `branch ${branch} exists again (it was pushed after the deletion): its builds are not stale` };
    case 'failed':
      if (answer.status === 404) return 'gone';
      return { leftAlone: `could not check that branch ${branch} is gone (GitHub answered ${answer.status})` };
    case 'rate-limited':
      return { leftAlone: `could not check that branch ${branch} is gone (GitHub's rate limit)` };
    case 'no-answer':
      return { leftAlone: `could not check that branch ${branch} is gone (${answer.message})` };
  }
}
