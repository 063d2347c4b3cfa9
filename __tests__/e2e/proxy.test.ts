// Self-hosted runners behind a proxy: with HTTPS_PROXY set, every request tunnels through it (CONNECT),
// and NO_PROXY exempts hosts, as the toolkit's http-client decides for other actions. The "Vercel API"
// here is https://api.vercel.test: the proxy sends the tunnel to a local TLS server (a certificate
// made for that name, trusted through NODE_EXTRA_CA_CERTS) in front of the simulation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { VercelSimulator } from '../../simulator/vercel-api.js';
import { runAction } from '../support/run-action.js';

const TOKEN = 'vrc_proxy_token_Kx2';
const HOST = 'api.vercel.test';
let dir: string;
let sim: VercelSimulator;
let tls: TlsServer;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];
const sockets = new Set<Socket>();

const listen = (server: Server | TlsServer) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-test-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
    ],
    {
      stdio: 'ignore',
    },
  );

  sim = new VercelSimulator();
  sim.addUser({ id: 'user_proxy', token: TOKEN });
  const simPort = Number(new URL(await sim.start()).port);
  // TLS in front of the simulation, as api.vercel.test.
  tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {
    sockets.add(socket);
    const upstream = connect(simPort, '127.0.0.1');
    sockets.add(upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  const tlsPort = await listen(tls);
  // The proxy: CONNECT host:port, whatever the host, is tunnelled to the TLS server.
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    sockets.add(client);
    const upstream = connect(tlsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await new Promise((resolve) => tls.close(resolve));
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  tunnels.length = 0;
});

const run = (env: Record<string, string>, id: string) =>
  runAction({
    inputs: { token: TOKEN, 'deployment-id': id, 'api-url': `https://${HOST}`, retries: '0' },
    env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), ...env },
  });

it('tunnels every request through HTTPS_PROXY', async () => {
  const d = sim.addDeployment({ ownerId: 'user_proxy', readyState: 'BUILDING' });
  const result = await run({ HTTPS_PROXY: proxyUrl }, d.id);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.outputs['ready-state']).toBe('CANCELED');
  expect(sim.getDeployment(d.id).readyState).toBe('CANCELED');
  // One tunnel per request: the read before the cancel, and the cancel.
  expect(tunnels).toEqual([`${HOST}:443`, `${HOST}:443`]);
});

it('leaves a host listed in NO_PROXY alone', async () => {
  const d = sim.addDeployment({ ownerId: 'user_proxy', readyState: 'BUILDING' });
  const result = await run({ https_proxy: proxyUrl, no_proxy: `example.com,${HOST}` }, d.id);
  // Without the proxy, api.vercel.test does not resolve: the request fails, and no tunnel was asked for.
  expect(tunnels).toEqual([]);
  expect(result.code).toBe(1);
  expect(JSON.parse(result.outputs.deployments!)[0].reason).toMatch(/failed: network error (ENOTFOUND|EAI_AGAIN)/);
  expect(sim.getDeployment(d.id).readyState).toBe('BUILDING');
});

describe('a proxy that refuses the tunnel', () => {
  let refusing: Server;
  let refusingUrl: string;
  let answer = '';
  /** Every connection the refusing proxy accepted, and whether it has closed. */
  const connections: Array<{ closed: boolean }> = [];

  beforeAll(async () => {
    refusing = createServer((_req, res) => res.writeHead(405).end());
    refusing.on('connection', (socket: Socket) => {
      const entry = { closed: false };
      connections.push(entry);
      socket.on('close', () => (entry.closed = true));
    });
    // Answers CONNECT and keeps the connection open, as a keep-alive proxy does: the client must close it.
    refusing.on('connect', (_req, client: Socket) => {
      client.on('error', () => undefined);
      // Read on, so the client's closing is seen; the server allows half-open sockets: close ours then.
      client.resume();
      client.on('end', () => client.end());
      sockets.add(client);
      client.write(answer);
    });
    refusingUrl = `http://127.0.0.1:${await listen(refusing)}`;
  });
  afterAll(async () => {
    refusing.closeAllConnections();
    await new Promise((resolve) => refusing.close(resolve));
  });
  beforeEach(() => {
    connections.length = 0;
  });
  // The proxy's side of every connection closes (jest's timeout is the bound, not a clock here).
  const allClosed = async () => {
    while (!connections.every((c) => c.closed)) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  // request-timeout 300 s: a run that waited for it after the proxy's answer would outlive jest's 30 s.
  const runThrough = (id: string, retries: string) =>
    runAction({
      inputs: { token: TOKEN, 'deployment-id': id, 'api-url': `https://${HOST}`, retries, 'request-timeout': '300' },
      env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), HTTPS_PROXY: refusingUrl },
    });

  it("407: names the proxy's answer, does not retry it, and exits at once with every socket closed", async () => {
    answer = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n';
    const d = sim.addDeployment({ ownerId: 'user_proxy', readyState: 'BUILDING' });
    const result = await runThrough(d.id, '3');

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [row] = JSON.parse(result.outputs.deployments!) as Array<{ outcome: string; reason: string }>;
    expect(row).toEqual({
      id: d.id,
      url: null,
      readyState: null,
      canceledAt: null,
      outcome: 'failed',
      reason: `GET /v13/deployments/${d.id} failed: the proxy refused the connection: HTTP 407 Proxy Authentication Required`,
    });
    expect(result.stdout).not.toMatch(/ECONNRESET|tunneling socket/);
    // One CONNECT: a 407 will not pass on a retry.
    expect(connections).toHaveLength(1);
    await allClosed();
    expect(sim.getDeployment(d.id).readyState).toBe('BUILDING');
  });

  it('502: retried (a gateway may recover), then the last answer named; the process exits at once', async () => {
    answer = 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n';
    const d = sim.addDeployment({ ownerId: 'user_proxy', readyState: 'BUILDING' });
    const result = await runThrough(d.id, '1');

    expect(result.code).toBe(1);
    const [row] = JSON.parse(result.outputs.deployments!) as Array<{ reason: string }>;
    expect(row!.reason).toBe(`GET /v13/deployments/${d.id} failed: the proxy refused the connection: HTTP 502 Bad Gateway (2 attempts)`);
    expect(result.stdout).toMatch(/the proxy refused the connection: HTTP 502 Bad Gateway; retrying in/);
    expect(connections).toHaveLength(2);
    await allClosed();
  });
});
