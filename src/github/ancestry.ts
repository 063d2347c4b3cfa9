// How the candidates' commits relate to the current commit, from GitHub: one page of the current
// commit's history answers most of them in one request; a compare answers each of the others.
import { mapConcurrent } from '../concurrency.js';
import type { RetryPolicy } from '../http/request.js';
import type { Ancestry } from '../supersede.js';
import { githubGet, gitHubApi, type GitHubAnswer, type GitHubApi } from './api.js';
import { answeredByHistory, rateLimitedAncestry, refusalOf, relationOfCompare, type RateLimit } from './answers.js';
import type { Repository } from './event.js';

const short = (sha: string) => sha.slice(0, 7);

/** The most commits one page of `GET /repos/{o}/{r}/commits` holds (its per_page maximum). */
export const HISTORY_PAGE = 100;

export interface AncestryOptions {
  token: string | undefined;
  apiUrl: string;
  repository: Repository;
  /** The current commit. */
  head: string;
  /** The candidates' commits, distinct. */
  shas: readonly string[];
  concurrency: number;
  policy: RetryPolicy;
  /** Commits of history read in one request; tests make it small to reach the compare path. */
  historyPage?: number;
}

/** Why ancestry cannot be asked of GitHub at all, or undefined when it can. */
function cannotAsk(options: AncestryOptions): string | undefined {
  const provider = options.repository.provider ?? 'github';
  if (provider !== 'github') return `ancestry is checked through GitHub, and this is a ${provider} repository`;
  if (!options.token) return 'no github-token to compare commits with';
  return undefined;
}

const repoPath = (repository: Repository) => `/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.name)}`;
const repoName = (repository: Repository) => `${repository.owner}/${repository.name}`;

/**
 * How each commit relates to `head` by git ancestry. One request when every commit is among the
 * current commit's last `historyPage` commits (`GET /repos/{o}/{r}/commits?sha=HEAD`: present means
 * ancestor), a compare for each commit that is not; a single commit is compared directly (one request
 * either way). The decisions are those of comparing every commit. Never throws: a commit whose
 * ancestry cannot be established is 'unknown', with why; a rate limit leaves it unknown and transient.
 */
export async function checkAncestry(options: AncestryOptions): Promise<Map<string, Ancestry>> {
  const { shas } = options;
  if (shas.length === 0) return new Map();
  const cannot = cannotAsk(options);
  if (cannot) return new Map(shas.map((sha) => [sha, { relation: 'unknown', why: cannot }]));
  const api = gitHubApi({ apiUrl: options.apiUrl, token: options.token!, policy: options.policy });
  if (shas.length === 1) return compareEach(api, options, shas);

  const page = options.historyPage ?? HISTORY_PAGE;
  const history = await githubGet(api, `${repoPath(options.repository)}/commits`, { sha: options.head, per_page: String(page) });
  const listed = listedShas(history);
  if (listed) {
    const { answers, rest } = answeredByHistory(listed, options.head, shas);
    for (const [sha, answer] of await compareEach(api, options, rest)) answers.set(sha, answer);
    return answers;
  }
  // The same answer would come for every compare: a rate limit, a refused token, an unknown head.
  const shared = sharedFailure(history, options.repository, options.head);
  if (shared) return new Map(shas.map((sha) => [sha, shared]));
  // Anything else (a 5xx after retries, an answer not understood): compare each, as without the list.
  return compareEach(api, options, shas);
}

/** The shas of a history page, or undefined when the answer is not one. */
function listedShas(answer: GitHubAnswer): string[] | undefined {
  if (answer.kind !== 'ok' || !Array.isArray(answer.body)) return undefined;
  const shas: string[] = [];
  for (const entry of answer.body as unknown[]) {
    const sha = (entry as { sha?: unknown } | null)?.sha;
    if (typeof sha !== 'string') return undefined;
    shas.push(sha);
  }
  return shas;
}

/** A failed history request whose cause would fail every compare alike, as the compare would say it. */
function sharedFailure(answer: GitHubAnswer, repository: Repository, head: string): Ancestry | undefined {
  if (answer.kind === 'rate-limited') return rateLimitedAncestry(answer.limit);
  if (answer.kind !== 'failed' || ![401, 403, 404].includes(answer.status)) return undefined;
  return refusalOf(answer.status, 'commits API', repoName(repository), `commit ${short(head)} or the repository`);
}

/**
 * Today's way, for the commits the history page did not answer: `GET /repos/{o}/{r}/compare/BASE...HEAD`
 * per commit ("ahead" means BASE is an ancestor of HEAD). Once GitHub says its rate limit will not lift
 * within one wait, no further compare is sent: those commits stay unknown for the same reason.
 */
export async function compareEach(api: GitHubApi, options: AncestryOptions, shas: readonly string[]): Promise<Map<string, Ancestry>> {
  const { repository, head } = options;
  const answers = new Map<string, Ancestry>();
  let limited: RateLimit | undefined;
  await mapConcurrent(
    shas,
    options.concurrency,
    async (sha) => {
      // per_page=1: only the status is needed, not the commits (the files come regardless).
      const answer = await githubGet(api, `${repoPath(repository)}/compare/${encodeURIComponent(sha)}...${encodeURIComponent(head)}`, {
        per_page: '1',
      });
      if (answer.kind === 'rate-limited') limited = answer.limit;
      answers.set(sha, compareAnswer(answer, sha, head, repository));
    },
    () => limited !== undefined,
  );
  for (const sha of shas) if (!answers.has(sha)) answers.set(sha, rateLimitedAncestry(limited!));
  return answers;
}

function compareAnswer(answer: GitHubAnswer, sha: string, head: string, repository: Repository): Ancestry {
  switch (answer.kind) {
    case 'ok':
      return relationOfCompare((answer.body as { status?: unknown } | null)?.status, sha, head);
    case 'rate-limited':
      return rateLimitedAncestry(answer.limit);
    case 'failed':
      return refusalOf(answer.status, 'compare API', repoName(repository), `commit ${short(sha)}`);
    case 'no-answer':
      return { relation: 'unknown', why: `GitHub's compare API did not answer: ${answer.message}`, transient: true };
  }
}
