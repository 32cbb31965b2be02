import type { CustomerMerge, IdentityConflict, IdentityLink } from './customer-resolution';

/**
 * Where identifier keys point. Written on the append path, before the events that caused
 * the links are appended: a link without its event is harmless (a retry resolves the same
 * way), an event without its link would resolve differently next time.
 */
export interface IdentityDirectory {
  /** The customer each known key points at; unknown keys are absent from the map. */
  lookup(keys: readonly string[]): Promise<Map<string, string>>;
  /** Applies links (overwriting), then re-points every key of each merged customer at the one it merged into. */
  record(changes: IdentityChanges): Promise<void>;
  /** Erasure (SPEC §4.3): drops the links pointing at these customers and the conflicts naming them; both hold identifiers in clear. */
  forget(customerIds: readonly string[]): Promise<void>;
  /** Identity conflicts, newest first, for ops. */
  conflicts(limit: number): Promise<RecordedConflict[]>;
}

export interface IdentityChanges {
  links: IdentityLink[];
  merges: CustomerMerge[];
  conflicts: Array<IdentityConflict & { eventSource: string; eventId: string }>;
}

export interface RecordedConflict extends IdentityConflict {
  eventSource: string;
  eventId: string;
  recordedAt: string;
}

export const IDENTITY_DIRECTORY = Symbol('IdentityDirectory');
