import { canonicalJson } from '@cx/events';
import { Hash, leafHash } from './rfc6962';

/** What a leaf of the log commits to: one stored event, by its global position and its hashes (SPEC §4.2). */
export interface LeafEvent {
  position: number;
  /** The event's chain hash: SHA-256 over its canonical stored content and the hash of the event before it in its stream. */
  hash: string;
  /** SHA-256 of the canonical CloudEvent as sent: what idempotency compares. */
  contentHash: string;
}

/**
 * The leaf input of an event: the UTF-8 bytes of the canonical JSON (keys sorted, no white
 * space) of `{contentHash, hash, position}`, e.g.
 * `{"contentHash":"9f…","hash":"3a…","position":42}`. The chain hash covers every stored
 * field but the position, so the leaf binds the event's whole stored form to its place in
 * the global order. The log's writer takes `hash` as stored; a verifier recomputes it from
 * the stored content, so content altered under an unchanged hash shows too.
 */
export const eventLeafInput = (event: LeafEvent): string =>
  canonicalJson({ contentHash: event.contentHash, hash: event.hash, position: event.position });

/** MTH of the leaf: SHA-256(0x00 || leaf input). */
export const eventLeafHash = (event: LeafEvent): Hash => leafHash(Buffer.from(eventLeafInput(event), 'utf8'));
