// Starts the Vercel API simulation as a standalone server, for CI's runs of the action itself
// (.github/workflows/ci.yml) and for trying the action by hand. Seeds a user, a team and three
// deployments without git metadata (BUILDING, QUEUED, READY); inside a GitHub Actions job on a push
// or pull_request event, also three builds for superseded mode, made from the event the job runs
// for: the previous commit's (`older`), the current commit's (`own`) and another branch's (`other`).
// Prints what it made and, with GITHUB_OUTPUT set, writes it as step outputs. Runs until killed.
//   node scripts/simulator-server.mjs [--port N]     (default: a free port chosen by the OS)
import { appendFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { VercelSimulator } from '../simulator/vercel-api.js';

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;
const token = 'vrc_simulation_token';
const team = { id: 'team_simulation1', slug: 'simulation' };

const sim = new VercelSimulator();
sim.addUser({ id: 'user_simulation', token, teams: [team] });
const building = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'BUILDING' });
const queued = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'QUEUED' });
const ready = sim.addDeployment({ ownerId: team.id, name: 'web', readyState: 'READY' });
const outputs = { token, 'team-id': team.id, building: building.id, queued: queued.id, ready: ready.id };

/** The commit a push or pull_request run is for, and the one before it on its branch. */
function commitsOfEvent() {
  const { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path } = process.env;
  if (!path || (name !== 'push' && name !== 'pull_request')) return undefined;
  const event = JSON.parse(readFileSync(path, 'utf8'));
  const head = name === 'push' ? { sha: event.after, ref: event.ref.replace(/^refs\/heads\//, '') } : event.pull_request.head;
  const zero = /^0+$/;
  const before = event.before && !zero.test(event.before) ? event.before : randomBytes(20).toString('hex');
  return { sha: head.sha, branch: head.ref, before, repository: event.repository };
}

const current = commitsOfEvent();
if (current) {
  const meta = (sha, branch) => ({
    githubCommitSha: sha,
    githubCommitRef: branch,
    githubRepoId: String(current.repository.id),
    githubOrg: current.repository.owner.login,
    githubRepo: current.repository.name,
    githubDeployment: '1',
  });
  const build = (sha, branch) =>
    sim.addDeployment({ ownerId: team.id, name: 'web', projectId: 'prj_web', readyState: 'BUILDING', meta: meta(sha, branch) });
  Object.assign(outputs, {
    older: build(current.before, current.branch).id,
    own: build(current.sha, current.branch).id,
    other: build(current.sha, `${current.branch}-elsewhere`).id,
  });
}
outputs['api-url'] = await sim.start(port);

// Outputs first: the line on stdout tells a waiting step that they are written.
if (process.env.GITHUB_OUTPUT) {
  appendFileSync(
    process.env.GITHUB_OUTPUT,
    Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}
console.log(JSON.stringify(outputs));
process.on('SIGTERM', () => sim.stop().then(() => process.exit(0)));
