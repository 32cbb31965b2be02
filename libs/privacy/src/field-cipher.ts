import { createCipheriv, createDecipheriv, createHash, randomBytes, randomFillSync } from 'node:crypto';

const PREFIX = 'cx-enc:v1:';
export const REDACTED = '[redacted]';

/** A fresh AES-256 key for one customer. */
export const newCustomerKey = (): Buffer => randomBytes(32);

/**
 * Which key sealed a value: a customer forgotten and then heard from again has a new key,
 * and a value sealed under the erased one must read as redacted, not fail to decrypt.
 */
const fingerprints = new WeakMap<Buffer, string>();
function fingerprint(key: Buffer): string {
  let print = fingerprints.get(key);
  if (print === undefined) fingerprints.set(key, (print = createHash('sha256').update(key).digest('hex').slice(0, 8)));
  return print;
}

/**
 * Fresh random IVs, taken from a buffer filled by the system's CSPRNG in one call for
 * many fields: one system call per 512 IVs instead of one per field. Never reused: an IV
 * is a view into the buffer, which `sealValue` uses (the cipher and the output copy it)
 * before it returns, so before the buffer can be filled again.
 */
const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 512);
let ivOffset = ivPool.length;
function freshIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** AES-256-GCM of one field value: `cx-enc:v1:<key fingerprint>:` + base64url(iv | tag | ciphertext). */
export function sealValue(plain: string, key: Buffer): string {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${fingerprint(key)}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/**
 * The plain value; `[redacted]` when the key that sealed it is gone (the customer was
 * forgotten). A value that fails to authenticate under its own key throws: it was altered.
 */
export function openValue(sealed: string, key: Buffer | undefined): string {
  const [keyPrint, payload] = sealed.slice(PREFIX.length).split(':');
  if (!key || fingerprint(key) !== keyPrint) return REDACTED;
  const raw = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
