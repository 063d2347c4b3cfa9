// The HTTP plumbing shared by the API simulators (vercel-api.js, github-api.js).
//
// Plain JavaScript ES module, no dependencies beyond node: built-ins. A `SimulatorServer` listens on
// 127.0.0.1 and does everything that is not about a particular API: start/stop (open sockets
// destroyed, pending delays cancelled), request parsing and recording, per-path attempt counting,
// fault injection, artificial latency, rate-limit accounting and headers, and the answers for errors.
// The API itself is a `route` callback that returns `{ status, body, headers? }` or throws an
// `HttpError` carrying the API's own error body.

import http from 'node:http';

/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, status: number, authorization: boolean, streamed?: { bytes: number, closedEarly: boolean } }} RecordedRequest
 * `status` is 0 until the response is sent, and stays 0 for a request answered by a connection reset.
 * `streamed` (for a `streamBytes` answer): bytes written so far, and whether the client closed first.
 * `authorization` tells whether a token was sent; the token itself is never stored.
 */
/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, attempt: number }} InjectContext
 */
/**
 * @typedef {undefined | null | void | 'reset' | { delayMs: number } | { status: number, headers?: Record<string, string>, body?: string | object } | { status: number, headers?: Record<string, string>, streamBytes: number }} InjectResult
 * `streamBytes`: a body of that many bytes (a JSON string that never closes), written chunk by chunk
 * as the client reads, never held in memory; it stops when the client closes the connection.
 */
/**
 * @typedef {(ctx: InjectContext) => InjectResult | Promise<InjectResult>} InjectHandler
 */
/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, token: string | undefined, overLimit: boolean, rate: RateLimitState }} RouteRequest
 * `token` is the credential from the Authorization header (undefined when none); `overLimit` tells
 * whether the rate limit was already used up when the request arrived (enforcing it is up to the API);
 * `rate` is the request's rate-limit bucket after counting it.
 */
/**
 * @typedef {{ status: number, body: unknown, headers?: Record<string, string> }} RouteResponse
 */
/**
 * @typedef {{ limit: number, remaining: number, resetAt: number }} RateLimitState
 * `resetAt` is the end of the current window, in ms since the epoch (0 before the first request).
 */
/**
 * @typedef {object} SimulatorServerOptions
 * @property {(request: RouteRequest) => RouteResponse} route answers a request; throws HttpError for error answers
 * @property {(message: string) => unknown} bugBody the API's body for a 500 caused by a simulator bug
 * @property {(entry: RecordedRequest) => void} record stores a request as it arrives (the entry is updated when answered)
 * @property {() => number} latencyMs artificial delay added to every response, in ms
 * @property {() => { limit: number, windowMs: number }} rateLimit requests allowed per window
 * @property {string[]} authSchemes Authorization schemes accepted for a token (matched case-insensitively)
 * @property {(rate: RateLimitState) => Record<string, string>} [extraHeaders] sent after X-RateLimit-Limit/Remaining/Reset
 * @property {() => number} [now] the server's clock (epoch ms) for the Date header; by default Node's (this machine's)
 * @property {(method: string, path: string) => string} [rateBucket] which rate-limit bucket a request counts against
 *   (default: one bucket for every request, as GitHub's `core` resource)
 */

export const JSON_TYPE = 'application/json; charset=utf-8';

/** An error answer: the status, the API's body for it and any extra headers. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {unknown} body
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export class SimulatorServer {
  #options;
  #tokenRe;
  /** @type {Map<string, number>} `${method} ${path}` -> requests so far */
  #attempts = new Map();
  /** @type {Map<string, { remaining: number, resetAt: number }>} bucket -> its current rate-limit window */
  #rates = new Map();
  /** @type {InjectHandler | null} */
  #injectHandler = null;
  /** @type {http.Server | null} */
  #server = null;
  /** @type {string | null} */
  #baseUrl = null;
  /** @type {Set<import('node:net').Socket>} */
  #sockets = new Set();
  /** @type {Set<{ timer: NodeJS.Timeout, resolve: () => void }>} */
  #sleeps = new Set();
  #stopping = false;

  /** @param {SimulatorServerOptions} options */
  constructor(options) {
    this.#options = options;
    this.#tokenRe = new RegExp(`^(?:${options.authSchemes.join('|')})\\s+(\\S.*)$`, 'i');
  }

  /** The base URL while listening, else null. */
  get baseUrl() {
    return this.#baseUrl;
  }

  /**
   * The current rate-limit window of one bucket (the only one, unless `rateBucket` makes more).
   * @param {string} [bucket]
   * @returns {RateLimitState}
   */
  rateOf(bucket = '') {
    const window = this.#rates.get(bucket) ?? { remaining: 0, resetAt: 0 };
    return { limit: this.#options.rateLimit().limit, ...window };
  }

  /** The current rate-limit window of the default bucket. */
  get rate() {
    return this.rateOf('');
  }

  /**
   * Sets (or clears, with null) the fault-injection handler.
   * @param {InjectHandler | null} handler
   */
  inject(handler) {
    this.#injectHandler = handler ?? null;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Listens on 127.0.0.1, on `port` or (0, the default) a random free one.
   * @param {number} [port]
   * @returns {Promise<string>} base URL, e.g. 'http://127.0.0.1:41234'
   */
  async start(port = 0) {
    if (this.#server && this.#baseUrl) return this.#baseUrl;
    this.#stopping = false;
    const server = http.createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        // #handle already answers 500 on errors; this only guards against a failure while doing so.
        safeDestroy(res);
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
    });
    server.on('clientError', (_err, socket) => {
      try {
        socket.destroy();
      } catch {
        // ignore
      }
    });
    this.#server = server;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(undefined);
      });
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    this.#baseUrl = `http://127.0.0.1:${address.port}`;
    return this.#baseUrl;
  }

  /**
   * Closes the server, destroys every open socket and cancels pending delays. Safe to call twice.
   * @returns {Promise<void>}
   */
  async stop() {
    const server = this.#server;
    this.#stopping = true;
    for (const s of this.#sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.#sleeps.clear();
    if (!server) return;
    this.#server = null;
    this.#baseUrl = null;
    await new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections?.();
      for (const socket of this.#sockets) socket.destroy();
      this.#sockets.clear();
    });
  }

  // ---------------------------------------------------------------- request handling

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async #handle(req, res) {
    const options = this.#options;
    /** @type {RecordedRequest | undefined} */
    let record;
    let bucket = '';
    try {
      req.resume(); // the APIs ignore request bodies; drain them
      const method = (req.method ?? 'GET').toUpperCase();
      const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = parsed.pathname;
      /** @type {Record<string, string>} */
      const query = Object.fromEntries(parsed.searchParams);
      const authHeader = req.headers.authorization;
      const token = typeof authHeader === 'string' ? this.#tokenRe.exec(authHeader.trim())?.[1]?.trim() : undefined;

      record = { method, path, query, status: 0, authorization: token !== undefined };
      options.record(record);
      bucket = options.rateBucket?.(method, path) ?? '';
      const overLimit = this.#countRateLimit(bucket);
      const attemptKey = `${method} ${path}`;
      const attempt = (this.#attempts.get(attemptKey) ?? 0) + 1;
      this.#attempts.set(attemptKey, attempt);

      if (this.#injectHandler) {
        const injected = await this.#injectHandler({ method, path, query: { ...query }, attempt });
        if (injected === 'reset') {
          safeDestroy(res);
          return;
        }
        if (injected && typeof injected === 'object') {
          if ('streamBytes' in injected && typeof injected.streamBytes === 'number') {
            this.#stream(res, record, injected.status, injected.streamBytes, injected.headers ?? {});
            return;
          }
          if ('status' in injected && typeof injected.status === 'number') {
            await this.#sleep(options.latencyMs());
            const { body } = injected;
            const isRaw = typeof body === 'string' || body === undefined || body === null;
            const text = isRaw ? (body ?? '') : JSON.stringify(body);
            /** @type {Record<string, string>} */
            const headers = { 'Content-Type': isRaw ? 'text/plain; charset=utf-8' : JSON_TYPE };
            this.#send(res, record, bucket, injected.status, text, { ...headers, ...(injected.headers ?? {}) });
            return;
          }
          if ('delayMs' in injected && typeof injected.delayMs === 'number') {
            await this.#sleep(injected.delayMs);
          }
        }
      }

      const { status, body, headers } = options.route({ method, path, query, token, overLimit, rate: this.rateOf(bucket) });
      await this.#sleep(options.latencyMs());
      this.#send(res, record, bucket, status, JSON.stringify(body), { 'Content-Type': JSON_TYPE, ...headers });
    } catch (err) {
      if (err instanceof HttpError) {
        await this.#sleep(options.latencyMs());
        this.#send(res, record, bucket, err.status, JSON.stringify(err.body), { 'Content-Type': JSON_TYPE, ...err.headers });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) {
        this.#send(res, record, bucket, 500, JSON.stringify(options.bugBody(`Simulator bug: ${message}`)), { 'Content-Type': JSON_TYPE });
      } else {
        safeDestroy(res);
      }
    }
  }

  /**
   * Counts one request against its bucket's rate limit (opening a new window when the last one is over).
   * @param {string} bucket
   * @returns {boolean} whether the limit was already used up
   */
  #countRateLimit(bucket) {
    let rate = this.#rates.get(bucket);
    if (!rate) this.#rates.set(bucket, (rate = { remaining: 0, resetAt: 0 }));
    const now = Date.now();
    if (now >= rate.resetAt) {
      const { limit, windowMs } = this.#options.rateLimit();
      rate.resetAt = now + windowMs;
      rate.remaining = limit;
    }
    const overLimit = rate.remaining === 0;
    rate.remaining = Math.max(0, rate.remaining - 1);
    return overLimit;
  }

  /**
   * @param {http.ServerResponse} res
   * @param {RecordedRequest | undefined} record
   * @param {string} bucket the rate-limit bucket the request counted against
   * @param {number} status
   * @param {string} text
   * @param {Record<string, string>} headers
   */
  #send(res, record, bucket, status, text, headers) {
    if (this.#stopping || res.destroyed || res.writableEnded || res.headersSent) return;
    if (record) record.status = status;
    const rate = this.rateOf(bucket);
    /** @type {Record<string, string>} */
    const all = {
      'X-RateLimit-Limit': String(rate.limit),
      'X-RateLimit-Remaining': String(rate.remaining),
      'X-RateLimit-Reset': String(Math.ceil(rate.resetAt / 1000)),
      ...this.#dateHeader(),
      ...this.#options.extraHeaders?.(rate),
      ...headers,
      'Content-Length': String(Buffer.byteLength(text)),
    };
    res.writeHead(status, all);
    res.end(text);
  }

  /** A Date header from the server's own clock, when it is not this machine's. */
  #dateHeader() {
    const now = this.#options.now;
    return now ? { Date: new Date(now()).toUTCString() } : {};
  }

  /**
   * A body of `total` bytes, 64 KiB at a time and only as fast as the client reads: `{"filler":"xxx…`.
   * @param {http.ServerResponse} res
   * @param {RecordedRequest} record
   * @param {number} status
   * @param {number} total
   * @param {Record<string, string>} headers
   */
  #stream(res, record, status, total, headers) {
    record.status = status;
    const streamed = { bytes: 0, closedEarly: false };
    record.streamed = streamed;
    res.writeHead(status, { 'Content-Type': JSON_TYPE, ...this.#dateHeader(), ...headers });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const head = Buffer.from('{"filler":"');
    let first = true;
    const write = () => {
      while (streamed.bytes < total && !res.destroyed) {
        const piece = first ? Buffer.concat([head, chunk]).subarray(0, chunk.length) : chunk;
        first = false;
        const slice = piece.subarray(0, Math.min(piece.length, total - streamed.bytes));
        streamed.bytes += slice.length;
        if (!res.write(slice)) return; // wait for 'drain'
      }
      if (streamed.bytes >= total && !res.destroyed) res.end();
    };
    res.on('drain', write);
    res.on('close', () => {
      if (streamed.bytes < total || !res.writableFinished) streamed.closedEarly = true;
    });
    write();
  }

  /**
   * Waits `ms` without blocking other requests; stop() ends every pending wait at once.
   * @param {number} ms
   * @returns {Promise<void>}
   */
  #sleep(ms) {
    if (!(ms > 0) || this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#sleeps.delete(entry);
          resolve();
        }, ms),
        resolve: () => resolve(),
      };
      this.#sleeps.add(entry);
    });
  }
}

/**
 * A decoded URL path segment; a malformed escape sequence throws `onError()`.
 * @param {string} s
 * @param {() => Error} onError
 */
export function decodeSegment(s, onError) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw onError();
  }
}

/** @param {http.ServerResponse} res */
function safeDestroy(res) {
  try {
    res.socket?.destroy();
    res.destroy();
  } catch {
    // ignore
  }
}
