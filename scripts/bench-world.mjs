// The worlds npm run bench (scripts/bench.mjs) measures in: a runner-model step, the simulators with N
// superseded builds, and the requests a run made, counted by kind from the simulators' records.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubSimulator, linearHistory } from '../simulator/github-api.js';
import { loadEvent, stepEnvironment } from '../simulator/github-runner.js';
import { VercelSimulator } from '../simulator/vercel-api.js';

export const TOKEN = 'vrc_bench_token';
export const OWNER = 'user_bench';

/** A fresh step in a new directory under `parent`: the runner model's environment and files for the given `with:`, event and extra variables. */
export async function stepIn(parent, inputs, event = { name: 'workflow_dispatch' }, extra = {}) {
  const dir = mkdtempSync(join(parent, 'step-'));
  return stepEnvironment({ with: inputs, event, env: extra }, dir);
}

/** Request counts by kind, from a simulator's record. */
export function vercelRequests(requests) {
  const kind = (r) =>
    r.method === 'GET' && /^\/v\d+\/deployments$/.test(r.path)
      ? 'list'
      : r.method === 'GET' && /^\/v\d+\/deployments\/[^/]+$/.test(r.path)
        ? 'read'
        : r.method === 'PATCH' && /\/cancel$/.test(r.path)
          ? 'cancel'
          : 'other';
  return count(requests, kind, ['list', 'read', 'cancel', 'other']);
}
export function githubRequests(requests) {
  const kind = (r) => (/^\/repos\/[^/]+\/[^/]+\/commits$/.test(r.path) ? 'commits' : /\/compare\//.test(r.path) ? 'compare' : 'other');
  return count(requests, kind, ['commits', 'compare', 'other']);
}
function count(requests, kind, kinds) {
  const counts = Object.fromEntries(kinds.map((k) => [k, 0]));
  for (const r of requests) counts[kind(r)]++;
  return { total: requests.length, ...counts };
}

/** Simulators with N stale in-progress deployments on main (one commit each, a linear history) and the current commit's own. */
export async function supersededWorld(n, latencyMs) {
  const vercel = new VercelSimulator({ latencyMs });
  vercel.addUser({ id: OWNER, token: TOKEN });
  const github = new GitHubSimulator({ latencyMs });
  github.addRepo({ owner: 'acme', repo: 'web', id: 7 });
  const commits = linearHistory(n + 1);
  github.addCommits('acme', 'web', commits);
  const meta = (sha) => ({ githubCommitSha: sha, githubCommitRef: 'main', githubRepoId: '7', githubOrg: 'acme', githubRepo: 'web' });
  const stale = commits.slice(0, n).map((c) => vercel.addDeployment({ ownerId: OWNER, readyState: 'BUILDING', meta: meta(c.sha) }).id);
  const head = commits[n].sha;
  const current = vercel.addDeployment({ ownerId: OWNER, readyState: 'BUILDING', meta: meta(head) }).id;
  const [api, githubApi] = await Promise.all([vercel.start(), github.start()]);
  const canceled = () => stale.filter((id) => vercel.getDeployment(id).readyState === 'CANCELED').length;
  const check = (label) => {
    if (canceled() !== n || vercel.getDeployment(current).readyState === 'CANCELED') {
      throw new Error(
        `${label}: canceled ${canceled()} of ${n} stale deployments (the current one: ${vercel.getDeployment(current).readyState})`,
      );
    }
  };
  return { vercel, github, api, githubApi, stale, head, check, stop: () => Promise.all([vercel.stop(), github.stop()]) };
}

/** The action's step (under `parent`) in superseded mode on a push of the world's head to main. */
export function supersededStepIn(parent, w) {
  const push = loadEvent('push', (p) => {
    Object.assign(p, { ref: 'refs/heads/main', after: w.head });
    p.repository = { ...p.repository, id: 7, full_name: 'acme/web' };
  });
  return stepIn(
    parent,
    { token: TOKEN, 'api-url': w.api, 'github-token': 'ghs_bench' },
    { name: 'push', payload: push },
    { GITHUB_API_URL: w.githubApi },
  );
}
