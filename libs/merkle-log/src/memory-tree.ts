import { Hash, NodeId, nodeHash, SubtreeHashes } from './rfc6962';

/**
 * Every complete subtree of a list of leaf hashes, level by level, in memory: 64 bytes a
 * leaf in all. What the verifier recomputes from the events to compare with the log.
 */
export class MemoryTree implements SubtreeHashes {
  private readonly levels: Buffer[];

  /** `leaves` holds `size` hashes of 32 bytes, end to end. */
  constructor(
    leaves: Buffer,
    readonly size: number,
  ) {
    this.levels = [leaves.subarray(0, size * 32)];
    for (let count = Math.floor(size / 2); count >= 1; count = Math.floor(count / 2)) {
      const below = this.levels[this.levels.length - 1];
      const level = Buffer.allocUnsafe(count * 32);
      for (let i = 0; i < count; i++)
        nodeHash(below.subarray(i * 64, i * 64 + 32), below.subarray(i * 64 + 32, i * 64 + 64)).copy(level, i * 32);
      this.levels.push(level);
    }
  }

  static of(leaves: readonly Hash[]): MemoryTree {
    return new MemoryTree(Buffer.concat(leaves), leaves.length);
  }

  has(id: NodeId): boolean {
    return id.level < this.levels.length && (id.index + 1) * 2 ** id.level <= this.size;
  }

  hash(id: NodeId): Hash {
    if (!this.has(id)) throw new RangeError(`no complete subtree ${id.level}:${id.index} in a tree of ${this.size}`);
    return this.levels[id.level].subarray(id.index * 32, id.index * 32 + 32);
  }
}
