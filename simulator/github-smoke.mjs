// Smoke check of the GitHub API simulator: `node simulator/github-smoke.mjs` prints "ok" or throws.
// Also a short usage example of simulator/github-api.js.
import assert from 'node:assert/strict';
import { GitHubSimulator, linearHistory, randomSha } from './github-api.js';

const TOKEN = 'ghs_smoke_token';
const gh = new GitHubSimulator();
gh.addRepo({ owner: 'acme', repo: 'web', id: 812345678, token: TOKEN });
gh.addRepo({ owner: 'acme', repo: 'open' }); // any token or none

// Graph of acme/web (oldest on the left):
//
//   m0 - m1 - m2 - m3 ------------- merge      (main; merge has parents [m3, f2])
//              \                   /
//               f1 - f2 ----------             (feature branch off m2)
//          \
//           x1                                  (force-pushed away: a sibling of m2, child of m1)
//   orphan                                      (unrelated root)
const [m0, m1, m2, m3] = linearHistory(4);
const [f1, f2] = linearHistory(2, m2.sha);
const [x1] = linearHistory(1, m1.sha);
const merge = { sha: randomSha(), parents: [m3.sha, f2.sha] };
const [orphan] = linearHistory(1);
assert.match(m0.sha, /^[0-9a-f]{40}$/);
assert.deepEqual(m0.parents, []);
assert.deepEqual(m1.parents, [m0.sha]);
assert.deepEqual(f1.parents, [m2.sha]);
// children before parents is fine within one call
gh.addCommits('acme', 'web', [merge, m3, m2, m1, m0, f2, f1]);
gh.addCommits('acme', 'web', [x1, orphan]);
gh.addCommits('acme', 'web', [m1]); // idempotent
assert.throws(() => gh.addCommits('acme', 'web', [{ sha: m1.sha, parents: [] }]), /different parents/);
assert.throws(() => gh.addCommits('acme', 'web', [{ sha: randomSha(), parents: [randomSha()] }]), /unknown parent/);
assert.throws(() => gh.addCommits('acme', 'web', [{ sha: 'abc', parents: [] }]), /invalid sha/);
assert.throws(() => gh.addCommits('nobody', 'web', []), /no repo/);
const a = randomSha();
const b = randomSha();
assert.throws(
  () =>
    gh.addCommits('acme', 'web', [
      { sha: a, parents: [b] },
      { sha: b, parents: [a] },
    ]),
  /cycle/,
);
const [o0, o1] = linearHistory(2);
gh.addCommits('acme', 'open', [o0, o1]);

const base = await gh.start();
assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);

/**
 * @param {string} path
 * @param {{ method?: string, auth?: string | null }} [opts]
 */
async function call(path, { method = 'GET', auth = `Bearer ${TOKEN}` } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/vnd.github+json' };
  if (auth) headers.Authorization = auth;
  const res = await fetch(base + path, { method, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
/** @param {{ sha: string }} x @param {{ sha: string }} y @param {string} [q] */
const compare = (x, y, q = '') => call(`/repos/acme/web/compare/${x.sha}...${y.sha}${q}`);
/** @param {any} body */
const shas = (body) => body.commits.map((/** @type {{ sha: string }} */ c) => c.sha);

try {
  // --- linear history: ahead / behind / identical
  let r = await compare(m0, m3);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.body.status, 'ahead');
  assert.equal(r.body.ahead_by, 3);
  assert.equal(r.body.behind_by, 0);
  assert.equal(r.body.total_commits, 3);
  assert.equal(r.body.base_commit.sha, m0.sha);
  assert.equal(r.body.merge_base_commit.sha, m0.sha);
  assert.deepEqual(shas(r.body), [m1.sha, m2.sha, m3.sha]); // oldest first
  assert.deepEqual(r.body.files, []);
  assert.equal(r.body.url, `${base}/repos/acme/web/compare/${m0.sha}...${m3.sha}`);
  assert.deepEqual(
    r.body.commits[0].parents.map((/** @type {{ sha: string }} */ p) => p.sha),
    [m0.sha],
  );
  assert.equal(r.headers.get('link'), null);

  r = await compare(m3, m1);
  assert.equal(r.body.status, 'behind');
  assert.equal(r.body.ahead_by, 0);
  assert.equal(r.body.behind_by, 2);
  assert.equal(r.body.merge_base_commit.sha, m1.sha);
  assert.deepEqual(r.body.commits, []);

  r = await compare(m2, m2);
  assert.equal(r.body.status, 'identical');
  assert.equal(r.body.ahead_by, 0);
  assert.equal(r.body.behind_by, 0);
  assert.equal(r.body.merge_base_commit.sha, m2.sha);

  // --- force-push: x1 and m2 are two children of m1
  r = await compare(x1, m3);
  assert.equal(r.body.status, 'diverged');
  assert.equal(r.body.ahead_by, 2); // m2, m3
  assert.equal(r.body.behind_by, 1); // x1
  assert.equal(r.body.merge_base_commit.sha, m1.sha);
  assert.deepEqual(shas(r.body), [m2.sha, m3.sha]);
  r = await compare(m3, x1);
  assert.equal(r.body.status, 'diverged');
  assert.equal(r.body.ahead_by, 1);
  assert.equal(r.body.behind_by, 2);

  // --- merge commit: both parents' histories are ancestors
  r = await compare(f1, merge);
  assert.equal(r.body.status, 'ahead'); // f1 is an ancestor of merge through its second parent
  assert.equal(r.body.ahead_by, 3); // m3, f2, merge
  assert.deepEqual(new Set(shas(r.body)), new Set([m3.sha, f2.sha, merge.sha]));
  assert.equal(shas(r.body).at(-1), merge.sha);
  r = await compare(m3, merge);
  assert.equal(r.body.status, 'ahead');
  assert.equal(r.body.ahead_by, 3); // f1, f2, merge
  r = await compare(merge, f2);
  assert.equal(r.body.status, 'behind');
  assert.equal(r.body.behind_by, 2); // m3, merge
  r = await compare(m3, f2);
  assert.equal(r.body.status, 'diverged');
  assert.equal(r.body.merge_base_commit.sha, m2.sha);
  assert.equal(r.body.ahead_by, 2);
  assert.equal(r.body.behind_by, 1);
  r = await compare(x1, merge);
  assert.equal(r.body.status, 'diverged');
  assert.equal(r.body.ahead_by, 5); // m2, m3, f1, f2, merge
  assert.equal(r.body.behind_by, 1);

  // --- no common ancestor; unknown sha; refs other than full shas
  r = await compare(orphan, m3);
  assert.equal(r.status, 404);
  assert.equal(r.body.message, `No common ancestor between ${orphan.sha} and ${m3.sha}.`);
  r = await compare({ sha: randomSha() }, m3);
  assert.equal(r.status, 404);
  assert.equal(r.body.message, 'Not Found');
  assert.equal(r.body.status, '404');
  r = await compare(m0, { sha: randomSha() });
  assert.equal(r.status, 404);
  r = await call(`/repos/acme/web/compare/${m0.sha.slice(0, 7)}...${m3.sha}`);
  assert.equal(r.status, 404);
  r = await call(`/repos/acme/web/compare/${m0.sha}..${m3.sha}`);
  assert.equal(r.status, 404);
  r = await call(`/repos/acme/web/compare/${m0.sha}`);
  assert.equal(r.status, 404);
  // URL-encoded dots, upper-case shas, owner/repo case
  r = await call(`/repos/ACME/Web/compare/${m0.sha}%2E%2E%2e${m3.sha.toUpperCase()}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.ahead_by, 3);

  // --- unknown repo, other paths, wrong method
  r = await call(`/repos/acme/nope/compare/${m0.sha}...${m3.sha}`);
  assert.equal(r.status, 404);
  assert.deepEqual(r.body, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  r = await call(`/repos/acme/web`);
  assert.equal(r.status, 404);
  assert.equal(r.body.message, 'Not Found');
  r = await call(`/repos/acme/web/compare/${m0.sha}...${m3.sha}`, { method: 'POST' });
  assert.equal(r.status, 404);

  // --- auth
  r = await call(`/repos/acme/web/compare/${m0.sha}...${m3.sha}`, { auth: null });
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  r = await call(`/repos/acme/web/compare/${m0.sha}...${m3.sha}`, { auth: 'Bearer wrong' });
  assert.equal(r.status, 401);
  r = await call(`/repos/acme/web/compare/${m0.sha}...${m3.sha}`, { auth: `token ${TOKEN}` });
  assert.equal(r.status, 200);
  r = await call(`/repos/acme/open/compare/${o0.sha}...${o1.sha}`, { auth: null });
  assert.equal(r.status, 200);
  r = await call(`/repos/acme/open/compare/${o0.sha}...${o1.sha}`, { auth: 'Bearer anything' });
  assert.equal(r.status, 200);

  // --- rate-limit headers
  assert.equal(r.headers.get('x-ratelimit-limit'), '5000');
  assert.equal(Number(r.headers.get('x-ratelimit-remaining')), 5000 - gh.requests.length);
  assert.ok(Number(r.headers.get('x-ratelimit-reset')) > Date.now() / 1000);

  // --- paging: per_page=1
  /** @type {string[]} */
  const paged = [];
  let next = `/repos/acme/web/compare/${x1.sha}...${merge.sha}?per_page=1`;
  let pages = 0;
  while (next) {
    r = await call(next);
    assert.equal(r.status, 200);
    assert.equal(r.body.ahead_by, 5);
    assert.ok(r.body.commits.length <= 1);
    paged.push(...shas(r.body));
    pages++;
    const link = r.headers.get('link') ?? '';
    const m = /<([^>]+)>; rel="next"/.exec(link);
    next = m?.[1] ? /** @type {string} */ (m[1]).slice(base.length) : '';
  }
  assert.equal(pages, 5);
  r = await compare(x1, merge);
  assert.deepEqual(paged, shas(r.body));
  r = await compare(x1, merge, '?per_page=2&page=3');
  assert.equal(r.body.commits.length, 1);
  assert.match(r.headers.get('link') ?? '', /rel="prev".*rel="first"/);
  r = await compare(x1, merge, '?per_page=2&page=9');
  assert.deepEqual(r.body.commits, []);
  r = await compare(x1, merge, '?per_page=1000');
  assert.equal(r.body.commits.length, 5);
  const long = linearHistory(300, merge.sha);
  gh.addCommits('acme', 'web', long);
  r = await call(`/repos/acme/web/compare/${merge.sha}...${long.at(-1)?.sha}`);
  assert.equal(r.body.ahead_by, 300);
  assert.equal(r.body.commits.length, 250);
  assert.match(r.headers.get('link') ?? '', /per_page=250&page=2>; rel="next"/);

  // --- list commits: `git log SHA`, newest first, through every parent
  /** @param {string} sha @param {string} [extra] */
  const log = async (sha, extra = '') => {
    const res = await call(`/repos/acme/web/commits?sha=${sha}${extra}`);
    assert.equal(res.status, 200);
    return { shas: /** @type {{ sha: string }[]} */ (res.body).map((c) => c.sha), link: res.headers.get('link') ?? '', body: res.body };
  };
  // Added (so dated) m0, m1, m2, f1, m3, f2, merge: newest first, the merged branch's commits included.
  let listed = await log(merge.sha);
  assert.deepEqual(
    listed.shas,
    [merge, f2, m3, f1, m2, m1, m0].map((c) => c.sha),
  );
  assert.deepEqual(
    listed.body[0].parents.map((/** @type {{ sha: string }} */ p) => p.sha),
    [m3.sha, f2.sha],
  );
  assert.match(listed.body[0].commit.committer.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(
    (await log(x1.sha)).shas,
    [x1, m1, m0].map((c) => c.sha),
  ); // a force-pushed-away commit's own history
  assert.deepEqual((await log(m0.sha.toUpperCase())).shas, [m0.sha]);
  listed = await log(merge.sha, '&per_page=3&page=2');
  assert.deepEqual(
    listed.shas,
    [f1, m2, m1].map((c) => c.sha),
  );
  assert.match(listed.link, /page=3>; rel="next".*page=3>; rel="last".*page=1>; rel="first"/);
  assert.equal((await log(long.at(-1)?.sha ?? '')).shas.length, 30); // default per_page
  assert.equal((await log(long.at(-1)?.sha ?? '', '&per_page=500')).shas.length, 100); // at most 100
  assert.equal((await call(`/repos/acme/web/commits?sha=${randomSha()}`)).status, 404);
  assert.equal((await call('/repos/acme/web/commits')).status, 404); // no default branch here
  assert.equal((await call(`/repos/acme/web/commits?sha=${m0.sha}`, { auth: null })).status, 401);
  // Committer dates order the walk, not the graph: a side branch dated later is listed first.
  const [s0] = linearHistory(1);
  const late = { sha: randomSha(), parents: [s0.sha], date: 2_000_000_000 };
  const early = { sha: randomSha(), parents: [s0.sha], date: 1_000_000_000 };
  const join = { sha: randomSha(), parents: [early.sha, late.sha], date: 2_000_000_100 };
  gh.addCommits('acme', 'open', [{ ...s0, date: 900_000_000 }, late, early, join]);
  const skewed = await call(`/repos/acme/open/commits?sha=${join.sha}`);
  assert.deepEqual(
    skewed.body.map((/** @type {{ sha: string }} */ c) => c.sha),
    [join.sha, late.sha, early.sha, s0.sha],
  );

  // --- fault injection
  const p = `/repos/acme/open/compare/${o1.sha}...${o0.sha}`; // a path not requested before: attempt 1 is next
  gh.inject(({ path, attempt }) => {
    if (path === p && attempt === 1) return 'reset';
    if (path === p && attempt === 2) return { status: 502, body: 'Bad Gateway' };
    if (path === '/nope' && attempt === 1)
      return { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'X-RateLimit-Remaining': '0' } };
    return undefined;
  });
  await assert.rejects(fetch(base + p)); // connection reset
  const raw = await fetch(base + p);
  assert.equal(raw.status, 502);
  assert.equal(raw.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await raw.text(), 'Bad Gateway');
  r = await call(p); // third attempt: the real answer
  assert.equal(r.status, 200);
  r = await call('/nope');
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  r = await call('/nope');
  assert.equal(r.status, 404);
  gh.inject(() => ({ delayMs: 300 }));
  await assert.rejects(
    fetch(`${base}/repos/acme/open/compare/${o0.sha}...${o1.sha}`, { signal: AbortSignal.timeout(100) }),
    (e) => /** @type {Error} */ (e).name === 'TimeoutError',
  );
  gh.inject(() => {
    throw new Error('handler bug');
  });
  r = await call(`/repos/acme/open/compare/${o0.sha}...${o1.sha}`);
  assert.equal(r.status, 500);
  assert.match(r.body.message, /handler bug/);
  gh.inject(null);
  r = await call(`/repos/acme/open/compare/${o0.sha}...${o1.sha}`);
  assert.equal(r.status, 200);

  // --- request log
  assert.ok(
    gh.requests.some((q) => q.status === 0),
    'reset request is logged with status 0',
  );
  assert.deepEqual(gh.requests[0], {
    method: 'GET',
    path: `/repos/acme/web/compare/${m0.sha}...${m3.sha}`,
    query: {},
    status: 200,
    authorization: true,
  });
  assert.ok(gh.requests.some((q) => !q.authorization && q.status === 401));
  assert.ok(gh.requests.some((q) => q.query.per_page === '1'));
  assert.ok(!JSON.stringify(gh.requests).includes(TOKEN));
} finally {
  // stop() must not wait for a pending delay
  gh.inject(() => ({ delayMs: 60_000 }));
  const pending = fetch(`${base}/repos/acme/open/compare/${o0.sha}...${o1.sha}`).catch((e) => e);
  await new Promise((res) => setTimeout(res, 50));
  const t0 = Date.now();
  await gh.stop();
  assert.ok(Date.now() - t0 < 1000, 'stop() is prompt');
  assert.ok((await pending) instanceof Error);
  await gh.stop(); // idempotent
}

// latency option
const slow = new GitHubSimulator({ latencyMs: 150 });
slow.addRepo({ owner: 'o', repo: 'r' });
const [s0, s1] = linearHistory(2);
slow.addCommits('o', 'r', [s0, s1]);
const slowBase = await slow.start();
const t1 = Date.now();
const res = await fetch(`${slowBase}/repos/o/r/compare/${s0.sha}...${s1.sha}`);
assert.equal(res.status, 200);
assert.ok(Date.now() - t1 >= 140);
await slow.stop();

console.log('ok');
