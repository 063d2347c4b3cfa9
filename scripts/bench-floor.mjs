// The floor of npm run bench: the least a step that cancels one deployment by id can do. It reads the
// same INPUT_* variables the runner gives the action, sends one PATCH /v12/deployments/{id}/cancel
// (node:http, or node:https for an https api-url, loaded the way the action loads it), and appends
// `ready-state` to the GITHUB_OUTPUT file. No input checks, retries, report or summary: what the
// action adds above this script is the cost of doing the job properly.
import { appendFileSync } from 'node:fs';

const base = new URL(process.env['INPUT_API-URL'] ?? '');
const url = new URL(`/v12/deployments/${encodeURIComponent(process.env['INPUT_DEPLOYMENT-ID'] ?? '')}/cancel`, base);
const { request } = base.protocol === 'https:' ? await import('node:https') : await import('node:http');

const req = request(url, { method: 'PATCH', headers: { authorization: `Bearer ${process.env.INPUT_TOKEN}` } }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => (body += chunk));
  res.on('end', () => {
    if (res.statusCode !== 200) {
      console.error(`cancel answered HTTP ${res.statusCode}`);
      process.exitCode = 1;
      return;
    }
    appendFileSync(process.env.GITHUB_OUTPUT ?? '', `ready-state=${JSON.parse(body).readyState}\n`);
  });
});
req.on('error', (err) => {
  console.error(err.message);
  process.exitCode = 1;
});
req.end();
