// GitHub behind a proxy: without a client library of its own, the ancestry check goes through the
// action's transport, so a runner's proxy variables apply to GitHub as they do to Vercel. The GitHub
// API here is http://api.github.test, a name that resolves nowhere: only the proxy (CONNECT) reaches
// the simulation.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { GitHubSimulator, linearHistory } from '../../../simulator/github-api.js';
import { checkAncestry } from '../../../src/github/ancestry.js';
import { DEFAULT_POLICY } from '../../../src/http/request.js';

const TOKEN = 'ghs_proxy_token';
const VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let github: GitHubSimulator;
let proxy: Server;
const tunnels: string[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  github = new GitHubSimulator();
  const simPort = Number(new URL(await github.start()).port);
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    sockets.add(client);
    const upstream = connect(simPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  for (const name of VARIABLES) delete process.env[name];
  process.env.http_proxy = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await github.stop();
});

it('asks GitHub through the proxy the runner sets', async () => {
  github.addRepo({ owner: 'acme', repo: 'web', token: TOKEN });
  const commits = linearHistory(3);
  github.addCommits('acme', 'web', commits);

  const answers = await checkAncestry({
    token: TOKEN,
    apiUrl: 'http://api.github.test',
    repository: { owner: 'acme', name: 'web' },
    head: commits[2].sha,
    shas: [commits[0].sha, commits[1].sha],
    concurrency: 2,
    policy: { ...DEFAULT_POLICY, retries: 0, deadline: Date.now() + 30_000, notice: () => undefined },
  });

  expect(Object.fromEntries(answers)).toEqual({ [commits[0].sha]: { relation: 'older' }, [commits[1].sha]: { relation: 'older' } });
  expect(tunnels).toEqual(['api.github.test:80']);
  expect(github.requests.map((r) => r.path)).toEqual(['/repos/acme/web/commits']);
});
