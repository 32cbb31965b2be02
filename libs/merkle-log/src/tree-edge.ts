import { completeSubtrees, EMPTY_ROOT, Hash, NodeId, nodeHash } from './rfc6962';

/**
 * The right edge of an append-only tree: the hashes of the complete subtrees that make up
 * its first `size` leaves (at most log2(size) of them, largest first). It is all a log
 * needs to append leaves and to know its root, whatever its size.
 */
type Subtree = { level: number; hash: Hash };

/** The two subtrees on top of the stack when they are of one level (they merge into their parent), else null. */
function twinsOnTop(stack: readonly Subtree[]): [Subtree, Subtree] | null {
  const left = stack.at(-2);
  const right = stack.at(-1);
  return left && right && left.level === right.level ? [left, right] : null;
}

export class TreeEdge {
  private constructor(
    readonly size: number,
    private readonly subtrees: readonly Subtree[],
  ) {}

  static empty(): TreeEdge {
    return new TreeEdge(0, []);
  }

  /** The nodes to read to rebuild the edge of a tree of `size` leaves. */
  static nodesFor(size: number): NodeId[] {
    return completeSubtrees(0, size);
  }

  /** The edge from the hashes of `nodesFor(size)`, in that order. */
  static of(size: number, hashes: readonly Hash[]): TreeEdge {
    const ids = TreeEdge.nodesFor(size);
    if (hashes.length !== ids.length) throw new Error(`the edge of a tree of ${size} has ${ids.length} subtrees, not ${hashes.length}`);
    return new TreeEdge(
      size,
      ids.map((id, i) => ({ level: id.level, hash: hashes[i] })),
    );
  }

  /** MTH of the tree: the subtrees folded from the right. */
  root(): Hash {
    if (this.subtrees.length === 0) return EMPTY_ROOT;
    let hash = this.subtrees[this.subtrees.length - 1].hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) hash = nodeHash(this.subtrees[i].hash, hash);
    return hash;
  }

  /** Appends leaf hashes; answers the new edge and every complete subtree the leaves completed (leaves at level 0 included). */
  append(leaves: readonly Hash[]): { edge: TreeEdge; nodes: Array<NodeId & { hash: Hash }> } {
    const stack = [...this.subtrees];
    const nodes: Array<NodeId & { hash: Hash }> = [];
    let size = this.size;
    for (const leaf of leaves) {
      stack.push({ level: 0, hash: leaf });
      nodes.push({ level: 0, index: size, hash: leaf });
      size += 1;
      for (let twins = twinsOnTop(stack); twins; twins = twinsOnTop(stack)) {
        const [left, right] = twins;
        stack.length -= 2;
        const level = left.level + 1;
        const hash = nodeHash(left.hash, right.hash);
        stack.push({ level, hash });
        nodes.push({ level, index: size / 2 ** level - 1, hash });
      }
    }
    return { edge: new TreeEdge(size, stack), nodes };
  }
}
