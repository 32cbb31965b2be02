import { createHash } from 'node:crypto';
import { canonicalJson } from '@cx/events';

/** SHA-256 of the canonical JSON of a CloudEvent as sent: equal for the same content in any key order. */
export const contentHashOf = (cloudEvent: unknown): string =>
  createHash('sha256').update(canonicalJson(cloudEvent)).digest('hex');
