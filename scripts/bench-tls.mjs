// https for npm run bench: a self-signed certificate for 127.0.0.1 made at bench time with openssl,
// and a TLS front that decrypts and pipes each connection to a simulator's plain-http port (the
// simulators speak http only). Both sides of a comparison talk to the same front.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';

/**
 * A certificate and key for IP 127.0.0.1 in `dir`, or null when openssl is not installed.
 * @returns {{ certPath: string, cert: Buffer, key: Buffer } | null}
 */
export function selfSignedCertificate(dir) {
  const certPath = join(dir, 'bench-cert.pem');
  const keyPath = join(dir, 'bench-key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'ignore' },
    );
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return null;
    throw err;
  }
  return { certPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

/**
 * Listens for TLS on 127.0.0.1 and forwards the decrypted bytes of each connection to `httpBaseUrl`.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function tlsFront(httpBaseUrl, { cert, key }) {
  const target = new URL(httpBaseUrl);
  const sockets = new Set();
  const server = createServer({ cert, key }, (secure) => {
    const plain = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const s of [secure, plain]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        secure.destroy();
        plain.destroy();
      });
    }
    secure.pipe(plain).pipe(secure);
  });
  server.on('tlsClientError', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
