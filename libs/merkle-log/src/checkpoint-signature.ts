import { createHash, KeyObject, sign, verify } from 'node:crypto';
import type { SignedCheckpoint } from './merkle-log.port';

export type UnsignedCheckpoint = Pick<SignedCheckpoint, 'size' | 'rootHash' | 'time'>;

/**
 * The exact bytes a checkpoint's signature covers: four lines of UTF-8, each ended by a
 * newline: `cx-ledger/checkpoint/v1`, the size in decimal, the root hash in lower-case hex,
 * the time in RFC 3339 UTC. (C2SP's tlog-checkpoint body has the same shape: an origin
 * line, the size, the root.)
 */
export const checkpointText = (c: UnsignedCheckpoint): string => `cx-ledger/checkpoint/v1\n${c.size}\n${c.rootHash}\n${c.time}\n`;

/** First 16 hex digits of SHA-256 of the public key's SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Signs checkpoints with the log's Ed25519 key (`node:crypto`). */
export class CheckpointSigner {
  readonly keyId: string;

  constructor(
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`the checkpoint signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.keyId = keyIdOf(publicKey);
  }

  sign(checkpoint: UnsignedCheckpoint): SignedCheckpoint {
    const signature = sign(null, Buffer.from(checkpointText(checkpoint), 'utf8'), this.privateKey).toString('base64');
    return { ...checkpoint, keyId: this.keyId, signature };
  }
}

/** Whether the checkpoint was signed by this public key, unchanged. */
export function checkpointSignedBy(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false;
  return verify(null, Buffer.from(checkpointText(checkpoint), 'utf8'), publicKey, Buffer.from(checkpoint.signature, 'base64'));
}

/** A checkpoint read from a file or a message: every field checked, so a damaged one is refused with its reason. */
export function parseCheckpoint(value: unknown): SignedCheckpoint {
  const problems: string[] = [];
  const c = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('a checkpoint is a JSON object {size, rootHash, time, keyId, signature}');
  if (!Number.isSafeInteger(c.size) || (c.size as number) < 0) problems.push('size must be a whole number of events');
  if (typeof c.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(c.rootHash)) problems.push('rootHash must be 64 lower-case hex digits');
  if (typeof c.time !== 'string' || Number.isNaN(Date.parse(c.time))) problems.push('time must be an RFC 3339 time');
  if (typeof c.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(c.keyId)) problems.push('keyId must be 16 lower-case hex digits');
  if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(c.signature))
    problems.push('signature must be a base64 Ed25519 signature');
  if (problems.length > 0) throw new Error(`not a checkpoint: ${problems.join('; ')}`);
  return {
    size: c.size as number,
    rootHash: c.rootHash as string,
    time: c.time as string,
    keyId: c.keyId as string,
    signature: c.signature as string,
  };
}
