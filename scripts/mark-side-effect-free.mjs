// Run before bundling. @actions/core 3 imports its OIDC helper, and with it @actions/http-client and
// undici (~1 MB), at the top of its entry module, though this action never asks for an OIDC token.
// Its modules have no side effects at import time, but its package.json does not say so, so the
// bundler keeps them all and every run pays ~30 ms to load them. Declaring it lets the bundler drop
// what is unused (undici then only loads with the proxy client, behind a proxy). Idempotent.
import { readFileSync, writeFileSync } from 'node:fs';

for (const name of ['@actions/core']) {
  // Its "exports" hide package.json from require.resolve; npm puts it here.
  const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (pkg.sideEffects !== false) {
    pkg.sideEffects = false;
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  }
}
