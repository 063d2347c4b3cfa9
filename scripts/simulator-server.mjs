// Starts the Vercel API simulation as a standalone server, for CI's run of the action itself
// (.github/workflows/ci.yml) and for trying the action by hand. Seeds a user, a team and three
// deployments (BUILDING, QUEUED, READY), prints what it made, and with GITHUB_OUTPUT set writes
// api-url, token, team-id and the ids as step outputs. Runs until killed.
//   node scripts/simulator-server.mjs [--port 3999]
import { appendFileSync } from 'node:fs';
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
const apiUrl = await sim.start(port);

const outputs = { 'api-url': apiUrl, token, 'team-id': team.id, building: building.id, queued: queued.id, ready: ready.id };
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
