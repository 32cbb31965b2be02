import { eventLeafInput, MerkleLog, SignedCheckpoint } from '@cx/merkle-log';
import type { AuditEntry } from './customer-audit';

export interface AuditInclusion {
  leafIndex: number;
  treeSize: number;
  /** The leaf input (docs/tamper-evidence.md): SHA-256(0x00 || these UTF-8 bytes) is the leaf hash. */
  leafInput: string;
  /** RFC 9162 inclusion path, bottom up, hex. */
  path: string[];
}

export interface AuditProofs {
  /** The latest signed checkpoint the proofs are against; null before the first one. */
  checkpoint: SignedCheckpoint | null;
  /** By position; an event the checkpoint does not cover yet has none. */
  inclusion: Map<number, AuditInclusion>;
}

/** SPEC §4.2: an inclusion proof of each audited event against the latest checkpoint. */
export async function auditProofs(log: MerkleLog, entries: readonly AuditEntry[]): Promise<AuditProofs> {
  const checkpoint = (await log.store.checkpoints(1)).at(0);
  if (!checkpoint) return { checkpoint: null, inclusion: new Map() };
  const proofs = await log.inclusionProofs(
    entries.map((e) => e.position),
    checkpoint.size,
  );
  const inclusion = new Map<number, AuditInclusion>();
  for (const entry of entries) {
    const proof = proofs.get(entry.position);
    if (!proof) continue;
    inclusion.set(entry.position, {
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      path: proof.path.map((h) => h.toString('hex')),
      leafInput: eventLeafInput({ position: entry.position, hash: entry.hash, contentHash: entry.contentHash }),
    });
  }
  return { checkpoint, inclusion };
}
