import { createHash } from 'node:crypto';

/**
 * RFC 6962 §2.1 (RFC 9162 §2.1) Merkle tree hashing, proofs and their verification, over
 * SHA-256. Pure: the hashes of subtrees come from a `SubtreeHashes` the caller provides
 * (stored nodes, or leaves in memory), so one set of algorithms serves the log's storage,
 * its verifier and its tests.
 */
export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** MTH({d}) = SHA-256(0x00 || d). */
export const leafHash = (input: Buffer | string): Hash => createHash('sha256').update(LEAF_PREFIX).update(input).digest();

/** SHA-256(0x01 || left || right). */
export const nodeHash = (left: Hash, right: Hash): Hash => createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete subtree of 2^level leaves, the index-th of its level: leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

export const nodeKey = (id: NodeId): string => `${id.level}:${id.index}`;

/**
 * The complete subtrees whose hashes make MTH(D[lo:hi]) for a range the RFC's recursion
 * reaches (lo a multiple of the largest power of two not above hi - lo, as every such range
 * is), left to right.
 */
export function completeSubtrees(lo: number, hi: number): NodeId[] {
  const ids: NodeId[] = [];
  while (lo < hi) {
    let size = 1;
    while (size * 2 <= hi - lo && lo % (size * 2) === 0) size *= 2;
    ids.push({ level: Math.log2(size), index: lo / size });
    lo += size;
  }
  return ids;
}

/** MTH(D[lo:hi]) from the hashes of its complete subtrees (as `completeSubtrees` lists them). */
export function rangeHash(lo: number, hi: number, nodes: SubtreeHashes): Hash {
  if (hi <= lo) return EMPTY_ROOT;
  const parts = completeSubtrees(lo, hi).map((id) => nodes.hash(id));
  let hash = parts[parts.length - 1];
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i], hash);
  return hash;
}

/** Where hashes of complete subtrees come from; `hash` throws for one it does not hold. */
export interface SubtreeHashes {
  hash(id: NodeId): Hash;
}

/** A range [lo, hi) of leaves whose MTH is one element of a proof. */
export interface ProofRange {
  lo: number;
  hi: number;
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the ranges whose hashes prove leaf m in a tree of n, bottom up. */
export function inclusionRanges(m: number, n: number): ProofRange[] {
  if (m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  const ranges: ProofRange[] = [];
  const walk = (index: number, lo: number, hi: number) => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (index < k) {
      walk(index, lo, lo + k);
      ranges.push({ lo: lo + k, hi });
    } else {
      walk(index - k, lo + k, hi);
      ranges.push({ lo, hi: lo + k });
    }
  };
  walk(m, 0, n);
  return ranges;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): the ranges whose hashes prove a tree of m is a prefix of a tree of n. */
export function consistencyRanges(m: number, n: number): ProofRange[] {
  if (m < 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const ranges: ProofRange[] = [];
  const subproof = (size: number, lo: number, hi: number, whole: boolean) => {
    if (size === hi - lo) {
      if (!whole) ranges.push({ lo, hi });
      return;
    }
    const k = splitPoint(hi - lo);
    if (size <= k) {
      subproof(size, lo, lo + k, whole);
      ranges.push({ lo: lo + k, hi });
    } else {
      subproof(size - k, lo + k, hi, false);
      ranges.push({ lo, hi: lo + k });
    }
  };
  subproof(m, 0, n, true);
  return ranges;
}

/** The complete subtrees to fetch for these proof ranges, once each. */
export function subtreesOf(ranges: readonly ProofRange[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const range of ranges) for (const id of completeSubtrees(range.lo, range.hi)) seen.set(nodeKey(id), id);
  return [...seen.values()];
}

/** RFC 9162 §2.1.3.2: whether `proof` shows the leaf with this hash at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `first` leaves with `firstRoot` is a prefix of the tree of `second` with `secondRoot`. */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
