import { createHash } from 'node:crypto';
import type { CustomerRef } from '@cx/events';

/**
 * The identifiers of a customer reference other than `id`, normalised and in the lookup
 * order of SPEC §1.2: e-mail, phone, then external ids by system name.
 * Each is a key: `email:…`, `phone:…` or `ext:system:value`.
 */
export function identifierKeys(ref: CustomerRef): string[] {
  const keys: string[] = [];
  if (ref.email !== undefined) keys.push(`email:${ref.email.trim().toLowerCase()}`);
  if (ref.phone !== undefined) keys.push(`phone:${normalisePhone(ref.phone)}`);
  const externalIds = ref.externalIds ?? {};
  for (const system of Object.keys(externalIds).sort()) keys.push(`ext:${system}:${externalIds[system]}`);
  return keys;
}

/** Phone numbers keep `+` and digits only. */
export const normalisePhone = (phone: string): string => phone.replace(/[^+\d]/g, '');

export const ANON_PREFIX = 'anon-';

/** SPEC §1.2 step 3: `anon-` and the first 16 hex digits of the SHA-256 of the identifier key. */
export const anonymousCustomerId = (key: string): string =>
  ANON_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);

export const isAnonymous = (customerId: string): boolean => customerId.startsWith(ANON_PREFIX);
