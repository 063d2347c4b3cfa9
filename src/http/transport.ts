// One HTTP exchange over node:http/https. Not fetch: loading Node's fetch costs more start-up time
// than everything else the action does before its first request.
import * as http from 'node:http';

/** Response headers, names in lower case. */
export type HeaderMap = Record<string, string | undefined>;

export interface RawResponse {
  status: number;
  headers: HeaderMap;
  text: string;
}

export interface Exchange {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

type Transport = { request: typeof http.request; agent: http.Agent };

// Keep-alive: the cancels of one run reuse connections instead of a new TLS handshake each.
// Idle sockets are unref'd by the agent, so they never hold the process open.
const plain: Transport = { request: http.request, agent: new http.Agent({ keepAlive: true }) };
let secure: Promise<Transport> | undefined;

/** node:https (and TLS) loads only when an https URL is used: local simulations never pay for it. */
function transportFor(url: URL): Transport | Promise<Transport> {
  if (url.protocol !== 'https:') return plain;
  secure ??= import('node:https').then((https) => ({ request: https.request, agent: new https.Agent({ keepAlive: true }) }));
  return secure;
}

type ProxyAgents = (url: URL) => http.Agent | undefined;
let proxyAgents: Promise<ProxyAgents> | undefined;
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

/**
 * Self-hosted runners behind a proxy set https_proxy (and no_proxy). The toolkit's http-client
 * decides, as for every other action, whether a URL goes through it, and tunnels; it is loaded
 * only when such a variable is set.
 */
function proxyAgentFor(url: URL): Promise<http.Agent | undefined> | undefined {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return undefined;
  proxyAgents ??= import('@actions/http-client').then(({ HttpClient, getProxyUrl }) => {
    const client = new HttpClient('vercel-cancel-deployment-action', [], { keepAlive: true });
    return (target: URL) => (getProxyUrl(target.href) ? client.getAgent(target.href) : undefined);
  });
  return proxyAgents.then((agentFor) => agentFor(url));
}

function flatten(headers: http.IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Send one request and read the whole body, or reject (network error, timeout, abort). */
export async function send(url: URL, exchange: Exchange): Promise<RawResponse> {
  const { request, agent: direct } = await transportFor(url);
  const agent = (await proxyAgentFor(url)) ?? direct;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: exchange.method, headers: exchange.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
    });
    const fail = (error: Error) => req.destroy(error);
    // The timeout covers the whole exchange, body included.
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`no response within ${exchange.timeoutMs} ms`), { name: 'TimeoutError' })),
      exchange.timeoutMs,
    );
    const onAbort = () => fail(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    exchange.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', reject);
    req.on('close', () => {
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
    });
    req.end(exchange.body);
  });
}
