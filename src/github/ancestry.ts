import { mapConcurrent } from '../concurrency.js';
import { policyFetch, RateGate, type RetryPolicy } from '../http/request.js';
import type { Ancestry } from '../supersede.js';
import type { Repository } from './event.js';

const short = (sha: string) => sha.slice(0, 7);

let octokitModule: Promise<typeof import('@actions/github')> | undefined;
/**
 * Start loading octokit (a separate chunk of the bundle, most of the start-up cost) without waiting:
 * superseded mode calls this first, so the load overlaps with listing deployments.
 */
export function preloadOctokit(): Promise<typeof import('@actions/github')> {
  octokitModule ??= import('@actions/github');
  return octokitModule;
}

/**
 * How each commit relates to `head` by git ancestry, through GitHub's compare API: one call per
 * distinct commit. Never throws: a commit whose ancestry cannot be established is 'unknown', with why.
 */
export async function compareCommits(options: {
  token: string | undefined;
  apiUrl: string;
  repository: Repository;
  head: string;
  shas: readonly string[];
  concurrency: number;
  policy: RetryPolicy;
}): Promise<Map<string, Ancestry>> {
  const { token, repository, head, shas } = options;
  const answers = new Map<string, Ancestry>();
  if (shas.length === 0) return answers;
  const provider = repository.provider ?? 'github';
  const cannot =
    provider !== 'github'
      ? `ancestry is checked through GitHub, and this is a ${provider} repository`
      : !token
        ? 'no github-token to compare commits with'
        : undefined;
  if (cannot) {
    for (const sha of shas) answers.set(sha, { relation: 'unknown', why: cannot });
    return answers;
  }
  // Loaded here only: octokit is most of the action's start-up cost, and by-id runs never need it.
  const { getOctokit } = await preloadOctokit();
  const silent = () => undefined;
  const octokit = getOctokit(token!, {
    baseUrl: options.apiUrl,
    log: { debug: silent, info: silent, warn: silent, error: silent },
    // The action's own HTTP layer: the same timeouts, retries and rate-limit handling as for Vercel.
    request: { fetch: policyFetch(options.policy, new RateGate('GitHub')) },
  });

  await mapConcurrent(shas, options.concurrency, async (sha) => {
    try {
      // BASE...HEAD: "ahead" means BASE is an ancestor of HEAD. per_page=1: only the status is needed.
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: repository.owner,
        repo: repository.name,
        basehead: `${sha}...${head}`,
        per_page: 1,
      });
      answers.set(sha, relationOf(data.status, sha, head));
    } catch (error) {
      answers.set(sha, unknownBecause(error, sha, repository));
    }
  });
  return answers;
}

function relationOf(status: string, sha: string, head: string): Ancestry {
  switch (status) {
    case 'ahead':
      return { relation: 'older' };
    case 'behind':
      return { relation: 'newer' };
    case 'identical':
      return { relation: 'same' };
    case 'diverged':
      return { relation: 'unknown', why: `history diverged between ${short(sha)} and ${short(head)} (a force-push?)` };
    default:
      return { relation: 'unknown', why: `GitHub compared ${short(sha)} with status ${JSON.stringify(status)}` };
  }
}

/**
 * Why the compare failed. A 404 (the commit is gone, e.g. force-pushed away) and a refused token
 * are facts the creation-time fallback may stand in for; no answer or a 5xx is transient.
 */
function unknownBecause(error: unknown, sha: string, repository: Repository): Ancestry {
  // octokit wraps what its fetch throws (our TransportError: no response) in a RequestError with status 500.
  const cause = (error as { cause?: { name?: string; message?: string } } | null)?.cause;
  if (cause?.name === 'TransportError')
    return { relation: 'unknown', why: `GitHub's compare API did not answer: ${cause.message}`, transient: true };
  const status = (error as { status?: number } | null)?.status;
  const name = `${repository.owner}/${repository.name}`;
  if (status === 404) return { relation: 'unknown', why: `commit ${short(sha)} not found in ${name}` };
  if (status === 401) return { relation: 'unknown', why: 'GitHub rejected github-token (401)' };
  if (status === 403) return { relation: 'unknown', why: `github-token may not read ${name} (403): grant it contents: read` };
  const said = status ? `answered ${status}` : `failed (${(error as { message?: string } | null)?.message ?? String(error)})`;
  return { relation: 'unknown', why: `GitHub's compare API ${said}`, transient: true };
}
