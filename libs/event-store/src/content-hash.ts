import { hash } from 'node:crypto';
import { canonicalJson } from '@cx/events';

/** SHA-256 of a canonical JSON text, in hex (one-shot: no Hash object per event). */
export const canonicalHash = (canonical: string): string => hash('sha256', canonical, 'hex');

/** SHA-256 of the canonical JSON of a CloudEvent as sent: equal for the same content in any key order. */
export const contentHashOf = (cloudEvent: unknown): string => canonicalHash(canonicalJson(cloudEvent));
