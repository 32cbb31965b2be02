import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecretFileOnce } from '@cx/settings';

/** The kinds of identifier key that `identifierKeys` writes (`email:…`); a digest has no colon. */
export const CLEAR_IDENTIFIER_KINDS = ['email', 'phone', 'ext'] as const;

/** Identifier keys as written by `identifierKeys`; anything else in the directory is already a digest. */
export const CLEAR_IDENTIFIER = new RegExp(`^(${CLEAR_IDENTIFIER_KINDS.join('|')}):`);

/**
 * SPEC §4.3: the directory keeps a keyed hash (HMAC-SHA256) of each normalised identifier
 * key, never the key. The secret lives outside the store, so a copy of the database alone
 * cannot be searched for a known e-mail or phone number.
 */
export class IdentifierDigests {
  constructor(private readonly secret: Buffer) {}

  of(key: string): string {
    return createHmac('sha256', this.secret).update(key, 'utf8').digest('base64url');
  }
}

/**
 * The secret in `path`, made there (32 random bytes, readable by the owner only) if the file
 * does not exist yet. Two processes starting together agree: only one creation can win.
 */
export function loadIdentitySecret(path: string): Buffer {
  try {
    return decodeSecret(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  createSecretFileOnce(path, `${randomBytes(32).toString('hex')}\n`);
  return decodeSecret(readFileSync(path, 'utf8'), path);
}

function decodeSecret(text: string, path: string): Buffer {
  const secret = Buffer.from(text.trim(), 'hex');
  if (secret.length < 16) throw new Error(`${path}: the identity secret must be at least 16 bytes, written in hex`);
  return secret;
}
