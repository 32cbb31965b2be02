import { eventLeafHash } from './event-leaf';
import type { LeafSource, MerkleLogStore, TreeHead } from './merkle-log.port';
import {
  consistencyRanges,
  Hash,
  inclusionRanges,
  NodeId,
  nodeHash,
  nodeKey,
  ProofRange,
  rangeHash,
  subtreesOf,
  SubtreeHashes,
} from './rfc6962';
import { TreeEdge } from './tree-edge';

/**
 * Complete subtrees of 2 to 8 leaves are not stored: a proof that needs one hashes it again
 * from its leaves (seven hashes at most). That leaves about 1.07 rows per event (the leaf,
 * and one subtree in sixteen) instead of two, which is most of the tree's cost to appends.
 */
export const LOWEST_STORED_LEVEL = 4;

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes, bottom up (RFC 9162 §2.1.3). */
  path: Hash[];
}

/**
 * SPEC §4.2: the append-only Merkle tree over every stored event in position order. It
 * follows the event store (an ordered follower, not a step of the append): `extend` reads
 * the events after the tree's last leaf and stores their leaves and the subtrees they
 * complete in one transaction. Several processes may extend it; a growth stored against a
 * head that moved is refused and tried again from the new head.
 */
export class MerkleLog {
  private edge?: TreeEdge;

  constructor(
    readonly store: MerkleLogStore,
    private readonly source: LeafSource,
  ) {}

  head(): Promise<TreeHead> {
    return this.store.head();
  }

  /** Adds up to `max` events to the tree; answers the head after (unchanged when no event was new or another writer got there first). */
  async extend(max = 5_000): Promise<TreeHead> {
    const head = await this.store.head();
    const events = await this.source.leavesAfter(head.lastPosition, max);
    if (events.length === 0) return head;
    const edge = await this.edgeAt(head.size);
    const hashes = events.map(eventLeafHash);
    const grown = edge.append(hashes);
    const to = { size: grown.edge.size, lastPosition: events[events.length - 1].position, rootHash: grown.edge.root() };
    const leaves = events.map((event, i) => ({ index: head.size + i, position: event.position, hash: hashes[i] }));
    const stored = await this.store.grow({ from: head, to, leaves, nodes: grown.nodes.filter((n) => n.level >= LOWEST_STORED_LEVEL) });
    this.edge = stored ? grown.edge : undefined;
    return stored ? to : this.store.head();
  }

  /** Extends until the tree holds every event stored when it was called. */
  async catchUp(batch = 5_000): Promise<TreeHead> {
    for (;;) {
      const before = await this.store.head();
      const after = await this.extend(batch);
      if (after.size === before.size) return after;
    }
  }

  /** The stored tree as subtree hashes, for the ranges of these proofs. */
  async subtrees(ranges: readonly ProofRange[]): Promise<SubtreeHashes> {
    return storedSubtrees(await this.fetchNodes(subtreesOf(ranges)));
  }

  /** Inclusion proofs of the events at these positions in the tree's first `size` leaves; positions past it, or not in the tree, are left out. */
  async inclusionProofs(positions: readonly number[], size: number): Promise<Map<number, InclusionProof>> {
    const indexes = await this.store.leafIndexes(positions);
    const wanted = [...indexes]
      .filter(([, index]) => index < size)
      .map(([position, index]) => ({ position, index, ranges: inclusionRanges(index, size) }));
    const nodes = await this.subtrees(wanted.flatMap(({ ranges }) => ranges));
    return new Map(
      wanted.map(({ position, index, ranges }) => [
        position,
        {
          leafIndex: index,
          treeSize: size,
          path: ranges.map((r) => rangeHash(r.lo, r.hi, nodes)),
        },
      ]),
    );
  }

  /** RFC 6962 PROOF(first, D[second]) from the stored tree. */
  async consistencyProof(first: number, second: number): Promise<Hash[]> {
    const ranges = consistencyRanges(first, second);
    const nodes = await this.subtrees(ranges);
    return ranges.map((r) => rangeHash(r.lo, r.hi, nodes));
  }

  /** MTH of the stored tree's first `size` leaves. */
  async rootAt(size: number): Promise<Hash> {
    return rangeHash(0, size, await this.subtrees([{ lo: 0, hi: size }]));
  }

  private async edgeAt(size: number): Promise<TreeEdge> {
    if (this.edge?.size === size) return this.edge;
    const ids = TreeEdge.nodesFor(size);
    const nodes = storedSubtrees(await this.fetchNodes(ids));
    return TreeEdge.of(
      size,
      ids.map((id) => nodes.hash(id)),
    );
  }

  /** The stored nodes asked for, and those below LOWEST_STORED_LEVEL hashed from their leaves. */
  private async fetchNodes(ids: readonly NodeId[]): Promise<Map<string, Hash>> {
    const unstored = ids.filter((id) => id.level > 0 && id.level < LOWEST_STORED_LEVEL);
    const leavesOf = (id: NodeId) => Array.from({ length: 2 ** id.level }, (_, i) => ({ level: 0, index: id.index * 2 ** id.level + i }));
    const found = await this.store.nodes([...ids.filter((id) => !unstored.includes(id)), ...unstored.flatMap(leavesOf)]);
    for (const id of unstored) {
      const leaves = leavesOf(id).map((leaf) => found.get(nodeKey(leaf)));
      if (leaves.every((leaf): leaf is Hash => leaf !== undefined)) found.set(nodeKey(id), hashUp(leaves));
    }
    return found;
  }
}

/** MTH of a power-of-two number of leaf hashes. */
function hashUp(level: Hash[]): Hash {
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => nodeHash(level[2 * i], level[2 * i + 1]));
  return level[0];
}

/** Stored hashes as a SubtreeHashes; one that is missing is an error (a store altered or damaged). */
export function storedSubtrees(found: Map<string, Hash>): SubtreeHashes & { has(id: NodeId): boolean } {
  return {
    has: (id) => found.has(nodeKey(id)),
    hash: (id) => {
      const hash = found.get(nodeKey(id));
      if (!hash) throw new Error(`the Merkle tree's node ${nodeKey(id)} is missing from the store`);
      return hash;
    },
  };
}
