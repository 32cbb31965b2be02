import type { KeyObject } from 'node:crypto';
import { chainHash, EventStore } from '@cx/event-store';
import { checkpointSignedBy, keyIdOf } from './checkpoint-signature';
import { eventLeafHash } from './event-leaf';
import { MemoryTree } from './memory-tree';
import type { MerkleLog } from './merkle-log';
import type { SignedCheckpoint } from './merkle-log.port';
import { Hash, nodeHash, rangeHash, splitPoint, verifyConsistency } from './rfc6962';

/** Where the store first departs from a checkpoint: one leaf, or a range when the stored tree was altered too. */
export interface FirstDifference {
  /** Leaf index (0-based) of the first leaf that differs, or the first of the range it lies in. */
  fromIndex: number;
  /** Exclusive end of the range; `fromIndex + 1` when the leaf is named exactly. */
  toIndex: number;
  /** The position of the checkpoint's event at `fromIndex`, as the stored tree recorded it (or as the store numbers it now). */
  position: number;
  /** The same for the range's last leaf, `toIndex - 1`. */
  lastPosition: number;
  /** The store no longer has that many events. */
  missing: boolean;
}

export interface CheckpointVerification {
  checkpoint: SignedCheckpoint;
  /** The signature checks with the given key. */
  signed: boolean;
  /** Events in the store now. */
  events: number;
  /** The store holds exactly the checkpoint's events, in its order (recomputed from their content). */
  holdsCheckpoint: boolean;
  /** The stored tree's size now, and whether RFC 6962's consistency proof from the checkpoint to it verifies. */
  tree: { size: number; consistent: boolean };
  firstDifference?: FirstDifference;
  /** An event after the checkpoint that differs from the leaf the tree stored for it when it arrived. */
  alteredSince?: { leafIndex: number; position: number };
}

export interface VerifyOptions {
  onProgress?: (read: number) => void;
  /** Other checkpoints (e.g. those stored with the tree); those signed by the key narrow a difference the tree cannot name. */
  moreCheckpoints?: readonly SignedCheckpoint[];
  batchSize?: number;
}

/**
 * SPEC §4.2 `cx verify --checkpoint`: recomputes every event's leaf from its stored content
 * (its chain hash included), so nothing stored in the database is trusted but what the
 * signed checkpoint vouches for, then
 * - checks that the first `size` leaves have the checkpoint's root (the store still holds
 *   exactly those events), and that the tree stored beside them extends the checkpoint
 *   (RFC 6962 consistency proof from the checkpoint to the stored head);
 * - otherwise finds the first leaf that differs by walking down from the checkpoint's root,
 *   trusting a stored subtree only when it hashes into a trusted parent.
 */
export async function verifyAgainstCheckpoint(
  events: EventStore,
  log: MerkleLog,
  checkpoint: SignedCheckpoint,
  publicKey: KeyObject,
  options: VerifyOptions = {},
): Promise<CheckpointVerification> {
  const head = await log.head();
  const base = { checkpoint, events: 0, holdsCheckpoint: false, tree: { size: head.size, consistent: false } };
  if (!checkpointSignedBy(checkpoint, publicKey)) return { ...base, signed: false };
  const recomputed = await recomputeLeaves(events, options);
  const tree = new MemoryTree(recomputed.leaves, recomputed.count);
  const root = Buffer.from(checkpoint.rootHash, 'hex');
  const holds = recomputed.count >= checkpoint.size && rangeHash(0, checkpoint.size, tree).equals(root);
  const result: CheckpointVerification = {
    ...base,
    signed: true,
    events: recomputed.count,
    holdsCheckpoint: holds,
    tree: { size: head.size, consistent: await storedTreeExtends(log, checkpoint, root, head.size, head.rootHash) },
  };
  if (!holds) {
    const trusted = trustedRoots(checkpoint, options.moreCheckpoints ?? [], publicKey);
    result.firstDifference = await firstDifference(log, tree, recomputed.positions, checkpoint.size, root, trusted);
    return result;
  }
  result.alteredSince = await firstAlteredSince(log, recomputed.leaves, recomputed.positions, checkpoint.size, head.size);
  return result;
}

/** Whether the run as a whole passes: signed, the checkpoint's events intact, the stored tree consistent, nothing altered after. */
export const verificationPasses = (v: CheckpointVerification): boolean =>
  v.signed && v.holdsCheckpoint && v.tree.consistent && !v.alteredSince;

async function recomputeLeaves(
  events: EventStore,
  options: VerifyOptions,
): Promise<{ leaves: Buffer; positions: number[]; count: number }> {
  let leaves: Buffer = Buffer.allocUnsafe(32 * 1024);
  const positions: number[] = [];
  for (let after = 0; ;) {
    const batch = await events.readAll({ after, maxCount: options.batchSize ?? 5_000 });
    if (batch.length === 0) break;
    if ((positions.length + batch.length) * 32 > leaves.length) leaves = grow(leaves, (positions.length + batch.length) * 32);
    for (const event of batch) {
      const hash = chainHash(event.previousHash, event);
      eventLeafHash({ position: event.position, hash, contentHash: event.contentHash }).copy(leaves, positions.length * 32);
      positions.push(event.position);
    }
    after = batch[batch.length - 1].position;
    options.onProgress?.(positions.length);
  }
  return { leaves, positions, count: positions.length };
}

function grow(buffer: Buffer, atLeast: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(atLeast, buffer.length * 2));
  buffer.copy(bigger);
  return bigger;
}

/** RFC 6962 consistency from the checkpoint to the stored head, from the stored tree's nodes. */
async function storedTreeExtends(
  log: MerkleLog,
  checkpoint: SignedCheckpoint,
  root: Hash,
  size: number,
  storedRoot: Hash,
): Promise<boolean> {
  if (size < checkpoint.size) return false;
  try {
    const proof = await log.consistencyProof(checkpoint.size, size);
    const storedRootNow = await log.rootAt(size);
    return storedRootNow.equals(storedRoot) && verifyConsistency(checkpoint.size, size, root, storedRoot, proof);
  } catch {
    // A node the proof needs is missing: the stored tree was cut.
    return false;
  }
}

type TrustedRoot = { size: number; root: Hash };

function trustedRoots(checkpoint: SignedCheckpoint, more: readonly SignedCheckpoint[], publicKey: KeyObject): TrustedRoot[] {
  const keyId = keyIdOf(publicKey);
  return [checkpoint, ...more]
    .filter((c) => c.keyId === keyId && c.size <= checkpoint.size && checkpointSignedBy(c, publicKey))
    .map((c) => ({ size: c.size, root: Buffer.from(c.rootHash, 'hex') }));
}

/**
 * Walks down from the checkpoint's root: at each node, the stored hashes of its two
 * children are trusted if they hash into it; the walk goes into the first child whose
 * recomputed hash differs. Where the stored children do not hash into their parent (the
 * tree was rewritten too), the difference lies somewhere in that node's leaves; other
 * signed checkpoints then bound it from both sides.
 */
async function firstDifference(
  log: MerkleLog,
  tree: MemoryTree,
  positions: number[],
  size: number,
  root: Hash,
  trusted: TrustedRoot[],
): Promise<FirstDifference> {
  const recomputed = (lo: number, hi: number): Hash | undefined => (hi <= tree.size ? rangeHash(lo, hi, tree) : undefined);
  let lo = 0;
  let hi = size;
  let expected = root;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    const stored = await storedHashes(log, lo, mid, hi);
    if (!stored || !nodeHash(stored.left, stored.right).equals(expected)) break;
    const left = recomputed(lo, mid);
    if (!left || !left.equals(stored.left)) {
      hi = mid;
      expected = stored.left;
    } else {
      lo = mid;
      expected = stored.right;
    }
  }
  for (const t of trusted) {
    const matches = t.size <= tree.size && rangeHash(0, t.size, tree).equals(t.root);
    if (matches && t.size > lo && t.size < hi) lo = t.size;
    if (!matches && t.size < hi && t.size > lo) hi = t.size;
  }
  return {
    fromIndex: lo,
    toIndex: hi,
    position: await positionOf(log, lo, positions),
    lastPosition: await positionOf(log, hi - 1, positions),
    missing: lo >= tree.size,
  };
}

async function storedHashes(log: MerkleLog, lo: number, mid: number, hi: number): Promise<{ left: Hash; right: Hash } | undefined> {
  try {
    const nodes = await log.subtrees([
      { lo, hi: mid },
      { lo: mid, hi },
    ]);
    return { left: rangeHash(lo, mid, nodes), right: rangeHash(mid, hi, nodes) };
  } catch {
    return undefined;
  }
}

/** The position the tree recorded for a leaf when it was added; else the store's numbering now, else one past the last. */
async function positionOf(log: MerkleLog, index: number, positions: number[]): Promise<number> {
  const stored = (await log.store.leaves(index, 1)).at(0);
  if (stored?.index === index) return stored.position;
  return positions[index] ?? (positions.length > 0 ? positions[positions.length - 1] + (index - positions.length + 1) : index + 1);
}

/**
 * The first event after the checkpoint whose recomputed leaf differs from the one stored
 * when the tree took it, or the first the tree took that the store no longer has.
 */
async function firstAlteredSince(
  log: MerkleLog,
  leaves: Buffer,
  positions: number[],
  from: number,
  treeSize: number,
): Promise<{ leafIndex: number; position: number } | undefined> {
  const to = Math.min(treeSize, positions.length);
  for (let index = from; index < to;) {
    const stored = await log.store.leaves(index, 10_000);
    if (stored.length === 0) return undefined;
    for (const leaf of stored) {
      if (leaf.index >= to) return undefined;
      if (!leaf.hash.equals(leaves.subarray(leaf.index * 32, leaf.index * 32 + 32)))
        return { leafIndex: leaf.index, position: positions[leaf.index] };
    }
    index = stored[stored.length - 1].index + 1;
  }
  if (treeSize <= positions.length) return undefined;
  return { leafIndex: positions.length, position: await positionOf(log, positions.length, positions) };
}
