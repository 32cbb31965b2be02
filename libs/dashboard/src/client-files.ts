import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the built browser code is: `npm run build` compiles libs/dashboard/client into
 * dist/libs/dashboard/public (with the page, its styles and Chart.js's browser file, see
 * client/copy-static.js), beside this file's own compiled copy. A server run from the
 * TypeScript sources (the e2e suites) finds it in dist/ too.
 */
export function clientRoot(): string | null {
  const candidates = [join(__dirname, '..', 'public'), join(__dirname, '..', '..', '..', 'dist', 'libs', 'dashboard', 'public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'main.js'))) ?? null;
}

/** The folder `clientRoot()` found when the module started, or null: the page and the files agree on it. */
export const CLIENT_ROOT = Symbol('CLIENT_ROOT');

/**
 * Only what the page itself needs, from this origin: the machine that serves it may have
 * no internet, and a page that can call nothing else cannot leak the key elsewhere.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
