import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes the secret file a setting names (`identitySecretFile`, `signingKeyFile`) with these
 * contents if none is there yet: readable by its owner only, and atomically (written aside,
 * then linked into place), so a reader never sees half a file and, of processes starting
 * together, exactly one creation wins and every process reads the winner's.
 */
export function createSecretFileOnce(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, contents, { mode: 0o600 });
  try {
    linkSync(draft, path);
  } catch (error) {
    // Another process made it first: theirs is the secret.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
}
