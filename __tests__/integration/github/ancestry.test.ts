// Ancestry from GitHub: the pure readings of GitHub's answers, then checkAncestry in process against
// the GitHub simulation on 127.0.0.1 (list commits + compare), with property tests over random commit
// graphs: the one-request way decides exactly as comparing every commit, and under rate limits, 5xx,
// resets and refusals an older commit's run never cancels a build of a descendant of its commit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitHubSimulator, linearHistory } from '../../../simulator/github-api.js';
import { checkAncestry, compareEach, type AncestryOptions } from '../../../src/github/ancestry.js';
import { answeredByHistory, rateLimitOf, refusalOf, relationOfCompare } from '../../../src/github/answers.js';
import { gitHubApi } from '../../../src/github/api.js';
import type { Repository } from '../../../src/github/event.js';
import { DEFAULT_POLICY, type RetryPolicy } from '../../../src/http/request.js';
import { decide, commitsToCompare, type Ancestry, type Candidate } from '../../../src/supersede.js';

const TOKEN = 'ghs_ancestry_token';
const NOW = 1_800_000_000_000;

// ---------------------------------------------------------------------------------------------
// Pure: what GitHub's answers mean
// ---------------------------------------------------------------------------------------------

describe('rateLimitOf: a rate limit is never read as a refusal', () => {
  const json = (message: string) => JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest' });
  const reset = String(NOW / 1000 + 90);

  it.each([
    ['primary, 403', 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 'API rate limit exceeded', 'primary', 90_000],
    ['primary, 429', 429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 'API rate limit exceeded', 'primary', 90_000],
    [
      'secondary with retry-after',
      403,
      { 'retry-after': '30', 'x-ratelimit-remaining': '4000' },
      'You have exceeded a secondary rate limit.',
      'secondary',
      30_000,
    ],
    [
      'secondary, message only: one minute',
      403,
      { 'x-ratelimit-remaining': '4000' },
      'You have exceeded a secondary rate limit.',
      'secondary',
      60_000,
    ],
    [
      'secondary, remaining 0: the reset',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      'You have exceeded a secondary rate limit.',
      'secondary',
      90_000,
    ],
    ['a 429 without headers', 429, {}, 'slow down', 'secondary', 60_000],
    [
      'a reset already past',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) },
      'API rate limit exceeded',
      'primary',
      0,
    ],
  ])('%s', (_name, status, headers, message, kind, waitMs) => {
    expect(rateLimitOf(status, headers, json(message), NOW)).toMatchObject({ kind, waitMs });
  });

  it('a reset no clock can hold is a limit of unknown end, not a crash', () => {
    const limit = rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999999999999' }, '', NOW);
    expect(limit).toEqual({ kind: 'primary', waitMs: Infinity });
  });

  it.each([
    ['403 permission', 403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration'],
    ['403 without headers or body', 403, {}, ''],
    ['404', 404, { 'x-ratelimit-remaining': '0' }, 'Not Found'],
    ['401', 401, {}, 'Bad credentials'],
    ['500', 500, { 'retry-after': '1' }, 'oops'],
  ])('not a rate limit: %s', (_name, status, headers, message) => {
    expect(rateLimitOf(status, headers, json(message), NOW)).toBeUndefined();
  });
});

describe('answers', () => {
  it('relationOfCompare: ahead is older, behind newer, identical the same, diverged unknown but not transient', () => {
    const [a, b] = ['a'.repeat(40), 'b'.repeat(40)];
    expect(relationOfCompare('ahead', a, b)).toEqual({ relation: 'older' });
    expect(relationOfCompare('behind', a, b)).toEqual({ relation: 'newer' });
    expect(relationOfCompare('identical', a, b)).toEqual({ relation: 'same' });
    expect(relationOfCompare('diverged', a, b)).toEqual({
      relation: 'unknown',
      why: 'history diverged between aaaaaaa and bbbbbbb (a force-push?)',
    });
    expect(relationOfCompare(undefined, a, b)).toMatchObject({ relation: 'unknown' });
  });

  it('refusalOf: 401, 403 and 404 are facts (creation order may stand in), anything else transient', () => {
    expect(refusalOf(404, 'compare API', 'acme/web', 'commit abc')).toEqual({
      relation: 'unknown',
      why: 'commit abc not found in acme/web',
    });
    expect(refusalOf(403, 'compare API', 'acme/web', 'commit abc')).toEqual({
      relation: 'unknown',
      why: 'github-token may not read acme/web (403): grant it contents: read',
    });
    expect(refusalOf(401, 'compare API', 'acme/web', 'commit abc')).toEqual({
      relation: 'unknown',
      why: 'GitHub rejected github-token (401)',
    });
    expect(refusalOf(502, 'commits API', 'acme/web', 'commit abc')).toEqual({
      relation: 'unknown',
      why: "GitHub's commits API answered 502",
      transient: true,
    });
  });

  it('answeredByHistory: listed commits are older, whatever their case; the head itself is the same; the rest need a compare', () => {
    const [h, a, b, c] = ['1'.repeat(40), 'a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    const { answers, rest } = answeredByHistory([h, a, b], h, [a.toUpperCase(), c, h.toUpperCase()]);
    expect(Object.fromEntries(answers)).toEqual({ [a.toUpperCase()]: { relation: 'older' }, [h.toUpperCase()]: { relation: 'same' } });
    expect(rest).toEqual([c]);
  });
});

// ---------------------------------------------------------------------------------------------
// Random commit graphs
// ---------------------------------------------------------------------------------------------

/** A commit graph: parents by index (parents before children), and optional committer dates. */
interface Graph {
  parents: number[][];
  dates?: number[];
}

const shaOf = (i: number) => `${(i + 1).toString(16)}`.padStart(40, 'c');
const UNKNOWN_SHA = 'e'.repeat(40);

/** Chains, forks off any earlier commit, merges of two lines, and unrelated roots; dates sometimes skewed. */
const graphArb: fc.Arbitrary<Graph> = fc
  .tuple(
    fc.array(fc.record({ kind: fc.constantFrom('chain', 'chain', 'chain', 'fork', 'merge', 'root'), other: fc.nat() }), {
      minLength: 1,
      maxLength: 30,
    }),
    fc.option(fc.array(fc.integer({ min: 1_000_000_000, max: 1_000_100_000 }), { minLength: 31, maxLength: 31 })),
  )
  .map(([steps, dates]) => {
    const parents: number[][] = [[]];
    steps.forEach(({ kind, other }, k) => {
      const i = k + 1;
      const earlier = other % i;
      if (kind === 'chain') parents.push([i - 1]);
      else if (kind === 'fork') parents.push([earlier]);
      else if (kind === 'merge') parents.push(earlier === i - 1 ? [i - 1] : [i - 1, earlier]);
      else parents.push([]);
    });
    return dates ? { parents, dates: dates.slice(0, parents.length) } : { parents };
  });

/** Every commit reachable from i (itself included). */
function reachable(graph: Graph, i: number): Set<number> {
  const seen = new Set([i]);
  const queue = [i];
  while (queue.length > 0) {
    for (const p of graph.parents[queue.pop()!]!) {
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return seen;
}

let repoCount = 0;
function loadGraph(github: GitHubSimulator, graph: Graph): Repository {
  const repository = { owner: 'prop', name: `r${++repoCount}` };
  github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
  github.addCommits(
    repository.owner,
    repository.name,
    graph.parents.map((ps, i) => ({ sha: shaOf(i), parents: ps.map(shaOf), ...(graph.dates ? { date: graph.dates[i] } : {}) })),
  );
  return repository;
}

const quickPolicy = (): RetryPolicy => ({
  ...DEFAULT_POLICY,
  retries: 1,
  baseDelayMs: 1,
  maxWaitMs: 1_000,
  timeoutMs: 5_000,
  deadline: Date.now() + 60_000,
  notice: () => undefined,
});

let github: GitHubSimulator;
let apiUrl: string;
beforeAll(async () => {
  github = new GitHubSimulator();
  apiUrl = await github.start();
});
afterAll(async () => {
  await github.stop();
});

function options(repository: Repository, head: string, shas: readonly string[], extra: Partial<AncestryOptions> = {}): AncestryOptions {
  return { token: TOKEN, apiUrl, repository, head, shas, concurrency: 4, policy: quickPolicy(), ...extra };
}

/** What GitHub would answer for each request, by the order requests arrive in. */
function requestsSince(start: number) {
  return github.requests.slice(start);
}

describe('checkAncestry against the GitHub simulation', () => {
  it('N=50 on a linear history: exactly 1 GitHub request, every commit older', async () => {
    const commits = linearHistory(51);
    const repository = { owner: 'acme', name: 'linear' };
    github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
    github.addCommits(repository.owner, repository.name, commits);
    const start = github.requests.length;
    const shas = commits.slice(0, 50).map((c) => c.sha);

    const answers = await checkAncestry(options(repository, commits[50].sha, shas));

    expect([...answers.values()].every((a) => a.relation === 'older')).toBe(true);
    expect(answers.size).toBe(50);
    expect(requestsSince(start).map((r) => [r.path, r.query])).toEqual([
      [`/repos/acme/linear/commits`, { sha: commits[50].sha, per_page: '100' }],
    ]);
  });

  it('N=1: one compare, no list', async () => {
    const commits = linearHistory(2);
    const repository = { owner: 'acme', name: 'one' };
    github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
    github.addCommits(repository.owner, repository.name, commits);
    const start = github.requests.length;
    const answers = await checkAncestry(options(repository, commits[1].sha, [commits[0].sha]));
    expect(answers.get(commits[0].sha)).toEqual({ relation: 'older' });
    expect(requestsSince(start).map((r) => r.path)).toEqual([`/repos/acme/one/compare/${commits[0].sha}...${commits[1].sha}`]);
  });

  it("a merged branch's commits are ancestors of the merge: the list follows every parent", async () => {
    const [base, main1] = linearHistory(2);
    const [feature1, feature2] = linearHistory(2, base.sha);
    const merge = { sha: 'f'.repeat(40), parents: [main1.sha, feature2.sha] };
    const repository = { owner: 'acme', name: 'merged' };
    github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
    github.addCommits(repository.owner, repository.name, [base, main1, feature1, feature2, merge]);
    const start = github.requests.length;
    const answers = await checkAncestry(options(repository, merge.sha, [feature1.sha, main1.sha]));
    expect(Object.fromEntries(answers)).toEqual({ [feature1.sha]: { relation: 'older' }, [main1.sha]: { relation: 'older' } });
    expect(requestsSince(start)).toHaveLength(1);
  });

  it('without a token or on another provider: no request, unknown and not transient', async () => {
    const start = github.requests.length;
    const shas = ['a'.repeat(40), 'b'.repeat(40)];
    const none = await checkAncestry(options({ owner: 'acme', name: 'web' }, 'c'.repeat(40), shas, { token: undefined }));
    expect(none.get(shas[0]!)).toEqual({ relation: 'unknown', why: 'no github-token to compare commits with' });
    const gitlab = await checkAncestry(options({ provider: 'gitlab', owner: 'acme', name: 'web' }, 'c'.repeat(40), shas));
    expect(gitlab.get(shas[1]!)).toMatchObject({ relation: 'unknown', why: expect.stringMatching(/this is a gitlab repository$/) });
    expect(requestsSince(start)).toHaveLength(0);
  });

  describe('when the history request fails', () => {
    const setup = (name: string) => {
      const commits = linearHistory(4);
      const repository = { owner: 'acme', name };
      github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
      github.addCommits(repository.owner, repository.name, commits);
      return { repository, head: commits[3].sha, shas: commits.slice(0, 3).map((c) => c.sha) };
    };
    const afterEach = () => github.inject(null);

    it('a rate limit that lifts within one wait is waited for', async () => {
      const { repository, head, shas } = setup('near');
      const start = github.requests.length;
      github.inject(({ attempt }: { attempt: number }) =>
        attempt === 1
          ? { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'Retry-After': '0' } }
          : undefined,
      );
      const answers = await checkAncestry(options(repository, head, shas));
      afterEach();
      expect([...answers.values()]).toEqual([{ relation: 'older' }, { relation: 'older' }, { relation: 'older' }]);
      expect(requestsSince(start).map((r) => r.status)).toEqual([403, 200]);
    });

    it('a rate limit that lifts later: every commit unknown and transient, after 1 request', async () => {
      const { repository, head, shas } = setup('far');
      const start = github.requests.length;
      const reset = String(Math.floor(Date.now() / 1000) + 3600);
      github.inject(() => ({
        status: 403,
        body: { message: 'API rate limit exceeded' },
        headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
      }));
      const answers = await checkAncestry(options(repository, head, shas));
      afterEach();
      for (const answer of answers.values()) {
        expect(answer).toEqual({
          relation: 'unknown',
          why: `github-token's rate limit is used up until ${new Date(Number(reset) * 1000).toISOString()}`,
          transient: true,
        });
      }
      expect(requestsSince(start)).toHaveLength(1);
    });

    it('a refused token: every commit unknown (creation order may stand in), after 1 request', async () => {
      const { repository, head, shas } = setup('refused');
      const start = github.requests.length;
      const answers = await checkAncestry(options(repository, head, shas, { token: 'ghs_wrong' }));
      expect(new Set([...answers.values()].map((a) => JSON.stringify(a)))).toEqual(
        new Set([JSON.stringify({ relation: 'unknown', why: 'GitHub rejected github-token (401)' })]),
      );
      expect(requestsSince(start)).toHaveLength(1);
    });

    it('a 5xx after retries: each commit is compared instead', async () => {
      const { repository, head, shas } = setup('flaky');
      const start = github.requests.length;
      github.inject(({ path }: { path: string }) => (path.endsWith('/commits') ? { status: 502, body: 'Bad gateway' } : undefined));
      const answers = await checkAncestry(options(repository, head, shas));
      afterEach();
      expect([...answers.values()].every((a) => a.relation === 'older')).toBe(true);
      expect(requestsSince(start).map((r) => r.path.split('/')[4])).toEqual(['commits', 'commits', 'compare', 'compare', 'compare']);
    });
  });

  it('a compare that meets a lasting rate limit stops the compares still to send', async () => {
    const commits = linearHistory(8);
    const repository = { owner: 'acme', name: 'deep' };
    github.addRepo({ owner: repository.owner, repo: repository.name, token: TOKEN });
    github.addCommits(repository.owner, repository.name, commits);
    const start = github.requests.length;
    github.inject(({ path }: { path: string }) =>
      path.includes('/compare/')
        ? {
            status: 429,
            body: { message: 'API rate limit exceeded' },
            headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '99999999999999' },
          }
        : undefined,
    );
    // A history page of 2 holds the head and one commit: the 4 older ones need compares.
    const shas = commits.slice(1, 7).map((c) => c.sha);
    const answers = await checkAncestry(options(repository, commits[7].sha, shas, { historyPage: 2, concurrency: 1 }));
    github.inject(null);
    expect(answers.get(commits[6].sha)).toEqual({ relation: 'older' });
    expect([...answers.values()].filter((a) => a.relation === 'unknown' && a.transient)).toHaveLength(5);
    expect(requestsSince(start).map((r) => r.path.split('/')[4])).toEqual(['commits', 'compare']);
  });
});

describe('the HTTP exchange', () => {
  it("sends GitHub's headers and the token in Authorization only, under an Enterprise Server path", async () => {
    const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify([{ sha: 'a'.repeat(40) }, { sha: 'b'.repeat(40) }]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answers = await checkAncestry(
        options({ owner: 'acme corp', name: 'web' }, 'a'.repeat(40), ['b'.repeat(40), 'c'.repeat(40)], {
          apiUrl: `http://127.0.0.1:${port}/api/v3/`,
        }),
      );
      expect(answers.get('b'.repeat(40))).toEqual({ relation: 'older' });
      expect(seen[0]!.url).toBe(`/api/v3/repos/acme%20corp/web/commits?sha=${'a'.repeat(40)}&per_page=100`);
      expect(seen[0]!.headers).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'vercel-cancel-deployment-action',
      });
      expect(seen.every((s) => !s.url.includes(TOKEN))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** A head, candidate commits (distinct, not the head) and the page size, over a graph. */
const scenarioArb = graphArb.chain((graph) => {
  const n = graph.parents.length;
  return fc.record({
    graph: fc.constant(graph),
    head: fc.nat({ max: n - 1 }),
    candidates: fc.uniqueArray(fc.nat({ max: n }), { minLength: 1, maxLength: n + 1 }), // n: a commit GitHub does not know
    historyPage: fc.integer({ min: 1, max: 12 }),
  });
});

describe('properties', () => {
  it('the one-request way gives exactly the answers of comparing every commit (random graphs with merges and forks)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ graph, head, candidates, historyPage }) => {
        const repository = loadGraph(github, graph);
        const shas = candidates.filter((i) => i !== head).map((i) => (i === graph.parents.length ? UNKNOWN_SHA : shaOf(i)));
        fc.pre(shas.length > 0);
        const opts = options(repository, shaOf(head), shas, { historyPage });

        const start = github.requests.length;
        const fast = await checkAncestry(opts);
        const sent = requestsSince(start);
        const slow = await compareEach(gitHubApi({ apiUrl, token: TOKEN, policy: opts.policy }), opts, shas);

        expect(Object.fromEntries(fast)).toEqual(Object.fromEntries(slow));
        // One request for the history (none for a single commit) and a compare only for what it did not list.
        const ancestors = reachable(graph, head);
        const compares = sent.filter((r) => r.path.includes('/compare/'));
        if (shas.length === 1) expect(sent).toHaveLength(1);
        else {
          expect(sent.filter((r) => r.path.endsWith('/commits'))).toHaveLength(1);
          expect(compares.length).toBeLessThanOrEqual(shas.length);
          if (ancestors.size <= historyPage) {
            // The whole history fits the page: only the commits that are not ancestors are compared.
            const notAncestors = shas.filter((sha) => ![...ancestors].some((i) => shaOf(i) === sha));
            expect(compares).toHaveLength(notAncestors.length);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  type Fault =
    | 'ok'
    | 'primary-far'
    | 'primary-429'
    | 'secondary-now'
    | 'secondary-far'
    | 'secondary-unnamed'
    | '5xx'
    | 'reset'
    | 'permission'
    | 'not-found'
    | 'unauthorized';
  const REFUSALS: readonly Fault[] = ['permission', 'not-found', 'unauthorized'];
  const faultArb = fc.constantFrom<Fault>(
    'ok',
    'ok',
    'primary-far',
    'primary-429',
    'secondary-now',
    'secondary-far',
    'secondary-unnamed',
    '5xx',
    'reset',
    'permission',
    'not-found',
    'unauthorized',
  );

  function answerFor(fault: Fault): 'reset' | { status: number; body: string | object; headers?: Record<string, string> } | undefined {
    const far = String(Math.floor(Date.now() / 1000) + 3600);
    switch (fault) {
      case 'ok':
        return undefined;
      case 'primary-far':
        return {
          status: 403,
          body: { message: 'API rate limit exceeded' },
          headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': far },
        };
      case 'primary-429':
        return {
          status: 429,
          body: { message: 'API rate limit exceeded' },
          headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': far },
        };
      case 'secondary-now':
        return { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'Retry-After': '0' } };
      case 'secondary-far':
        return { status: 429, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'Retry-After': '3600' } };
      case 'secondary-unnamed':
        return {
          status: 403,
          body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
        };
      case '5xx':
        return { status: 503, body: 'unavailable' };
      case 'reset':
        return 'reset' as const;
      case 'permission':
        return { status: 403, body: { message: 'Resource not accessible by integration' } };
      case 'not-found':
        return { status: 404, body: { message: 'Not Found' } };
      case 'unauthorized':
        return { status: 401, body: { message: 'Bad credentials' } };
    }
  }

  it("an older commit's run never cancels a build of a descendant of its commit, whatever GitHub answers short of a refusal", async () => {
    const runArb = scenarioArb.chain((s) =>
      fc.record({
        s: fc.constant(s),
        created: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: s.candidates.length + 1, maxLength: s.candidates.length + 1 }),
        faults: fc.array(faultArb, { minLength: 1, maxLength: 12 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(runArb, async ({ s: { graph, head, candidates }, created, faults }) => {
        const repository = loadGraph(github, graph);
        const headSha = shaOf(head);
        const git = (sha: string) => ({
          sha,
          branch: 'main',
          repo: { provider: 'github', owner: repository.owner, name: repository.name },
        });
        const own: Candidate = { id: 'dpl_own', createdAt: created[0]!, readyState: 'BUILDING', target: null, git: git(headSha) };
        const builds: Candidate[] = candidates
          .filter((i) => i !== head)
          .map((i, k) => ({
            id: `dpl_${k}`,
            createdAt: created[k + 1]!,
            readyState: 'BUILDING',
            target: null,
            git: git(i === graph.parents.length ? UNKNOWN_SHA : shaOf(i)),
          }));
        const all = [own, ...builds];
        const current = { sha: headSha, branch: 'main', repository, closedPullRequest: false, decidedBy: 'property test' };
        const selection = { target: 'all' as const, projectScoped: true };

        const given: Fault[] = [];
        let arrived = 0;
        github.inject(() => {
          const fault = faults[arrived++ % faults.length]!;
          given.push(fault);
          return answerFor(fault);
        });
        let ancestry: Map<string, Ancestry>;
        try {
          ancestry = await checkAncestry(options(repository, headSha, commitsToCompare(all, current, selection), { historyPage: 4 }));
        } finally {
          github.inject(null);
        }
        const decisions = decide(all, current, selection, ancestry);

        const refused = given.some((f) => REFUSALS.includes(f));
        for (const d of decisions.filter((x) => x.cancel)) {
          const i = d.candidate.git.sha === UNKNOWN_SHA ? -1 : graph.parents.findIndex((_, k) => shaOf(k) === d.candidate.git.sha);
          const descendant = i >= 0 && i !== head && reachable(graph, i).has(head);
          if (!descendant) continue;
          // Only a genuine refusal lets creation order stand in, and then only for builds created first.
          expect(refused).toBe(true);
          expect(d.candidate.createdAt).toBeLessThan(own.createdAt);
        }
      }),
      { numRuns: 60 },
    );
  });
});
