// Smoke check of the Vercel API simulator: `node simulator/smoke.mjs` prints "ok" or throws.
// Also a short usage example of simulator/vercel-api.js.
import assert from 'node:assert/strict';
import { RATE_LIMIT, VercelSimulator } from './vercel-api.js';

const TOKEN = 'tok_user1';
const sim = new VercelSimulator();
sim.addUser({ id: 'user_1', token: TOKEN, username: 'octo', teams: [{ id: 'team_acme', slug: 'acme' }] });
sim.addUser({ id: 'user_2', token: 'tok_user2', teams: [{ id: 'team_other', slug: 'other' }] });

const sha = '3f9a1c7e5b2d8046a1e9c3b7d5f2a8064c1e9b3d';
const building = sim.addDeployment({
  ownerId: 'team_acme',
  name: 'storefront',
  meta: { githubCommitSha: sha, githubCommitRef: 'feat/x', githubRepoId: '812345678', githubPrId: '42' },
  alias: ['storefront-git-feat-x-acme.vercel.app'],
});
const ready = sim.addDeployment({ ownerId: 'team_acme', name: 'storefront', readyState: 'READY', target: 'production' });
const queued = sim.addDeployment({ ownerId: 'team_acme', name: 'storefront', readyState: 'QUEUED', gitSource: undefined });
const errored = sim.addDeployment({ ownerId: 'team_acme', name: 'docs', readyState: 'ERROR' });
const initializing = sim.addDeployment({ ownerId: 'team_acme', name: 'storefront', readyState: 'INITIALIZING' });
const personal = sim.addDeployment({ ownerId: 'user_1', name: 'blog' });
const foreign = sim.addDeployment({ ownerId: 'team_other', name: 'secret' });

// defaults
assert.match(building.id, /^dpl_[A-Za-z0-9]{24}$/);
assert.match(building.url, /^storefront-[a-z0-9]{9}-acme\.vercel\.app$/);
assert.equal(building.inspectorUrl, `https://vercel.com/acme/storefront/${building.id.slice(4)}`);
assert.equal(building.createdAt, 1767225600000);
assert.equal(ready.createdAt, 1767225601000);
assert.equal(building.projectId, ready.projectId);
assert.match(building.projectId, /^prj_/);
assert.deepEqual(building.gitSource, { type: 'github', repoId: 812345678, ref: 'feat/x', sha, prId: 42 });
assert.equal('gitSource' in queued, false);
assert.equal(building.creator.uid, 'user_1');
assert.match(personal.url, /-octo\.vercel\.app$/);
assert.equal(sim.getDeployment(building.id), building);
assert.throws(() => sim.addDeployment({ gitSource: { type: 'github', ref: 'main', sha } }), /must name its repository/);
assert.throws(() => sim.addDeployment({ target: 'qa' }), /customEnvironment/);

const base = await sim.start();
assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);

/** @param {string} path @param {{ method?: string, token?: string | null }} [opts] */
async function call(path, { method = 'GET', token = TOKEN } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

try {
  // --- auth
  let r = await call(`/v13/deployments/${building.id}?teamId=team_acme`, { token: null });
  assert.equal(r.status, 403);
  assert.deepEqual(r.body, { error: { code: 'forbidden', message: 'The request is missing an authentication token', missingToken: true } });
  r = await call(`/v13/deployments/${building.id}?teamId=team_acme`, { token: 'nope' });
  assert.equal(r.status, 403);
  assert.deepEqual(r.body, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
  r = await call(`/v13/deployments/${foreign.id}?teamId=team_other`);
  assert.equal(r.status, 403);
  assert.deepEqual(r.body, { error: { code: 'forbidden', message: 'Not authorized' } });
  r = await call(`/v13/deployments/${building.id}?teamId=team_acme&slug=acme`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'bad_request');
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');

  // --- scope mismatch -> 404
  r = await call(`/v13/deployments/${building.id}`); // personal scope, team deployment
  assert.equal(r.status, 404);
  assert.deepEqual(r.body, { error: { code: 'not_found', message: 'Deployment not found' } });
  r = await call(`/v13/deployments/${personal.id}?slug=acme`);
  assert.equal(r.status, 404);
  r = await call(`/v13/deployments/${personal.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.ownerId, 'user_1');

  // --- get by id, by hostname, by alias; withGitRepoInfo
  r = await call(`/v13/deployments/${building.id}?teamId=team_acme`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, building.id);
  assert.equal(r.body.readyState, 'BUILDING');
  assert.equal('gitSource' in r.body, false);
  r = await call(`/v13/deployments/${encodeURIComponent(building.url)}?slug=acme&withGitRepoInfo=true`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, building.id);
  assert.deepEqual(r.body.gitSource, building.gitSource);
  r = await call(`/v13/deployments/storefront-git-feat-x-acme.vercel.app?teamId=team_acme`);
  assert.equal(r.body.id, building.id);
  r = await call(`/v13/deployments/${encodeURIComponent('https://' + building.url)}?teamId=team_acme`);
  assert.equal(r.status, 404);
  r = await call(`/v13/deployments/dpl_missing?teamId=team_acme`);
  assert.equal(r.status, 404);

  // --- rate-limit headers: counted per endpoint (every request so far went to GET /v13)
  assert.ok(sim.requests.every((q) => q.path.startsWith('/v13/')));
  assert.equal(r.headers.get('x-ratelimit-limit'), String(RATE_LIMIT));
  assert.equal(Number(r.headers.get('x-ratelimit-remaining')), RATE_LIMIT - sim.requests.length);
  const listed = await call(`/v6/deployments?teamId=team_acme`);
  assert.equal(Number(listed.headers.get('x-ratelimit-remaining')), RATE_LIMIT - 1);
  assert.ok(Number(r.headers.get('x-ratelimit-reset')) > Date.now() / 1000);

  // --- cancel
  const before = Date.now();
  r = await call(`/v12/deployments/${building.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 200);
  assert.equal(r.body.id, building.id);
  assert.equal(r.body.readyState, 'CANCELED');
  assert.equal(r.body.status, 'CANCELED');
  assert.ok(r.body.canceledAt >= before && r.body.canceledAt <= Date.now());
  assert.equal(typeof r.body.readyStateReason, 'string');
  assert.equal(r.body.url, building.url);
  assert.deepEqual(r.body.gitSource, building.gitSource);
  assert.deepEqual(r.body.team, { id: 'team_acme', name: 'acme', slug: 'acme' });
  assert.equal(r.body.project.id, building.projectId);
  assert.equal(building.readyState, 'CANCELED'); // stored object mutated
  for (const key of [
    'build',
    'projectSettings',
    'regions',
    'routes',
    'env',
    'version',
    'plan',
    'public',
    'bootedAt',
    'buildingAt',
    'isInConcurrentBuildsQueue',
    'isInSystemBuildsQueue',
    'creator',
    'meta',
    'inspectorUrl',
    'type',
  ]) {
    assert.ok(key in r.body, `cancel body has ${key}`);
  }
  r = await call(`/v12/deployments/${building.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, {
    error: { code: 'bad_request', message: 'Cannot cancel a deployment that is not building (readyState: CANCELED)' },
  });
  r = await call(`/v12/deployments/${ready.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /readyState: READY\)/);
  r = await call(`/v12/deployments/${queued.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 200);
  assert.equal('gitSource' in r.body, false);
  r = await call(`/v12/deployments/${ready.url}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 404);
  r = await call(`/v12/deployments/${foreign.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 404);
  r = await call(`/v12/deployments/${building.id}/cancel?teamId=team_acme`); // GET on a PATCH path
  assert.equal(r.status, 405);
  assert.equal(r.body.error.code, 'method_unknown');
  r = await call(`/v9/nothing`);
  assert.deepEqual(r.body, { error: { code: 'not_found', message: 'The requested endpoint was not found' } });

  // --- list: 5 team deployments, pages of 2 -> 3 pages
  const seen = [];
  let until;
  let pages = 0;
  do {
    r = await call(`/v6/deployments?teamId=team_acme&limit=2${until ? `&until=${until}` : ''}`);
    assert.equal(r.status, 200);
    pages++;
    assert.equal(r.body.pagination.count, r.body.deployments.length);
    assert.equal(r.body.pagination.prev, null);
    for (const item of r.body.deployments) {
      assert.equal('gitSource' in item, false);
      assert.equal('id' in item, false);
      assert.equal(item.state, item.readyState);
      assert.equal(item.created, item.createdAt);
      seen.push(item);
    }
    until = r.body.pagination.next;
  } while (until !== null);
  assert.equal(pages, 3);
  assert.deepEqual(
    seen.map((d) => d.uid),
    [initializing, errored, queued, ready, building].map((d) => d.id),
  );
  r = await call(`/v6/deployments?teamId=team_acme&state=${encodeURIComponent('INITIALIZING,READY')}`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [initializing.id, ready.id],
  );
  assert.equal(r.body.pagination.next, null);
  r = await call(`/v6/deployments?teamId=team_acme&projectId=docs`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [errored.id],
  );
  r = await call(`/v6/deployments?teamId=team_acme&projectId=${ready.projectId}&target=production`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [ready.id],
  );
  r = await call(`/v6/deployments?teamId=team_acme&meta-githubCommitSha=${sha}`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [building.id],
  );
  // the same list at /v7 (the SDK's path); branch, sha, meta and projectIds filters
  r = await call(`/v7/deployments?teamId=team_acme&meta-githubCommitSha=${sha}`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [building.id],
  );
  r = await call(`/v7/deployments?teamId=team_acme&branch=feat%2Fx`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [building.id],
  );
  r = await call(`/v6/deployments?teamId=team_acme&sha=${sha.toUpperCase()}`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [building.id],
  );
  r = await call(`/v6/deployments?teamId=team_acme&projectIds=docs`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [errored.id],
  );
  r = await call(`/v6/deployments?teamId=team_acme&projectIds=docs&projectId=docs`);
  assert.equal(r.status, 400);
  // projects: by id or name, in their owner's scope only
  r = await call(`/v9/projects/storefront?teamId=team_acme`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, building.projectId);
  r = await call(`/v9/projects/${building.projectId}?teamId=team_acme`);
  assert.equal(r.body.name, 'storefront');
  r = await call(`/v9/projects/storefront`);
  assert.deepEqual(r.body, { error: { code: 'not_found', message: 'Project not found' } });
  r = await call(`/v6/deployments?teamId=team_acme&limit=101`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'bad_request');
  r = await call(`/v6/deployments`);
  assert.deepEqual(
    r.body.deployments.map((d) => d.uid),
    [personal.id],
  );

  // --- fault injection
  sim.inject(({ method, path, attempt }) => {
    if (path.endsWith('/cancel') && method === 'PATCH' && attempt === 1) return 'reset';
    if (path.endsWith('/cancel') && attempt === 2)
      return { status: 500, body: { error: { code: 'internal_server_error', message: 'boom' } } };
    if (path === '/v6/deployments') return { status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } };
    if (path.startsWith('/v13/')) return { delayMs: 300 };
    return undefined;
  });
  await assert.rejects(
    fetch(`${base}/v12/deployments/${initializing.id}/cancel?teamId=team_acme`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${TOKEN}` },
    }),
  );
  r = await call(`/v12/deployments/${initializing.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 500);
  assert.equal(r.body.error.message, 'boom');
  assert.equal(initializing.readyState, 'INITIALIZING');
  r = await call(`/v12/deployments/${initializing.id}/cancel?teamId=team_acme`, { method: 'PATCH' });
  assert.equal(r.status, 200);
  const raw = await fetch(`${base}/v6/deployments`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(raw.status, 502);
  assert.equal(raw.headers.get('content-type'), 'text/html');
  assert.equal(await raw.text(), '<html>Bad Gateway</html>');
  // a delayed request times out on the client; requests stay concurrent
  await assert.rejects(
    fetch(`${base}/v13/deployments/${personal.id}`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(100) }),
    (e) => e.name === 'TimeoutError',
  );
  const t0 = Date.now();
  const results = await Promise.all([1, 2, 3].map(() => call(`/v13/deployments/${personal.id}`)));
  assert.ok(results.every((x) => x.status === 200));
  assert.ok(Date.now() - t0 < 800, 'delayed requests are handled concurrently');
  // a throwing handler -> 500 internal_server_error, server keeps working
  sim.inject(() => {
    throw new Error('handler bug');
  });
  r = await call(`/v13/deployments/${personal.id}`);
  assert.equal(r.status, 500);
  assert.equal(r.body.error.code, 'internal_server_error');
  sim.inject(null);

  // --- request log
  const resetEntry = sim.requests.find((q) => q.method === 'PATCH' && q.status === 0);
  assert.ok(resetEntry, 'reset request is logged with status 0');
  assert.ok(sim.requests.some((q) => !q.authorization && q.status === 403));
  assert.deepEqual(sim.requests[0], {
    method: 'GET',
    path: `/v13/deployments/${building.id}`,
    query: { teamId: 'team_acme' },
    status: 403,
    authorization: false,
  });
  assert.ok(!JSON.stringify(sim.requests).includes(TOKEN));
} finally {
  // stop() must not wait for a pending delay
  sim.inject(() => ({ delayMs: 60_000 }));
  const pending = fetch(`${base}/v13/deployments/${personal.id}`, { headers: { Authorization: `Bearer ${TOKEN}` } }).catch((e) => e);
  await new Promise((res) => setTimeout(res, 50));
  const t0 = Date.now();
  await sim.stop();
  assert.ok(Date.now() - t0 < 1000, 'stop() is prompt');
  assert.ok((await pending) instanceof Error);
  await sim.stop(); // idempotent
}

// latency option
const slow = new VercelSimulator({ latencyMs: 150 });
slow.addUser({ id: 'u', token: 't' });
const slowBase = await slow.start();
const t1 = Date.now();
const res = await fetch(`${slowBase}/v6/deployments`, { headers: { Authorization: 'Bearer t' } });
assert.equal(res.status, 200);
assert.ok(Date.now() - t1 >= 140);
await slow.stop();

// an enforced rate limit: 429 rate_limited past the limit, a fresh window after windowMs
const limited = new VercelSimulator({ rateLimit: { limit: 2, windowMs: 300, enforce: true } });
limited.addUser({ id: 'u', token: 't' });
const limitedBase = await limited.start();
const get = () => fetch(`${limitedBase}/v13/deployments/dpl_x`, { headers: { Authorization: 'Bearer t' } });
assert.deepEqual([(await get()).status, (await get()).status], [404, 404]);
const over = await get();
assert.equal(over.status, 429);
assert.equal((await over.json()).error.code, 'rate_limited');
assert.ok(Number(over.headers.get('retry-after')) >= 1);
// another endpoint has a bucket of its own
const list = await fetch(`${limitedBase}/v6/deployments`, { headers: { Authorization: 'Bearer t' } });
assert.equal(list.status, 200);
await new Promise((resolve) => setTimeout(resolve, 350));
assert.equal((await get()).status, 404);
await limited.stop();

console.log('ok');
