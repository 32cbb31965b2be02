import { createHash, randomBytes } from 'node:crypto';

/** SPEC §4.4: what a key may do. */
export type AccessRole = 'ingest' | 'analyst' | 'ops';
export const ACCESS_ROLES: readonly AccessRole[] = ['ingest', 'analyst', 'ops'];

/** A key as kept: only its hash, never the key. */
export interface StoredApiKey {
  hash: string;
  roles: AccessRole[];
  label: string;
}

/**
 * Keys are 32 random bytes, so one SHA-256 is as strong as a slow password hash here,
 * and cheap enough to check on every request.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const newApiKey = (role: AccessRole): string => `cx_${role}_${randomBytes(32).toString('base64url')}`;

/** Parses `CX_API_KEYS`: comma-separated `key=role+role`. */
export function parseApiKeys(raw: string): StoredApiKey[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const separator = entry.lastIndexOf('=');
      const key = entry.slice(0, separator);
      const roles = entry
        .slice(separator + 1)
        .split('+')
        .map((role) => role.trim());
      if (separator <= 0 || roles.some((role) => !ACCESS_ROLES.includes(role as AccessRole))) {
        throw new Error(`CX_API_KEYS entry ${index + 1} must be key=role+role with roles from ${ACCESS_ROLES.join(', ')}`);
      }
      return { hash: hashApiKey(key), roles: roles as AccessRole[], label: `CX_API_KEYS #${index + 1}` };
    });
}
