import type { LeafEvent } from './event-leaf';
import type { Hash, NodeId } from './rfc6962';

/** The stored tree's head: its size in leaves, the position of its last leaf, its root (MTH). */
export interface TreeHead {
  size: number;
  lastPosition: number;
  rootHash: Hash;
}

export interface StoredLeaf {
  index: number;
  position: number;
  hash: Hash;
}

/** Leaves appended to the tree at `from`, the complete subtrees above them they completed, and the head after. */
export interface TreeGrowth {
  from: TreeHead;
  to: TreeHead;
  leaves: StoredLeaf[];
  /** Complete subtrees of LOWEST_STORED_LEVEL (16 leaves) and up; smaller ones are hashed again from their leaves when needed. */
  nodes: Array<NodeId & { hash: Hash }>;
}

/** A signed tree head (SPEC §4.2): `{size, rootHash, time}` signed with the log's Ed25519 key. */
export interface SignedCheckpoint {
  size: number;
  /** MTH of the first `size` events, hex. */
  rootHash: string;
  /** RFC 3339 UTC, when it was signed. */
  time: string;
  /** First 16 hex digits of SHA-256 of the public key (SPKI DER): which key signed. */
  keyId: string;
  /** Ed25519 signature of the checkpoint's signed text (see checkpoint-signature.ts), base64. */
  signature: string;
}

/**
 * Where the log keeps its tree and checkpoints: its own tables beside the events, in the
 * event store's database. Append-only; every write is one transaction.
 */
export interface MerkleLogStore {
  head(): Promise<TreeHead>;
  /** Stores the growth if the tree is still at `growth.from`; false when another writer grew it first (nothing stored). */
  grow(growth: TreeGrowth): Promise<boolean>;
  /** Hashes of stored complete subtrees (level 0: the leaves), by `nodeKey`; those not stored are absent. */
  nodes(ids: readonly NodeId[]): Promise<Map<string, Hash>>;
  /** Up to `count` leaves from index `from`, in order. */
  leaves(from: number, count: number): Promise<StoredLeaf[]>;
  /** The leaf index of each position the tree holds. */
  leafIndexes(positions: readonly number[]): Promise<Map<number, number>>;
  addCheckpoint(checkpoint: SignedCheckpoint): Promise<void>;
  /** Newest first; `beforeSize` pages back. */
  checkpoints(limit: number, beforeSize?: number): Promise<SignedCheckpoint[]>;
  /** Oldest first: those not yet handed to the publisher. */
  unpublishedCheckpoints(limit: number): Promise<SignedCheckpoint[]>;
  markPublished(sizes: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/** The events after a position, in global order, as leaves need them. */
export interface LeafSource {
  leavesAfter(position: number, max: number): Promise<LeafEvent[]>;
}

export const MERKLE_LOG_STORE = Symbol('MerkleLogStore');
