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

/**
 * The most of a response body read: Vercel's and GitHub's answers to the calls the action makes
 * (one deployment, a page of 100, a compare with per_page=1) are far smaller. A larger body is
 * hostile or broken; reading it whole could exhaust memory or exceed the longest string V8 makes.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * A failure of the exchange that the HTTP layer can name for the user: a body over the cap, a proxy
 * that refused the tunnel. `retryable` false: another attempt would meet the same answer.
 */
export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The status of an answer whose body was not read: the request may have been applied. */
    readonly unreadStatus?: number,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

/**
 * The toolkit's proxy agent (the `tunnel` package) reports a refused CONNECT as a bare ECONNRESET;
 * its message alone keeps the proxy's status ("tunneling socket could not be established,
 * statusCode=407") or the cause of not reaching it. Named here, so the user reads what the proxy said.
 */
export function proxyFailure(error: unknown): ExchangeError | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !message.startsWith('tunneling socket could not be established')) return undefined;
  const status = /statusCode=(\d{3})/.exec(message)?.[1];
  if (status) {
    const code = Number(status);
    const text = http.STATUS_CODES[code];
    // A proxy's 5xx (a gateway that could not reach Vercel) may pass; its 407 or 403 will not.
    return new ExchangeError(`the proxy refused the connection: HTTP ${code}${text ? ` ${text}` : ''}`, code >= 500);
  }
  const cause = /cause=.*?\b(E[A-Z_]{3,})\b/.exec(message)?.[1];
  return new ExchangeError(`could not reach the proxy${cause ? ` (${cause})` : ''}`, true);
}

/**
 * Send one request and read the whole body (at most MAX_RESPONSE_BYTES), or reject (network error,
 * timeout, abort, a body too large, a proxy's refusal). Settles once; then every timer is cleared
 * and the request destroyed, so nothing it opened keeps the process alive.
 */
export async function send(url: URL, exchange: Exchange): Promise<RawResponse> {
  const { request, agent: direct } = await transportFor(url);
  const agent = (await proxyAgentFor(url)) ?? direct;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: Error) => {
      settle(() => reject(error));
      // After a proxy's refusal the request never had a socket and would never emit 'close'.
      req.destroy();
    };
    const req = request(url, { method: exchange.method, headers: exchange.headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const tooLarge = () =>
        new ExchangeError(
          `the answer (HTTP ${status}) was larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; the action stopped reading it`,
          false,
          status,
        );
      // Settled before the socket is destroyed: the reset that follows is no news.
      if (Number(res.headers['content-length']) > MAX_RESPONSE_BYTES) {
        fail(tooLarge());
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > MAX_RESPONSE_BYTES) {
          fail(tooLarge());
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => settle(() => resolve({ status, headers: flatten(res.headers), text: Buffer.concat(chunks).toString('utf8') })));
      res.on('error', (error) => fail(error));
      res.on('aborted', () => fail(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
    });
    // The timeout covers the whole exchange, body included.
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`no response within ${exchange.timeoutMs} ms`), { name: 'TimeoutError' })),
      exchange.timeoutMs,
    );
    const onAbort = () => fail(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    exchange.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => fail(proxyFailure(error) ?? error));
    req.end(exchange.body);
  });
}
