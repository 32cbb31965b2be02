import type { CustomerMerge, IdentityConflict, IdentityLink } from './customer-resolution';

/**
 * Where identifiers point. Keys are keyed digests of normalised identifiers
 * (`IdentifierDigests`), never the identifiers themselves (SPEC §4.3). Written on the
 * ingest path inside the event store's transaction (`DirectoryTransaction`), so a link,
 * a merge and the events that caused them are stored together or not at all (SPEC §4.1).
 */
export interface IdentityDirectory {
  /** Erasure (SPEC §4.3): drops the links pointing at these customers and the conflicts naming them. */
  forget(customerIds: readonly string[]): Promise<void>;
  /** Identity conflicts, newest first, for ops. */
  conflicts(limit: number): Promise<RecordedConflict[]>;
  /** Every merge the directory applied, for `cx verify` to check each has its `cx.customer.merged.v1` event. */
  merges(): Promise<CustomerMerge[]>;
}

/** The directory inside one transaction of the event store it lives beside. */
export interface DirectoryTransaction {
  /** The customer each known key points at; unknown keys are absent. Where the store can, the keys stay locked until commit. */
  lookup(keys: readonly string[]): Promise<Map<string, string>>;
  /** Applies links (overwriting), then re-points every key of each merged customer at the one it merged into, then notes conflicts. */
  record(changes: IdentityChanges): Promise<void>;
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

export const hasChanges = (changes: IdentityChanges): boolean =>
  changes.links.length + changes.merges.length + changes.conflicts.length > 0;
