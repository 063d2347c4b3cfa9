// A local stand-in for the GitHub REST API, for tests and `npm run demo`.
//
// Plain JavaScript ES module, no dependencies beyond node: built-ins. It speaks HTTP on 127.0.0.1
// and implements the two endpoints the action uses to decide commit ancestry, over an in-memory
// commit graph (merge commits included: ancestry is graph reachability):
//   GET /repos/{owner}/{repo}/commits?sha=SHA&per_page=N&page=P      (list commits)
//   GET /repos/{owner}/{repo}/compare/{BASE...HEAD}                   (compare two commits)
//
// Usage:
//   const gh = new GitHubSimulator();
//   gh.addRepo({ owner: 'acme', repo: 'web', token: 'ghs_x' });
//   const [a, b, c] = linearHistory(3);
//   gh.addCommits('acme', 'web', [a, b, c]);
//   const baseUrl = await gh.start();          // what GITHUB_API_URL is set to
//   ... fetch(`${baseUrl}/repos/acme/web/commits?sha=${c.sha}`, { headers: { Authorization: 'Bearer ghs_x' } })
//   await gh.stop();
//
// The commit list is `git log SHA`: SHA and every commit reachable from it through ANY parent (so the
// commits of a merged branch are listed too), newest first. Its order is git's default revision walk
// (git-rev-list(1): "Lists commit objects in reverse chronological order starting at the given
// commit(s)"): a queue ordered by committer date, newest first, starting at SHA; each commit shown
// is replaced in the queue by its parents, in parent order, a commit never twice; equal dates keep
// the order they were queued in (revision.c, commit_list_insert_by_date). GitHub's docs name the
// relation for compare ("equivalent to running the git log BASE..HEAD command") and document
// list commits' `sha`, `per_page` (default 30, max 100) and `page`. A commit's committer date is the
// `date` given to addCommits (epoch seconds), else one minute after the commit added before it,
// so by default the list is the reverse of the order in which commits were added.
//
// Deliberate choices (strict where the real API is more lenient, so client mistakes show up):
//   - BASE, HEAD and `sha` must be full 40-hex commit shas (matched case-insensitively); branch
//     names, tags, abbreviated shas, `BASE..HEAD` (two dots) and cross-fork `owner:ref` are 404 Not
//     Found, and so is a list request without `sha` (the simulator knows no default branch).
//   - owner and repo are matched case-insensitively, as on GitHub.
//   - a repo added with a token answers 401 Bad credentials when the token is missing or wrong
//     (real GitHub answers 404 for an anonymous request to a private repo; 401 for a wrong token).
//   - compare's `commits` is paged with `per_page` (default 250, capped at 250) and `page` (default
//     1); the list with `per_page` (default 30, capped at 100) and `page`. A `Link` header
//     (next/last/first/prev) is sent when there is more than one page.
//   - the rate limit is reported (x-ratelimit-*) but never enforced; rate-limited answers are made
//     with fault injection (`inject`), as GitHub sends them: 403 or 429 with x-ratelimit-remaining 0.

import { randomBytes } from 'node:crypto';
import { HttpError, SimulatorServer, decodeSegment as decode } from './http-server.js';

/**
 * @typedef {{ sha: string, parents?: string[], message?: string, date?: number }} CommitInput
 * `message` is optional and only echoed in `commit.message`. `date` is the committer date in epoch
 * seconds (default: one minute after the commit added before it), which orders the commit list.
 */
/**
 * @typedef {{ sha: string, parents: string[] }} Commit
 */
/** @typedef {import('./http-server.js').RecordedRequest} RecordedRequest */
/** @typedef {import('./http-server.js').InjectContext} InjectContext */
/** @typedef {import('./http-server.js').InjectResult} InjectResult */
/** @typedef {import('./http-server.js').InjectHandler} InjectHandler */
/** @typedef {import('./http-server.js').RouteRequest} RouteRequest */
/**
 * @typedef {{ sha: string, parents: string[], message: string, date: number | undefined, index: number, committedAt: number }} StoredCommit
 * `index` is the insertion order, which is a topological order (parents before children);
 * `committedAt` the committer date in epoch seconds.
 */
/**
 * @typedef {{ owner: string, repo: string, id: number, token: string | null, commits: Map<string, StoredCommit>, branches: Map<string, string> }} Repo
 */

export const RATE_LIMIT = 5000;
export const MAX_PER_PAGE = 250;
export const DEFAULT_PER_PAGE = 250;
/** List commits: "The number of results per page (max 100)", default 30 (GitHub's REST docs). */
export const LIST_MAX_PER_PAGE = 100;
export const LIST_DEFAULT_PER_PAGE = 30;
/** The committer date of the first commit added without a `date` (2023-11-14T22:13:20Z). */
const FIRST_DATE = 1_700_000_000;

const DOCS_REST = 'https://docs.github.com/rest';
const DOCS_COMPARE = 'https://docs.github.com/rest/commits/commits#compare-two-commits';
const DOCS_LIST = 'https://docs.github.com/rest/commits/commits#list-commits';
const SHA_RE = /^[0-9a-f]{40}$/;

/** A random 40-hex sha. */
export function randomSha() {
  return randomBytes(20).toString('hex');
}

/**
 * `Commit[]`, or a tuple of exactly N commits when N is a literal (so that, under
 * noUncheckedIndexedAccess, `const [a, b] = linearHistory(2)` gives defined commits).
 * @template {number} N
 * @template {Commit[]} [Acc=[]]
 * @typedef {number extends N ? Commit[] : Acc['length'] extends N ? Acc : CommitTuple<N, [...Acc, Commit]>} CommitTuple
 */

/**
 * Helper for tests: a linear chain of `n` fresh commits (random 40-hex shas), each the parent of the
 * next. The first commit's parent is `parent` when given, else it is a root commit.
 * @template {number} N
 * @param {N} n
 * @param {string} [parent]
 * @returns {CommitTuple<N>}
 */
export function linearHistory(n, parent) {
  /** @type {Commit[]} */
  const out = [];
  let prev = parent;
  for (let i = 0; i < n; i++) {
    const sha = randomSha();
    out.push({ sha, parents: prev ? [prev] : [] });
    prev = sha;
  }
  return /** @type {CommitTuple<N>} */ (out);
}

/**
 * GitHub's error body.
 * @param {number} status
 * @param {string} message
 * @param {string} [documentationUrl]
 */
function errorBody(status, message, documentationUrl = DOCS_REST) {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/**
 * An error answer with GitHub's `{ message, documentation_url, status }` body.
 * @param {number} status
 * @param {string} message
 * @param {string} [documentationUrl]
 */
function apiError(status, message, documentationUrl) {
  return new HttpError(status, errorBody(status, message, documentationUrl));
}

const notFound = () => apiError(404, 'Not Found', DOCS_REST);
const commitNotFound = () => apiError(404, 'Not Found', DOCS_COMPARE);
const badCredentials = () => apiError(401, 'Bad credentials', DOCS_REST);

export class GitHubSimulator {
  /** @type {Map<string, Repo>} `${owner}/${repo}` lower-cased -> repo */
  #repos = new Map();
  #nextRepoId = 100000001;
  #server = new SimulatorServer({
    route: (request) => this.#route(request),
    bugBody: (message) => errorBody(500, message),
    record: (entry) => this.requests.push(entry),
    latencyMs: () => this.latencyMs,
    rateLimit: () => ({ limit: RATE_LIMIT, windowMs: 3_600_000 }),
    authSchemes: ['Bearer', 'token'],
    extraHeaders: ({ limit, remaining }) => ({
      'X-RateLimit-Used': String(limit - remaining),
      'X-RateLimit-Resource': 'core',
      'X-GitHub-Media-Type': 'github.v3; format=json',
    }),
  });

  /**
   * @param {{ latencyMs?: number }} [options]
   */
  constructor(options = {}) {
    /** Artificial delay added to every response, in ms. */
    this.latencyMs = Math.max(0, Number(options.latencyMs ?? 0) || 0);
    /**
     * Every request received, in arrival order. The token is never stored.
     * @type {RecordedRequest[]}
     */
    this.requests = [];
  }

  // ---------------------------------------------------------------- repositories and commits

  /**
   * Adds a repository with an empty commit graph. `token` is the token it requires (sent as
   * `Authorization: Bearer <t>` or `token <t>`); null/undefined accepts any token or none.
   * Adding a repo again updates its id and token and keeps its commits.
   * @param {{ owner: string, repo: string, id?: number, token?: string | null }} repo
   */
  addRepo({ owner, repo, id, token }) {
    if (!owner || !repo || typeof owner !== 'string' || typeof repo !== 'string') {
      throw new Error('addRepo: owner and repo are required');
    }
    if (owner.includes('/') || repo.includes('/')) throw new Error('addRepo: owner and repo must not contain "/"');
    const key = repoKey(owner, repo);
    const existing = this.#repos.get(key);
    const repoId = id ?? existing?.id ?? this.#nextRepoId++;
    this.#repos.set(key, {
      owner,
      repo,
      id: repoId,
      token: token ?? null,
      commits: existing?.commits ?? new Map(),
      branches: existing?.branches ?? new Map(),
    });
  }

  /**
   * Points a branch at a known commit (creates or moves it); `sha` null deletes it. Served at
   * `GET /repos/{owner}/{repo}/branches/{branch}` (GitHub REST "Get a branch": 404 when it does not
   * exist; clients send the name as one path parameter, '/' encoded as %2F).
   * @param {string} owner
   * @param {string} repo
   * @param {string} branch
   * @param {string | null} sha
   */
  setBranch(owner, repo, branch, sha) {
    const r = this.#repos.get(repoKey(owner, repo));
    if (!r) throw new Error(`setBranch: no repo ${owner}/${repo} (call addRepo first)`);
    if (sha === null) r.branches.delete(branch);
    else if (!r.commits.has(normalizeSha(sha) ?? '')) throw new Error(`setBranch: unknown commit ${sha}`);
    else r.branches.set(branch, normalizeSha(sha));
  }

  /**
   * Adds commits to a repository's graph. Each parent must be already known or in the same call
   * (in any order). Re-adding a known sha with the same parents is a no-op. Throws on a malformed
   * sha, an unknown parent, a cycle, or a known sha with different parents: a test setup mistake.
   * @param {string} owner
   * @param {string} repo
   * @param {CommitInput[]} commits
   */
  addCommits(owner, repo, commits) {
    const r = this.#repos.get(repoKey(owner, repo));
    if (!r) throw new Error(`addCommits: no repo ${owner}/${repo} (call addRepo first)`);
    if (!Array.isArray(commits)) throw new Error('addCommits: commits must be an array');

    /** @type {Map<string, { sha: string, parents: string[], message: string, date: number | undefined }>} */
    const batch = new Map();
    for (const c of commits) {
      const sha = normalizeSha(c?.sha);
      if (!sha) throw new Error(`addCommits: invalid sha ${JSON.stringify(c?.sha)} (40 hex digits expected)`);
      const parents = (c.parents ?? []).map((p) => {
        const ps = normalizeSha(p);
        if (!ps) throw new Error(`addCommits: commit ${sha} has an invalid parent ${JSON.stringify(p)}`);
        return ps;
      });
      if (new Set(parents).size !== parents.length) throw new Error(`addCommits: commit ${sha} lists a parent twice`);
      const message = typeof c.message === 'string' ? c.message : `Commit ${sha.slice(0, 7)}`;
      if (c.date !== undefined && !Number.isInteger(c.date))
        throw new Error(`addCommits: commit ${sha} has a date that is not whole seconds`);
      const date = c.date;
      const known = r.commits.get(sha) ?? batch.get(sha);
      if (known) {
        if (known.parents.join() !== parents.join()) {
          throw new Error(`addCommits: commit ${sha} already exists with different parents`);
        }
        continue;
      }
      batch.set(sha, { sha, parents, message, date });
    }
    for (const c of batch.values()) {
      for (const p of c.parents) {
        if (!r.commits.has(p) && !batch.has(p)) throw new Error(`addCommits: commit ${c.sha} has unknown parent ${p}`);
      }
    }

    // Insert in topological order (stable: input order where the parents allow it).
    const pending = [...batch.values()];
    /** @type {Set<string>} */
    const placed = new Set();
    while (pending.length > 0) {
      const before = pending.length;
      for (let i = 0; i < pending.length;) {
        const c = /** @type {{ sha: string, parents: string[], message: string, date: number | undefined }} */ (pending[i]);
        if (c.parents.every((p) => r.commits.has(p) || placed.has(p))) {
          const previous = [...r.commits.values()].at(-1);
          const committedAt = c.date ?? (previous ? previous.committedAt + 60 : FIRST_DATE);
          r.commits.set(c.sha, { ...c, index: r.commits.size, committedAt });
          placed.add(c.sha);
          pending.splice(i, 1);
        } else {
          i++;
        }
      }
      if (pending.length === before) throw new Error('addCommits: the commits form a cycle');
    }
  }

  /**
   * Sets (or clears, with null) the fault-injection handler.
   * @param {InjectHandler | null} handler
   */
  inject(handler) {
    this.#server.inject(handler);
  }

  // ---------------------------------------------------------------- server lifecycle

  /**
   * Listens on 127.0.0.1 (random free port).
   * @returns {Promise<string>} base URL, e.g. 'http://127.0.0.1:41234' (the value for GITHUB_API_URL)
   */
  start() {
    return this.#server.start();
  }

  /**
   * Closes the server, destroys every open socket and cancels pending delays. Safe to call twice.
   * @returns {Promise<void>}
   */
  stop() {
    return this.#server.stop();
  }

  // ---------------------------------------------------------------- request handling

  /**
   * Routes a request; throws HttpError for error answers. The rate limit is reported, never enforced.
   * @param {RouteRequest} request
   * @returns {{ status: number, body: unknown, headers: Record<string, string> }}
   */
  #route({ method, path, query, token }) {
    const seg = path.split('/');
    // seg[0] is '' (path starts with '/'); the basehead may itself contain '/' (then it matches nothing)
    const compare = seg.length >= 6 && seg[4] === 'compare' && Boolean(seg[5]);
    const list = seg.length === 5 && seg[4] === 'commits';
    const branch = seg.length >= 6 && seg[4] === 'branches' && Boolean(seg[5]);
    if (!(seg[1] === 'repos' && seg[2] && seg[3] && (compare || list || branch))) throw notFound();
    if (method !== 'GET') throw notFound();
    const owner = decodeSegment(seg[2]);
    const repoName = decodeSegment(seg[3]);

    const repo = this.#repos.get(repoKey(owner, repoName));
    if (!repo) throw notFound();
    if (repo.token !== null && token !== repo.token) throw badCredentials();
    if (list) return this.#listCommits(repo, query);
    if (branch) return this.#branch(repo, decodeSegment(seg.slice(5).join('/')));
    return this.#compare(repo, decodeSegment(seg.slice(5).join('/')), query);
  }

  /**
   * A branch and its head commit, or 404 "Branch not found".
   * @param {Repo} repo
   * @param {string} name
   * @returns {{ status: number, body: unknown, headers: Record<string, string> }}
   */
  #branch(repo, name) {
    const sha = repo.branches.get(name);
    if (!sha) throw apiError(404, 'Branch not found', 'https://docs.github.com/rest/branches/branches#get-a-branch');
    return { status: 200, headers: {}, body: { name, commit: this.#commitJson(repo, repo.commits.get(sha)), protected: false } };
  }

  /**
   * `git log SHA`, newest first (see the header): one page of it.
   * @param {Repo} repo
   * @param {Record<string, string>} query
   * @returns {{ status: number, body: unknown, headers: Record<string, string> }}
   */
  #listCommits(repo, query) {
    const start = repo.commits.get(normalizeSha(query.sha) ?? '');
    if (!start) throw apiError(404, 'Not Found', DOCS_LIST);
    const log = revisionWalk(repo, start);
    const perPage = clampInt(query.per_page, LIST_DEFAULT_PER_PAGE, 1, LIST_MAX_PER_PAGE);
    const page = clampInt(query.page, 1, 1, Number.MAX_SAFE_INTEGER);
    const lastPage = Math.max(1, Math.ceil(log.length / perPage));
    const listUrl = `${this.#server.baseUrl ?? 'http://127.0.0.1'}/repos/${repo.owner}/${repo.repo}/commits`;
    return {
      status: 200,
      headers: linkHeader(listUrl, query, perPage, page, lastPage),
      body: log.slice((page - 1) * perPage, page * perPage).map((c) => this.#commitJson(repo, c)),
    };
  }

  /**
   * A commit as the commit endpoints show it (the fields a client may read; no stats or files).
   * @param {Repo} repo
   * @param {StoredCommit} c
   */
  #commitJson(repo, c) {
    const apiBase = this.#server.baseUrl ?? 'http://127.0.0.1';
    const repoPath = `repos/${repo.owner}/${repo.repo}`;
    const htmlRepo = `https://github.com/${repo.owner}/${repo.repo}`;
    const date = new Date(c.committedAt * 1000).toISOString().replace('.000Z', 'Z');
    const person = { name: 'Simulated Committer', email: 'committer@example.com', date };
    return {
      sha: c.sha,
      url: `${apiBase}/${repoPath}/commits/${c.sha}`,
      html_url: `${htmlRepo}/commit/${c.sha}`,
      commit: { author: person, committer: person, message: c.message, tree: null, comment_count: 0 },
      author: null,
      committer: null,
      parents: c.parents.map((p) => ({ sha: p, url: `${apiBase}/${repoPath}/commits/${p}`, html_url: `${htmlRepo}/commit/${p}` })),
    };
  }

  /**
   * @param {Repo} repo
   * @param {string} basehead
   * @param {Record<string, string>} query
   * @returns {{ status: number, body: unknown, headers: Record<string, string> }}
   */
  #compare(repo, basehead, query) {
    const sep = basehead.indexOf('...');
    if (sep < 0) throw commitNotFound();
    const baseRef = basehead.slice(0, sep);
    const headRef = basehead.slice(sep + 3);
    const base = repo.commits.get(normalizeSha(baseRef) ?? '');
    const head = repo.commits.get(normalizeSha(headRef) ?? '');
    if (!base || !head) throw commitNotFound();

    const fromBase = ancestors(repo, base.sha);
    const fromHead = ancestors(repo, head.sha);
    /** @type {StoredCommit | undefined} */
    let mergeBase;
    /** @type {StoredCommit[]} */
    const ahead = [];
    for (const sha of fromHead) {
      const c = /** @type {StoredCommit} */ (repo.commits.get(sha));
      if (fromBase.has(sha)) {
        // insertion order is topological, so the newest common ancestor is a best common ancestor
        if (!mergeBase || c.index > mergeBase.index) mergeBase = c;
      } else {
        ahead.push(c);
      }
    }
    if (!mergeBase) {
      throw apiError(404, `No common ancestor between ${baseRef} and ${headRef}.`, DOCS_COMPARE);
    }
    let behindBy = 0;
    for (const sha of fromBase) if (!fromHead.has(sha)) behindBy++;
    ahead.sort((a, b) => a.index - b.index); // oldest first
    const aheadBy = ahead.length;
    const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';

    const perPage = clampInt(query.per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
    const page = clampInt(query.page, 1, 1, Number.MAX_SAFE_INTEGER);
    const pageItems = ahead.slice((page - 1) * perPage, page * perPage);
    const lastPage = Math.max(1, Math.ceil(aheadBy / perPage));

    const apiBase = this.#server.baseUrl ?? 'http://127.0.0.1';
    const repoPath = `repos/${repo.owner}/${repo.repo}`;
    const htmlRepo = `https://github.com/${repo.owner}/${repo.repo}`;
    const compareUrl = `${apiBase}/${repoPath}/compare/${baseRef}...${headRef}`;
    /** @param {StoredCommit} c */
    const commitJson = (c) => this.#commitJson(repo, c);
    const headers = linkHeader(compareUrl, query, perPage, page, lastPage);

    return {
      status: 200,
      headers,
      body: {
        url: compareUrl,
        html_url: `${htmlRepo}/compare/${baseRef}...${headRef}`,
        permalink_url: `${htmlRepo}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
        diff_url: `${htmlRepo}/compare/${baseRef}...${headRef}.diff`,
        patch_url: `${htmlRepo}/compare/${baseRef}...${headRef}.patch`,
        base_commit: commitJson(base),
        merge_base_commit: commitJson(mergeBase),
        status,
        ahead_by: aheadBy,
        behind_by: behindBy,
        total_commits: aheadBy,
        commits: pageItems.map(commitJson),
        files: [],
      },
    };
  }
}

// ---------------------------------------------------------------- helpers

/**
 * `{ Link }` with next/last/first/prev page URLs, or `{}` when there is one page.
 * @param {string} url
 * @param {Record<string, string>} query
 * @param {number} perPage
 * @param {number} page
 * @param {number} lastPage
 * @returns {Record<string, string>}
 */
function linkHeader(url, query, perPage, page, lastPage) {
  if (lastPage <= 1) return {};
  /** @param {number} n */
  const pageUrl = (n) => {
    const params = new URLSearchParams(query);
    params.set('per_page', String(perPage));
    params.set('page', String(n));
    return `${url}?${params}`;
  };
  /** @type {string[]} */
  const links = [];
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return { Link: links.join(', ') };
}

/**
 * git's default revision walk from `start` (see the header): newest committer date first, parents
 * queued in parent order as their child is shown, ties kept in queue order, each commit once.
 * @param {Repo} repo
 * @param {StoredCommit} start
 * @returns {StoredCommit[]}
 */
function revisionWalk(repo, start) {
  /** @type {StoredCommit[]} */
  const shown = [];
  /** @type {StoredCommit[]} kept sorted: newest first, FIFO among equal dates */
  const queue = [start];
  const seen = new Set([start.sha]);
  while (queue.length > 0) {
    const c = /** @type {StoredCommit} */ (queue.shift());
    shown.push(c);
    for (const p of c.parents) {
      if (seen.has(p)) continue;
      seen.add(p);
      const parent = /** @type {StoredCommit} */ (repo.commits.get(p));
      const at = queue.findIndex((q) => q.committedAt < parent.committedAt);
      queue.splice(at < 0 ? queue.length : at, 0, parent);
    }
  }
  return shown;
}

/**
 * Every commit reachable from `sha` (itself included), by BFS over parents.
 * @param {Repo} repo
 * @param {string} sha
 * @returns {Set<string>}
 */
function ancestors(repo, sha) {
  const seen = new Set([sha]);
  const queue = [sha];
  for (let i = 0; i < queue.length; i++) {
    const c = repo.commits.get(/** @type {string} */ (queue[i]));
    if (!c) continue;
    for (const p of c.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return seen;
}

/**
 * @param {string} owner
 * @param {string} repo
 */
function repoKey(owner, repo) {
  return `${owner}/${repo}`.toLowerCase();
}

/**
 * The lower-cased sha, or undefined when `v` is not 40 hex digits.
 * @param {unknown} v
 */
function normalizeSha(v) {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  return SHA_RE.test(s) ? s : undefined;
}

/**
 * An integer query value; a missing or malformed value gives `fallback`, then clamped to [min, max].
 * @param {string | undefined} raw
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function clampInt(raw, fallback, min, max) {
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  const v = Number.isInteger(n) ? n : fallback;
  return Math.min(max, Math.max(min, v));
}

/** @param {string} s */
function decodeSegment(s) {
  return decode(s, notFound);
}
