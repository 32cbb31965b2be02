import { createHash } from 'node:crypto';
import { canonicalJson } from '@cx/events';

/** SHA-256 of a canonical JSON text, in hex. */
export const canonicalHash = (canonical: string): string => createHash('sha256').update(canonical).digest('hex');

/** SHA-256 of the canonical JSON of a CloudEvent as sent: equal for the same content in any key order. */
export const contentHashOf = (cloudEvent: unknown): string => canonicalHash(canonicalJson(cloudEvent));
