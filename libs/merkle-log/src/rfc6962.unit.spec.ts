import fc from 'fast-check';
import { MemoryTree } from './memory-tree';
import {
  consistencyRanges,
  EMPTY_ROOT,
  Hash,
  inclusionRanges,
  leafHash,
  ProofRange,
  rangeHash,
  SubtreeHashes,
  verifyConsistency,
  verifyInclusion,
} from './rfc6962';
import { TreeEdge } from './tree-edge';

const hex = (hash: Hash) => hash.toString('hex');
const unhex = (text: string) => Buffer.from(text, 'hex');

/** The leaf inputs and tree heads of Certificate Transparency's reference tests (RFC 6962 hashing). */
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_LEAVES = CT_INPUTS.map((input) => leafHash(input));

const proofOf = (ranges: ProofRange[], tree: SubtreeHashes) => ranges.map((r) => rangeHash(r.lo, r.hi, tree));
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('RFC 6962 hashing', () => {
  it('gives the reference tree heads for 0 to 8 leaves', () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    for (let n = 1; n <= 8; n++) expect(hex(rangeHash(0, n, MemoryTree.of(CT_LEAVES.slice(0, n))))).toBe(CT_ROOTS[n]);
  });

  it('gives the reference inclusion proofs, and they verify', () => {
    const tree = MemoryTree.of(CT_LEAVES);
    const expected: Array<[number, string[]]> = [
      [
        0,
        [
          '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        5,
        [
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
    ];
    for (const [index, path] of expected) {
      const proof = proofOf(inclusionRanges(index, 8), tree);
      expect(proof.map(hex)).toEqual(path);
      expect(verifyInclusion(index, 8, CT_LEAVES[index], proof, unhex(CT_ROOTS[8]))).toBe(true);
    }
  });

  it('gives the reference consistency proofs, and they verify', () => {
    const tree = MemoryTree.of(CT_LEAVES);
    const expected: Array<[number, string[]]> = [
      [
        2,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        6,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
    ];
    for (const [first, path] of expected) {
      const proof = proofOf(consistencyRanges(first, 8), tree);
      expect(proof.map(hex)).toEqual(path);
      expect(verifyConsistency(first, 8, unhex(CT_ROOTS[first]), unhex(CT_ROOTS[8]), proof)).toBe(true);
    }
  });

  it('verifies every inclusion proof in every tree up to 40 leaves, and no altered one', () => {
    const leaves = leavesOf(40);
    const tree = MemoryTree.of(leaves);
    for (let n = 1; n <= 40; n++) {
      const root = rangeHash(0, n, tree);
      for (let m = 0; m < n; m++) {
        const proof = proofOf(inclusionRanges(m, n), tree);
        expect(verifyInclusion(m, n, leaves[m], proof, root)).toBe(true);
        expect(verifyInclusion(m, n, leaves[(m + 1) % 40], proof, root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(m, n, leaves[m], proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(m, n, leaves[m], [...proof, leaves[0]], root)).toBe(false);
        }
      }
    }
  });

  it('verifies every consistency proof between trees up to 40 leaves, and no altered one', () => {
    const leaves = leavesOf(40);
    const tree = MemoryTree.of(leaves);
    const roots = Array.from({ length: 41 }, (_, n) => rangeHash(0, n, tree));
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = proofOf(consistencyRanges(m, n), tree);
        expect(verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, roots[m - 1], roots[n], proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n - 1], proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n], proof.slice(0, -1))).toBe(false);
          const flipped = proof.map((p, i) => (i === 0 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
          expect(verifyConsistency(m, n, roots[m], roots[n], flipped)).toBe(false);
        }
      }
    }
  });

  it('a tree grown by appending leaves in any chunks has the same root and subtrees as one built at once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }), (chunks) => {
        const leaves = leavesOf(chunks.reduce((a, b) => a + b, 0));
        const whole = MemoryTree.of(leaves);
        let edge = TreeEdge.empty();
        let at = 0;
        for (const chunk of chunks) {
          const grown = edge.append(leaves.slice(at, at + chunk));
          for (const node of grown.nodes) expect(hex(node.hash)).toBe(hex(whole.hash(node)));
          edge = grown.edge;
          at += chunk;
          expect(hex(edge.root())).toBe(hex(rangeHash(0, at, whole)));
          // The edge can be rebuilt from stored nodes alone.
          expect(
            hex(
              TreeEdge.of(
                at,
                TreeEdge.nodesFor(at).map((id) => whole.hash(id)),
              ).root(),
            ),
          ).toBe(hex(edge.root()));
        }
      }),
    );
  });
});
